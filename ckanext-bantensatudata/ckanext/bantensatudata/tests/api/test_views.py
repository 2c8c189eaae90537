"""The API page at /api: Indonesian first, English via /en, core's routes untouched."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from ckanext.bantensatudata.api import examples as api_examples

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _text(body: str) -> str:
    return BeautifulSoup(body, "html.parser").get_text(" ", strip=True)


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestApiPage:
    def test_browser_gets_indonesian_page(self, app):
        response = app.get("/api", headers=BROWSER)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        text = _text(response.body)
        assert "API untuk pengembang" in text
        assert "Token API" in text
        assert "Kolom Satu Data" in text

    def test_english_through_the_locale(self, app):
        response = app.get("/en/api", headers=BROWSER)
        text = _text(response.body)
        assert "API for developers" in text
        assert "Search datasets with filters and facets" in text

    def test_page_shows_every_example_from_the_data_file(self, app):
        soup = BeautifulSoup(app.get("/api/", headers=BROWSER).body, "html.parser")
        codes = [c.get_text() for c in soup.select(".bantensatudata-api-example pre code")]
        for example in api_examples.examples("http://test.ckan.net", "id"):
            assert example["curl"] in codes
            assert example["python"] in codes
            assert soup.find(id=f"example-{example['id']}") is not None
        assert 'curl -sG "http://test.ckan.net/api/3/action/package_search"' in "".join(codes)

    def test_page_documents_fields_and_dcat_endpoints(self, app):
        body = app.get("/api", headers=BROWSER).body
        for field in ("walidata", "frekuensi", "cakupan_wilayah", "periode_awal"):
            assert field in body
        assert "http://test.ckan.net/catalog.ttl" in body

    def test_logged_in_user_gets_link_to_own_tokens(self, app):
        from ckan.tests import factories

        from .conftest import api_token

        user = factories.User()
        headers = dict(BROWSER, Authorization=api_token(user))
        response = app.get("/api", headers=headers)
        assert f"/user/{user['name']}/api-tokens" in response.body

    def test_programs_still_get_the_version_document(self, app):
        for path in ("/api", "/api/"):
            response = app.get(path, headers={"Accept": "*/*"})
            assert response.status_code == 200
            assert json.loads(response.body) == {"version": 1}

    def test_core_action_routes_are_untouched(self, app):
        response = app.get("/api/3/action/status_show")
        assert response.json["success"] is True
        assert app.get("/api/3").json == {"version": 3}
        assert app.get("/api/action/package_list").json["result"] == []
