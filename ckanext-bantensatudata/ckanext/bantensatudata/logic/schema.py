"""Input schemas of the bantensatudata actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def opd_show_schema() -> dict[str, Any]:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"kode_opd": [not_empty, unicode_safe]}


def sector_list_schema() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    boolean_validator = tk.get_validator("boolean_validator")
    return {"include_counts": [ignore_missing, boolean_validator]}
