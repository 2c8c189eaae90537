"""Fixtures of the uploads wing: a private storage folder, a steward with a dataset, clean counters."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckan.tests.helpers import call_action
from werkzeug.datastructures import FileStorage

from ckanext.bantensatudata.uploads import downloads


def file_storage(data: bytes, filename: str, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


@dataclass
class Steward:
    user: dict[str, Any]
    token: str
    organization: dict[str, Any]
    dataset: dict[str, Any]
    root: str  # where resource files are stored

    @property
    def context(self) -> dict[str, Any]:
        return {"user": self.user["name"], "ignore_auth": False}

    def path(self, resource_id: str) -> str:
        return os.path.join(self.root, resource_id[0:3], resource_id[3:6], resource_id[6:])

    def incoming(self) -> list[str]:
        folder = os.path.join(self.root, ".incoming")
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def stored_files(self) -> list[str]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if d != ".incoming"]
            found += [os.path.join(dirpath, f) for f in filenames]
        return sorted(found)


@pytest.fixture
def storage_root(ckan_config: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    """Resource files of this test go to a fresh folder."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return os.path.join(str(tmp_path), "resources")


@pytest.fixture
def clean_downloads(clean_db: None) -> None:
    """CKAN's reset empties only core's tables: empty the download counters too."""
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        downloads.ensure_table(conn)
        conn.execute(sa.text(f"DELETE FROM {downloads.TABLE}"))


def make_dataset(owner_org: str, user: str, **extra: Any) -> dict[str, Any]:
    group = factories.Group(users=[{"name": user, "capacity": "member"}])
    fields: dict[str, Any] = {
        "name": extra.pop("name", None) or f"jumlah-penduduk-{group['name']}",
        "title": "Jumlah Penduduk Menurut Kabupaten/Kota",
        "notes": "Jumlah penduduk Provinsi Banten menurut kabupaten/kota.",
        "owner_org": owner_org, "groups": [{"name": group["name"]}],
        "license_id": "cc-by-4.0", "frekuensi": "tahunan", "periode_awal": "2019", "periode_akhir": "2023",
        "cakupan_wilayah": "36", "satuan": "jiwa", "walidata": "Diskominfo Provinsi Banten",
        "kontak_nama": "Seksi Data", "kontak_email": "data@bantenprov.go.id",
    }
    fields.update(extra)
    return call_action("package_create", {"user": user}, **fields)


@pytest.fixture
def steward(clean_db: None, clean_index: None, clean_downloads: None, with_plugins: None,
            storage_root: str) -> Steward:
    """An OPD data steward (editor of the OPD) with one public dataset."""
    user = factories.User()
    organization = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = make_dataset(organization["id"], user["name"])
    token = call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="tests")["token"]
    return Steward(user=user, token=token, organization=organization, dataset=dataset, root=storage_root)
