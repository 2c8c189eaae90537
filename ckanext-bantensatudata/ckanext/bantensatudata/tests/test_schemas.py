"""The Satu Data schemas through the real API: what is stored, and what is refused (409)."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import satudata

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _post(app: Any, action: str, token: str, data: dict[str, Any], status: int) -> dict[str, Any]:
    res = app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token}, status=status)
    return res.json


@pytest.fixture
def world() -> dict[str, Any]:
    admin = factories.SysadminWithToken()
    return {"admin": admin, "token": admin["token"], "org": satudata.opd(), "group": satudata.sector()}


def test_api_create_keeps_every_satu_data_field(app, world):
    body = satudata.dataset_fields(world["org"], world["group"])
    body.pop("frekuensi")
    body["frekuensi"] = "Tahunan"  # case does not matter; stored canonical
    result = _post(app, "package_create", world["token"], body, 200)["result"]
    shown = call_action("package_show", id=result["id"])
    for key in ("walidata", "periode_awal", "periode_akhir", "satuan", "cakupan_wilayah", "sumber_data",
                "konsep", "definisi", "metodologi", "interpretasi", "data_prioritas", "tahun_prioritas",
                "kontak_nama", "kontak_email"):
        assert shown[key] == body[key], key
    assert shown["frekuensi"] == "tahunan"
    assert shown["license_id"] == "cc-by-4.0"
    assert shown["license_title"].startswith("Creative Commons Attribution 4.0")
    assert [g["name"] for g in shown["groups"]] == [world["group"]["name"]]
    assert shown["organization"]["name"] == "dinkes"


def test_api_create_with_kode_opd_instead_of_owner_org(app, world):
    body = satudata.dataset_fields(world["org"], world["group"])
    del body["owner_org"]
    body["kode_opd"] = "din-04"
    result = _post(app, "package_create", world["token"], body, 200)["result"]
    assert result["owner_org"] == world["org"]["id"]
    assert "kode_opd" not in result


BAD_DATASET = [
    ("title", {"title": ""}, None, "Missing value"),  # core's message, translated by the portal
    ("periode_akhir", {"periode_awal": "2023", "periode_akhir": "2019"},
     "Tahun akhir (2019) lebih awal daripada tahun awal (2023)",
     "The end year (2019) is earlier than the start year (2023)"),
    ("periode_awal", {"periode_awal": "dua ribu"}, "Masukkan tahun antara 1900 dan 2100",
     "Enter a year between 1900 and 2100"),
    ("frekuensi", {"frekuensi": "sewindu"}, 'Nilai "sewindu" tidak dikenal', 'Unknown value "sewindu"'),
    ("cakupan_wilayah", {"cakupan_wilayah": "32"}, 'Nilai "32" tidak dikenal', 'Unknown value "32"'),
    ("kode_opd", {"owner_org": None, "kode_opd": "XXX-99"}, "Kode OPD XXX-99 tidak dikenal",
     "Unknown OPD code XXX-99"),
    ("groups", {"groups": []}, "Pilih paling sedikit satu sektor", "Choose at least one sector"),
    ("groups", {"groups": [{"name": "bukan-sektor"}]}, 'Sektor "bukan-sektor" tidak dikenal',
     'Unknown sector "bukan-sektor"'),
    ("kontak_email", {"kontak_email": "bukan-email"}, None, None),
]


def _error_text(errors: dict[str, Any], field: str) -> str:
    return repr(errors[field])


def _bad_body(world: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    body = satudata.dataset_fields(world["org"], world["group"])
    for k, v in change.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


@pytest.mark.parametrize(("field", "change", "message_id", "message_en"), BAD_DATASET)
def test_bad_dataset_input_is_409_naming_the_field_in_indonesian(app, world, field, change, message_id, message_en):
    body = _post(app, "package_create", world["token"], _bad_body(world, change), 409)
    errors = body["error"]
    assert field in errors, errors
    if message_id:
        assert message_id in _error_text(errors, field)
    if message_en:
        assert message_en not in _error_text(errors, field)  # not left in English
    assert call_action("package_search")["count"] == 0  # nothing half-created


@pytest.mark.ckan_config("ckan.locale_default", "en")
@pytest.mark.parametrize(("field", "change", "message_id", "message_en"), BAD_DATASET)
def test_bad_dataset_input_is_409_naming_the_field_in_english(app, world, field, change, message_id, message_en):
    errors = _post(app, "package_create", world["token"], _bad_body(world, change), 409)["error"]
    assert field in errors, errors
    if message_en:
        assert message_en in _error_text(errors, field)


def test_resource_format_outside_the_allow_list_is_refused(app, world):
    pkg = satudata.create_dataset(world["org"], world["group"], user=world["admin"]["name"])
    errors = _post(app, "resource_create", world["token"],
                   {"package_id": pkg["id"], "url": "http://example.com/x.exe", "format": "EXE"}, 409)["error"]
    assert "format" in errors
    assert "EXE tidak diizinkan" in repr(errors["format"])
    ok = _post(app, "resource_create", world["token"],
               {"package_id": pkg["id"], "url": "http://example.com/data.csv", "format": "csv", "periode": "2023"},
               200)["result"]
    assert ok["format"] == "CSV"
    assert ok["periode"] == "2023"


def test_aplikasi_url_must_be_valid_and_choices_known(app, world):
    base = {"type": "aplikasi", "name": "app-skp", "title": "skp.bantenprov.go.id", "owner_org": world["org"]["id"],
            "jenis_aplikasi": "aplikasi", "lokasi_server": "kominfo", "status_aplikasi": "aktif",
            "pilar": ["G2E", "G2G"], "tahun_pencatatan": "2017"}
    errors = _post(app, "package_create", world["token"], dict(base, url="skp dot banten"), 409)["error"]
    assert "url" in errors and "URL tidak valid" in repr(errors["url"])
    errors = _post(app, "package_create", world["token"],
                   dict(base, url="http://skp.bantenprov.go.id", pilar=["G2X"], jenis_aplikasi="aplikasi_mobile"),
                   409)["error"]
    assert set(errors) >= {"pilar", "jenis_aplikasi"}
    created = _post(app, "package_create", world["token"], dict(base, url="http://skp.bantenprov.go.id"), 200)
    assert created["result"]["pilar"] == ["G2G", "G2E"]  # schema order
    assert created["result"]["groups"] == []  # a sector is optional for registry records


def test_produk_hukum_requires_its_fields_and_known_references(app, world):
    errors = _post(app, "package_create", world["token"],
                   {"type": "produk-hukum", "name": "pergub-1-2020", "title": "Pergub 1/2020",
                    "owner_org": world["org"]["id"], "jenis_peraturan": "pergub"}, 409)["error"]
    assert {"nomor", "tahun", "tentang"} <= set(errors)
    base = {"type": "produk-hukum", "name": "pergub-1-2020", "title": "Pergub 1/2020", "owner_org": world["org"]["id"],
            "jenis_peraturan": "pergub", "nomor": "1", "tahun": "2020", "tentang": "Uji"}
    errors = _post(app, "package_create", world["token"], dict(base, dicabut_oleh="tidak-ada"), 409)["error"]
    assert "dicabut_oleh" in errors
    first = _post(app, "package_create", world["token"], base, 200)["result"]
    second = _post(app, "package_create", world["token"],
                   dict(base, name="pergub-2-2021", nomor="2", tahun="2021", status_peraturan="berlaku"), 200)
    updated = _post(app, "package_patch", world["token"],
                    {"id": first["id"], "status_peraturan": "dicabut", "dicabut_oleh": second["result"]["id"]},
                    200)["result"]
    assert updated["dicabut_oleh"] == "pergub-2-2021"


def test_organization_kode_opd_is_unique_and_normalised(app, world):
    errors = _post(app, "organization_create", world["token"],
                   {"name": "dinkes-2", "title": "Dinkes Lagi", "kode_opd": "din-04"}, 409)["error"]
    assert "kode_opd" in errors
    assert "sudah dipakai oleh Dinas Kesehatan" in repr(errors["kode_opd"])
    errors = _post(app, "organization_create", world["token"],
                   {"name": "x-opd", "title": "X", "kode_opd": "bad code!"}, 409)["error"]
    assert "kode_opd" in errors
    errors = _post(app, "organization_create", world["token"],
                   {"name": "x-opd", "title": "X", "induk_opd": "tidak-ada", "website": "bukan url"}, 409)["error"]
    assert {"induk_opd", "website"} <= set(errors)
    child = _post(app, "organization_create", world["token"],
                  {"name": "bkkm", "title": "BKKM", "kode_opd": "bal-01", "jenis_opd": "balai",
                   "induk_opd": "dinkes"}, 200)["result"]
    assert child["kode_opd"] == "BAL-01" and child["induk_opd"] == "dinkes"
    # updating an OPD keeps its own code
    _post(app, "organization_patch", world["token"], {"id": "dinkes", "singkatan": "DINKES"}, 200)
    same = call_action("organization_show", id="dinkes")
    assert same["kode_opd"] == "DIN-04" and same["singkatan"] == "DINKES"


def test_group_schema_fields(app, world):
    g = _post(app, "group_create", world["token"],
              {"name": "keuangan", "title": "Keuangan", "urutan": "7", "pilar": ["G2B", "G2G"], "ikon": "coins"},
              200)["result"]
    assert g["urutan"] == "7" and g["pilar"] == ["G2G", "G2B"] and g["ikon"] == "coins"
    errors = _post(app, "group_create", world["token"], {"name": "x", "title": "X", "urutan": "nol"}, 409)["error"]
    assert "urutan" in errors


def test_editor_of_an_opd_can_file_a_dataset_under_any_sector(world):
    editor = factories.User()
    call_action("organization_member_create", id=world["org"]["id"], username=editor["name"], role="editor")
    other = satudata.sector(name="kesehatan-2", urutan=5)
    pkg = satudata.create_dataset(world["org"], world["group"], user=editor["name"],
                                  groups=[{"name": world["group"]["name"]}, {"name": other["name"]}])
    assert sorted(g["name"] for g in pkg["groups"]) == sorted([world["group"]["name"], other["name"]])
    updated = call_action("package_patch", {"user": editor["name"]}, id=pkg["id"],
                          groups=[{"name": other["name"]}])
    assert [g["name"] for g in updated["groups"]] == [other["name"]]
    found = call_action("package_search", fq=f'groups:"{other["name"]}"')
    assert found["count"] == 1
