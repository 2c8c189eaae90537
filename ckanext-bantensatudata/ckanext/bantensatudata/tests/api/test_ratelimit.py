"""Rate limits in Redis: a burst is refused with 429 + Retry-After, normal use is not."""
from __future__ import annotations

import json

import pytest

from ckanext.bantensatudata.api import config as api_config
from ckanext.bantensatudata.api import ratelimit

IP1 = {"REMOTE_ADDR": "203.0.113.1"}
IP2 = {"REMOTE_ADDR": "203.0.113.2"}


def _refused(response, window: int = 60) -> int:
    assert response.status_code == 429, response.body
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= window
    return retry_after


@pytest.mark.usefixtures("clean_redis")
class TestRateLimits:
    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.expensive", "3/60")
    def test_search_burst_is_refused_normal_reads_are_not(self, app, world):
        for _ in range(3):
            assert app.get("/api/3/action/package_search?q=puskesmas", extra_environ=IP1).status_code == 200
        response = app.get("/api/3/action/package_search?q=puskesmas", extra_environ=IP1)
        _refused(response)
        body = json.loads(response.body)
        assert body["success"] is False and body["error"]["__type"] == "Rate Limit Error"
        # cheap reads and other clients are not affected
        for _ in range(10):
            assert app.get(f"/api/3/action/package_show?id={world.dataset['name']}",
                           extra_environ=IP1).status_code == 200
        assert app.get("/api/3/action/package_search", extra_environ=IP2).status_code == 200

    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.write", "2/60")
    def test_writes_are_limited_per_token_whatever_the_ip(self, app, world):
        headers = {"Authorization": world.steward_token}
        for ip, satuan in ((IP1, "unit"), (IP2, "buah")):
            response = app.post("/api/3/action/package_patch", headers=headers, extra_environ=ip,
                                json={"id": world.dataset["id"], "satuan": satuan})
            assert response.status_code == 200
        response = app.post("/api/3/action/package_patch", headers=headers,
                            extra_environ={"REMOTE_ADDR": "203.0.113.3"},
                            json={"id": world.dataset["id"], "satuan": "biji"})
        _refused(response)
        from ckan.tests.helpers import call_action

        shown = call_action("package_show", {"ignore_auth": True}, id=world.dataset["id"])
        assert shown["satuan"] == "buah"  # the refused write changed nothing

    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.login", "2/300")
    def test_login_attempts_are_limited_per_ip(self, app, world):
        form = {"login": world.steward["name"], "password": "salah-sandi"}
        for _ in range(2):
            assert app.post("/user/login", data=form, extra_environ=IP1).status_code != 429
        response = app.post("/user/login", data=form, extra_environ=IP1)
        _refused(response, window=300)
        assert response.headers["Content-Type"].startswith("text/html")
        assert app.post("/user/login", data=form, extra_environ=IP2).status_code != 429
        assert app.get("/user/login", extra_environ=IP1).status_code == 200  # the form still shows

    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.expensive", "1/60")
    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.exempt_ips", "203.0.113.9")
    def test_exempt_ip_and_catalog_path(self, app, world):
        for _ in range(3):
            assert app.get("/catalog.ttl", extra_environ={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
        assert app.get("/catalog.ttl", extra_environ=IP1).status_code == 200
        _refused(app.get("/catalog.ttl", extra_environ=IP1))

    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.enabled", "false")
    @pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.expensive", "1/60")
    def test_disabled(self, app, world):
        for _ in range(3):
            assert app.get("/api/3/action/package_search", extra_environ=IP1).status_code == 200


class TestLimitParsing:
    @pytest.mark.parametrize("text,expected", [
        ("10/60", api_config.Limit(10, 60)), ("5", api_config.Limit(5, 60)),
        ("0", None), ("", None), ("x/y", None), ("-1/60", None),
    ])
    def test_parse(self, text, expected):
        assert api_config.parse_limit(text) == expected

    @pytest.mark.usefixtures("clean_redis")
    def test_window_resets(self):
        limit = api_config.Limit(1, 10)
        assert ratelimit.hit("test", ["ip:x"], limit, now=1000.0) is None
        assert ratelimit.hit("test", ["ip:x"], limit, now=1001.0) == 9
        assert ratelimit.hit("test", ["ip:x"], limit, now=1025.0) is None

    @pytest.mark.usefixtures("clean_redis")
    def test_a_burst_across_a_window_boundary_is_still_refused(self):
        limit = api_config.Limit(1, 10)
        assert ratelimit.hit("test", ["ip:y"], limit, now=1009.5) is None
        assert ratelimit.hit("test", ["ip:y"], limit, now=1010.5) == 10
