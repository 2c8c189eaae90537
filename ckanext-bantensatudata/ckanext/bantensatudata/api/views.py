"""The API documentation page, and the hooks guarding CKAN's Action API.

The page lives at exactly ``/api`` and ``/api/`` (also ``/en/api``).  Core
answers those two paths with ``{"version": 1}``; programs that ask for JSON
(curl sends ``Accept: */*``) still get that, browsers get the page.  Every
other ``/api/...`` route stays core's.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.views import api as core_api
from flask import Blueprint, request

from . import config as api_config
from . import examples as api_examples
from . import guard

__all__ = ["bp"]

bp = Blueprint("bantensatudata_api", __name__)
bp.before_app_request(guard.before_request)
bp.after_app_request(guard.after_request)


def _wants_html() -> bool:
    accept = request.accept_mimetypes
    if not accept:
        return False
    return accept.best_match(["application/json", "text/html"]) == "text/html" and (
        accept["text/html"] > accept["application/json"])


def _limits() -> list[dict[str, Any]]:
    out = []
    for bucket, label in (("login", tk._("Login attempts per IP")),
                          ("write", tk._("API write calls per IP and per token")),
                          ("expensive", tk._("Searches and catalogue reads per IP and per token"))):
        limit = api_config.limit(bucket)
        if limit is not None:
            out.append({"label": label, "count": limit.count, "seconds": limit.seconds})
    return out


def index() -> Any:
    """The API page for browsers; core's version document for programs."""
    if not _wants_html():
        return core_api.get_api()
    lang = tk.h.lang() or "id"
    site_url = tk.config.get("ckan.site_url") or request.host_url
    return tk.render("bantensatudata_api/index.html", {
        "examples": api_examples.examples(site_url, lang),
        "fields": api_examples.fields(lang),
        "context": api_examples.values(site_url),
        "limits": _limits() if api_config.ratelimit_enabled() else [],
        "cors_origins": api_config.cors_origins(),
        "max_body_size": api_config.max_body_size(),
        "site_url": site_url.rstrip("/"),
    })


bp.add_url_rule("/api", view_func=index, endpoint="index", strict_slashes=False)
bp.add_url_rule("/api/", view_func=index, endpoint="index", strict_slashes=False)
