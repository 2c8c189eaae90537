"""Validators of the dashboard's actions (registered under prefixed names)."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config


def bantensatudata_dashboard_date(value: Any, context: dict[str, Any]) -> Any:
    """A calendar date written YYYY-MM-DD (empty stays empty)."""
    if value in (None, "") or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.Invalid(tk._("Date must be in the form YYYY-MM-DD")) from None


def bantensatudata_dashboard_user(value: Any, context: dict[str, Any]) -> Any:
    """A user name or id -> the user's id."""
    user = model.User.get(str(value))
    if user is None or user.state == "deleted":
        raise tk.Invalid(tk._("User not found"))
    return user.id


def bantensatudata_dashboard_organization(value: Any, context: dict[str, Any]) -> Any:
    """An organization name or id -> the organization's id."""
    if value in (None, ""):
        return value
    group = model.Group.get(str(value))
    if group is None or not group.is_organization or group.state != "active":
        raise tk.Invalid(tk._("Organization not found"))
    return group.id


def bantensatudata_dashboard_period(key: Any, data: dict[Any, Any], errors: dict[Any, Any],
                                    context: dict[str, Any]) -> None:
    """The period must run forwards and stay within the configured length."""
    start, end = data.get(("start",)), data.get(("end",))
    if errors.get(("start",)) or errors.get(("end",)):
        return
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        return
    if start > end:
        errors.setdefault(("end",), []).append(tk._("The end of the period must not be before its start"))
    elif (end - start).days + 1 > config.max_period_days():
        errors.setdefault(("end",), []).append(
            tk._("The period may not be longer than {days} days").format(days=config.max_period_days()))


def bantensatudata_dashboard_grant_scope(key: Any, data: dict[Any, Any], errors: dict[Any, Any],
                                         context: dict[str, Any]) -> None:
    """An ``opd`` grant names its organization; a ``provinsi`` grant names none."""
    if errors.get(("level",)) or errors.get(("organization",)):
        return
    level, organization = data.get(("level",)), data.get(("organization",))
    if level == "opd" and not organization:
        errors.setdefault(("organization",), []).append(tk._("An OPD-level grant needs an organization"))
    elif level == "provinsi" and organization:
        errors.setdefault(("organization",), []).append(
            tk._("A province-level grant covers every organization; leave the organization empty"))
