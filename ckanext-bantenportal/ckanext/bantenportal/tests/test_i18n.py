"""Complete Bahasa Indonesia: every shipped catalogue is complete, and the main
flows show no English phrase in the Indonesian locale."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator

import ckan
import polib
import pytest
from babel.messages.extract import extract_from_dir
from bs4 import BeautifulSoup
from ckan.tests import factories as core_factories

from ckanext.bantenportal.tests import factories

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(HERE)
ROOT = os.path.abspath(os.path.join(PACKAGE, "..", "..", ".."))
_SKIP_DIRS = {".venv", "node_modules", ".git", "var", "test-artifacts", "build", "dist",
              "__pycache__", ".pytest_cache", ".ruff_cache"}


def shipped_catalogues() -> list[str]:
    """Every .po file of the repository (ours, the other parts', and CKAN core's Indonesian one)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        found.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".po"))
    return sorted(found)


def test_the_shipped_catalogues_include_core_and_ours():
    names = {os.path.relpath(p, ROOT) for p in shipped_catalogues()}
    assert "ckanext-bantenportal/ckanext/bantenportal/i18n/id/LC_MESSAGES/ckanext-bantenportal.po" in names
    assert any(n.endswith("id/LC_MESSAGES/ckan.po") for n in names)


@pytest.mark.parametrize("path", shipped_catalogues(), ids=lambda p: os.path.relpath(p, ROOT))
def test_catalogue_has_no_untranslated_or_fuzzy_message(path):
    po = polib.pofile(path)
    assert po.metadata.get("Language", "").startswith("id") or "/id/" in path
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert not untranslated, f"{len(untranslated)} untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {path}: {fuzzy[:10]}"


def test_every_string_of_the_portal_code_is_in_its_catalogue():
    """A new ``_()`` in our code or templates without an Indonesian translation fails here."""
    method_map = [("**/tests/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "ckan")]
    keywords = {"_": None, "gettext": None, "ungettext": (1, 2), "ngettext": (1, 2)}
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            PACKAGE, method_map=method_map, keywords=keywords):
        in_code.add(message[0] if isinstance(message, tuple) else message)
    po = polib.pofile(os.path.join(PACKAGE, "i18n", "id", "LC_MESSAGES", "ckanext-bantenportal.po"))
    translated = {e.msgid for e in po.translated_entries()}
    missing = sorted(m for m in in_code if m not in translated)
    assert len(in_code) > 50
    assert not missing, f"not translated: {missing}"


# --- English phrases on the pages of the main flows ----------------------------

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")
_STOPWORDS = {"the", "and", "of", "is", "are", "this", "with", "your", "you", "not", "from",
              "will", "has", "have", "been", "there", "which", "please", "could", "would", "must"}


def _core_catalogue() -> polib.POFile:
    for path in shipped_catalogues():
        if path.endswith(os.path.join("id", "LC_MESSAGES", "ckan.po")):
            return polib.pofile(path)
    raise AssertionError("no Indonesian ckan.po is shipped")


def _english_phrases() -> tuple[set[str], list[re.Pattern[str]]]:
    """English UI strings (core's and ours) that the Indonesian catalogue renders differently,
    or does not render at all: seeing one of them verbatim means an untranslated string."""
    translated: dict[str, list[str]] = {}
    for po in [_core_catalogue(),
               polib.pofile(os.path.join(PACKAGE, "i18n", "id", "LC_MESSAGES", "ckanext-bantenportal.po"))]:
        for e in po:
            strs = [s for s in ([e.msgstr] + list(e.msgstr_plural.values())) if s]
            if strs:
                translated[e.msgid] = strs
                if e.msgid_plural:
                    translated[e.msgid_plural] = strs
    msgids = []
    for e in polib.pofile(os.path.join(os.path.dirname(ckan.__file__), "i18n", "ckan.pot")):
        msgids += [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
    msgids += list(translated)
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for msgid in set(msgids):
        if "<" in msgid or "\n" in msgid:
            continue
        text = " ".join(msgid.split())
        renderings = [" ".join(s.split()) for s in translated.get(msgid, [])]
        if text in renderings:
            continue  # the same words in both languages (Dataset, Format, URL...)
        parts = list(_PLACEHOLDER.split(text))
        literal = "".join(parts)
        if len(re.sub(r"[^A-Za-z]", "", literal)) < 3:
            continue
        if len(parts) > 1:
            # Skip templates whose words all survive in the translation ("{num} Dataset").
            if any(all(p.strip() in r for p in parts if p.strip()) for r in renderings):
                continue
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$"))
        else:
            exact.add(text)
    return exact, patterns


def _visible_texts(html: str) -> Iterator[str]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    body = soup.body or soup
    for node in body.find_all(string=True):
        text = " ".join(node.split())
        if text:
            yield text
    for tag in body.find_all(True):
        for attr in ("placeholder", "aria-label", "title", "alt"):
            if tag.get(attr):
                yield " ".join(str(tag[attr]).split())
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            yield " ".join(tag["value"].split())
    if soup.title:
        yield " ".join(soup.title.get_text().split())


def english_on_page(html: str, exact: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    found = []
    for text in _visible_texts(html):
        candidates = {text, text.rstrip(":").strip(), text.rstrip(".…").strip()}
        if candidates & exact or any(p.match(c) for p in patterns for c in candidates):
            found.append(text)
            continue
        words = set(re.findall(r"[a-z]+", text.lower()))
        if len(words & _STOPWORDS) >= 2:
            found.append(text)
    return sorted(set(found))


def test_detector_finds_english_and_accepts_indonesian():
    exact, patterns = _english_phrases()
    html = ("<html><head><title>Beranda</title></head><body><p>Log in</p><p>Cari dataset</p>"
            "<input placeholder='Search datasets...'><p>This is a page of the portal</p>"
            "<p>Dataset</p><p>Dinas Kesehatan</p></body></html>")
    assert english_on_page(html, exact, patterns) == [
        "Log in", "Search datasets...", "This is a page of the portal"]


@pytest.fixture
def flows(app):
    """A small Indonesian catalogue and the people of the main flows."""
    sector = factories.sector("Sektor Kesehatan Masyarakat", urutan=1, pilar=["G2C"])
    org = factories.opd("Dinas Kesehatan Provinsi")
    steward = core_factories.User(name="pengelola-data", fullname="Pengelola Data Dinkes")
    admin = core_factories.Sysadmin(name="admin-portal", fullname="Admin Portal")
    from ckan.tests import helpers

    helpers.call_action("organization_member_create", {"ignore_auth": True, "user": admin["name"]},
                        id=org["id"], username=steward["name"], role="editor")
    dataset = factories.dataset(
        "Jumlah Tenaga Kesehatan Menurut Kabupaten", org, [sector],
        tag_string="kesehatan,tenaga-kesehatan",
        resources=[{"name": "Tabel tenaga kesehatan", "url": "http://contoh.bantenprov.go.id/nakes.csv",
                    "format": "CSV", "description": "Jumlah tenaga kesehatan per kabupaten."}])
    return {"sector": sector, "org": org, "dataset": dataset, "steward": steward, "admin": admin}


def _auth(user: dict) -> dict[str, str]:
    return {"Authorization": core_factories.APIToken(user=user["name"])["token"]}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_main_flows_show_no_english_in_indonesian(app, flows):
    exact, patterns = _english_phrases()
    ds, org, sector = flows["dataset"], flows["org"], flows["sector"]
    res = ds["resources"][0]
    public_pages = [
        "/", "/dataset/", "/dataset/?q=kesehatan", f"/dataset/?organization={org['name']}",
        f"/dataset/{ds['name']}", f"/dataset/{ds['name']}/resource/{res['id']}",
        "/organization/", f"/organization/{org['name']}", "/group/", f"/group/{sector['name']}",
        "/about", "/user/login", "/user/register", "/halaman-tidak-ada", "/dataset/?page=abc",
        "/aplikasi/", "/produk-hukum/",
    ]
    steward_pages = [
        "/dashboard/datasets", "/dataset/new", f"/dataset/edit/{ds['name']}",
        f"/dataset/{ds['name']}/resource/new", f"/user/{flows['steward']['name']}",
    ]
    admin_pages = ["/ckan-admin/", "/ckan-admin/config", f"/organization/edit/{org['name']}",
                   f"/organization/members/{org['name']}", f"/group/edit/{sector['name']}"]
    problems = {}
    for user, pages in ((None, public_pages), (flows["steward"], steward_pages), (flows["admin"], admin_pages)):
        for url in pages:
            response = app.get(url, headers=_auth(user) if user else {})
            expected = 404 if "tidak-ada" in url else 400 if "page=abc" in url else 200
            if response.status_code != expected:
                problems[url] = f"answered {response.status_code}"
                continue
            english = english_on_page(response.get_data(as_text=True), exact, patterns)
            if english:
                problems[url] = english
    assert not problems, "English on Indonesian pages (or pages missing): " + repr(problems)


@pytest.mark.usefixtures("with_plugins")
def test_indonesian_plurals_survive_the_catalogue_merge(app):
    """flask-babel merges one catalogue per ITranslation plugin and keeps the plural
    rule of the LAST one; a plugin without an Indonesian catalogue resets it to
    English (n != 1), and "2 dataset" silently becomes "2 datasets" everywhere."""
    import ckan.plugins.toolkit as tk

    environ = {"CKAN_LANG": "id", "CKAN_LANG_IS_DEFAULT": True, "CKAN_CURRENT_URL": "/"}
    with app.flask_app.test_request_context("/", environ_base=environ):
        assert tk.h.lang() == "id"
        assert tk.ungettext("%(count)s dataset", "%(count)s datasets", 2, count=2) == "2 dataset"
        assert tk.ungettext("{num} Dataset", "{num} Datasets", 2).format(num=2) == "2 Dataset"


@pytest.mark.usefixtures("with_plugins")
def test_every_project_plugin_with_translations_ships_indonesian():
    from ckan.plugins import PluginImplementations
    from ckan.plugins.interfaces import ITranslation

    missing = []
    for plugin in PluginImplementations(ITranslation):
        if not type(plugin).__module__.startswith("ckanext.banten"):
            continue
        po = os.path.join(plugin.i18n_directory(), "id", "LC_MESSAGES", plugin.i18n_domain() + ".po")
        if not os.path.exists(po):
            missing.append(os.path.relpath(po, ROOT))
    assert not missing, f"Indonesian catalogues missing: {missing}"
