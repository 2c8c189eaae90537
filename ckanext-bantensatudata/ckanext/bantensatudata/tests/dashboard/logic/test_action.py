"""bantensatudata_dashboard_show: every figure, for every tier, against the fixture specs."""
from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import ckan.logic as logic
import ckan.tests.helpers as helpers
import pytest

from ckanext.bantensatudata.dashboard import fields

from .. import expected
from ..conftest import World, grant

ALL = {name for name, _t, _p in expected.ORGS}
KES = {"dinkes", "upt-labkes", "balai-kes"}

# user, organization asked for, OPD in scope, OPD whose private datasets count (None: all)
TIERS = [
    ("sysadmin_dash", None, ALL, None),
    ("sysadmin_dash", "dinkes", KES, None),
    ("gubernur", None, ALL, {"dinas-pu"}),
    ("gubernur", "dinkes", KES, {"dinas-pu"}),
    ("kadis_kes", None, KES, {"upt-labkes"}),
    ("kadis_kes", "upt-labkes", {"upt-labkes", "balai-kes"}, {"upt-labkes"}),
    ("kadis_kes", "balai-kes", {"balai-kes"}, {"upt-labkes"}),
    ("admin_kes", None, {"dinkes"}, {"dinkes"}),
    ("admin_kes", "dinkes", {"dinkes"}, {"dinkes"}),
]

DENIED = [
    ("kadis_kes", "dinas-pu"),
    ("kadis_kes", "bappeda"),
    ("admin_kes", "upt-labkes"),
    ("admin_kes", "dinas-pu"),
    ("editor_pu", None),
    ("editor_pu", "dinas-pu"),
    ("orang_biasa", None),
    (None, None),
    (None, "dinkes"),
]


def show(user: str | None, **data: Any) -> dict[str, Any]:
    context = {"user": user or "", "ignore_auth": False}
    return helpers.call_action("bantensatudata_dashboard_show", context, **data)


@pytest.fixture
def leaders(world: World) -> World:
    grant(world, "gubernur", "provinsi")
    grant(world, "kadis_kes", "opd", "dinkes", source="sso")
    return world


def _strip(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in keys} for r in rows]


@pytest.mark.parametrize(("user", "org", "scope", "private_orgs"), TIERS)
def test_every_figure_matches_the_fixtures(leaders: World, user: str, org: str | None, scope: set[str],
                                           private_orgs: set[str] | None) -> None:
    data = {"organization": org} if org else {}
    result = show(user, **data)
    want = expected.figures(scope, private_orgs)
    got = result["tables"]

    assert result["scope"]["organizations"] == [o for o in expected.ORG_ORDER if o in scope]
    assert result["summary"] == want["summary"]
    for table in ("opd", "sektor", "periode", "format", "kesegaran", "kelengkapan", "unduhan", "aplikasi"):
        assert got[table] == want["tables"][table], table
    assert _strip(got["terlambat"], ("dataset", "organization", "frekuensi", "days_overdue")) == \
        want["tables"]["terlambat"]
    assert _strip(got["unduhan_teratas"], ("dataset", "organization", "downloads")) == \
        want["tables"]["unduhan_teratas"]
    assert result["downloads_available"] is True
    assert set(result["tables"]) == set(result["columns"])


def test_private_datasets_are_not_counted_without_membership(leaders: World) -> None:
    """The province leader sees Dinkes' public figures only; Dinkes' admin also its private ones."""
    gub = {r["organization"]: r for r in show("gubernur")["tables"]["opd"]}
    adm = {r["organization"]: r for r in show("admin_kes")["tables"]["opd"]}
    assert gub["dinkes"]["private"] == 0
    assert adm["dinkes"]["private"] == 1
    top = [r["dataset"] for r in show("gubernur")["tables"]["unduhan_teratas"]]
    assert "kes-rahasia" not in top and "pu-rahasia" in top


@pytest.mark.parametrize(("user", "org"), DENIED)
def test_refused_outside_the_tier(leaders: World, user: str | None, org: str | None) -> None:
    data = {"organization": org} if org else {}
    with pytest.raises(logic.NotAuthorized):
        show(user, **data)


def test_unknown_opd_is_not_found(leaders: World) -> None:
    with pytest.raises(logic.NotFound):
        show("gubernur", organization="tidak-ada")


@pytest.mark.parametrize(("data", "field"), [
    ({"start": "2024-13-01"}, "start"),
    ({"end": "kemarin"}, "end"),
    ({"start": "2024-05-01", "end": "2024-04-01"}, "end"),
    ({"start": "1990-01-01", "end": "2024-01-01"}, "end"),
])
def test_bad_period_is_a_validation_error(leaders: World, data: dict[str, str], field: str) -> None:
    with pytest.raises(logic.ValidationError) as err:
        show("gubernur", **data)
    assert field in err.value.error_dict


def test_explicit_period(leaders: World) -> None:
    today = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()  # ckan.display_timezone of test.ini
    result = show("sysadmin_dash", start=(today - datetime.timedelta(days=150)).isoformat(),
                  end=today.isoformat())
    new = {r["organization"]: r["new"] for r in result["tables"]["periode"]}
    # everything created within 150 days except pu-jalan (300 days) and the deleted one
    assert new == {"bappeda": 0, "balai-kes": 1, "dinas-pu": 1, "dinkes": 3, "upt-labkes": 2}
    assert result["period"] == {"start": (today - datetime.timedelta(days=150)).isoformat(),
                                "end": today.isoformat()}


def test_start_alone_gives_a_default_length_period(leaders: World) -> None:
    result = show("gubernur", start="2024-01-01")
    assert result["period"] == {"start": "2024-01-01", "end": "2024-01-30"}


def test_writes_invalidate_the_cached_figures(leaders: World) -> None:
    before = show("gubernur")["summary"]["datasets"]
    helpers.call_action("package_create", {"user": "sysadmin_dash"}, name="pu-baru", title="PU baru",
                        notes="baru", owner_org="dinas-pu", groups=[{"name": "infrastruktur"}])
    assert show("gubernur")["summary"]["datasets"] == before + 1
    helpers.call_action("package_patch", {"user": "sysadmin_dash"}, id="pu-baru", private=True)
    # private to a member of dinas-pu: still counted for the governor; not for kadis (out of scope anyway)
    assert show("gubernur")["summary"]["private"] == 2
    helpers.call_action("package_delete", {"user": "sysadmin_dash"}, id="pu-baru")
    assert show("gubernur")["summary"]["datasets"] == before


@pytest.mark.ckan_config("ckanext.bantensatudata.dashboard.cache_seconds", "0")
def test_figures_without_cache(leaders: World) -> None:
    result = show("kadis_kes")
    assert result["summary"] == expected.figures(KES, {"upt-labkes"})["summary"]


def test_completeness_field_list_is_the_documented_one() -> None:
    assert [f.name for f in fields.COMPLETENESS_FIELDS] == [
        "notes", "license_id", "tags", "groups", "resources", "walidata", "periode_awal", "periode_akhir",
        "frekuensi", "satuan", "cakupan_wilayah", "sumber_data", "konsep", "definisi", "metodologi",
        "interpretasi", "kontak_nama", "kontak_email"]
    assert len(fields.COMPLETENESS_FIELDS) == expected.N_FIELDS
