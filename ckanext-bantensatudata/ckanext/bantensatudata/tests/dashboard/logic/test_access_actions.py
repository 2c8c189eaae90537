"""Access grant/revoke/list actions: validation, idempotence and the audit log."""
from __future__ import annotations

from typing import Any

import ckan.logic as logic
import ckan.tests.helpers as helpers
import pytest

from ..conftest import World

SYS = {"user": "sysadmin_dash"}


def call(action: str, context: dict[str, Any] | None = None, **data: Any) -> Any:
    return helpers.call_action(f"bantensatudata_dashboard_{action}", dict(context or SYS), **data)


def test_grant_is_audited_once_and_idempotent(world: World) -> None:
    first = call("access_grant", user="kadis_kes", level="opd", organization="dinkes")
    assert first["created"] is True
    assert (first["user_name"], first["level"], first["organization_name"], first["source"], first["granted_by"]) \
        == ("kadis_kes", "opd", "dinkes", "admin", "sysadmin_dash")
    again = call("access_grant", user="kadis_kes", level="opd", organization="dinkes")
    assert again["created"] is False and again["id"] == first["id"]
    audit = call("audit_list")
    assert [(a["action"], a["user_name"], a["organization_name"], a["actor"]) for a in audit] == [
        ("grant", "kadis_kes", "dinkes", "sysadmin_dash")]


def test_sso_and_admin_grants_are_separate(world: World) -> None:
    site_user = helpers.call_action("get_site_user", {"ignore_auth": True})
    call("access_grant", {"user": site_user["name"]}, user="gubernur", level="provinsi", source="sso")
    call("access_grant", user="gubernur", level="provinsi")
    assert sorted(g["source"] for g in call("access_list", user="gubernur")) == ["admin", "sso"]
    # SSO re-syncs its own grants without touching the admin's
    removed = call("access_revoke", {"user": site_user["name"]}, user="gubernur", source="sso")["revoked"]
    assert [g["source"] for g in removed] == ["sso"]
    assert [g["source"] for g in call("access_list", user="gubernur")] == ["admin"]
    audit = call("audit_list", user="gubernur")
    assert [(a["action"], a["source"], a["actor"]) for a in audit] == [
        ("revoke", "sso", site_user["name"]), ("grant", "admin", "sysadmin_dash"),
        ("grant", "sso", site_user["name"])]


def test_revoke_filters(world: World) -> None:
    call("access_grant", user="kadis_kes", level="opd", organization="dinkes")
    call("access_grant", user="kadis_kes", level="opd", organization="dinas-pu")
    call("access_grant", user="kadis_kes", level="provinsi")
    removed = call("access_revoke", user="kadis_kes", organization="dinas-pu")["revoked"]
    assert [g["organization_name"] for g in removed] == ["dinas-pu"]
    removed = call("access_revoke", user="kadis_kes", level="provinsi")["revoked"]
    assert [g["level"] for g in removed] == ["provinsi"]
    assert [g["organization_name"] for g in call("access_list")] == ["dinkes"]
    assert len(call("access_revoke", user="kadis_kes")["revoked"]) == 1
    assert call("access_list") == []
    assert call("access_revoke", user="kadis_kes")["revoked"] == []


def test_list_filters(world: World) -> None:
    call("access_grant", user="kadis_kes", level="opd", organization="dinkes")
    call("access_grant", user="gubernur", level="provinsi")
    assert [g["user_name"] for g in call("access_list", organization="dinkes")] == ["kadis_kes"]
    assert [g["user_name"] for g in call("access_list", level="provinsi")] == ["gubernur"]
    assert [g["user_name"] for g in call("access_list")] == ["gubernur", "kadis_kes"]


@pytest.mark.parametrize(("data", "field"), [
    ({"user": "tidak-ada", "level": "provinsi"}, "user"),
    ({"level": "provinsi"}, "user"),
    ({"user": "gubernur", "level": "kabupaten"}, "level"),
    ({"user": "gubernur"}, "level"),
    ({"user": "gubernur", "level": "opd"}, "organization"),
    ({"user": "gubernur", "level": "opd", "organization": "tidak-ada"}, "organization"),
    ({"user": "gubernur", "level": "provinsi", "organization": "dinkes"}, "organization"),
    ({"user": "gubernur", "level": "provinsi", "source": "ldap"}, "source"),
])
def test_grant_validation_names_the_field_and_writes_nothing(world: World, data: dict[str, str],
                                                             field: str) -> None:
    with pytest.raises(logic.ValidationError) as err:
        call("access_grant", **data)
    assert field in err.value.error_dict
    assert call("access_list") == []
    assert call("audit_list") == []


def test_non_sysadmins_cannot_manage_access(world: World) -> None:
    call("access_grant", user="gubernur", level="provinsi")
    for action, data in (("access_grant", {"user": "gubernur", "level": "provinsi"}),
                         ("access_revoke", {"user": "gubernur"}), ("access_list", {}), ("audit_list", {})):
        with pytest.raises(logic.NotAuthorized):
            call(action, {"user": "gubernur", "ignore_auth": False}, **data)
    assert len(call("access_list")) == 1
