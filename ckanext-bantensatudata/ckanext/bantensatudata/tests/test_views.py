"""Registry and legal-product pages, search facets, and the dataset web form."""
from __future__ import annotations

import csv
import io
from html import unescape
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import satudata

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _app(admin: dict[str, Any], org: dict[str, Any], name: str, title: str, **kw: Any) -> dict[str, Any]:
    fields = {"type": "aplikasi", "name": name, "title": title, "owner_org": org["id"],
              "url": f"http://{title}", "jenis_aplikasi": "website", "lokasi_server": "kominfo",
              "status_aplikasi": "aktif", "tahun_pencatatan": "2017", "pilar": ["G2C"]}
    fields.update(kw)
    return call_action("package_create", {"user": admin["name"]}, **fields)


@pytest.fixture
def registry() -> dict[str, Any]:
    admin = factories.SysadminWithToken()
    dinkes = satudata.opd()
    dinsos = satudata.opd(name="dinsos", kode="DIN-21", title="Dinas Sosial", singkatan="Dinsos")
    sector = satudata.sector()
    _app(admin, dinkes, "app-sdm", "sdm.dinkes.bantenprov.go.id", groups=[{"name": sector["name"]}])
    _app(admin, dinkes, "app-sipo", "sipo.bantenprov.go.id", jenis_aplikasi="aplikasi",
         status_aplikasi="tidak_aktif", lokasi_server="diluar_kominfo", pilar=["G2E", "G2G"])
    _app(admin, dinsos, "app-dinsos", "dinsos.bantenprov.go.id", notes="=HYPERLINK(\"x\")")
    _app(admin, dinsos, "app-rahasia", "rahasia.bantenprov.go.id", private=True)
    return {"admin": admin, "token": admin["token"], "sector": sector}


def _row_names(html: str) -> list[str]:
    import re
    return re.findall(r'<tr data-name="([^"]+)"', html)


def test_registry_page_lists_public_records_as_a_sorted_table(app, registry):
    res = app.get("/registri", status=200)
    html = res.get_data(as_text=True)
    assert _row_names(html) == ["app-dinsos", "app-sdm", "app-sipo"]  # by name (title) ascending
    assert "rahasia" not in html  # private records never leak
    assert "Tidak Aktif" in html and "Diluar Kominfo" in html  # labels, not codes
    assert 'aria-sort="ascending"' in html
    desc = app.get("/registri", query_string={"sort": "title", "order": "desc"}).get_data(as_text=True)
    assert _row_names(desc) == ["app-sipo", "app-sdm", "app-dinsos"]
    by_status = app.get("/registri", query_string={"sort": "status_aplikasi", "order": "desc"}).get_data(as_text=True)
    assert _row_names(by_status)[0] == "app-sipo"  # "Tidak Aktif" after "Aktif"
    by_org = app.get("/registri", query_string={"sort": "organization"}).get_data(as_text=True)
    assert _row_names(by_org) == ["app-sdm", "app-sipo", "app-dinsos"]  # Dinas Kesehatan < Dinas Sosial
    bogus = app.get("/registri", query_string={"sort": "nope", "order": "sideways"}, status=200)
    assert _row_names(bogus.get_data(as_text=True)) == ["app-dinsos", "app-sdm", "app-sipo"]


def test_registry_page_facets_filter_and_count(app, registry):
    html = app.get("/registri", status=200).get_data(as_text=True)
    for title in ("Jenis", "Status", "Lokasi server", "OPD", "Sektor", "Pilar e-government"):
        assert title in html, title
    filtered = app.get("/registri", query_string={"status_aplikasi": "aktif", "organization": "dinkes"})
    assert _row_names(filtered.get_data(as_text=True)) == ["app-sdm"]
    by_pillar = app.get("/registri", query_string={"pilar": "G2G"}).get_data(as_text=True)
    assert _row_names(by_pillar) == ["app-sipo"]
    by_sector = app.get("/registri", query_string={"groups": registry["sector"]["name"]}).get_data(as_text=True)
    assert _row_names(by_sector) == ["app-sdm"]
    found = app.get("/registri", query_string={"q": "sipo"}).get_data(as_text=True)
    assert _row_names(found) == ["app-sipo"]


def test_registry_page_in_english(app, registry):
    html = app.get("/en/registri", status=200).get_data(as_text=True)
    assert "Registry of websites and applications" in html and "Inactive" in html


def test_registry_csv_export_follows_filters_and_order_and_hides_private(app, registry):
    res = app.get("/registri/unduh.csv", query_string={"sort": "title", "order": "desc"}, status=200)
    assert res.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in res.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(res.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["app-sipo", "app-sdm", "app-dinsos"]
    assert rows[0]["status_aplikasi"] == "Tidak Aktif" and rows[0]["pilar"] == "G2G, G2E"
    assert rows[0]["organization"] == "Dinas Kesehatan"
    assert rows[2]["notes"].startswith("'=")  # no formula injection
    only = app.get("/registri/unduh.csv", query_string={"jenis_aplikasi": "aplikasi"}).get_data(as_text=True)
    assert [r["name"] for r in csv.DictReader(io.StringIO(only.lstrip("\ufeff")))] == ["app-sipo"]
    as_admin = app.get("/registri/unduh.csv", headers={"Authorization": registry["token"]}).get_data(as_text=True)
    assert "app-rahasia" in as_admin


def test_produk_hukum_page_newest_first_with_its_facets(app):
    admin = factories.Sysadmin()
    org = satudata.opd(name="biro-hukum", kode="BIRO-05", title="Biro Hukum")
    for nomor, tahun in (("35", "2008"), ("47", "2016"), ("3", "2020")):
        call_action("package_create", {"user": admin["name"]}, type="produk-hukum", name=f"pergub-{nomor}-{tahun}",
                    title=f"Pergub {nomor}/{tahun}", owner_org=org["id"], jenis_peraturan="pergub", nomor=nomor,
                    tahun=tahun, tentang=f"Tentang {nomor}", status_peraturan="berlaku")
    html = app.get("/peraturan", status=200).get_data(as_text=True)
    assert _row_names(html) == ["pergub-3-2020", "pergub-47-2016", "pergub-35-2008"]
    for title in ("Jenis peraturan", "Tahun", "Status peraturan"):
        assert title in html
    assert "Peraturan Gubernur (Pergub)" in html
    assert _row_names(app.get("/peraturan", query_string={"tahun": "2016"}).get_data(as_text=True)) == [
        "pergub-47-2016"]


def test_dataset_search_page_shows_satu_data_facets_with_labels(app):
    admin = factories.Sysadmin()
    org, group = satudata.opd(), satudata.sector()
    satudata.create_dataset(org, group, user=admin["name"])
    html = app.get("/dataset/", status=200).get_data(as_text=True)
    for title in ("Frekuensi pemutakhiran", "Cakupan wilayah", "Tahun", "Sektor", "OPD"):
        assert title in html, title
    assert "Tahunan" in html and "Kota Tangerang (36.71)" in html
    result = call_action("package_search", fq="tahun:2021", **{"facet.field": ["tahun", "frekuensi"]})
    assert result["count"] == 1
    assert result["facets"]["tahun"] == {str(y): 1 for y in range(2019, 2024)}
    assert result["search_facets"]["frekuensi"]["items"][0]["display_name"] == "Tahunan"


def test_web_form_creates_a_dataset_with_satu_data_fields(app):
    admin = factories.SysadminWithToken()
    org, group = satudata.opd(), satudata.sector()
    auth = {"Authorization": admin["token"]}
    form = app.get("/dataset/new", headers=auth, status=200).get_data(as_text=True)
    assert f'value="{group["name"]}"' in form and 'name="groups__0__name"' in form
    assert 'name="frekuensi"' in form and "Walidata" in form
    data = {
        "_csrf_token": satudata.csrf_token(form), "save": "continue", "pkg_name": "",
        "name": "jumlah-penduduk-web", "title": "Jumlah Penduduk (web)", "notes": "Dari formulir.",
        "owner_org": org["id"], "groups__0__name": group["name"], "frekuensi": "tahunan",
        "periode_awal": "2020", "periode_akhir": "2023", "cakupan_wilayah": "36", "walidata": "Diskominfo",
        "license_id": "cc-by-4.0",
    }
    app.post("/dataset/new", data=data, headers=auth, follow_redirects=False, status=302)
    pkg = call_action("package_show", {"user": admin["name"]}, id="jumlah-penduduk-web")
    assert pkg["frekuensi"] == "tahunan" and pkg["periode_akhir"] == "2023" and pkg["walidata"] == "Diskominfo"
    assert [g["name"] for g in pkg["groups"]] == [group["name"]]


def test_web_form_shows_translated_errors_next_to_the_fields(app):
    admin = factories.SysadminWithToken()
    org, _group = satudata.opd(), satudata.sector()
    auth = {"Authorization": admin["token"]}
    form = app.get("/dataset/new", headers=auth).get_data(as_text=True)
    data = {"_csrf_token": satudata.csrf_token(form), "save": "continue", "name": "salah", "title": "Salah",
            "notes": "x", "owner_org": org["id"], "periode_awal": "2023", "periode_akhir": "2019",
            "frekuensi": "sewindu"}
    html = unescape(app.post("/dataset/new", data=data, headers=auth, status=200).get_data(as_text=True))
    assert "Tahun akhir (2019) lebih awal daripada tahun awal (2023)" in html
    assert 'Nilai "sewindu" tidak dikenal' in html
    assert "Pilih paling sedikit satu sektor" in html
    assert call_action("package_search", include_drafts=True)["count"] == 0
