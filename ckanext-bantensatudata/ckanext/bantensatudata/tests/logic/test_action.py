"""bantensatudata_opd_show and bantensatudata_sector_list."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from .. import satudata

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_opd_show_finds_by_code_case_insensitively():
    org = satudata.opd()
    assert call_action("bantensatudata_opd_show", kode_opd=" din-04 ")["id"] == org["id"]


def test_opd_show_unknown_and_missing_code():
    satudata.opd()
    with pytest.raises(tk.ObjectNotFound):
        call_action("bantensatudata_opd_show", kode_opd="XXX-1")
    with pytest.raises(tk.ValidationError) as exc:
        call_action("bantensatudata_opd_show")
    assert "kode_opd" in exc.value.error_dict


def test_opd_show_over_the_api(app):
    satudata.opd()
    res = app.get("/api/3/action/bantensatudata_opd_show", query_string={"kode_opd": "DIN-04"}, status=200)
    assert res.json["result"]["singkatan"] == "Dinkes"
    app.get("/api/3/action/bantensatudata_opd_show", query_string={"kode_opd": "NOPE"}, status=404)


def test_reading_the_catalogue_is_public():
    assert call_auth("bantensatudata_opd_show", {"user": ""}, kode_opd="X")
    assert call_auth("bantensatudata_sector_list", {"user": ""})


def test_sector_list_in_order_with_counts_that_never_leak_private_datasets():
    admin = factories.Sysadmin()
    org = satudata.opd()
    second = satudata.sector(name="pemerintahan", urutan=2, pilar=["G2G"])
    first = satudata.sector(name="sarana-dan-prasarana", urutan=1, pilar=["G2C", "G2B"])
    satudata.create_dataset(org, first, user=admin["name"], name="publik")
    satudata.create_dataset(org, first, user=admin["name"], name="rahasia", private=True)
    anon = call_action("bantensatudata_sector_list", {"user": ""})
    assert [s["name"] for s in anon] == ["sarana-dan-prasarana", "pemerintahan"]
    assert anon[0]["pilar"] == ["G2C", "G2B"] and anon[0]["urutan"] == 1 and anon[0]["ikon"] == "star"
    assert anon[0]["package_count"] == 1 and anon[1]["package_count"] == 0
    assert second["name"] == anon[1]["name"]
    as_admin = call_action("bantensatudata_sector_list", {"user": admin["name"]})
    assert as_admin[0]["package_count"] == 2


@pytest.mark.ckan_config("ckan.group_and_organization_list_all_fields_max", "5")
def test_sector_list_pages_through_group_list():
    for i in range(12):
        satudata.sector(name=f"sektor-{i:02d}", urutan=12 - i)
    sectors = call_action("bantensatudata_sector_list", include_counts=False)
    assert [s["urutan"] for s in sectors] == list(range(1, 13))
