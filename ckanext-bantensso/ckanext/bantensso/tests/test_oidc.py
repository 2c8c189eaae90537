"""The relying party's building blocks, against the real test provider where they talk to it."""
from __future__ import annotations

import base64
import hashlib

import pytest

from ckanext.bantensso import oidc, store
from ckanext.bantensso.errors import ConfigurationError, ProviderError, ProviderUnavailable
from ckanext.bantensso.tests.conftest import set_config

pytestmark = pytest.mark.ckan_config("ckanext.bantensso.enabled", True)


@pytest.mark.parametrize("url", [
    "https://sso.bantenprov.go.id", "http://127.0.0.1:8080/x", "http://localhost:9000", "http://[::1]:80/",
])
def test_check_url_accepts_https_and_loopback_http(url):
    assert oidc.check_url(url, "test") == url


@pytest.mark.parametrize("url", [
    "http://sso.bantenprov.go.id", "ftp://127.0.0.1/", "https://", "", "//sso.bantenprov.go.id",
    "http://127.0.0.1.evil.example/",
])
def test_check_url_refuses_cleartext_over_the_network(url):
    with pytest.raises(ConfigurationError):
        oidc.check_url(url, "test")


def test_half_hash_is_the_left_half_of_the_digest():
    token = "jHkWEdUXMU1BwAsC4vtUsZwnNKhsy3PjpfyqHrFEwqQ"
    expected = base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()[:16]).rstrip(b"=").decode()
    assert oidc.half_hash(token, "RS256") == expected
    assert len(oidc.half_hash(token, "ES384")) == 32


def test_discovery_reads_the_provider(sso):
    meta = oidc.metadata()
    assert meta.issuer == sso.issuer
    assert meta.token_endpoint == sso.issuer + "/token"
    assert meta.iss_parameter_supported is True
    assert "RS256" in meta.algorithms
    assert sso.kid in [k.kid for k in oidc.keys(meta).keys]


def test_discovery_with_another_issuer_name_is_refused(sso, monkeypatch):
    # Same server, reached under another name: its document names a different issuer.
    set_config(monkeypatch, issuer=sso.issuer.replace("127.0.0.1", "localhost"))
    with pytest.raises(ProviderError) as exc:
        oidc.metadata()
    assert exc.value.reason == "discovery_issuer_mismatch"


def test_unreachable_discovery(sso, monkeypatch, unused_port):
    set_config(monkeypatch, issuer=f"http://127.0.0.1:{unused_port}")
    with pytest.raises(ProviderUnavailable):
        oidc.metadata()


def test_id_token_algorithm_allow_list_never_contains_none_or_hmac(monkeypatch):
    set_config(monkeypatch, id_token_algorithms="RS256 none HS256 ES256")
    assert oidc.config.id_token_algorithms() == ["RS256", "ES256"]


@pytest.mark.usefixtures("with_request_context")
def test_begin_stores_a_single_use_transaction(sso):
    url, state = oidc.begin("/dataset/")
    assert url.startswith(sso.issuer + "/auth?")
    assert "code_challenge_method=S256" in url
    assert f"state={state}" in url
    assert "nonce=" in url
    tx = store.pop_transaction(state)
    assert tx is not None and tx["came_from"] == "/dataset/" and tx["code_verifier"]
    assert store.pop_transaction(state) is None


def test_end_session_url_for_rp_initiated_logout(sso):
    url = oidc.end_session_url("header.payload.signature", "st4te")
    assert url.startswith(sso.issuer + "/session/end?")
    assert "id_token_hint=header.payload.signature" in url
    assert "state=st4te" in url
    assert "post_logout_redirect_uri=http%3A%2F%2Ftest.ckan.net%2Fuser%2Fsso%2Flogged-out" in url


def test_end_session_url_for_a_cas_logout(monkeypatch):
    set_config(monkeypatch, mode="oauth2", issuer="https://sso.bantenprov.go.id/cas", client_id="portal",
               client_secret="x", authorize_url="https://sso.bantenprov.go.id/cas/oauth2.0/authorize",
               token_url="https://sso.bantenprov.go.id/cas/oauth2.0/accessToken",
               profile_url="https://sso.bantenprov.go.id/cas/oauth2.0/profile",
               logout_url="https://sso.bantenprov.go.id/cas/logout?service={return_to}")
    url = oidc.end_session_url(None, "s")
    assert url == ("https://sso.bantenprov.go.id/cas/logout?service="
                   "http%3A%2F%2Ftest.ckan.net%2Fuser%2Fsso%2Flogged-out")
