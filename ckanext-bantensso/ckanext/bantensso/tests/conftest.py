"""Fixtures: a real OpenID Connect provider (node oidc-provider) and a browser that drives it.

The provider runs for the whole test session on a free loopback port; CKAN's real
app (the ``app`` fixture) talks to it over HTTP for discovery, JWKS, token and
userinfo, exactly as in production.  ``SSOBrowser`` plays the user: it follows
CKAN's redirect to the provider with a ``requests`` session, signs in with a
test account on the provider's own login form, and hands the provider's
redirect back to CKAN's test client.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import requests
from ckan.tests import factories

from ckanext.bantensso import oidc

HERE = os.path.dirname(os.path.abspath(__file__))
PROVIDER_DIR = os.path.join(HERE, "provider")
ACCOUNTS_FILE = os.path.join(PROVIDER_DIR, "accounts.json")
SITE_URL = "http://test.ckan.net"
CALLBACK = SITE_URL + "/user/sso/callback"
LOGGED_OUT = SITE_URL + "/user/sso/logged-out"
CLIENT_ID = "satudata-portal"
CLIENT_SECRET = "test-only-client-secret"  # test provider on loopback, not a secret
POST_CLIENT_ID = "satudata-portal-post"

with open(ACCOUNTS_FILE, encoding="utf-8") as _f:
    ACCOUNTS: dict[str, dict[str, Any]] = json.load(_f)


@dataclass
class Provider:
    issuer: str
    kid: str
    process: subprocess.Popen[str]

    def post(self, path: str, body: dict[str, Any]) -> None:
        resp = requests.post(self.issuer + path, json=body, timeout=5)
        resp.raise_for_status()

    def tamper(self, target: str, mode: str | None = None, **claims: Any) -> None:
        """Make the provider change its next id_token / userinfo / profile answer."""
        self.post("/__test/tamper", {"target": target, "mode": mode, "claims": claims})

    def set_claims(self, account: str, **claims: Any) -> None:
        self.post("/__test/account", {"id": account, "claims": claims})

    def reset(self) -> None:
        self.post("/__test/reset", {})


def _node() -> str:
    node = shutil.which("node")
    assert node, "node (Node.js 20+) is required by the bantensso tests"
    return node


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """Start oidc-provider on a free loopback port; stop it at the end of the session."""
    conf = {
        "accounts": ACCOUNTS_FILE,
        "host": "127.0.0.1",
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [CALLBACK],
                "post_logout_redirect_uris": [LOGGED_OUT],
                "token_endpoint_auth_method": "client_secret_basic",
            },
            {
                "client_id": POST_CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [CALLBACK],
                "post_logout_redirect_uris": [LOGGED_OUT],
                "token_endpoint_auth_method": "client_secret_post",
            },
        ],
    }
    proc = subprocess.Popen(
        [_node(), os.path.join(PROVIDER_DIR, "provider.mjs"), json.dumps(conf)],
        cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=30)
    if not first_line or not first_line[0].strip():
        proc.kill()
        raise RuntimeError("oidc-provider did not start: " + (proc.stderr.read() if proc.stderr else ""))
    info = json.loads(first_line[0])
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(info["issuer"] + "/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("oidc-provider discovery document never appeared")
        time.sleep(0.1)
    provider = Provider(issuer=info["issuer"], kid=info["kid"], process=proc)
    try:
        yield provider
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def unused_port() -> int:
    """A loopback port where nothing listens (an unreachable provider)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oidc_settings(issuer: str) -> dict[str, Any]:
    return {
        "ckanext.bantensso.enabled": True,
        "ckanext.bantensso.mode": "oidc",
        "ckanext.bantensso.issuer": issuer,
        "ckanext.bantensso.client_id": CLIENT_ID,
        "ckanext.bantensso.client_secret": CLIENT_SECRET,
        "ckanext.bantensso.timeout": 5,
    }


@pytest.fixture
def sso(oidc_provider: Provider, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """SSO on, pointed at the test provider (whose port is only known at run time)."""
    for key, value in oidc_settings(oidc_provider.issuer).items():
        monkeypatch.setitem(ckan_config, key, value)
    oidc.clear_cache()
    oidc_provider.reset()
    yield oidc_provider
    oidc_provider.reset()
    oidc.clear_cache()


def set_config(monkeypatch: pytest.MonkeyPatch, **settings: Any) -> None:
    """Change ckanext.bantensso.* settings for one test (keys without the prefix)."""
    for key, value in settings.items():
        monkeypatch.setitem(tk.config, "ckanext.bantensso." + key.replace("__", "."), value)
    oidc.clear_cache()


# --- the browser ------------------------------------------------------------------------

class SSOBrowser:
    """A user in a browser: CKAN's test client for the portal, requests for the provider."""

    def __init__(self, app: Any, provider: Provider) -> None:
        self.app = app
        self.provider = provider
        self.op = requests.Session()

    def start(self, came_from: str | None = None) -> Any:
        url = "/user/sso/login"
        if came_from is not None:
            url += "?" + urllib.parse.urlencode({"came_from": came_from})
        return self.app.get(url, follow_redirects=False)

    def authorization_url(self, came_from: str | None = None) -> str:
        resp = self.start(came_from)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return resp.headers["Location"]

    def authorize(self, url: str, account: str, abort: bool = False) -> str:
        """Sign in at the provider; returns the URL it redirects back to (not followed)."""
        for _ in range(10):
            resp = self.op.get(url, allow_redirects=False, timeout=5)
            while resp.status_code == 200:
                form = re.search(r'<form[^>]*action="([^"]+)"', resp.text)
                prompt = re.search(r'name="prompt" value="(\w+)"', resp.text)
                assert form and prompt, resp.text[:500]
                action = urllib.parse.urljoin(resp.url, form.group(1).replace("&amp;", "&"))
                if abort:
                    resp = self.op.get(action.rstrip("/") + "/abort", allow_redirects=False, timeout=5)
                    break
                data = {"prompt": prompt.group(1), "login": account, "password": "any"}
                resp = self.op.post(action, data=data, allow_redirects=False, timeout=5)
            assert resp.status_code in (302, 303), (resp.status_code, resp.text[:500])
            url = urllib.parse.urljoin(resp.url, resp.headers["Location"])
            if url.startswith(SITE_URL):
                return url
        raise AssertionError("the provider never redirected back to the portal")

    def callback(self, url: str) -> Any:
        assert url.startswith(SITE_URL), url
        return self.app.get(url[len(SITE_URL):], follow_redirects=False)

    def login(self, account: str, came_from: str | None = None) -> Any:
        return self.callback(self.authorize(self.authorization_url(came_from), account))

    def csrf_token(self, page: str = "/dataset/") -> str:
        """The CSRF token a rendered page gives this browser (as a form would post it)."""
        html = self.app.get(page).get_data(as_text=True)
        found = re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', html)
        assert found, "no CSRF token on " + page
        return found.group(1)

    def session(self) -> dict[str, Any]:
        """The portal's session cookie, decoded (CKAN's default signed-cookie session)."""
        flask_app = self.app.flask_app
        name = flask_app.config["SESSION_COOKIE_NAME"]
        cookie = self.app.client.get_cookie(name, domain="test.ckan.net")
        if cookie is None:
            return {}
        serializer = flask_app.session_interface.get_signing_serializer(flask_app)
        return dict(serializer.loads(cookie.value))

    def session_user_id(self) -> str | None:
        return self.session().get("_user_id")


@pytest.fixture
def browser(app: Any, sso: Provider) -> SSOBrowser:
    return SSOBrowser(app, sso)


def sso_users() -> list[model.User]:
    """Every account bound to an SSO identity."""
    extras = model.User.plugin_extras
    return model.Session.query(model.User).filter(extras["bantensso"]["subject"].astext.isnot(None)).all()


def assert_nobody_signed_in(browser: SSOBrowser, users_before: int | None = None) -> None:
    """The negative-case contract: no session user and no account created."""
    assert browser.session_user_id() is None
    assert sso_users() == []
    if users_before is not None:
        assert model.Session.query(model.User).count() == users_before


def opd_organization(kode_opd: str, **kwargs: Any) -> dict[str, Any]:
    """An OPD organization with its kode_opd: the schema field when the organization
    schema has one, else an organization extra (before the catalogue schema landed)."""
    try:
        return factories.Organization(kode_opd=kode_opd, **kwargs)
    except tk.ValidationError:
        return factories.Organization(extras=[{"key": "kode_opd", "value": kode_opd}], **kwargs)
