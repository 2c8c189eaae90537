"""Fixtures of the dashboard tests: a small province with known figures.

``world`` builds OPD, sectors, users, datasets, applications and download
counts through CKAN's actions (timestamps are then back-dated with SQL, the
only way to make a dataset overdue), and keeps the *specification* it built
from, so tests can compute every expected figure independently in Python.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from ckanext.bantensatudata.dashboard import access, cache

DOWNLOAD_DDL = """
CREATE TABLE IF NOT EXISTS bantensatudata_resource_download (
    resource_id text PRIMARY KEY, package_id text, downloads bigint NOT NULL DEFAULT 0,
    last_download timestamptz)
"""

PASSWORD = "rahasia-uji-123"  # test accounts only
NOW = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

# Calendar lengths of the declared frequencies, computed here independently of the SQL.
FREQUENCY = {
    "harian": relativedelta(days=1), "mingguan": relativedelta(days=7), "bulanan": relativedelta(months=1),
    "triwulanan": relativedelta(months=3), "semesteran": relativedelta(months=6),
    "tahunan": relativedelta(years=1), "lima_tahunan": relativedelta(years=5),
}

FULL_EXTRAS = {
    "walidata": "Diskominfo", "periode_awal": "2020", "periode_akhir": "2023", "satuan": "orang",
    "cakupan_wilayah": "36", "sumber_data": "Survei", "konsep": "Konsep", "definisi": "Definisi",
    "metodologi": "Metodologi", "interpretasi": "Interpretasi", "kontak_nama": "Budi",
    "kontak_email": "budi@bantenprov.go.id",
}


@dataclasses.dataclass
class DatasetSpec:
    name: str
    org: str
    private: bool = False
    sectors: tuple[str, ...] = ()
    frekuensi: str | None = None
    extras: dict[str, str] = dataclasses.field(default_factory=dict)
    tags: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    created_days_ago: int = 0  # 0: created by the test, now
    modified_days_ago: int = 0
    deleted: bool = False
    downloads: tuple[int, ...] = ()  # per resource, in ``formats`` order
    id: str = ""

    @property
    def modified(self) -> datetime.datetime:
        return NOW - datetime.timedelta(days=self.modified_days_ago)

    def filled(self) -> int:
        """Completeness: filled Satu Data fields, counted from the specification."""
        n = 2  # notes and license_id: always given (notes is required, the license defaults)
        n += bool(self.tags) + bool(self.sectors) + bool(self.formats)
        n += sum(1 for k in FULL_EXTRAS if self.extras.get(k))
        n += bool(self.frekuensi)
        return n

    def overdue(self) -> bool | None:
        """None: not evaluated (no regular frequency)."""
        if self.frekuensi not in FREQUENCY:
            return None
        return self.modified + FREQUENCY[self.frekuensi] < NOW


@dataclasses.dataclass
class AppSpec:
    name: str
    org: str
    status: str | None
    pilar: tuple[str, ...]
    private: bool = False


DATASETS = [
    DatasetSpec("kes-gizi", "dinkes", sectors=("kesehatan",), frekuensi="bulanan", extras=FULL_EXTRAS,
                tags=("gizi", "balita"), formats=("CSV", "XLSX"), created_days_ago=100, modified_days_ago=60,
                downloads=(10, 5)),
    DatasetSpec("kes-rahasia", "dinkes", private=True, sectors=("kesehatan",), frekuensi="tahunan",
                extras={"walidata": "Dinkes", "satuan": "kasus"}, formats=("PDF",), downloads=(7,)),
    DatasetSpec("kes-faskes", "dinkes", sectors=("kesehatan", "ekonomi"), frekuensi="tidak_tentu",
                tags=("faskes",), formats=("CSV",), created_days_ago=100),
    DatasetSpec("lab-harian", "upt-labkes", sectors=("kesehatan",), frekuensi="harian",
                extras={"sumber_data": "Lab"}, formats=("JSON",), created_days_ago=10, modified_days_ago=3,
                downloads=(3,)),
    DatasetSpec("lab-internal", "upt-labkes", private=True, sectors=("kesehatan",), frekuensi="mingguan",
                formats=("CSV", "CSV")),
    DatasetSpec("balai-stok", "balai-kes", sectors=("kesehatan",), tags=("stok",)),
    DatasetSpec("pu-jalan", "dinas-pu", sectors=("infrastruktur",), frekuensi="triwulanan",
                extras=FULL_EXTRAS, tags=("jalan",), formats=("CSV", "PDF"), created_days_ago=300,
                modified_days_ago=200, downloads=(20, 0)),
    DatasetSpec("pu-rahasia", "dinas-pu", private=True, sectors=("infrastruktur",), frekuensi="bulanan",
                formats=("XLSX",), downloads=(4,)),
    DatasetSpec("pu-hapus", "dinas-pu", sectors=("infrastruktur",), frekuensi="harian", formats=("CSV",),
                deleted=True, downloads=(99,)),
]

APPS = [
    AppSpec("app-sehat", "dinkes", "aktif", ("G2C", "G2G")),
    AppSpec("app-lama", "dinkes", "tidak_aktif", ("G2E",), private=True),
    AppSpec("app-jalan", "dinas-pu", "aktif", ("G2B",)),
    AppSpec("app-tanpa-status", "dinas-pu", None, ()),
]

# name, title, parent (induk_opd)
ORGS = [  # parents first: induk_opd must name an existing OPD
    ("dinkes", "Dinas Kesehatan", None),
    ("upt-labkes", "UPT Laboratorium Kesehatan", "dinkes"),
    ("balai-kes", "Balai Kesehatan", "upt-labkes"),
    ("dinas-pu", "Dinas Pekerjaan Umum", None),
    ("bappeda", "Bappeda", None),
]
# name, title, urutan
SECTORS = [("infrastruktur", "Sarana dan Prasarana", "1"), ("kesehatan", "Kesehatan", "2"),
           ("ekonomi", "Pembangunan", "3")]


@dataclasses.dataclass
class World:
    orgs: dict[str, dict[str, Any]]
    sectors: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]
    datasets: list[DatasetSpec]
    apps: list[AppSpec]


def _extras(spec: DatasetSpec) -> dict[str, Any]:
    data = dict(spec.extras)
    if spec.frekuensi:
        data["frekuensi"] = spec.frekuensi
    return data


@pytest.fixture
def dashboard_db(with_plugins: Any, clean_db: Any, clean_index: Any) -> None:
    """A clean database with the dashboard's tables empty and the cache stale."""
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        access.ensure_tables(conn)
        conn.execute(sa.text(DOWNLOAD_DDL))
        conn.execute(sa.text(f"DELETE FROM {access.GRANT_TABLE}"))
        conn.execute(sa.text(f"DELETE FROM {access.AUDIT_TABLE}"))
        conn.execute(sa.text("DELETE FROM bantensatudata_resource_download"))
    cache.invalidate()


def sysadmin_context(world_or_name: Any = None) -> dict[str, Any]:
    name = world_or_name.users["sysadmin"]["name"] if isinstance(world_or_name, World) else world_or_name
    return {"user": name, "ignore_auth": False}


@pytest.fixture
def world(dashboard_db: None) -> World:
    sysadmin = factories.Sysadmin(name="sysadmin_dash", password=PASSWORD)
    users = {"sysadmin": sysadmin}
    for name in ("gubernur", "kadis_kes", "admin_kes", "editor_pu", "orang_biasa"):
        users[name] = factories.User(name=name, password=PASSWORD)
    ctx = {"user": sysadmin["name"]}

    orgs: dict[str, dict[str, Any]] = {}
    for name, title, parent in ORGS:
        data: dict[str, Any] = {"name": name, "title": title}
        if parent:
            data["induk_opd"] = parent
        orgs[name] = helpers.call_action("organization_create", dict(ctx), **data)
    sectors = {name: helpers.call_action("group_create", dict(ctx), name=name, title=title, urutan=urutan)
               for name, title, urutan in SECTORS}

    def member(org: str, user: str, capacity: str) -> None:
        helpers.call_action("organization_member_create", dict(ctx), id=org, username=user, role=capacity)

    member("dinkes", "admin_kes", "admin")
    member("dinas-pu", "editor_pu", "editor")
    member("upt-labkes", "kadis_kes", "member")  # the head reads the UPT's private data, not Dinkes'
    member("dinas-pu", "gubernur", "member")

    for spec in DATASETS:
        pkg = helpers.call_action(
            "package_create", dict(ctx), name=spec.name, title=spec.name.replace("-", " ").title(),
            notes=f"Catatan {spec.name}", owner_org=spec.org, private=spec.private,
            groups=[{"name": s} for s in spec.sectors],
            tags=[{"name": t} for t in spec.tags],
            resources=[{"url": f"http://example.com/{spec.name}/{i}.{f.lower()}", "format": f,
                        "name": f"{spec.name} {i}"} for i, f in enumerate(spec.formats)],
            **_extras(spec),
        )
        spec.id = pkg["id"]
        for res, count in zip(pkg["resources"], spec.downloads, strict=False):
            model.Session.execute(sa.text(
                "INSERT INTO bantensatudata_resource_download (resource_id, package_id, downloads, last_download)"
                " VALUES (:r, :p, :n, now())"), {"r": res["id"], "p": pkg["id"], "n": count})
        if spec.deleted:
            helpers.call_action("package_delete", dict(ctx), id=spec.name)
    for app in APPS:
        data = {"type": "aplikasi", "name": app.name, "title": app.name.title(), "owner_org": app.org,
                "private": app.private, "jenis_aplikasi": "aplikasi", "url": f"https://{app.name}.bantenprov.go.id",
                "notes": "Aplikasi", "groups": [{"name": "kesehatan"}]}
        if app.status:
            data["status_aplikasi"] = app.status
        if app.pilar:
            data["pilar"] = list(app.pilar)
        helpers.call_action("package_create", dict(ctx), **data)

    for spec in DATASETS:  # back-date: the only way to have old and overdue datasets
        created = NOW - datetime.timedelta(days=spec.created_days_ago)
        model.Session.execute(sa.text(
            "UPDATE package SET metadata_created = :c, metadata_modified = :m WHERE id = :id"
        ), {"c": min(created, spec.modified), "m": spec.modified, "id": spec.id})
    model.Session.commit()
    cache.invalidate()  # raw SQL writes do not notify the dashboard

    return World(orgs, sectors, users, DATASETS, APPS)


def grant(world: World, user: str, level: str, organization: str | None = None, source: str = "admin") -> None:
    data = {"user": user, "level": level, "source": source}
    if organization:
        data["organization"] = organization
    helpers.call_action("bantensatudata_dashboard_access_grant", sysadmin_context(world), **data)
