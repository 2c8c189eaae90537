"""Request hooks that stand in front of CKAN's Action API.

Core's ``/api`` views already answer most mistakes with JSON, but not all:
an unknown action is a 400 with a bare string, a malformed body a 400 whose
message is a Python ``repr``, a wrong method or path (405/404) and an
over-large body (413) go through the site's HTML error page.  Programs need
one shape for every error, so this module

* refuses before any work: unknown actions (404), bodies over the limit
  (413), malformed or non-object JSON (400) and bursts over the rate limits
  (429 with ``Retry-After``);
* rewrites whatever error still leaves ``/api/`` as HTML or a bare string into
  CKAN's error object ``{"success": false, "error": {"__type", "message"}}``
  (never a page, never a traceback);
* adds CORS headers to public read actions for configured origins, and strips
  them from everything else.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response, make_response, request
from werkzeug.http import HTTP_STATUS_CODES

from . import config as api_config
from . import ratelimit

log = logging.getLogger(__name__)

ACTION_PATH = re.compile(r"^/api/(?:(?P<ver>\d+)/)?action/(?P<name>[^/]+)/?$")
DCAT_READ_PATH = re.compile(r"^/(?:catalog\.[a-z0-9]+|dataset(?:_series)?/[^/]+\.(?:ttl|rdf|xml|jsonld|n3))$")
DOC_PATHS = ("/api", "/api/")
ACTION_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
CORS_HEADERS = (
    "Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials",
    "Access-Control-Max-Age", "Access-Control-Expose-Headers",
)


# -- classification --------------------------------------------------------
def action_name(path: str) -> str | None:
    match = ACTION_PATH.match(path)
    return match.group("name") if match else None


def action_function(name: str) -> Any:
    try:
        return tk.get_action(name)
    except (KeyError, AttributeError):
        return None


def is_read_action(name: str | None) -> bool:
    function = action_function(name) if name else None
    return bool(function is not None and getattr(function, "side_effect_free", False))


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") and path not in DOC_PATHS


def client_ip() -> str:
    if api_config.trust_forwarded_for():
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.remote_addr or ""


def api_token() -> str | None:
    header = tk.config.get("apitoken_header_name") or "Authorization"
    token = request.headers.get(header) or request.headers.get("X-CKAN-API-Key")
    if token and token.lower().startswith("bearer "):
        token = token[7:]
    return token.strip() if token else None


# -- responses -------------------------------------------------------------
def error_body(status: int, message: str, error_type: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "success": False,
        "error": {"__type": error_type or HTTP_STATUS_CODES.get(status, "Error"), "message": message},
    }
    name = action_name(request.path)
    if name:
        body["help"] = tk.url_for("api.action", logic_function="help_show", ver=3,
                                  name=name, _external=True)
    return body


def json_error(status: int, message: str, error_type: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
    response = make_response(json.dumps(error_body(status, message, error_type)), status)
    response.headers["Content-Type"] = "application/json;charset=utf-8"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def too_many_requests(retry_after: int) -> Response:
    message = tk._("Too many requests. Please wait %(seconds)s seconds and try again.") % {
        "seconds": retry_after}
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return json_error(429, message, "Rate Limit Error", headers)
    html = tk.render("error_document_template.html", {
        "code": 429, "name": tk._("Too many requests"), "content": message})
    response = make_response(html, 429)
    response.headers.update(headers)
    return response


# -- rate limits -----------------------------------------------------------
def _bucket(path: str, name: str | None) -> str | None:
    if request.method == "OPTIONS":
        return None
    if name is not None:
        if not is_read_action(name):
            return "write"
        if name in api_config.expensive_actions():
            return "expensive"
        return None
    if request.method == "POST" and path in api_config.login_paths():
        return "login"
    if any(path.startswith(prefix) for prefix in api_config.expensive_paths()):
        return "expensive"
    return None


def check_rate_limit(path: str, name: str | None) -> Response | None:
    if not api_config.ratelimit_enabled():
        return None
    bucket = _bucket(path, name)
    limit = api_config.limit(bucket) if bucket else None
    if limit is None:
        return None
    ip = client_ip()
    if ip in api_config.exempt_ips():
        return None
    identities = [ratelimit.ip_identity(ip)]
    token = api_token()
    if token and bucket != "login":
        identities.append(ratelimit.token_identity(token))
    retry_after = ratelimit.hit(bucket, identities, limit)
    if retry_after is None:
        return None
    log.info("Rate limit %s exceeded by %s", bucket, identities[0])
    return too_many_requests(retry_after)


# -- body checks -----------------------------------------------------------
def check_body() -> Response | None:
    multipart = request.mimetype == "multipart/form-data"
    limit = api_config.max_upload_size() if multipart else api_config.max_body_size()
    if limit:
        # also bounds chunked bodies, which carry no Content-Length (Flask >= 3.1)
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            return json_error(413, tk._("Request body too large: the limit is %(size)s bytes.")
                              % {"size": limit}, "Request Entity Too Large")
    if request.method not in ("POST", "PUT") or request.mimetype in FORM_TYPES:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
        return json_error(400, tk._("Malformed JSON in the request body: %(reason)s.") % {
            "reason": reason}, "Bad Request")
    if not isinstance(data, dict):
        return json_error(400, tk._("The request body must be a JSON object, e.g. {\"id\": \"...\"}."),
                          "Bad Request")
    return None


# -- CORS ------------------------------------------------------------------
def _cors_allowed_origin() -> str | None:
    origin = (request.headers.get("Origin") or "").rstrip("/")
    if not origin:
        return None
    allowed = api_config.cors_origins()
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def _is_public_read(path: str, name: str | None) -> bool:
    if name is not None:
        return is_read_action(name)
    return bool(DCAT_READ_PATH.match(path)) or path.startswith("/api/i18n/")


def cors_headers() -> dict[str, str]:
    token_header = tk.config.get("apitoken_header_name") or "Authorization"
    return {
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": f"Content-Type, {token_header}",
        "Access-Control-Max-Age": str(api_config.cors_max_age()),
    }


def preflight(path: str, name: str | None) -> Response | None:
    if request.method != "OPTIONS" or not _is_public_read(path, name):
        return None
    origin = _cors_allowed_origin()
    if origin is None:
        return None
    response = make_response("", 204)
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers.update(cors_headers())
    response.vary.add("Origin")
    return response


def apply_cors(response: Response) -> Response:
    """Allow configured origins on public reads; strip CORS from everything else."""
    path = request.path
    name = action_name(path)
    for header in CORS_HEADERS:
        response.headers.pop(header, None)
    if not _is_public_read(path, name):
        return response
    origin = _cors_allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.update(cors_headers())
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.vary.add("Origin")
    return response


# -- errors leaving /api/ --------------------------------------------------
def _message(status: int) -> str:
    """A short, translated message per status (literal msgids, for extraction)."""
    messages = {
        400: tk._("Bad request."),
        404: tk._("Not found: no such API path. Actions live at /api/3/action/<name>."),
        405: tk._("Method not allowed for this API path."),
        413: tk._("Request body too large."),
        500: tk._("Internal server error. The error has been logged."),
    }
    return messages.get(status) or tk._("The request could not be completed.")


def jsonify_error(response: Response) -> Response:
    """Rewrite an HTML or bare-string error leaving /api/ as a JSON error object."""
    if response.status_code < 400 or not is_api_path(request.path):
        return response
    status = response.status_code
    if response.mimetype == "application/json":
        try:
            data = json.loads(response.get_data())
        except ValueError:
            data = None
        if isinstance(data, dict):
            return response
        message = data if isinstance(data, str) else _message(status)
        error_type = "Bad Request" if status == 400 else None
    else:
        # an HTML error page: drop it (it may describe internals), keep status and headers
        message, error_type = _message(status), None
    response.set_data(json.dumps(error_body(status, message, error_type)))
    response.headers["Content-Type"] = "application/json;charset=utf-8"
    return response


# -- the hooks -------------------------------------------------------------
def before_request() -> Response | None:
    path = request.path
    name = action_name(path)
    response = preflight(path, name)
    if response is not None:
        return response
    if name is not None and action_function(name) is None:
        return json_error(404, tk._("Action not found: %(name)s. The API documentation is at %(url)s.")
                          % {"name": name, "url": tk.url_for("bantensatudata_api.index", _external=True)},
                          "Not Found Error")
    if name is not None and request.method not in ACTION_METHODS:
        # core's 405 page loses the Allow header on the way through the HTML error handler
        return json_error(405, _message(405), headers={"Allow": ", ".join(ACTION_METHODS)})
    response = check_rate_limit(path, name)
    if response is not None:
        return response
    if path.startswith("/api/") and request.method in ("POST", "PUT"):
        return check_body()
    return None


def after_request(response: Response) -> Response:
    response = jsonify_error(response)
    return apply_cors(response)


# --------------------------------------------------------------------------- CSRF
_CSRF_BASELINE: set[str] | None = None


def remember_csrf_exemptions() -> None:
    """Snapshot the views exempt from CSRF once the app is built."""
    global _CSRF_BASELINE
    from ckan.config.middleware.flask_app import csrf

    _CSRF_BASELINE = set(getattr(csrf, "_exempt_views", set()))


def reprotect_csrf(_exc: BaseException | None = None) -> None:
    """Undo core's per-process CSRF exemption after a token-authenticated request.

    CKAN 2.12 exempts a view from CSRF for the rest of the process as soon as
    one request reaches it with an ``Authorization`` header
    (``ckan_before_request``), so one API-token call to a form view would leave
    that form open to cross-site requests from browser sessions.  The token
    request itself needed no CSRF token (a header cannot be forged cross-site);
    afterwards the view is protected again.
    """
    from ckan.config.middleware.flask_app import csrf
    from flask import current_app, g, request

    if not g.get("login_via_auth_header") or _CSRF_BASELINE is None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return
    dest = f"{view.__module__}.{view.__name__}"
    if dest not in _CSRF_BASELINE:
        getattr(csrf, "_exempt_views", set()).discard(dest)
