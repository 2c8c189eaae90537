"""A real client (ckanapi RemoteCKAN) driving a running portal, as other applications do."""
from __future__ import annotations

import json

import ckanapi
import pytest
import requests
from ckan.tests.helpers import call_action
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from .conftest import CSV

SATU_DATA = {
    "title": "Angka Kematian Bayi",
    "notes": "Angka kematian bayi per 1.000 kelahiran hidup.",
    "walidata": "Diskominfo Provinsi Banten",
    "frekuensi": "semesteran",
    "periode_awal": "2020",
    "periode_akhir": "2024",
    "cakupan_wilayah": "36.04",
    "satuan": "per 1.000 kelahiran hidup",
    "sumber_data": "Profil Kesehatan",
    "license_id": "cc-by-4.0",
}


def _anonymous(live_server) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server.url, user_agent="banten-tests/1.0")


def _steward(live_server, world) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_server.url, apikey=world.steward_token, user_agent="banten-tests/1.0")


def _count(**kw) -> int:
    return call_action("package_search", {"ignore_auth": True}, include_private=True, **kw)["count"]


class TestReading:
    def test_search_with_filters_and_facets(self, live_server, live_world):
        portal = _anonymous(live_server)
        result = portal.call_action("package_search", {
            "q": "puskesmas", "fq": "organization:dinas-kesehatan",
            "facet.field": ["groups", "res_format"], "rows": 10})
        assert [d["name"] for d in result["results"]] == [live_world.dataset["name"]]
        groups = {i["name"]: i["count"] for i in result["search_facets"]["groups"]["items"]}
        assert groups == {"kesehatan": 1}
        assert portal.action.package_search(q="tidakadasamasekali")["count"] == 0

    def test_private_datasets_do_not_leak_to_clients(self, live_server, live_world):
        call_action("package_patch", {"user": live_world.sysadmin["name"]},
                    id=live_world.dataset["id"], private=True)
        portal = _anonymous(live_server)
        assert portal.action.package_search(q="puskesmas")["count"] == 0
        with pytest.raises((ckanapi.NotAuthorized, ckanapi.NotFound)):
            portal.action.package_show(id=live_world.dataset["name"])
        # the OPD's steward still sees it
        assert _steward(live_server, live_world).action.package_show(
            id=live_world.dataset["name"])["private"] is True

    def test_show_and_download(self, live_server, live_world):
        dataset = _anonymous(live_server).action.package_show(id=live_world.dataset["name"])
        assert (dataset["frekuensi"], dataset["periode_awal"], dataset["periode_akhir"]) == (
            "tahunan", "2019", "2023")
        assert dataset["organization"]["name"] == "dinas-kesehatan"
        url = dataset["resources"][0]["url"]
        assert url.startswith(live_server.url)
        response = requests.get(url, timeout=30)
        assert response.status_code == 200
        assert response.content.decode() == CSV


class TestWriting:
    def test_create_with_satu_data_fields_upload_and_read_back(self, live_server, live_world, tmp_path):
        portal = _steward(live_server, live_world)
        created = portal.action.package_create(
            name="angka-kematian-bayi", owner_org="dinas-kesehatan",
            groups=[{"name": "kesehatan"}], **SATU_DATA)
        for key, value in SATU_DATA.items():
            assert created[key] == value, key

        path = tmp_path / "akb-2020-2024.csv"
        path.write_text(CSV, encoding="utf-8")
        with open(path, "rb") as upload:  # the file name carries the extension the portal checks
            resource = portal.action.resource_create(
                package_id=created["id"], name="AKB 2020-2024", format="CSV", upload=upload)
        assert resource["url_type"] == "upload"
        downloaded = requests.get(resource["url"], timeout=30)
        assert downloaded.content.decode() == CSV

        shown = _anonymous(live_server).action.package_show(id="angka-kematian-bayi")
        assert [r["id"] for r in shown["resources"]] == [resource["id"]]
        assert _anonymous(live_server).action.package_search(q="kematian bayi")["count"] == 1

        # the national portal harvests it through DCAT
        ttl = requests.get(f"{live_server.url}/dataset/angka-kematian-bayi.ttl", timeout=30)
        g = Graph().parse(data=ttl.text, format="turtle")
        ds = next(g.subjects(DCAT.distribution, None))
        assert g.value(ds, DCTERMS.accrualPeriodicity) == URIRef(
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2")
        assert g.value(g.value(ds, DCTERMS.spatial), DCTERMS.identifier) == Literal("36.04")


class TestErrorsAClientGets:
    def test_validation_error_names_the_fields_and_stores_nothing(self, live_server, live_world):
        before = _count()
        with pytest.raises(ckanapi.ValidationError) as raised:
            _steward(live_server, live_world).action.package_create(
                name="data-rusak", owner_org="dinas-kesehatan", groups=[{"name": "kesehatan"}],
                title="Data rusak", notes="x", frekuensi="kadang-kadang", periode_awal="20x0",
                cakupan_wilayah="99")
        errors = raised.value.error_dict
        assert errors["__type"] == "Validation Error"
        assert {"frekuensi", "periode_awal", "cakupan_wilayah"} <= set(errors)
        assert _count() == before

    def test_not_authorized_and_not_found(self, live_server, live_world):
        with pytest.raises(ckanapi.NotAuthorized):
            _anonymous(live_server).action.package_create(name="tanpa-token", **SATU_DATA)
        with pytest.raises(ckanapi.NotFound):
            _anonymous(live_server).action.package_show(id="tidak-ada")
        with pytest.raises(ckanapi.NotFound):
            _anonymous(live_server).call_action("package_shwo", {"id": "x"})

    def test_other_opd_is_refused(self, live_server, live_world):
        from ckan.tests import factories

        other = factories.Organization(name="dinas-pendidikan")
        with pytest.raises(ckanapi.NotAuthorized):
            _steward(live_server, live_world).action.package_create(
                name="bukan-opd-saya", owner_org=other["name"], groups=[{"name": "kesehatan"}],
                **SATU_DATA)

    def test_malformed_and_oversized_bodies_are_json(self, live_server, live_world):
        url = f"{live_server.url}/api/3/action/package_create"
        headers = {"Authorization": live_world.steward_token, "Content-Type": "application/json"}
        response = requests.post(url, data=b'{"name": ', headers=headers, timeout=30)
        assert response.status_code == 400
        assert response.json()["success"] is False and "JSON" in response.json()["error"]["message"]

        big = json.dumps({"name": "besar", "notes": "x" * (3 * 1024 * 1024)})
        response = requests.post(url, data=big, headers=headers, timeout=60)
        assert response.status_code == 413
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["error"]["__type"] == "Request Entity Too Large"

    def test_no_html_from_the_api(self, live_server, live_world):
        for method, path in (("DELETE", "/api/3/action/package_show"), ("GET", "/api/3/salah"),
                             ("GET", "/api/3/action/package_show?id=tidak-ada")):
            response = requests.request(method, live_server.url + path, timeout=30)
            assert response.status_code >= 400
            assert response.headers["Content-Type"].startswith("application/json"), path
            assert response.json()["success"] is False
