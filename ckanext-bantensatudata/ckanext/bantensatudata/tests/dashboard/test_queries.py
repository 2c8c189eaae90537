"""The SQL facts: downloads without their table, multiple-choice parsing."""
from __future__ import annotations

import datetime

import ckan.model as model
import pytest
import sqlalchemy as sa

from ckanext.bantensatudata.dashboard import queries

from .conftest import World


def test_downloads_table_may_be_missing(world: World) -> None:
    """The uploads wing's table is optional: the figures say so instead of failing."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    try:
        model.Session.execute(sa.text(f"ALTER TABLE {queries.DOWNLOAD_TABLE} RENAME TO bsd_download_hidden"))
        facts = queries.compute_facts(model.Session, now, 10)
        assert facts["downloads_available"] is False
        assert facts["downloads"] == [] and facts["top_downloads"] == []
        assert sum(r["n"] for r in facts["datasets"]) == 8  # the rest still counted
    finally:
        model.Session.rollback()
    assert queries.downloads_available(model.Session)


@pytest.mark.parametrize(("raw", "parsed"), [
    ('["G2G", "G2C"]', ["G2G", "G2C"]),
    ("G2G,G2B", ["G2G", "G2B"]),
    ("{G2E}", ["{G2E}"]),
    ("", []),
    (None, []),
    ("[]", []),
    ("[G2G, G2C", ["G2G", "G2C"]),
])
def test_parse_multi(raw: str | None, parsed: list[str]) -> None:
    assert queries.parse_multi(raw) == parsed


def test_limit_keeps_the_most_overdue_per_group(world: World) -> None:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    facts = queries.compute_facts(model.Session, now, 1)
    per_group = {(r["org"], r["private"]) for r in facts["overdue"]}
    assert len(per_group) == len(facts["overdue"])  # one row per (OPD, private)
