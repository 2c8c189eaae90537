"""``ckan dashboard-pimpinan``: grant, revoke and list leadership access.

The commands call the same actions as the admin page, as the site user, so
every change is validated and audited (``granted_by`` is the site user).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import click

from . import access

__all__ = ["dashboard_pimpinan"]


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        return tk.get_action(action)({"user": site_user["name"]}, data_dict)
    except tk.ValidationError as e:
        for field, messages in (e.error_dict or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                click.secho(f"{field}: {message}", fg="red", err=True)
        raise click.exceptions.Exit(2) from None


def _echo_grant(g: dict[str, Any]) -> None:
    where = g.get("organization_name") or "-"
    click.echo(f"{g['user_name'] or g['user_id']}\t{g['level']}\t{where}\t{g['source']}\t"
               f"{g['granted_by'] or '-'}\t{g['created']}")


@click.group("dashboard-pimpinan", short_help="Leadership dashboard access (Dashboard Pimpinan).")
def dashboard_pimpinan() -> None:
    pass


@dashboard_pimpinan.command("grant")
@click.argument("user")
@click.argument("level", type=click.Choice(access.LEVELS))
@click.option("-o", "--organization", help="OPD name (required for level opd).")
@click.option("--source", type=click.Choice(access.SOURCES), default="admin", show_default=True)
def grant(user: str, level: str, organization: str | None, source: str) -> None:
    """Grant USER the LEVEL (provinsi | opd) of the leadership dashboard."""
    data = {"user": user, "level": level, "source": source}
    if organization:
        data["organization"] = organization
    result = _call("bantensatudata_dashboard_access_grant", data)
    click.secho("granted" if result["created"] else "already granted", fg="green")
    _echo_grant(result)


@dashboard_pimpinan.command("revoke")
@click.argument("user")
@click.option("--level", type=click.Choice(access.LEVELS))
@click.option("-o", "--organization", help="Only the grant for this OPD.")
@click.option("--source", type=click.Choice(access.SOURCES))
def revoke(user: str, level: str | None, organization: str | None, source: str | None) -> None:
    """Revoke USER's grants (all, or those matching the options)."""
    data = {"user": user}
    for key, value in (("level", level), ("organization", organization), ("source", source)):
        if value:
            data[key] = value
    removed = _call("bantensatudata_dashboard_access_revoke", data)["revoked"]
    click.secho(f"revoked {len(removed)} grant(s)", fg="green")
    for g in removed:
        _echo_grant(g)


@dashboard_pimpinan.command("list")
@click.option("-u", "--user", help="Only this user's grants.")
@click.option("-o", "--organization", help="Only grants for this OPD.")
def list_(user: str | None, organization: str | None) -> None:
    """List grants: user, level, OPD, source, granted by, when."""
    data = {k: v for k, v in (("user", user), ("organization", organization)) if v}
    for g in _call("bantensatudata_dashboard_access_list", data):
        _echo_grant(g)


@dashboard_pimpinan.command("audit")
@click.option("-u", "--user", help="Only changes to this user's grants.")
@click.option("-n", "--limit", type=int, default=50, show_default=True)
def audit(user: str | None, limit: int) -> None:
    """Show the audit log of grants and revocations, newest first."""
    data: dict[str, Any] = {"limit": limit}
    if user:
        data["user"] = user
    for a in _call("bantensatudata_dashboard_audit_list", data):
        click.echo(f"{a['created']}\t{a['actor'] or '-'}\t{a['action']}\t{a['user_name'] or a['user_id']}\t"
                   f"{a['level']}\t{a['organization_name'] or '-'}\t{a['source']}")
