"""The portal's pages through CKAN's real app: home, about, errors, languages."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckanext.bantenportal.tests import factories


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture
def catalogue():
    """Three sectors, two OPD (one without data), public and private datasets."""
    pelayanan = factories.sector("Sektor Pelayanan", urutan=1, pilar=["G2C"])
    keuangan = factories.sector("Sektor Keuangan", urutan=2, pilar=["G2G", "G2B"])
    legislatif = factories.sector("Sektor Legislatif", urutan=3, pilar=["G2G"])
    dinkes = factories.opd("Dinas Kesehatan")
    bappeda = factories.opd("Badan Perencanaan Pembangunan Daerah")
    public = [
        factories.dataset("Jumlah Puskesmas Menurut Kabupaten", dinkes, [pelayanan]),
        factories.dataset("Realisasi Belanja Kesehatan", dinkes, [keuangan, pelayanan]),
    ]
    private = factories.dataset("Anggaran Rahasia Dinas", dinkes, [keuangan], private=True)
    return {
        "sectors": [pelayanan, keuangan, legislatif],
        "orgs": [dinkes, bappeda],
        "public": public,
        "private": private,
    }


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestHome:
    def test_home_shows_sectors_with_live_counts(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        tiles = soup.select("a.bp-tile")
        assert [t.select_one(".bp-tile-title").get_text(strip=True) for t in tiles] == [
            "Sektor Pelayanan", "Sektor Keuangan", "Sektor Legislatif"]
        counts = [int(t.select_one(".bp-tile-count")["data-count"]) for t in tiles]
        # The private dataset in Keuangan is not counted for an anonymous visitor.
        assert counts == [2, 1, 0]
        assert tiles[0].select_one(".bp-tile-count").get_text(strip=True) == "2 dataset"
        assert tiles[0]["href"] == f"/group/{catalogue['sectors'][0]['name']}"

    def test_hero_counts_and_search_box(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        stats = {a["data-stat"]: a.select_one(".bp-stat-num").get_text(strip=True)
                 for a in soup.select("a.bp-stat")}
        assert stats == {"datasets": "2", "organizations": "2", "sectors": "3", "applications": "0"}
        form = soup.select_one("form.bp-hero-search")
        assert form["action"] == "/dataset/"
        label = soup.select_one("label[for=bp-hero-q]")
        assert label.get_text(strip=True) == "Cari dataset"

    def test_private_dataset_never_listed(self, app, catalogue):
        body = app.get("/", status=200).get_data(as_text=True)
        assert "Anggaran Rahasia Dinas" not in body
        assert "Realisasi Belanja Kesehatan" in body

    def test_sysadmin_sees_same_public_figures(self, app, catalogue):
        from ckan.tests import factories as core_factories

        admin = core_factories.Sysadmin()
        soup = _soup(app.get("/", headers={"Authorization": core_factories.APIToken(user=admin["name"])["token"]}))
        stats = {a["data-stat"]: a.select_one(".bp-stat-num").get_text(strip=True)
                 for a in soup.select("a.bp-stat")}
        assert stats["datasets"] == "2"

    def test_pillars_list_their_sectors(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        pillars = {li["data-pillar"]: [a.get_text(strip=True) for a in li.select(".bp-pillar-sectors a")]
                   for li in soup.select("li.bp-pillar")}
        assert list(pillars) == ["G2G", "G2E", "G2C", "G2B"]
        assert pillars["G2G"] == ["Sektor Keuangan", "Sektor Legislatif"]
        assert pillars["G2C"] == ["Sektor Pelayanan"]
        assert pillars["G2E"] == []

    def test_newest_datasets_and_opd_directory(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        newest = [a.get_text(strip=True) for a in soup.select(".bp-datasets a.bp-dataset-title")]
        assert newest == ["Realisasi Belanja Kesehatan", "Jumlah Puskesmas Menurut Kabupaten"]
        directory = {a.get_text(strip=True): a.find_next_sibling(class_="bp-opd-count").get_text(strip=True)
                     for a in soup.select(".bp-opd-list a")}
        assert directory == {"Badan Perencanaan Pembangunan Daerah": "0 dataset",
                             "Dinas Kesehatan": "2 dataset"}

    def test_navigation_in_indonesian_with_links(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        assert soup.html["lang"] == "id"
        nav = [(a.get_text(strip=True), a["href"]) for a in soup.select(".masthead .navbar-nav a")]
        assert nav == [
            ("Beranda", "/"), ("Dataset", "/dataset/"), ("Organisasi (OPD)", "/organization/"),
            ("Sektor", "/group/"), ("Aplikasi", "/aplikasi/"), ("Produk Hukum", "/produk-hukum/"),
            ("Tentang", "/about"), ("API", "/api")]
        assert soup.select_one(".masthead .navbar-nav a[aria-current=page]").get_text(strip=True) == "Beranda"

    def test_english_home(self, app, catalogue):
        soup = _soup(app.get("/en/", status=200))
        assert soup.html["lang"] == "en"
        labels = [a.get_text(strip=True) for a in soup.select(".masthead .navbar-nav a")]
        assert labels[:4] == ["Home", "Dataset", "Organizations (OPD)", "Sectors"]
        assert soup.select_one("#bp-sectors-title").get_text(strip=True) == "Data by sector"
        assert soup.select_one("a.bp-tile .bp-tile-count").get_text(strip=True) == "2 datasets"

    def test_renamed_sector_and_new_opd_show_at_once(self, app, catalogue):
        """Listings are cached per process, keyed by a fingerprint of the group table."""
        from ckan.tests import helpers as core_helpers

        app.get("/", status=200)
        site = core_helpers.call_action("get_site_user", {"ignore_auth": True})
        core_helpers.call_action("group_patch", {"user": site["name"], "ignore_auth": True},
                                 id=catalogue["sectors"][2]["id"], title="Sektor Legislatif Daerah")
        factories.opd("Inspektorat")
        soup = _soup(app.get("/", status=200))
        titles = [t.get_text(strip=True) for t in soup.select("a.bp-tile .bp-tile-title")]
        assert titles[2] == "Sektor Legislatif Daerah"
        assert "Inspektorat" in [a.get_text(strip=True) for a in soup.select(".bp-opd-list a")]

    def test_identity_logo_favicon_and_footer(self, app, catalogue):
        soup = _soup(app.get("/", status=200))
        assert soup.select_one("link[rel=icon]")["href"].endswith("/bantenportal/favicon.svg")
        assert soup.select_one(".bp-brand-logo")["src"].endswith("/bantenportal/logo.svg")
        footer = soup.select_one("footer.site-footer")
        assert footer.select_one("a[href='mailto:diskominfo@bantenprov.go.id']")
        assert footer.select_one("a[href='https://ppid.bantenprov.go.id']")
        assert footer.select_one("a[rel~=license]")["href"].startswith("https://creativecommons.org/licenses/by/4.0")
        assert "Dinas Komunikasi, Informatika, Statistik dan Persandian" in footer.get_text()
        assert app.get("/bantenportal/logo.svg", status=200).get_data(as_text=True).lstrip().startswith("<svg")
        assert app.get("/bantenportal/favicon.svg", status=200).get_data(as_text=True).lstrip().startswith("<svg")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestEmptyPortal:
    def test_home_without_any_data(self, app):
        soup = _soup(app.get("/", status=200))
        assert soup.select_one(".bp-sectors .bp-empty").get_text(strip=True) == "Belum ada sektor yang dibuat."
        assert soup.select_one(".bp-opd .bp-empty")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestAbout:
    def test_about_page(self, app):
        soup = _soup(app.get("/about", status=200))
        assert soup.select_one("h1").get_text(strip=True) == "Tentang Banten Satu Data"
        assert "Satu Data Indonesia" in soup.get_text()
        active = soup.select_one(".masthead .navbar-nav a[aria-current=page]")
        assert active.get_text(strip=True) == "Tentang"

    def test_about_in_english(self, app):
        soup = _soup(app.get("/en/about", status=200))
        assert soup.select_one("h1").get_text(strip=True) == "About Banten Satu Data"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestErrorPages:
    @pytest.mark.parametrize("url", ["/halaman-yang-tidak-ada", "/dataset/tidak-ada-dataset-ini",
                                     "/organization/opd-fiktif", "/group/sektor-fiktif"])
    def test_unknown_pages_give_translated_404_in_portal_look(self, app, url):
        response = app.get(url, status=404)
        soup = _soup(response)
        assert soup.select_one("h1.bp-error-title").get_text(strip=True) == "Halaman tidak ditemukan"
        assert soup.select_one(".bp-brand")  # the portal's header
        assert soup.select_one("footer.site-footer .bp-footer")
        text = soup.get_text()
        assert "Not Found" not in text
        assert "Traceback" not in text
        assert soup.title.get_text(strip=True).startswith("Halaman tidak ditemukan")

    @pytest.mark.parametrize("url", ["/dataset/?page=abc", "/dataset/?page=-1", "/dataset/?sort=bogus",
                                     "/organization/?page=x", "/group/?page=-5"])
    def test_bad_query_strings_give_translated_400(self, app, url):
        soup = _soup(app.get(url, status=400))
        assert soup.select_one("h1.bp-error-title").get_text(strip=True) == "Permintaan tidak valid"
        assert "Bad Request" not in soup.get_text()
        assert "Traceback" not in soup.get_text()

    def test_english_404(self, app):
        soup = _soup(app.get("/en/no-such-page", status=404))
        assert soup.html["lang"] == "en"
        assert soup.select_one("h1.bp-error-title").get_text(strip=True) == "Page not found"

    def test_error_page_search_form_is_labelled(self, app):
        soup = _soup(app.get("/no-such-page", status=404))
        field = soup.select_one("form.bp-error-search input[name=q]")
        assert soup.select_one(f"label[for={field['id']}]")
