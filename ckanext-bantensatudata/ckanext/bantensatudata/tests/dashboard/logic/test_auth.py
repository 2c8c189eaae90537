"""Auth functions of the dashboard: tiers for the figures, sysadmins for access management."""
from __future__ import annotations

import ckan.logic as logic
import ckan.tests.helpers as helpers
import pytest

from ..conftest import World, grant


def allowed(auth: str, user: str | None, **data: str) -> bool:
    try:
        return helpers.call_auth(auth, {"user": user or ""}, **data)
    except logic.NotAuthorized:
        return False


@pytest.mark.parametrize(("user", "org", "ok"), [
    ("sysadmin_dash", None, True),
    ("gubernur", None, True),
    ("gubernur", "bappeda", True),
    ("kadis_kes", None, True),
    ("kadis_kes", "dinkes", True),
    ("kadis_kes", "balai-kes", True),  # grandchild through induk_opd
    ("kadis_kes", "dinas-pu", False),
    ("admin_kes", "dinkes", True),
    ("admin_kes", "upt-labkes", False),  # an OPD admin sees its own OPD only
    ("editor_pu", "dinas-pu", False),  # editors are not OPD admins
    ("orang_biasa", None, False),
    (None, None, False),
])
def test_dashboard_show_by_tier(world: World, user: str | None, org: str | None, ok: bool) -> None:
    grant(world, "gubernur", "provinsi")
    grant(world, "kadis_kes", "opd", "dinkes")
    data = {"organization": org} if org else {}
    assert allowed("bantensatudata_dashboard_show", user, **data) is ok


def test_revoked_grant_closes_the_dashboard(world: World) -> None:
    grant(world, "gubernur", "provinsi")
    assert allowed("bantensatudata_dashboard_show", "gubernur")
    helpers.call_action("bantensatudata_dashboard_access_revoke", {"user": "sysadmin_dash"}, user="gubernur")
    assert not allowed("bantensatudata_dashboard_show", "gubernur")


def test_deleted_parent_link_does_not_widen_access(world: World) -> None:
    """Removing induk_opd takes the UPT out of the head's reach."""
    grant(world, "kadis_kes", "opd", "dinkes")
    assert allowed("bantensatudata_dashboard_show", "kadis_kes", organization="upt-labkes")
    helpers.call_action("organization_patch", {"user": "sysadmin_dash"}, id="upt-labkes", induk_opd="")
    assert not allowed("bantensatudata_dashboard_show", "kadis_kes", organization="upt-labkes")
    assert not allowed("bantensatudata_dashboard_show", "kadis_kes", organization="balai-kes")


@pytest.mark.parametrize("auth", [
    "bantensatudata_dashboard_access_grant", "bantensatudata_dashboard_access_revoke",
    "bantensatudata_dashboard_access_list", "bantensatudata_dashboard_audit_list",
])
def test_access_management_is_for_sysadmins(world: World, auth: str) -> None:
    grant(world, "gubernur", "provinsi")
    assert allowed(auth, "sysadmin_dash")
    site_user = helpers.call_action("get_site_user", {"ignore_auth": True})
    assert allowed(auth, site_user["name"])  # what SSO uses
    for user in ("gubernur", "admin_kes", "orang_biasa", None):
        assert not allowed(auth, user)
