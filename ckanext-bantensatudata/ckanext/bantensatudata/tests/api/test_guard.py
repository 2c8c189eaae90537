"""Bad API input gets a JSON error object with the right status; CORS only for public reads."""
from __future__ import annotations

import json

import pytest
from ckan.tests.helpers import call_action

ORIGIN = "https://app.example.org"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    body = json.loads(response.body)
    assert isinstance(body, dict) and body["success"] is False
    assert "Traceback" not in response.body and "<html" not in response.body.lower()
    return body["error"]


def _count_datasets() -> int:
    return call_action("package_search", {"ignore_auth": True}, include_private=True)["count"]


class TestJsonErrors:
    def test_unknown_action_is_404(self, app, world):
        error = _error(app.get("/api/3/action/package_shwo?id=x"), 404)
        assert error["__type"] == "Not Found Error"
        assert "package_shwo" in error["message"]
        _error(app.post("/api/action/no_such_action", json={}), 404)

    def test_malformed_json_is_400_and_stores_nothing(self, app, world):
        before = _count_datasets()
        response = app.post("/api/3/action/package_create", data='{"name": "rusak", "title": ',
                            headers={"Authorization": world.steward_token,
                                     "Content-Type": "application/json"})
        error = _error(response, 400)
        assert error["__type"] == "Bad Request"
        assert "JSON" in error["message"]
        assert _count_datasets() == before

    def test_json_that_is_not_an_object_is_400(self, app, world):
        response = app.post("/api/3/action/package_search", data='["q", "x"]',
                            headers={"Content-Type": "application/json"})
        assert "JSON" in _error(response, 400)["message"]

    def test_wrong_types_are_409_naming_the_field(self, app, world):
        error = _error(app.get("/api/3/action/package_search?rows=banyak"), 409)
        assert error["__type"] == "Validation Error" and "rows" in error
        before = _count_datasets()
        response = app.post("/api/3/action/package_create", json={
            "name": "tipe-salah", "title": "Tipe salah", "notes": "x",
            "owner_org": world.organization["id"], "groups": [{"name": "kesehatan"}],
            "periode_awal": "dua ribu", "frekuensi": ["tahunan"]},
            headers={"Authorization": world.steward_token})
        error = _error(response, 409)
        assert "periode_awal" in error and "frekuensi" in error
        assert _count_datasets() == before

    @pytest.mark.ckan_config("ckanext.bantensatudata.api.max_body_size", "1000")
    def test_over_large_json_body_is_413(self, app, world):
        before = _count_datasets()
        response = app.post("/api/3/action/package_create",
                            json={"name": "besar", "notes": "x" * 5000},
                            headers={"Authorization": world.steward_token})
        error = _error(response, 413)
        assert "1000" in error["message"]
        assert _count_datasets() == before

    @pytest.mark.ckan_config("ckan.max_resource_size", "1")
    def test_over_large_upload_is_413(self, app, world):
        import io

        big = io.BytesIO(b"a,b\n" + b"1,2\n" * (700 * 1024))  # 2.8 MB > 1 MB + form slack
        response = app.post("/api/3/action/resource_create",
                            data={"package_id": world.dataset["id"], "name": "besar",
                                  "upload": (big, "besar.csv")},
                            headers={"Authorization": world.steward_token},
                            content_type="multipart/form-data")
        _error(response, 413)
        dataset = call_action("package_show", {"ignore_auth": True}, id=world.dataset["id"])
        assert [r["name"] for r in dataset["resources"]] == ["Puskesmas 2023"]

    def test_wrong_method_and_unknown_paths_are_json(self, app, world):
        response = app.client.delete("/api/3/action/package_show")
        _error(response, 405)
        assert "GET" in response.headers["Allow"]
        _error(app.get("/api/3/tidak-ada"), 404)
        _error(app.get("/api/9/action/package_show"), 404)

    def test_get_on_a_write_action_is_a_json_object(self, app, world):
        error = _error(app.get("/api/3/action/package_create",
                               headers={"Authorization": world.steward_token}), 400)
        assert "POST" in error["message"]

    def test_not_authorized_and_not_found_stay_json(self, app, world):
        assert _error(app.post("/api/3/action/package_create", json={"name": "x"}), 403)
        assert _error(app.get("/api/3/action/package_show?id=tidak-ada"), 404)

    def test_good_requests_pass_untouched(self, app, world):
        response = app.post("/api/3/action/package_search", json={"q": "puskesmas"})
        assert response.json["result"]["count"] == 1
        response = app.post("/api/3/action/package_search", data={"q": "puskesmas"})
        assert response.json["result"]["count"] == 1


@pytest.mark.ckan_config("ckanext.bantensatudata.api.cors.origins", ORIGIN)
class TestCors:
    def test_public_read_allows_configured_origin(self, app, world):
        response = app.get("/api/3/action/package_search?q=puskesmas", headers={"Origin": ORIGIN})
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "Origin" in response.headers["Vary"]
        assert "Access-Control-Allow-Credentials" not in response.headers

    def test_other_origins_get_nothing(self, app, world):
        response = app.get("/api/3/action/package_search", headers={"Origin": "https://evil.example"})
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_preflight_for_reads_only(self, app, world):
        headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                   "Access-Control-Request-Headers": "Content-Type"}
        response = app.options("/api/3/action/package_search", headers=headers)
        assert response.status_code == 204
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        response = app.options("/api/3/action/package_create", headers=headers)
        assert "Access-Control-Allow-Origin" not in response.headers

    @pytest.mark.ckan_config("ckan.cors.origin_allow_all", "true")
    def test_writes_never_get_cors_even_if_core_cors_is_on(self, app, world):
        response = app.post("/api/3/action/package_patch", headers={
            "Origin": ORIGIN, "Authorization": world.steward_token},
            json={"id": world.dataset["id"], "satuan": "unit"})
        assert response.status_code == 200
        assert not [k for k, _ in response.headers.items() if k.startswith("Access-Control-")]

    def test_dcat_endpoints_are_public_reads(self, app, world):
        response = app.get("/catalog.ttl", headers={"Origin": ORIGIN})
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN



@pytest.mark.ckan_config("ckanext.bantensatudata.api.cors.origins", "*")
class TestCorsWildcard:
    def test_wildcard(self, app, world):
        response = app.get("/api/3/action/package_list", headers={"Origin": "https://any.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*"
