"""Smoke tests: the real server, booted through the same start path as `make run`."""
from __future__ import annotations

import pytest
import requests


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("path", ["/", "/dataset/", "/organization/", "/group/", "/api/3/action/status_show"])
def test_pages_answer_200(live_server, path):
    resp = requests.get(live_server.url + path, timeout=30)
    assert resp.status_code == 200, resp.text[:500]


def test_status_show_reports_ckan_2_12(live_server):
    body = requests.get(live_server.url + "/api/3/action/status_show", timeout=30).json()
    assert body["success"] is True
    assert body["result"]["ckan_version"] == "2.12.0"
