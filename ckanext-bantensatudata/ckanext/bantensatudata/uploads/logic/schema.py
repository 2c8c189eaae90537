"""Input schemas of the uploads wing's actions."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def download_count_schema() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    strip = tk.get_validator("strip_value")
    return {
        "id": [ignore_missing, unicode_safe, strip],
        "resource_id": [ignore_missing, unicode_safe, strip],
    }
