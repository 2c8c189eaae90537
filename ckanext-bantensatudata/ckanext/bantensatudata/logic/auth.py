"""Auth functions of the bantensatudata actions: reading the catalogue is public."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["bantensatudata_opd_show", "bantensatudata_sector_list"]


@tk.auth_allow_anonymous_access
def bantensatudata_opd_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, bool]:
    """As organization_list: the OPD directory is public."""
    return {"success": tk.check_access("organization_list", context, {})}


@tk.auth_allow_anonymous_access
def bantensatudata_sector_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, bool]:
    """As group_list: the sector groups are public."""
    return {"success": tk.check_access("group_list", context, {})}
