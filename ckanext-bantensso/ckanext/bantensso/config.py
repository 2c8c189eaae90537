"""Typed getters for the ckanext.bantensso.* settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.bantensso."
SECRET_ENV = "BANTENSSO_CLIENT_SECRET"
# Algorithms that are never accepted for an id_token, whatever the settings say:
# "none" (no signature) and HMAC (keyed with the client secret, i.e. forgeable by
# anyone who knows it).
FORBIDDEN_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})


def _get(name: str) -> Any:
    return tk.config.get(PREFIX + name)


def enabled() -> bool:
    return tk.asbool(_get("enabled"))


def mode() -> str:
    return _get("mode") or "oidc"


def issuer() -> str:
    return (_get("issuer") or "").strip()


def client_id() -> str:
    return (_get("client_id") or "").strip()


def client_secret() -> str:
    return (_get("client_secret") or os.environ.get(SECRET_ENV, "")).strip()


def client_auth_method() -> str:
    return _get("client_auth_method") or "client_secret_basic"


def scope() -> str:
    return " ".join((_get("scope") or "").split())


def _site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def redirect_uri() -> str:
    return (_get("redirect_uri") or "").strip() or _site_url() + "/user/sso/callback"


def post_logout_redirect_uri() -> str:
    return (_get("post_logout_redirect_uri") or "").strip() or _site_url() + "/user/sso/logged-out"


def endpoint(name: str) -> str:
    """An explicitly configured endpoint URL (authorize_url, token_url, profile_url, logout_url)."""
    return (_get(name) or "").strip()


def pkce() -> bool:
    return mode() == "oidc" or tk.asbool(_get("pkce"))


def use_userinfo() -> bool:
    return tk.asbool(_get("userinfo"))


def id_token_algorithms() -> list[str]:
    algs = _get("id_token_algorithms") or []
    if isinstance(algs, str):
        algs = algs.split()
    return [a for a in algs if a not in FORBIDDEN_ALGORITHMS]


def _int(name: str, default: int) -> int:
    try:
        return int(_get(name))
    except (TypeError, ValueError):
        return default


def clock_skew() -> int:
    return _int("clock_skew", 60)


def max_token_age() -> int:
    return _int("max_token_age", 600)


def transaction_lifetime() -> int:
    return _int("transaction_lifetime", 600)


def timeout() -> int:
    return _int("timeout", 10)


def tls_verify() -> bool | str:
    """What requests' ``verify`` gets: a CA bundle path, or True. Never False."""
    bundle = (_get("ca_bundle") or "").strip()
    return bundle or True


def metadata_cache_ttl() -> int:
    return _int("metadata_cache_ttl", 3600)


def logout_token_ttl() -> int:
    return _int("logout_token_ttl", 86400)


def claim_path(name: str) -> str:
    """Dotted path of a claim: subject, email, email_verified, name, nip, opd_code, position."""
    return (_get("claim." + name) or "").strip()


def email_fallback() -> str:
    return (_get("email_fallback") or "").strip()


def link_by_email() -> bool:
    return tk.asbool(_get("link_by_email"))


def rules_dir() -> str:
    """The rule files' folder: the setting, else sso/ or config/sso/ next to the ini file."""
    configured = (_get("rules_dir") or "").strip()
    if configured:
        return configured
    ini = tk.config.get("__file__") or os.path.join(os.getcwd(), "ckan.ini")
    here = os.path.dirname(os.path.abspath(ini))
    for candidate in (os.path.join(here, "sso"), os.path.join(here, "config", "sso")):
        if os.path.isdir(candidate):
            return candidate
    return os.path.join(here, "config", "sso")


def rules_file(name: str) -> str:
    """Absolute path of role_rules, leadership_rules or opd_map (empty if unset)."""
    value = (_get(name) or "").strip()
    if not value:
        return ""
    return value if os.path.isabs(value) else os.path.join(rules_dir(), value)


def disable_password_login() -> bool:
    return tk.asbool(_get("disable_password_login"))


def password_login_allowlist() -> list[str]:
    names = _get("password_login_allowlist") or []
    if isinstance(names, str):
        names = names.split()
    return [n.strip() for n in names if n.strip()]
