"""Schemas of the dashboard's actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import access


def _v(name: str) -> Any:
    return tk.get_validator(name)


def dashboard_show_schema() -> dict[str, Any]:
    return {
        "organization": [_v("ignore_missing"), _v("unicode_safe")],
        "start": [_v("ignore_missing"), _v("bantensatudata_dashboard_date")],
        "end": [_v("ignore_missing"), _v("bantensatudata_dashboard_date")],
        "__after": [_v("bantensatudata_dashboard_period")],
    }


def access_grant_schema() -> dict[str, Any]:
    return {
        "user": [_v("not_empty"), _v("unicode_safe"), _v("bantensatudata_dashboard_user")],
        "level": [_v("not_empty"), _v("unicode_safe"), _v("one_of")(list(access.LEVELS))],
        "organization": [_v("ignore_missing"), _v("unicode_safe"), _v("bantensatudata_dashboard_organization")],
        "source": [_v("default")("admin"), _v("unicode_safe"), _v("one_of")(list(access.SOURCES))],
        "__after": [_v("bantensatudata_dashboard_grant_scope")],
    }


def access_revoke_schema() -> dict[str, Any]:
    return {
        "user": [_v("not_empty"), _v("unicode_safe"), _v("bantensatudata_dashboard_user")],
        "level": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(access.LEVELS))],
        "organization": [_v("ignore_missing"), _v("unicode_safe"), _v("bantensatudata_dashboard_organization")],
        "source": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(access.SOURCES))],
    }


def access_list_schema() -> dict[str, Any]:
    return {
        "user": [_v("ignore_missing"), _v("unicode_safe"), _v("bantensatudata_dashboard_user")],
        "level": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(access.LEVELS))],
        "organization": [_v("ignore_missing"), _v("unicode_safe"), _v("bantensatudata_dashboard_organization")],
        "source": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(access.SOURCES))],
        "limit": [_v("default")(1000), _v("natural_number_validator")],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }


def audit_list_schema() -> dict[str, Any]:
    return {
        "user": [_v("ignore_missing"), _v("unicode_safe"), _v("bantensatudata_dashboard_user")],
        "limit": [_v("default")(50), _v("natural_number_validator")],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }
