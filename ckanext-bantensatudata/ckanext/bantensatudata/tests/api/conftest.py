"""A small Satu Data world (OPD, sector, steward, dataset with an uploaded CSV).

The names come from examples.yaml's ``context``, so the API page's examples run
against exactly the objects they mention.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

from ckanext.bantensatudata.api import examples as api_examples

CSV = (
    "kode_wilayah,kabupaten_kota,jumlah_puskesmas\n"
    "36.01,Kabupaten Pandeglang,36\n"
    "36.02,Kabupaten Lebak,42\n"
    "36.03,Kabupaten Tangerang,44\n"
)


@dataclass
class World:
    sysadmin: dict[str, Any]
    steward: dict[str, Any]
    steward_token: str
    organization: dict[str, Any]
    group: dict[str, Any]
    dataset: dict[str, Any]
    names: dict[str, str]


def upload(text: str, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(text.encode("utf-8")), filename=filename, content_type="text/csv")


def api_token(user: dict[str, Any]) -> str:
    return call_action("api_token_create", {"user": user["name"]},
                       user=user["name"], name="tests")["token"]


def make_world() -> World:
    names = api_examples.values("http://unused")
    sysadmin = factories.Sysadmin()
    steward = factories.User(name="petugas-dinkes", fullname="Petugas Data Dinkes")
    organization = factories.Organization(
        name=names["organization"], title="Dinas Kesehatan", kode_opd="1.02.01",
        singkatan="Dinkes", website="https://dinkes.bantenprov.go.id",
        email="dinkes@bantenprov.go.id",
    )
    group = factories.Group(name=names["group"], title="Kesehatan")
    context = {"user": sysadmin["name"]}
    # (the scheming organization schema has no ``users`` field: add the member explicitly)
    call_action("organization_member_create", context, id=organization["id"],
                username=steward["name"], role="editor")
    # core only lets members of a group put datasets in it (see the report of issue 9)
    call_action("group_member_create", context, id=group["id"],
                username=steward["name"], role="member")
    dataset = call_action(
        "package_create", context,
        name=names["dataset"], title="Jumlah Puskesmas Menurut Kabupaten/Kota",
        notes="Jumlah puskesmas di Provinsi Banten menurut kabupaten/kota.",
        owner_org=organization["id"], groups=[{"name": group["name"]}],
        tag_string="kesehatan,puskesmas", license_id="cc-by-4.0",
        walidata="Diskominfo Provinsi Banten", frekuensi="tahunan",
        periode_awal="2019", periode_akhir="2023", cakupan_wilayah="36",
        satuan="unit", kontak_nama="Seksi Data Dinkes", kontak_email="data.dinkes@bantenprov.go.id",
    )
    call_action("resource_create", context, package_id=dataset["id"], name="Puskesmas 2023",
                format="CSV", upload=upload(CSV, "puskesmas-2023.csv"))
    dataset = call_action("package_show", context, id=dataset["id"])
    return World(sysadmin=sysadmin, steward=steward, steward_token=api_token(steward),
                 organization=organization, group=group, dataset=dataset, names=names)


@pytest.fixture
def world(clean_db: None, clean_index: None, with_plugins: None) -> World:
    return make_world()


@pytest.fixture
def live_world(live_server: Any, clean_db: None, clean_index: None, with_plugins: None,
               clean_redis: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> World:
    """The world as seen by a running portal (``live_server``).

    package_show answers from the search index, whose documents carry resource
    URLs made from ``ckan.site_url`` when they were indexed: index them under
    the live server's address, as the portal itself would.
    """
    from ckan.common import config

    monkeypatch.setitem(config, "ckan.site_url", live_server.url)
    world = make_world()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CKAN_API_TOKEN", world.steward_token)
    return world
