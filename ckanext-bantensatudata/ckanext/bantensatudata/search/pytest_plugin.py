"""Keeps the PostgreSQL search engine active for every test, core's included.

CKAN's pytest harness unloads all plugins before each test that is not marked
``with_plugins``, and its first ``reset_db`` drops every table (plugin tables
too) before running core's migrations only.  This plugin, registered through
``addopts = -p ckanext.bantensatudata.search.pytest_plugin``, installs the seam
once and, whenever the database is rebuilt from scratch, re-applies the
migrations of every plugin in ``ckan.plugins`` (so plugin tables such as the
search index, the activity columns or our wings' tables exist); on every reset
it empties the index, so that ``clean_db`` also means "no stale index rows".
"""
from __future__ import annotations

import functools
import importlib.metadata
import inspect
import os
from collections.abc import Iterator
from typing import Any

import ckan.model as model
import ckan.plugins.core as plugin_core
import ckan.tests.helpers as test_helpers
import pytest
import sqlalchemy as sa
from ckan.common import config

from ckanext.bantensatudata.search import connection, facets, store
from ckanext.bantensatudata.search import plugin as search_plugin

search_plugin.install()

_original_reset_db = test_helpers.reset_db


def _migration_inis() -> list[str]:
    """Alembic configs of the plugins named in ckan.plugins, found as CKAN's CLI finds them.

    Plugins are unloaded between tests, so they are located through their entry
    points rather than ``plugins.get_plugin``.
    """
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group="ckan.plugins")}
    inis = []
    for name in config.get("ckan.plugins") or []:
        ep = entry_points.get(name)
        if ep is None:
            continue
        source = inspect.getsourcefile(ep.load())
        if not source:
            continue
        plugin_dir = os.path.dirname(source)
        start = plugin_dir.rfind("/ckanext/") + len("/ckanext/")
        slash = plugin_dir.find("/", start)
        if slash != -1:
            plugin_dir = plugin_dir[:slash]
        ini = os.path.join(plugin_dir, "migration", name, "alembic.ini")
        if os.path.exists(ini):
            inis.append(ini)
    return inis


def _upgrade(ini: str) -> None:
    original = model.repo._alembic_ini
    model.repo._alembic_ini = ini
    try:
        model.repo.upgrade_db()
    finally:
        model.repo._alembic_ini = original


@functools.wraps(_original_reset_db)
def reset_db(*args: Any, **kwargs: Any) -> Any:
    rebuilt_from_scratch = not model.repo.tables_created_and_initialised
    result = _original_reset_db(*args, **kwargs)
    if rebuilt_from_scratch:
        for ini in _migration_inis():
            _upgrade(ini)
    connection._ENSURED.clear()
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        store.ensure_table(conn)
        conn.execute(sa.text(f"DELETE FROM {store.TABLE}"))
    facets.bump()
    return result


test_helpers.reset_db = reset_db


@pytest.fixture(autouse=True)
def _unload_plugins_loaded_by_the_test() -> Iterator[None]:
    """A test that invokes the ``ckan`` CLI in-process loads every plugin of the
    ini into the session and leaves them loaded; later tests that expect plugins
    unloaded (core's, or ours without ``with_plugins``) would then run with the
    whole portal.  Restore the set of loaded plugins after each test."""
    before = list(plugin_core._PLUGINS)
    yield
    extra = [name for name in plugin_core._PLUGINS if name not in before]
    if extra:
        plugin_core.unload(*extra)
