"""Typed getters for the portal's settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def contact_email() -> str:
    return tk.config.get("ckanext.bantenportal.contact_email") or ""


def steward_name() -> str:
    return tk.config.get("ckanext.bantenportal.steward_name") or ""


def steward_address() -> str:
    return tk.config.get("ckanext.bantenportal.steward_address") or ""


def steward_url() -> str:
    return tk.config.get("ckanext.bantenportal.steward_url") or ""


def ppid_url() -> str:
    return tk.config.get("ckanext.bantenportal.ppid_url") or ""


def licence_url() -> str:
    return tk.config.get("ckanext.bantenportal.licence_url") or ""


def home_dataset_count() -> int:
    """Clamped to 0..24 so a typo cannot turn the home page into a search page."""
    value = tk.config.get("ckanext.bantenportal.home_dataset_count")
    try:
        return max(0, min(24, int(value)))
    except (TypeError, ValueError):
        return 6
