"""Pages of the leadership dashboard, its CSV exports and the access admin page.

Every page calls the actions; the views only translate their outcome:
anonymous -> login redirect, NotAuthorized -> 403, NotFound -> 404, a bad
period -> the form error next to the field with status 400.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from flask import Blueprint, Response, g
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError as CSRFInvalid

from . import access, fields, figures

__all__ = ["bp"]

bp = Blueprint("bantensatudata_dashboard", __name__)

ADMIN_TEMPLATE = "bantensatudata_dashboard/access.html"
INDEX_TEMPLATE = "bantensatudata_dashboard/index.html"


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _login_redirect() -> Any:
    login_view = tk.config.get("ckan.auth.login_view") or "user.login"
    return tk.redirect_to(tk.url_for(login_view, next=request.full_path.rstrip("?")))


def _period_args() -> dict[str, str]:
    return {k: request.args[k].strip() for k in ("start", "end") if request.args.get(k, "").strip()}


def _show(opd: str | None, args: dict[str, str]) -> dict[str, Any]:
    data_dict: dict[str, Any] = dict(args)
    if opd:
        data_dict["organization"] = opd
    return tk.get_action("bantensatudata_dashboard_show")(_context(), data_dict)


def _columns() -> dict[str, list[tuple[str, str]]]:
    return {name: [(key, tk._(label)) for key, label in cols] for name, cols in figures.TABLES.items()}


def _error_messages(error: tk.ValidationError) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [str(v)] for k, v in (error.error_dict or {}).items()}


def index(opd: str | None = None) -> Any:
    """The province page (everything the viewer may see), or one OPD's page."""
    if not current_user.is_authenticated:
        return _login_redirect()
    args = _period_args()
    try:
        data = _show(opd, args)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("OPD not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to see this dashboard"))
    except tk.ValidationError as e:
        return tk.render(INDEX_TEMPLATE, {
            "data": None, "errors": _error_messages(e), "form": args, "opd": opd,
            "columns": _columns(), "frequencies": fields.frequency_labels(),
        }), 400
    return tk.render(INDEX_TEMPLATE, {
        "data": data, "errors": {}, "form": {"start": data["period"]["start"], "end": data["period"]["end"]},
        "opd": opd, "columns": _columns(), "frequencies": fields.frequency_labels(),
        "completeness_fields": fields.completeness_labels(),
    })


_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _cell(value: Any) -> Any:
    """Neutralises spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def export(table: str, opd: str | None = None) -> Any:
    """One table as CSV, with the same scope and period as the page."""
    if table not in figures.TABLES:
        return tk.abort(404, tk._("Unknown table"))
    if not current_user.is_authenticated:
        return _login_redirect()
    try:
        data = _show(opd, _period_args())
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("OPD not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to export this table"))
    except tk.ValidationError as e:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in _error_messages(e).items())
        return tk.abort(400, messages)
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow([label for _key, label in _columns()[table]])
    for row in figures.csv_rows(table, data["tables"][table]):
        writer.writerow([_cell(v) for v in row])
    scope = opd or "provinsi"
    filename = f"dashboard-pimpinan_{scope}_{table}_{data['period']['start']}_{data['period']['end']}.csv"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


def _check_csrf() -> Any:
    """Checks the form's CSRF token for browser sessions, whatever CKAN's exemptions.

    CKAN exempts a view from CSRF protection for the rest of the process once an
    anonymous or API-token request reaches it; a later cookie session would then
    post unchecked.  Token-authenticated requests (no cookie) need no token.
    """
    if g.get("login_via_auth_header") or not tk.asbool(tk.config.get("WTF_CSRF_ENABLED", True)):
        return None
    try:
        validate_csrf(request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME") or "_csrf_token"))
    except CSRFInvalid:
        return tk.abort(400, tk._("The form has expired or is not valid; please reload the page and try again."))
    return None


def _require_sysadmin() -> Any:
    if not current_user.is_authenticated:
        return _login_redirect()
    if request.method == "POST":
        invalid = _check_csrf()
        if invalid is not None:
            return invalid
    try:
        tk.check_access("bantensatudata_dashboard_access_list", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only system administrators may manage dashboard access"))
    return None


def access_admin() -> Any:
    """Lists grants and the audit log; POST grants a level."""
    refused = _require_sysadmin()
    if refused is not None:
        return refused
    errors: dict[str, list[str]] = {}
    form: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("user", "level", "organization")}
        data_dict = {k: v for k, v in form.items() if v}
        data_dict["source"] = "admin"
        try:
            result = tk.get_action("bantensatudata_dashboard_access_grant")(_context(), data_dict)
        except tk.ValidationError as e:
            errors, status = _error_messages(e), 400
        else:
            if result["created"]:
                tk.h.flash_success(tk._("Access granted to {user}").format(user=result["user_name"]))
            else:
                tk.h.flash_notice(tk._("{user} already had this access").format(user=result["user_name"]))
            return tk.redirect_to("bantensatudata_dashboard.access_admin")
    grants = tk.get_action("bantensatudata_dashboard_access_list")(_context(), {})
    audit = tk.get_action("bantensatudata_dashboard_audit_list")(_context(), {"limit": 50})
    return tk.render(ADMIN_TEMPLATE, {
        "grants": grants, "audit": audit, "errors": errors, "form": form,
        "organizations": list(access.organizations().values()), "levels": access.LEVELS,
    }), status


def access_revoke() -> Any:
    """POST: revokes one grant (user + level + organization + source)."""
    refused = _require_sysadmin()
    if refused is not None:
        return refused
    data_dict = {k: request.form.get(k, "").strip() for k in ("user", "level", "organization", "source")}
    data_dict = {k: v for k, v in data_dict.items() if v}
    try:
        removed = tk.get_action("bantensatudata_dashboard_access_revoke")(_context(), data_dict)["revoked"]
    except tk.ValidationError as e:
        tk.h.flash_error("; ".join(" ".join(v) for v in _error_messages(e).values()))
    else:
        tk.h.flash_success(tk.ungettext("{n} grant revoked", "{n} grants revoked", len(removed))
                           .format(n=len(removed)))
    return tk.redirect_to("bantensatudata_dashboard.access_admin")


bp.add_url_rule("/dashboard-pimpinan", view_func=index, endpoint="index")
bp.add_url_rule("/dashboard-pimpinan/<opd>", view_func=index, endpoint="organization")
bp.add_url_rule("/dashboard-pimpinan/export/<table>.csv", view_func=export, endpoint="export")
bp.add_url_rule("/dashboard-pimpinan/<opd>/export/<table>.csv", view_func=export, endpoint="organization_export")
bp.add_url_rule("/ckan-admin/dashboard-pimpinan", view_func=access_admin, endpoint="access_admin",
                methods=["GET", "POST"])
bp.add_url_rule("/ckan-admin/dashboard-pimpinan/revoke", view_func=access_revoke, endpoint="access_revoke",
                methods=["POST"])
