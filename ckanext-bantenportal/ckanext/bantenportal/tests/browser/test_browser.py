"""The portal in a real browser: Debian's Chromium driven by Playwright against
the real server (root ``live_server`` fixture: gunicorn on test.ini).

Covers the public flows (home, hero search, facets, download, language switch),
keyboard use, 360 px layout and axe-core's WCAG 2.1 A/AA rules; screenshots of
every page at 1280 and 360 px are kept under test-artifacts/bantenportal/.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import ckan.lib.search as search
import ckan.plugins as plugins
import ckan.tests.helpers as helpers
import pytest
from playwright.sync_api import Browser, Page, expect

from ckanext.bantenportal.tests import factories

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
ARTIFACTS = os.path.join(ROOT, "test-artifacts", "bantenportal")
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
CSV = "kabupaten_kota,jumlah_puskesmas\nKota Serang,16\nKabupaten Lebak,42\n"


@pytest.fixture(scope="module")
def portal(live_server, create_with_upload) -> Iterator[dict[str, Any]]:
    """A fresh database with sectors, OPD, datasets (one with an uploaded CSV) and a registry record."""
    import ckan.plugins.toolkit as tk

    # Records are dictized (resource download URLs included) by this process:
    # give it the live server's address, as the server has.
    tk.config["ckan.site_url"] = live_server.url
    plugins.load_all()
    helpers.reset_db()
    search.clear_all()
    pelayanan = factories.sector("Sektor Pelayanan", urutan=1, pilar=["G2C"])
    keuangan = factories.sector("Sektor Keuangan", urutan=2, pilar=["G2G", "G2B"])
    factories.sector("Sektor Legislatif", urutan=3, pilar=["G2G"])
    dinkes = factories.opd("Dinas Kesehatan", name="dinas-kesehatan")
    bpkad = factories.opd("Badan Pengelolaan Keuangan dan Aset Daerah", name="bpkad")
    puskesmas = factories.dataset("Jumlah Puskesmas Menurut Kabupaten/Kota", dinkes, [pelayanan],
                                  name="jumlah-puskesmas", tag_string="kesehatan")
    site = helpers.call_action("get_site_user", {"ignore_auth": True})
    resource = create_with_upload(CSV.encode(), "jumlah-puskesmas.csv", context={"user": site["name"]},
                                  package_id=puskesmas["id"], name="Tabel jumlah puskesmas", format="CSV")
    factories.dataset("Realisasi Pendapatan Asli Daerah", bpkad, [keuangan], name="realisasi-pad")
    factories.dataset("Belanja Kesehatan Provinsi", dinkes, [keuangan, pelayanan], name="belanja-kesehatan")
    factories.dataset("Anggaran Rahasia", bpkad, [keuangan], private=True, name="anggaran-rahasia")
    registry = factories.dataset(
        "Portal Data Banten Satu Data", dinkes, [pelayanan], dataset_type="aplikasi",
        name="aplikasi-satu-data", url="https://data.bantenprov.go.id", jenis_aplikasi="website",
        lokasi_server="kominfo", status_aplikasi="aktif", pilar=["G2C"])
    yield {"dataset": puskesmas, "resource": resource, "registry": registry,
           "sectors": [pelayanan, keuangan], "orgs": [dinkes, bpkad]}
    plugins.unload_all()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    yield pg
    context.close()


def _shoot(pg: Page, name: str) -> None:
    os.makedirs(ARTIFACTS, exist_ok=True)
    pg.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_home_shows_sectors_with_counts(portal, page):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "id"
    tiles = page.locator("a.bp-tile")
    expect(tiles).to_have_count(3)
    expect(tiles.nth(0).locator(".bp-tile-title")).to_have_text("Sektor Pelayanan")
    expect(tiles.nth(0).locator(".bp-tile-count")).to_have_text("2 dataset")
    expect(tiles.nth(1).locator(".bp-tile-count")).to_have_text("2 dataset")
    expect(tiles.nth(2).locator(".bp-tile-count")).to_have_text("0 dataset")
    expect(page.locator("a.bp-stat[data-stat=datasets] .bp-stat-num")).to_have_text("3")
    expect(page.locator("a.bp-stat[data-stat=applications] .bp-stat-num")).to_have_text("1")
    tiles.nth(1).click()
    expect(page).to_have_url(re.compile(rf"/group/{portal['sectors'][1]['name']}$"))


def test_search_from_the_hero_reaches_results(portal, page):
    page.goto("/")
    page.locator("form.bp-hero-search").get_by_label("Cari dataset").fill("puskesmas")
    page.locator("form.bp-hero-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dataset/\?q=puskesmas"))
    results = page.locator(".dataset-list .dataset-heading a")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text(re.compile("Jumlah Puskesmas Menurut Kabupaten/Kota"))


def test_clicking_a_facet_filters(portal, page):
    page.goto("/dataset/")
    results = page.locator(".dataset-list .dataset-heading a")
    # Three public datasets and the registry record (the search page lists every type).
    expect(results).to_have_count(4)
    facet = page.locator("a[href*='organization=bpkad']").first
    facet.click()
    expect(page).to_have_url(re.compile(r"organization=bpkad"))
    expect(results).to_have_count(1)
    expect(results.first).to_have_text(re.compile("Realisasi Pendapatan Asli Daerah"))


def test_dataset_page_downloads_its_file(portal, page):
    page.goto(f"/dataset/{portal['dataset']['name']}")
    item = page.locator(f".resource-item[data-id='{portal['resource']['id']}']")
    item.locator(".dropdown-toggle").click()
    link = item.locator("a.resource-url-analytics")
    expect(link).to_be_visible()
    with page.context.expect_event("download") as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "jumlah-puskesmas.csv"
    path = download.path()
    with open(path, encoding="utf-8") as f:
        assert f.read() == CSV


def test_language_switch(portal, page):
    page.goto("/dataset/")
    expect(page.locator(".masthead .navbar-nav a[aria-current=page]")).to_have_text("Dataset")
    page.locator(".bp-lang-top a[hreflang=en]").click()
    expect(page).to_have_url(re.compile(r"/en/dataset/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".masthead .navbar-nav a").first).to_have_text("Home")
    page.locator(".bp-lang-top a[hreflang=id]").click()
    expect(page).to_have_url(re.compile(r"/dataset/$"))
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.locator(".masthead .navbar-nav a").first).to_have_text("Beranda")


def test_keyboard_skip_link_and_visible_focus(portal, page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({text: document.activeElement.textContent.trim(),"
                            " href: document.activeElement.getAttribute('href')})")
    assert focused["href"] == "#content"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # Every main navigation item is reachable with the keyboard and shows a focus ring.
    page.goto("/")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate("() => { const e = document.activeElement; return {"
                             " nav: !!e.closest('.navbar-nav'), text: e.textContent.trim(),"
                             " outline: getComputedStyle(e).outlineStyle} }")
        if info["nav"]:
            assert info["outline"] != "none", info
            reached.append(info["text"])
    assert reached == ["Beranda", "Dataset", "Organisasi (OPD)", "Sektor", "Aplikasi",
                       "Produk Hukum", "Tentang", "API"]


def _pages(portal: dict[str, Any]) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/dataset/?q=kesehatan",
        "dataset": f"/dataset/{portal['dataset']['name']}",
        "organization": f"/organization/{portal['orgs'][0]['name']}",
        "registry": "/aplikasi/",
    }


@pytest.mark.parametrize("name", ["home", "search", "dataset", "organization", "registry"])
def test_axe_finds_no_serious_violation_and_360px_works(portal, browser, live_server, name):
    """axe-core (pinned in package-lock.json) with the WCAG 2.0/2.1 A and AA rules,
    then the same page at 360 px: no sideways scrolling, the menu opens."""
    url = _pages(portal)[name]
    os.makedirs(ARTIFACTS, exist_ok=True)
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        pg = context.new_page()
        response = pg.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        _shoot(pg, f"{name}-{width}")
        if width == 1280:
            pg.add_script_tag(path=AXE)
            result = pg.evaluate("""async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']})""")
            with open(os.path.join(ARTIFACTS, f"axe-{name}.json"), "w", encoding="utf-8") as f:
                json.dump(result["violations"], f, indent=1)
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
            assert not serious, f"{url}: {serious}"
        else:
            overflow = pg.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= width, f"{url} scrolls sideways at {width}px ({overflow}px wide)"
            toggler = pg.locator(".masthead .navbar-toggler")
            expect(toggler).to_be_visible()
            toggler.click()
            expect(pg.locator(".masthead .navbar-nav a").first).to_be_visible()
        context.close()


def test_error_page_in_the_browser(portal, page):
    response = page.goto("/halaman-yang-tidak-ada")
    assert response.status == 404
    expect(page.locator("h1.bp-error-title")).to_have_text("Halaman tidak ditemukan")
    _shoot(page, "404-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    _shoot(page, "404-360")
