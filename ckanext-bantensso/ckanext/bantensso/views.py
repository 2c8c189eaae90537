"""Routes of Banten Satu Login: /user/sso/login, /user/sso/callback, /user/sso/logged-out.

Logout itself stays on CKAN's /user/_logout (a CSRF-protected POST from the page
header); the plugin's IAuthenticator.logout hook calls :func:`provider_logout`.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import urllib.parse
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, g, make_response, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import ValidationError as CSRFError
from flask_wtf.csrf import generate_csrf, validate_csrf

from ckanext.bantensso import accounts, config, oidc, store
from ckanext.bantensso.errors import SSOError, TransactionError

__all__ = ["bp"]

log = logging.getLogger(__name__)

bp = Blueprint("bantensso", __name__, url_prefix="/user/sso")

SESSION_STATES = "bantensso_states"
SESSION_LOGIN = "bantensso_login"
SESSION_LOGOUT_STATE = "bantensso_logout_state"
MAX_PENDING = 3


def safe_came_from(value: Any) -> str | None:
    """``value`` if it is a path on this site, else None (no open redirects).

    Stricter than CKAN's h.url_is_local: no scheme, no host, no protocol-relative
    ``//host``, no backslashes (browsers read ``/\\host`` as ``//host``), no
    control characters or spaces.
    """
    if not isinstance(value, str) or not value or len(value) > 2000:
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def _after_login_url() -> str:
    return tk.h.url_for(tk.config.get("ckan.auth.route_after_login") or "dashboard.datasets")


def render_error(error: SSOError) -> ResponseReturnValue:
    """The error page: a readable message and a reference code, never a 500 or a trace."""
    log.warning("bantensso: sign-in refused (%s)", error.reason)
    body = tk.render("bantensso/error.html", {"message": error.message, "reason": error.reason})
    response = make_response(body, error.status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _pending_states() -> list[str]:
    states = session.get(SESSION_STATES) or []
    return [s for s in states if isinstance(s, str)] if isinstance(states, list) else []


@bp.route("/login")
def login() -> ResponseReturnValue:
    """Start the authorization code flow (PKCE, state, nonce) and go to the provider."""
    if not config.enabled():
        return tk.abort(404)
    came_from = request.args.get("came_from") or request.args.get("next") or ""
    if came_from and safe_came_from(came_from) is None:
        return render_error(TransactionError(
            tk._("The address to return to after signing in is not on this portal."), "came_from_not_local"))
    if tk.current_user.is_authenticated:
        return redirect(came_from or _after_login_url())
    try:
        url, state = oidc.begin(came_from)
    except SSOError as exc:
        return render_error(exc)
    session[SESSION_STATES] = [*_pending_states()[-(MAX_PENDING - 1):], state]
    response = redirect(url)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/callback")
def callback() -> ResponseReturnValue:
    """The provider's redirect: verify everything, then (and only then) sign in."""
    if not config.enabled():
        return tk.abort(404)
    known = _pending_states()
    state = request.args.get("state")
    if state in known:
        session[SESSION_STATES] = [s for s in known if s != state]
    try:
        result = oidc.complete(request.args, known)
        identity = accounts.identity_from_claims(result.issuer, result.claims)
        outcome = accounts.sign_in(identity)
    except SSOError as exc:
        return render_error(exc)

    handle = store.save_logout_token(result.id_token) if result.id_token else None
    # The cookie session cannot be regenerated: clear it, so nothing set before
    # sign-in (by anyone) survives into the signed-in session, then rotate CSRF.
    session.clear()
    tk.login_user(outcome.user)
    _rotate_csrf()
    session[SESSION_LOGIN] = {"handle": handle, "issuer": result.issuer}
    for note in outcome.notes:
        tk.h.flash_notice(note)
    log.info("bantensso: %s signed in (%s)", outcome.user.name, "new account" if outcome.created else "existing")
    response = redirect(safe_came_from(result.came_from) or _after_login_url())
    response.headers["Cache-Control"] = "no-store"
    return response


def _rotate_csrf() -> None:
    field = tk.config.get("WTF_CSRF_FIELD_NAME")
    session.pop(field, None)
    g.pop(field, None)  # flask-wtf caches the request's token in g
    generate_csrf()


@bp.route("/logged-out")
def logged_out() -> ResponseReturnValue:
    """Where the provider sends the browser back after RP-initiated logout."""
    expected = session.pop(SESSION_LOGOUT_STATE, None)
    got = request.args.get("state") or ""
    if not (isinstance(expected, str) and hmac.compare_digest(expected.encode(), got.encode())):
        log.info("bantensso: post-logout redirect without the expected state")
    return redirect(tk.h.url_for("user.logged_out_page"))


def password_login_guard() -> ResponseReturnValue | None:
    """IAuthenticator.login: refuse local password logins when they are disabled.

    Only sysadmins named in password_login_allowlist keep password access (emergency).
    """
    if request.method != "POST" or not (config.enabled() and config.disable_password_login()):
        return None
    login_name = (request.form.get("login") or "").strip()
    user = (model.User.by_name(login_name) or model.User.by_email(login_name)) if login_name else None
    if user is not None and user.sysadmin and user.name in config.password_login_allowlist():
        return None
    tk.h.flash_error(tk._("Password login is disabled on this portal. Please log in with Banten Satu Login."))
    return make_response(tk.render("user/login.html", {}), 403)


def provider_logout() -> ResponseReturnValue | None:
    """IAuthenticator.logout: end the local session, then the provider's (RP-initiated).

    Returns None for accounts that did not sign in through SSO (CKAN's own logout).
    """
    info = session.get(SESSION_LOGIN)
    if not isinstance(info, dict) or not tk.current_user.is_authenticated:
        return None
    if request.method != "POST":
        # A link or an <img> must not be able to sign anyone out of every provincial app.
        return tk.render("bantensso/logout_confirm.html", {})
    try:
        validate_csrf(request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except CSRFError:
        return render_error(TransactionError(
            tk._("The logout form has expired. Please try again."), "logout_csrf"))
    handle = info.get("handle")
    id_token = store.pop_logout_token(handle) if isinstance(handle, str) else None
    tk.logout_user()
    session.clear()
    state = secrets.token_urlsafe(24)
    url = oidc.end_session_url(id_token, state)
    if not url:
        return redirect(tk.h.url_for("user.logged_out_page"))
    session[SESSION_LOGOUT_STATE] = state
    return redirect(url)
