"""Template helpers for the login page (all prefixed bantensso_)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import request

from ckanext.bantensso import config
from ckanext.bantensso.views import safe_came_from

__all__ = [
    "bantensso_came_from", "bantensso_enabled", "bantensso_login_url", "bantensso_password_login_enabled",
]


def bantensso_enabled() -> bool:
    return config.enabled()


def bantensso_came_from() -> str | None:
    """The login page's came_from (or next), if it is a local path."""
    return safe_came_from(request.args.get("came_from") or request.args.get("next"))


def bantensso_login_url(came_from: str | None = None) -> str:
    """The SSO start URL, carrying came_from only when it is a local path."""
    safe = safe_came_from(came_from)
    return tk.h.url_for("bantensso.login", came_from=safe) if safe else tk.h.url_for("bantensso.login")


def bantensso_password_login_enabled() -> bool:
    """False when SSO is on and local password login is reserved for the emergency allow-list."""
    return not (config.enabled() and config.disable_password_login())
