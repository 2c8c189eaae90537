"""Keeps the PostgreSQL search engine active for every test, core's included.

CKAN's pytest harness unloads all plugins before each test that is not marked
``with_plugins``, and its first ``reset_db`` drops every table (ours too) before
running core's migrations only.  This plugin, registered through
``addopts = -p ckanext.bantensatudata.search.pytest_plugin``, installs the seam
once and recreates (and empties) the index table whenever the database is reset,
so that ``clean_db`` also means "no stale index rows".
"""
from __future__ import annotations

import functools
from typing import Any

import ckan.model as model
import ckan.tests.helpers as test_helpers
import sqlalchemy as sa

from ckanext.bantensatudata.search import facets, store
from ckanext.bantensatudata.search import plugin as search_plugin

search_plugin.install()

_original_reset_db = test_helpers.reset_db


@functools.wraps(_original_reset_db)
def reset_db(*args: Any, **kwargs: Any) -> Any:
    result = _original_reset_db(*args, **kwargs)
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        store.ensure_table(conn)
        conn.execute(sa.text(f"DELETE FROM {store.TABLE}"))
    facets.bump()
    return result


test_helpers.reset_db = reset_db
