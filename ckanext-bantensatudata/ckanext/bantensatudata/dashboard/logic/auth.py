"""Auth functions: the dashboard by tier, access management for sysadmins only.

Sysadmins pass every CKAN auth function without calling it; the site user
(which SSO uses to sync levels from its claims) is a sysadmin.
"""
from __future__ import annotations

from typing import Any

import ckan.model as model

from .. import access


def context_user(context: dict[str, Any]) -> model.User | None:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def bantensatudata_dashboard_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Province-level viewers see everything; others only the OPD they lead or administer."""
    orgs = access.organizations()
    viewer = access.viewer_for(context_user(context), orgs)
    wanted = (data_dict or {}).get("organization")
    if not wanted:
        return {"success": viewer.has_access}
    org = access.find_organization(orgs, wanted)
    return {"success": org is not None and viewer.may_open(org.id)}


def bantensatudata_dashboard_access_grant(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False}


def bantensatudata_dashboard_access_revoke(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False}


def bantensatudata_dashboard_access_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False}


def bantensatudata_dashboard_audit_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"success": False}
