"""Template helpers: sector tiles, pillars, navigation, error texts."""
from __future__ import annotations

import pytest

from ckanext.bantenportal import helpers
from ckanext.bantenportal.tests import factories


class TestAsList:
    @pytest.mark.parametrize("value, expected", [
        (None, []),
        ("", []),
        (["G2G", "g2c"], ["G2G", "G2C"]),
        ('["G2E", "G2B"]', ["G2E", "G2B"]),
        ("G2G, G2C", ["G2G", "G2C"]),
        ("{G2G,G2B}", ["G2G", "G2B"]),
        ("G2C", ["G2C"]),
    ])
    def test_forms_of_pillar_values(self, value, expected):
        assert helpers._as_list(value) == expected


class TestIcon:
    @pytest.mark.parametrize("entity, expected", [
        ({"ikon": "fa-road"}, "fa-road"),
        ({"ikon": "fa fa-coins"}, "fa-coins"),
        ({"ikon": "fa-solid fa-landmark"}, "fa-landmark"),
        ({"ikon": "road"}, "fa-road"),
        ({"extras": [{"key": "ikon", "value": "coins"}]}, "fa-coins"),
        ({"title": "Sektor Keuangan"}, "fa-coins"),
        ({"title": "Sektor Sarana dan Prasarana"}, "fa-road"),
        ({"title": "Sektor Baru"}, "fa-layer-group"),
        ({"ikon": "<script>", "title": "Sektor Legislatif"}, "fa-scale-balanced"),
    ])
    def test_icon_class(self, entity, expected):
        assert helpers._icon(entity) == {"class": expected, "src": ""}

    def test_icon_image_url(self):
        assert helpers._icon({"ikon": "/uploads/group/ikon.svg"}) == {
            "src": "/uploads/group/ikon.svg", "class": ""}


class TestErrorTexts:
    def test_titles_are_translated_in_indonesian(self, app):
        with app.flask_app.test_request_context("/"):
            assert helpers.bantenportal_error_title(404) == "Halaman tidak ditemukan"
            assert helpers.bantenportal_error_title(400) == "Permintaan tidak valid"
            # CKAN passes the 500 code as a list.
            assert helpers.bantenportal_error_title([500]) == "Kesalahan server"

    def test_werkzeug_default_text_is_replaced(self, app):
        from werkzeug.exceptions import NotFound

        with app.flask_app.test_request_context("/"):
            detail = helpers.bantenportal_error_detail(404, NotFound.description)
        assert detail["message"] == ""
        assert "tidak ada" in detail["hint"]

    def test_ckan_message_is_kept(self, app):
        with app.flask_app.test_request_context("/"):
            detail = helpers.bantenportal_error_detail(404, "Dataset tidak ditemukan")
        assert detail["message"] == "Dataset tidak ditemukan"


class TestNav:
    def test_order_labels_and_active_item(self, app):
        with app.flask_app.test_request_context("/dataset/"):
            nav = helpers.bantenportal_nav()
        assert [i["label"] for i in nav] == [
            "Beranda", "Dataset", "Organisasi (OPD)", "Sektor", "Aplikasi",
            "Produk Hukum", "Tentang", "API"]
        assert [i["key"] for i in nav if i["active"]] == ["dataset"]
        assert nav[0]["url"] == "/"
        assert nav[7]["url"] == "/api"

    def test_home_is_active_only_on_home(self, app):
        with app.flask_app.test_request_context("/"):
            nav = helpers.bantenportal_nav()
        assert [i["key"] for i in nav if i["active"]] == ["home"]

    def test_locale_links(self, app):
        with app.flask_app.test_request_context("/dataset/"):
            app.flask_app.preprocess_request()
            locales = {loc["code"]: loc for loc in helpers.bantenportal_locales()}
        assert set(locales) == {"id", "en"}
        assert locales["en"]["url"].startswith("/en/")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSectors:
    def test_sectors_are_ordered_counted_and_private_data_is_not_counted(self, app):
        second = factories.sector("Sektor Keuangan", urutan=2, pilar=["G2G", "G2B"])
        first = factories.sector("Sektor Pelayanan", urutan=1, pilar=["G2C"], ikon="handshake-angle")
        empty = factories.sector("Sektor Legislatif", urutan=5)
        org = factories.opd("Dinas Uji Coba")
        factories.dataset("Realisasi Anggaran 2023", org, [second])
        factories.dataset("Jumlah Layanan Publik", org, [first, second])
        factories.dataset("Data Rahasia Keuangan", org, [second], private=True)

        with app.flask_app.test_request_context("/"):
            sectors = helpers.bantenportal_sectors()
            pillars = helpers.bantenportal_pillars(sectors)

        assert [s["name"] for s in sectors] == [first["name"], second["name"], empty["name"]]
        counts = {s["name"]: s["count"] for s in sectors}
        assert counts == {first["name"]: 1, second["name"]: 2, empty["name"]: 0}
        assert sectors[0]["icon"]["class"] == "fa-handshake-angle"
        assert sectors[1]["icon"]["class"] == "fa-coins"
        assert sectors[0]["url"] == f"/group/{first['name']}"
        by_code = {p["code"]: [s["name"] for s in p["sectors"]] for p in pillars}
        assert by_code == {"G2G": [second["name"]], "G2E": [],
                           "G2C": [first["name"]], "G2B": [second["name"]]}


@pytest.mark.usefixtures("with_plugins")
def test_resource_items_keep_only_readable_keys_translated(app):
    import ckan.plugins.toolkit as tk

    environ = {"CKAN_LANG": "id", "CKAN_LANG_IS_DEFAULT": True, "CKAN_CURRENT_URL": "/"}
    with app.flask_app.test_request_context("/", environ_base=environ):
        items = tk.h.format_resource_items([
            ("state", "active"), ("has_views", False), ("url_type", "upload"),
            ("size", 2048), ("mimetype", "text/csv"), ("periode", "2023")])
    # Core sorts by key: mimetype, then size.
    assert [key for key, _value in items] == ["Jenis media", "Ukuran"]
    assert items[0][1] == "text/csv"
