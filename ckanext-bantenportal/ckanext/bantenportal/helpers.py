"""Template helpers of the public face: navigation, sectors, pillars, footer, errors.

Helpers only shape what actions return; the home page's queries live in
``home.py`` so that templates never run searches of their own by accident.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

import ckan.lib.formatters as formatters
import ckan.plugins.toolkit as tk
from flask import request
from werkzeug.exceptions import default_exceptions

from ckanext.bantenportal import config

log = logging.getLogger(__name__)

__all__ = [
    "bantenportal_nav",
    "bantenportal_locales",
    "bantenportal_sectors",
    "bantenportal_pillars",
    "bantenportal_steward",
    "bantenportal_error_title",
    "bantenportal_error_detail",
    "bantenportal_extra",
    "bantenportal_home_data",
    "bantenportal_number",
    "bantenportal_site_title",
    "format_resource_items",
]

PILLARS = ("G2G", "G2E", "G2C", "G2B")

# Fallback icons (Font Awesome, bundled with CKAN) chosen by a word of the
# sector's name, for sectors whose ``ikon`` field is empty or unknown.
_SECTOR_ICONS = (
    ("sarana", "fa-road"),
    ("prasarana", "fa-road"),
    ("pemerintahan", "fa-landmark"),
    ("pembangunan", "fa-helmet-safety"),
    ("pelayanan", "fa-handshake-angle"),
    ("legislatif", "fa-scale-balanced"),
    ("kewilayahan", "fa-map-location-dot"),
    ("keuangan", "fa-coins"),
    ("kepegawaian", "fa-id-badge"),
    ("kemasyarakatan", "fa-people-group"),
    ("administrasi", "fa-folder-open"),
    ("manajemen", "fa-folder-open"),
)
_DEFAULT_ICON = "fa-layer-group"
_FA_NAME = re.compile(r"^fa-[a-z0-9-]{1,60}$")


def bantenportal_nav() -> list[dict[str, Any]]:
    """The main navigation, in the order the issue fixes, with the active item.

    Pages owned by other parts (registry, legal products, API page) are linked
    by path so the menu never breaks while they are being built.
    """
    path = request.path if request else "/"
    lang = tk.h.lang() or ""
    default = tk.config.get("ckan.locale_default") or "id"
    if lang and lang != default and (path == f"/{lang}" or path.startswith(f"/{lang}/")):
        path = path[len(lang) + 1:] or "/"
    items = [
        ("home", tk._("Home"), "/", ("/",)),
        ("dataset", tk._("Dataset"), "/dataset/", ("/dataset",)),
        ("organization", tk._("Organizations (OPD)"), "/organization/", ("/organization",)),
        ("group", tk._("Sectors"), "/group/", ("/group",)),
        ("aplikasi", tk._("Applications"), "/aplikasi/", ("/aplikasi",)),
        ("produk-hukum", tk._("Legal Products"), "/produk-hukum/", ("/produk-hukum",)),
        ("about", tk._("About"), "/about", ("/about",)),
        ("api", tk._("API"), "/api", ("/api",)),
    ]
    nav = []
    for key, label, target, prefixes in items:
        if key == "home":
            active = path == "/"
        else:
            active = any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)
        nav.append({"key": key, "label": label, "url": tk.h.url_for(target), "active": active})
    return nav


def bantenportal_locales() -> list[dict[str, Any]]:
    """Links that switch the language of the current page (plain links: keyboard friendly)."""
    current = tk.h.lang()
    try:
        here = tk.h.current_url()
    except (KeyError, RuntimeError):
        here = "/"
    out = []
    for locale in tk.h.get_available_locales():
        code = locale.short_name
        out.append({
            "code": code,
            "bcp47": code.replace("_", "-"),
            "name": locale.display_name or locale.english_name,
            "url": tk.h.url_for(here, locale=code),
            "active": code == current,
        })
    return out


def bantenportal_extra(entity: dict[str, Any], key: str, default: Any = None) -> Any:
    """A custom field of a group/organization, top-level (scheming) or in ``extras``."""
    if key in entity and entity[key] not in (None, ""):
        return entity[key]
    for extra in entity.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == key:
            value = extra.get("value")
            if value not in (None, ""):
                return value
    return default


def _as_list(value: Any) -> list[str]:
    """Pillars may come as a list, a JSON list, or a comma/space separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        text = str(value).strip()
        items = []
        if text.startswith("["):
            try:
                loaded = json.loads(text)
                items = [str(v) for v in loaded] if isinstance(loaded, list) else []
            except ValueError:
                items = []
        if not items:
            items = re.split(r"[,\s;{}\"]+", text)
    return [i.strip().upper() for i in items if i and i.strip()]


def _icon(entity: dict[str, Any]) -> dict[str, str]:
    """{"class": "fa-..."} or {"src": url}: the sector's own icon when usable."""
    raw = bantenportal_extra(entity, "ikon") or bantenportal_extra(entity, "icon") or ""
    raw = str(raw).strip()
    if raw.startswith(("http://", "https://", "/")):
        return {"src": raw, "class": ""}
    names = [part for part in raw.split() if _FA_NAME.match(part)]
    if names:
        return {"class": names[-1], "src": ""}
    if raw and _FA_NAME.match("fa-" + raw):
        return {"class": "fa-" + raw, "src": ""}
    haystack = " ".join(str(entity.get(k) or "") for k in ("name", "title", "display_name")).lower()
    for word, icon in _SECTOR_ICONS:
        if word in haystack:
            return {"class": icon, "src": ""}
    return {"class": _DEFAULT_ICON, "src": ""}


def read_url(group_type: str, name: str) -> str:
    """``url_for('<type>.read', id=name)`` built once per type and request (home lists ~60)."""
    try:
        cache = tk.g.setdefault("bantenportal_read_urls", {})
    except (AttributeError, RuntimeError):  # outside a request: no per-request cache
        cache = {}
    prefix = cache.get(group_type)
    if prefix is None:
        try:
            prefix = tk.h.url_for(f"{group_type}.read", id="__name__")
        except Exception:  # an unknown group type must not break the home page
            prefix = tk.h.url_for("group.read", id="__name__")
        cache[group_type] = prefix
    return prefix.replace("__name__", name)


def _order(entity: dict[str, Any]) -> int:
    value = bantenportal_extra(entity, "urutan", bantenportal_extra(entity, "order"))
    try:
        return int(value)
    except (TypeError, ValueError):
        return 999


def _normalise_sector(entity: dict[str, Any], counts: dict[str, int] | None) -> dict[str, Any]:
    name = entity.get("name") or ""
    title = entity.get("display_name") or entity.get("title") or name
    if counts is not None:
        count = int(counts.get(name, 0))
    else:
        count = int(entity.get("package_count") or entity.get("dataset_count")
                    or entity.get("count") or 0)
    url = read_url(entity.get("type") or "group", name)
    pillars = _as_list(bantenportal_extra(entity, "pilar", bantenportal_extra(entity, "pillars")))
    return {
        "name": name,
        "title": title,
        "description": bantenportal_extra(entity, "description", "") or "",
        "url": url,
        "icon": _icon(entity),
        "count": count,
        "order": _order(entity),
        "pillars": [p for p in pillars if p in PILLARS],
    }


def sector_groups() -> list[dict[str, Any]]:
    """The sector groups as listed by the catalogue (icons, order, pillars), or by group_list."""
    catalogue = getattr(tk.h, "bantensatudata_sectors", None)
    if catalogue is not None:
        try:
            # Counts come from our own faceted search: skip the catalogue's.
            return list(catalogue(include_counts=False))
        except Exception:
            log.warning("bantensatudata_sectors failed; listing groups directly", exc_info=True)
    return list_all("group_list", {"type": "group"})


def list_all(action_name: str, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """group_list / organization_list with all fields, paging through their all_fields cap."""
    action = tk.get_action(action_name)
    page = int(tk.config.get("ckan.group_and_organization_list_all_fields_max") or 25)
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        chunk = action({}, dict(data_dict, all_fields=True, include_extras=True,
                                include_dataset_count=False, limit=page, offset=offset))
        out.extend(chunk)
        if len(chunk) < page:
            return out
        offset += page


def bantenportal_sectors(counts: dict[str, int] | None = None,
                         groups: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The sector groups as tiles, ordered by ``urutan`` then title.

    ``counts`` ({group name: datasets}) should come from a package_search made
    with the viewer's rights (home.py does); without it, counts are computed
    that way here, never from group_list's permission-blind counts.
    """
    if groups is None:
        groups = sector_groups()
    if counts is None:
        counts = _facet_counts("groups")
    sectors = [_normalise_sector(g, counts) for g in groups if g.get("name")]
    sectors.sort(key=lambda s: (s["order"], s["title"].lower()))
    return sectors


def _facet_counts(field: str) -> dict[str, int]:
    result = tk.get_action("package_search")({}, {
        "q": "*:*", "fq": "+dataset_type:dataset", "rows": 0,
        "facet.field": [field], "facet.limit": -1,
    })
    return dict(result.get("facets", {}).get(field, {}))


def bantenportal_pillars(sectors: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The four e-government pillars with the sectors that serve each."""
    if sectors is None:
        sectors = bantenportal_sectors()
    texts = {
        "G2G": (tk._("Government to Government"),
                tk._("Data and services exchanged between government agencies: "
                     "planning, budgeting, reporting and coordination.")),
        "G2E": (tk._("Government to Employee"),
                tk._("Information and services for the province's civil servants: "
                     "staffing, careers and internal administration.")),
        "G2C": (tk._("Government to Citizen"),
                tk._("Public services and public information for the people of Banten.")),
        "G2B": (tk._("Government to Business"),
                tk._("Licensing, investment, procurement and economic information "
                     "for businesses.")),
    }
    out = []
    for code in PILLARS:
        title, description = texts[code]
        out.append({
            "code": code,
            "title": title,
            "description": description,
            "sectors": [s for s in sectors if code in s["pillars"]],
        })
    return out


def bantenportal_steward() -> dict[str, str]:
    """Who looks after the data (footer, about page)."""
    return {
        "name": config.steward_name(),
        "address": config.steward_address(),
        "email": config.contact_email(),
        "url": config.steward_url(),
        "ppid_url": config.ppid_url(),
        "licence_url": config.licence_url(),
    }


def _code(code: Any) -> int:
    if isinstance(code, (list, tuple)):
        code = code[0] if code else 500
    try:
        return int(code)
    except (TypeError, ValueError):
        return 500


def bantenportal_error_title(code: Any) -> str:
    """A translated title for an HTTP error (Werkzeug's names are English only)."""
    titles = {
        400: tk._("Bad request"),
        401: tk._("Login required"),
        403: tk._("Access denied"),
        404: tk._("Page not found"),
        405: tk._("Method not allowed"),
        409: tk._("Conflict"),
        413: tk._("Request too large"),
        429: tk._("Too many requests"),
        500: tk._("Server error"),
        503: tk._("Service unavailable"),
    }
    return titles.get(_code(code), tk._("Something went wrong"))


def bantenportal_error_detail(code: Any, content: Any) -> dict[str, str]:
    """The explanation to show: CKAN's own (translated) message when it gave one,
    else ours instead of Werkzeug's English default text."""
    number = _code(code)
    text = str(content or "").strip()
    exc = default_exceptions.get(number)
    default_text = (exc.description or "").strip() if exc is not None else ""
    if text in ("", default_text, "Internal server error"):
        text = ""
    hints = {
        400: tk._("The address or the search parameters of this request are not valid. "
                  "Check them, or start again from the search page."),
        403: tk._("You are not allowed to open this page."),
        404: tk._("The page you are looking for does not exist or has been moved. "
                  "Try searching the catalogue instead."),
        500: tk._("The portal could not complete your request. Please try again later."),
    }
    return {"message": text, "hint": hints.get(number, "")}


def bantenportal_home_data() -> dict[str, Any]:
    """The home page's figures (for templates rendered outside our home view)."""
    from ckanext.bantenportal import home

    return home.home_data()


def bantenportal_number(value: Any) -> str:
    """A count in the reader's locale (1.234 in Indonesian, 1,234 in English)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    # Below 1000 no locale writes separators: skip Babel, it is called ~60 times a page.
    return str(number) if -1000 < number < 1000 else formatters.localised_number(number)


def bantenportal_site_title() -> str:
    """The portal's name: ``ckan.site_title`` unless it is still CKAN's default."""
    title = (tk.config.get("ckan.site_title") or "").strip()
    return title if title and title != "CKAN" else "Banten Satu Data"


def _resource_item_label(key: str) -> str | None:
    """Translated label of a resource key worth showing under "more information"."""
    if key == "size":
        return tk._("Size")
    if key == "mimetype":
        return tk._("Media type")
    return None


@tk.chained_helper
def format_resource_items(next_helper: Any, items: Any) -> list[tuple[str, Any]]:
    """Core's helper, keeping only what a reader can use, under a translated label.

    Overrides (chains) a core helper, hence its unprefixed name: core and
    scheming list every other key of the resource dict under its raw English
    name (state, has views, url type...), which Indonesian pages must not show.
    """
    out = []
    for key, value in next_helper(items):
        label = _resource_item_label(key.replace(" ", "_"))
        if label:
            out.append((label, value))
    return out
