"""Typed getters for the search engine's settings."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

ENGINES = ("postgres", "solr")


def engine() -> str:
    value = (tk.config.get("ckanext.bantensatudata.search.engine", "postgres") or "postgres").strip().lower()
    return value if value in ENGINES else "postgres"


def text_config() -> str:
    """PostgreSQL text search configuration (``simple``: no Indonesian stemmer exists)."""
    return tk.config.get("ckanext.bantensatudata.search.text_config", "simple") or "simple"


def facet_cache_seconds() -> int:
    return int(tk.config.get("ckanext.bantensatudata.search.facet_cache_seconds", 300) or 0)
