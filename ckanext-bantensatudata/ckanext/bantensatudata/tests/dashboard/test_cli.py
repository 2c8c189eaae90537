"""`ckan dashboard-pimpinan grant/revoke/list/audit`."""
from __future__ import annotations

from typing import Any

import ckan.tests.helpers as helpers
from ckan.cli.cli import ckan

from ckanext.bantensatudata.dashboard import access

from .conftest import World


def run(cli: Any, *args: str) -> Any:
    return cli.invoke(ckan, ["dashboard-pimpinan", *args])


def test_grant_list_revoke_audit(cli: Any, world: World) -> None:
    result = run(cli, "grant", "kadis_kes", "opd", "--organization", "dinkes")
    assert result.exit_code == 0, result.output
    assert "granted" in result.output
    assert run(cli, "grant", "kadis_kes", "opd", "-o", "dinkes").output.startswith("already granted")
    assert run(cli, "grant", "gubernur", "provinsi").exit_code == 0

    listing = run(cli, "list").output.splitlines()
    assert [line.split("\t")[:4] for line in listing] == [
        ["gubernur", "provinsi", "-", "admin"], ["kadis_kes", "opd", "dinkes", "admin"]]
    assert [line.split("\t")[0] for line in run(cli, "list", "-o", "dinkes").output.splitlines()] == ["kadis_kes"]

    site_user = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
    assert listing[0].split("\t")[4] == site_user  # granted by the site user, on the CLI's behalf

    result = run(cli, "revoke", "kadis_kes")
    assert result.exit_code == 0 and "revoked 1 grant(s)" in result.output
    assert [g["user_name"] for g in access.list_grants()] == ["gubernur"]

    audit = [line.split("\t")[2:4] for line in run(cli, "audit").output.splitlines()]
    assert audit == [["revoke", "kadis_kes"], ["grant", "gubernur"], ["grant", "kadis_kes"]]


def test_bad_input_is_reported_and_changes_nothing(cli: Any, world: World) -> None:
    result = run(cli, "grant", "kadis_kes", "opd")
    assert result.exit_code == 2
    assert "organization" in result.output
    result = run(cli, "grant", "tidak-ada", "provinsi")
    assert result.exit_code == 2
    assert "user" in result.output
    assert run(cli, "grant", "kadis_kes", "kabupaten").exit_code != 0
    assert access.list_grants() == []
