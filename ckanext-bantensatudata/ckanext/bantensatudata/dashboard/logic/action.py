"""Actions: the dashboard's figures, and the access grants behind its tiers."""
from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import access, cache, config, figures, queries
from . import schema
from .auth import context_user

__all__ = [
    "bantensatudata_dashboard_show",
    "bantensatudata_dashboard_access_grant",
    "bantensatudata_dashboard_access_revoke",
    "bantensatudata_dashboard_access_list",
    "bantensatudata_dashboard_audit_list",
]


def _validate(data_dict: dict[str, Any], schema_: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict or {}), schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _period(data: dict[str, Any]) -> tuple[datetime.date, datetime.date]:
    tz = ZoneInfo(config.display_timezone())
    today = datetime.datetime.now(tz).date()
    end = data.get("end") or (data["start"] + datetime.timedelta(days=config.default_period_days() - 1)
                              if data.get("start") else today)
    start = data.get("start") or end - datetime.timedelta(days=config.default_period_days() - 1)
    return start, end


@tk.side_effect_free
def bantensatudata_dashboard_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Figures of the leadership dashboard for the caller's tier.

    :param organization: name or id of an OPD: that OPD and its subordinate
        UPT/Balai (as far as the caller may see them); omitted: every OPD the
        caller may see (all of them for province-level viewers)
    :param start: first day of the reporting period (YYYY-MM-DD)
    :param end: last day of the reporting period (YYYY-MM-DD); the default
        period is the last ``default_period_days`` days ending today
    :returns: ``scope``, ``period``, ``summary`` and ``tables`` (one list of
        rows per table; see ``columns`` for each table's column order)
    """
    data_dict = data_dict or {}
    orgs = access.organizations()
    root = None
    if data_dict.get("organization"):
        root = access.find_organization(orgs, str(data_dict["organization"]))
        if root is None:
            raise tk.ObjectNotFound(tk._("OPD not found"))
    tk.check_access("bantensatudata_dashboard_show", context, {"organization": root.id if root else None})
    data = _validate(data_dict, schema.dashboard_show_schema(), context)
    start, end = _period(data)

    viewer = access.viewer_for(context_user(context), orgs)
    scope_ids = viewer.scope(orgs, root.id if root else None)
    tz = ZoneInfo(config.display_timezone())
    start_utc = figures.utc_naive(datetime.datetime.combine(start, datetime.time.min, tz))
    end_utc = figures.utc_naive(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz))

    limit = config.list_limit()
    session = model.Session
    facts = cache.cached("facts", str(limit), lambda: queries.compute_facts(
        session, datetime.datetime.now(datetime.UTC).replace(tzinfo=None), limit))
    period_rows = cache.cached("period", f"{start_utc.isoformat()}:{end_utc.isoformat()}",
                               lambda: queries.compute_period(session, start_utc, end_utc))
    result = figures.build(viewer, orgs, scope_ids, facts, period_rows, queries.sectors(session), limit)
    result["scope"] = {
        "level": "provinsi" if root is None and viewer.province else "opd",
        "organization": root.as_dict() if root else None,
        "organizations": [orgs[i].name for i in scope_ids],
    }
    result["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    result["columns"] = {name: [key for key, _label in cols] for name, cols in figures.TABLES.items()}
    return result


def _actor(context: dict[str, Any]) -> str | None:
    user = context_user(context)
    return user.name if user else context.get("user")


def bantensatudata_dashboard_access_grant(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Grants a leadership level (sysadmins; SSO with the site user).

    :param user: user name or id
    :param level: ``provinsi`` (every OPD) or ``opd`` (one OPD and its UPT/Balai)
    :param organization: the OPD, required for (and only for) ``opd``
    :param source: ``admin`` (default) or ``sso``
    :returns: the grant, with ``created`` False when it already existed
    """
    tk.check_access("bantensatudata_dashboard_access_grant", context, data_dict)
    data = _validate(data_dict, schema.access_grant_schema(), context)
    row, created = access.grant(data["user"], data["level"], data.get("organization") or None,
                                data["source"], _actor(context))
    model.Session.commit()
    return dict(row, created=created)


def bantensatudata_dashboard_access_revoke(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Revokes a user's grants: all of them, or those matching level/organization/source.

    :returns: ``{"revoked": [grants removed]}``
    """
    tk.check_access("bantensatudata_dashboard_access_revoke", context, data_dict)
    data = _validate(data_dict, schema.access_revoke_schema(), context)
    removed = access.revoke(data["user"], data.get("level"), data.get("organization") or None,
                            data.get("source"), _actor(context))
    model.Session.commit()
    return {"revoked": removed}


@tk.side_effect_free
def bantensatudata_dashboard_access_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Grants, optionally filtered by user, organization, level or source."""
    tk.check_access("bantensatudata_dashboard_access_list", context, data_dict)
    data = _validate(data_dict, schema.access_list_schema(), context)
    return access.list_grants(data.get("user"), data.get("organization") or None, data.get("level"),
                              data.get("source"), min(int(data["limit"]), 1000), int(data["offset"]))


@tk.side_effect_free
def bantensatudata_dashboard_audit_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The audit log of grants and revocations, newest first."""
    tk.check_access("bantensatudata_dashboard_audit_list", context, data_dict)
    data = _validate(data_dict, schema.audit_list_schema(), context)
    return access.audit_log(data.get("user"), min(int(data["limit"]), 1000), int(data["offset"]))
