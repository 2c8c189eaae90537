"""Selects the search engine (postgres | solr) and installs the seam.

CKAN builds every Solr request itself and sends it through
``ckan.lib.search.common.make_connection``.  With the ``postgres`` engine that
function hands out :class:`~.connection.PostgresConnection`, a pysolr-shaped
object backed by our own table, so all of core's search behaviour (document
building, permission labels, facets, the CLI, ``clean_index``) runs unchanged.
With ``solr`` the original function is called: core's native path.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import config as search_config

log = logging.getLogger(__name__)

_ORIGINALS: dict[str, Any] = {}


def install() -> None:
    """Patch the names core resolves ``make_connection`` through (idempotent).

    The patched functions decide per call, from config, which engine to use,
    so the seam may stay installed while plugins are loaded and unloaded (as
    CKAN's pytest harness does between tests).
    """
    import ckan.lib.search as search
    import ckan.lib.search.common as common
    import ckan.lib.search.index as index
    import ckan.lib.search.query as query

    if _ORIGINALS:
        return
    _ORIGINALS["make_connection"] = common.make_connection
    _ORIGINALS["check_solr_schema_version"] = search.check_solr_schema_version
    for module in (common, index, query, search):
        module.make_connection = make_connection  # type: ignore[attr-defined]
    search.check_solr_schema_version = check_solr_schema_version  # type: ignore[assignment]


def make_connection(decode_dates: bool = True) -> Any:
    if search_config.engine() == "solr":
        return _ORIGINALS["make_connection"](decode_dates)
    from .connection import PostgresConnection

    return PostgresConnection(decode_dates)


def check_solr_schema_version(schema_file: str | None = None) -> bool:
    """Solr's schema check does not apply to the PostgreSQL engine (a given file is still checked)."""
    if search_config.engine() == "solr" or schema_file:
        return _ORIGINALS["check_solr_schema_version"](schema_file)
    return False


@tk.blanket.config_declarations
class BantenSatuDataSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config: tk.CKANConfig) -> None:
        install()
        if search_config.engine() == "postgres" and not config.get("solr_url"):
            # core reads solr_url in places that never reach our engine
            config["solr_url"] = "postgresql://bantensatudata-search"
