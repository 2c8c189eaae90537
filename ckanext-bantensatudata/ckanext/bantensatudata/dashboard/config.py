"""Typed getters for the dashboard's settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def cache_seconds() -> int:
    """How long computed figures live in Redis (0 disables the cache)."""
    return max(0, tk.config.get("ckanext.bantensatudata.dashboard.cache_seconds"))


def default_period_days() -> int:
    return max(1, tk.config.get("ckanext.bantensatudata.dashboard.default_period_days"))


def max_period_days() -> int:
    return max(1, tk.config.get("ckanext.bantensatudata.dashboard.max_period_days"))


def list_limit() -> int:
    """Rows kept in the overdue and top-downloads lists."""
    return max(1, tk.config.get("ckanext.bantensatudata.dashboard.list_limit"))


def display_timezone() -> str:
    return tk.config.get("ckan.display_timezone") or "UTC"
