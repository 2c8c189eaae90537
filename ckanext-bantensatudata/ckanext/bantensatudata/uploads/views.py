"""Resource downloads with safe headers, and the request-size gate for uploads.

Core's URLs stay as they are (``/dataset/<id>/resource/<rid>/download[/<name>]``
and the same under every dataset type): the plugin's ``make_middleware`` points
their endpoints at :func:`download` below, so every link core and the themes
build with ``url_for('<type>_resource.download')`` gets these headers.
"""
from __future__ import annotations

import os
import re
import unicodedata
from typing import Any
from urllib.parse import quote

import ckan.model as model
import ckan.plugins.toolkit as tk
import flask
from ckan.common import current_user
from ckan.lib import signals
from ckan.types import Context
from werkzeug.exceptions import RequestEntityTooLarge

from . import config as upload_config
from . import downloads, messages, storage

bp = flask.Blueprint("bantensatudata_uploads", __name__)

#: never rendered by the browser, whatever ckan.files.inline_content_types says
_NEVER_INLINE = re.compile(r"(html|svg|javascript|ecmascript|xml|x-sh|php)", re.IGNORECASE)
_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ ()\-]+")
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-site",
}


@bp.before_app_request
def limit_upload_bodies() -> None:
    """Refuse a multipart body that cannot hold an acceptable file before it is read."""
    request = flask.request
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "multipart/form-data":
        request.max_content_length = upload_config.max_size() + upload_config.FORM_OVERHEAD


def request_too_large(error: RequestEntityTooLarge) -> Any:
    """413 as the API's 409 ``upload`` ValidationError, or as an error page for the web form."""
    msg = messages.too_large_request(upload_config.max_size(), upload_config.allowed_formats())
    path = flask.request.path
    if re.match(r"^(/[a-zA-Z_]{2,5})?/api/", path):
        body = {
            "help": flask.request.url,
            "success": False,
            "error": {"__type": "Validation Error", "upload": [msg]},
        }
        response = flask.jsonify(body)
        response.status_code = 409
        response.headers["Connection"] = "close"
        return response
    extra_vars = {"code": 413, "content": msg, "name": tk._("Upload too large")}
    response = flask.make_response(tk.render("error_document_template.html", extra_vars), 413)
    response.headers["Connection"] = "close"
    return response


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266 header value: an ASCII ``filename`` fallback plus the exact name as RFC 5987 ``filename*``."""
    fallback = _ASCII_SAFE.sub("_", "".join(_ascii(ch) for ch in filename)).strip(" .") or "download"
    encoded = quote(filename, safe="!#$&+-.^_`|~")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _ascii(ch: str) -> str:
    if ch.isascii():
        return ch
    if unicodedata.category(ch) == "Pd":  # en dash, em dash...
        return "-"
    return unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii") or "_"


def _inline_allowed(mimetype: str) -> bool:
    if _NEVER_INLINE.search(mimetype):
        return False
    inline_types = tk.config.get("ckan.files.inline_content_types") or []
    if isinstance(inline_types, str):
        inline_types = inline_types.split()
    major = mimetype.split("/", 1)[0]
    return any(t in ("*", mimetype, major) for t in inline_types)


def _counts(status: int) -> bool:
    """A download is a GET that delivered the file from its first byte."""
    request = flask.request
    if request.method != "GET" or not upload_config.count_downloads():
        return False
    if status == 206:
        ranges = request.range.ranges if request.range else []
        return bool(ranges) and ranges[0][0] == 0
    return status in (200, 302, 303)


def download(package_type: str, id: str, resource_id: str, filename: str | None = None) -> Any:
    """Serve an uploaded file (or redirect to a linked one), counting the download."""
    context: Context = {"user": current_user.name, "auth_user_obj": current_user}
    try:
        rsc = tk.get_action("resource_show")(context, {"id": resource_id})
        pkg = tk.get_action("package_show")(context, {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to download resource"))
    if rsc.get("package_id") != pkg.get("id"):
        return tk.abort(404, tk._("Resource not found"))

    if rsc.get("url_type") != "upload":
        if not rsc.get("url"):
            return tk.abort(404, tk._("No download is available"))
        response = tk.redirect_to(rsc["url"])
        _after_download(response.status_code, rsc)
        return response

    store = storage.ResourceStore.from_config()
    resource_obj = model.Resource.get(rsc["id"])
    if store is None or resource_obj is None:
        return tk.abort(404, tk._("No download is available"))
    path = store.path_for(rsc["id"])
    if not os.path.isfile(path):
        return tk.abort(404, tk._("No download is available"))

    stored_name = (resource_obj.url or "").rsplit("/", 1)[-1] or "download"
    mimetype = (rsc.get("mimetype") or "application/octet-stream").split(";", 1)[0].strip().lower()
    response = flask.send_file(
        path, mimetype=mimetype, conditional=True, etag=True, max_age=0, last_modified=None
    )
    response.headers["Content-Type"] = mimetype
    kind = "inline" if _inline_allowed(mimetype) else "attachment"
    response.headers["Content-Disposition"] = content_disposition(kind, stored_name)
    response.headers.update(_SECURITY_HEADERS)
    response.headers["Accept-Ranges"] = "bytes"
    if pkg.get("private"):
        response.headers["Cache-Control"] = "private, no-cache"
    _after_download(response.status_code, rsc)
    return response


def _after_download(status: int, rsc: dict[str, Any]) -> None:
    if _counts(status):
        downloads.record(rsc["id"], rsc.get("package_id"))
    signals.resource_download.send(rsc["id"])


def install(app: Any) -> Any:
    """Point core's resource download endpoints at :func:`download`; answer 413 ourselves.

    Called from ``IMiddleware.make_middleware`` because only then are all of
    core's (and every dataset type's) resource blueprints registered.
    """
    flask_app = app if hasattr(app, "view_functions") else getattr(app, "app", None)
    if flask_app is None or not hasattr(flask_app, "view_functions"):
        return app
    for endpoint in list(flask_app.view_functions):
        if endpoint == "resource.download" or endpoint.endswith("_resource.download"):
            flask_app.view_functions[endpoint] = download
    flask_app.register_error_handler(RequestEntityTooLarge, request_too_large)
    return app


__all__ = ["bp"]
