"""Seeding the catalogue from the reviewable files in ``config/seed``.

Three steps, so that a bad file never leaves a half-seeded portal:

1. ``load``: read and check every file; each problem names ``file:line``.
   Nothing is written when any row is invalid.
2. ``plan``: compare what the files describe with what the portal holds and
   list the creations and updates (``--dry-run`` prints only this), then
   ``preflight``: validate every planned record with the portal's real
   schemas (nothing written); any error names ``file:line``.
3. ``apply``: only when both checks pass, run the plan through CKAN's
   actions.  (One database transaction is not possible: CKAN 2.12's
   ``package_update`` rolls its work back under ``defer_commit``.)

A second run finds nothing to change and says so (idempotent).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .logic import choices

SEED_FILES = ("sectors.csv", "opd.csv", "roles.csv", "registry.csv", "produk_hukum.csv",
              "datasets.yaml")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{1,99}$")
KODE_OPD_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,31}$")
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def default_seed_dir() -> str:
    """``ckanext.bantensatudata.seed_dir`` or the repository's ``config/seed``."""
    try:
        import ckan.plugins.toolkit as tk
        configured = tk.config.get("ckanext.bantensatudata.seed_dir")
    except Exception:  # outside a CKAN app (e.g. building the registry file)
        configured = ""
    if configured:
        return configured
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "config", "seed"))


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class SeedError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class SeedInvalid(Exception):
    """The seed files have problems; nothing was changed."""

    def __init__(self, errors: list[SeedError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Row:
    file: str
    line: int
    data: dict[str, Any]

    def get(self, key: str) -> str:
        value = self.data.get(key)
        return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------- reading


def _read_csv(path: str, columns: tuple[str, ...], errors: list[SeedError]) -> list[Row]:
    fname = os.path.basename(path)
    if not os.path.exists(path):
        errors.append(SeedError(fname, 0, "file is missing"))
        return []
    rows: list[Row] = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            errors.append(SeedError(fname, 1, "empty file (a header row is required)"))
            return []
        except csv.Error as exc:
            errors.append(SeedError(fname, 1, f"malformed CSV: {exc}"))
            return []
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        if missing:
            errors.append(SeedError(fname, 1, f"missing column(s): {', '.join(missing)}"))
            return []
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                errors.append(SeedError(fname, start, f"malformed CSV: {exc}"))
                break
            line = start
            start = reader.line_num + 1
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(SeedError(
                    fname, line, f"expected {len(header)} values, found {len(values)}"))
                continue
            rows.append(Row(fname, line, dict(zip(header, values, strict=True))))
    return rows


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (as ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml_list(path: str, errors: list[SeedError]) -> list[Row]:
    fname = os.path.basename(path)
    if not os.path.exists(path):
        errors.append(SeedError(fname, 0, "file is missing"))
        return []
    with open(path, encoding="utf-8") as f:
        try:
            data = yaml.load(f, Loader=_LineLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            errors.append(SeedError(fname, (mark.line + 1) if mark else 0, f"malformed YAML: {exc}"))
            return []
    if not isinstance(data, list):
        errors.append(SeedError(fname, 1, "expected a list of datasets"))
        return []
    rows = []
    for item in data:
        if not isinstance(item, dict):
            errors.append(SeedError(fname, 0, "every entry must be a mapping"))
            continue
        rows.append(Row(fname, int(item.pop("__line__", 0)), item))
    return rows


# --------------------------------------------------------------------------- checking


def normalise_url(value: str) -> str:
    """``host/path`` as recorded in the document -> ``http://host/path`` (lower-case host)."""
    text = value.strip()
    if not text:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "http://" + text
    scheme, rest = text.split("://", 1)
    host, _, path = rest.partition("/")
    path = path.rstrip("/")
    return f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")


def url_key(value: str) -> str:
    """Dedupe key of a registry URL: case-insensitive, scheme and trailing slash ignored."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    return text.rstrip("/")


def _valid_url(value: str) -> bool:
    m = re.match(r"^https?://([^/:?#\s]+)(:\d{1,5})?([/?#]\S*)?$", value)
    return bool(m and _HOST_RE.match(m.group(1).lower()))


@dataclass
class Seed:
    """Everything the files describe, checked."""

    dir: str
    sectors: list[Row] = field(default_factory=list)
    opd: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    registry: list[Row] = field(default_factory=list)
    produk_hukum: list[Row] = field(default_factory=list)
    datasets: list[Row] = field(default_factory=list)

    def opd_by_kode(self) -> dict[str, Row]:
        return {r.get("kode_opd"): r for r in self.opd}

    def counts(self) -> dict[str, int]:
        return {"sectors": len(self.sectors), "opd": len(self.opd), "registry": len(self.registry),
                "produk_hukum": len(self.produk_hukum), "datasets": len(self.datasets),
                "roles": len(self.roles)}


class _Checker:
    def __init__(self) -> None:
        self.errors: list[SeedError] = []

    def err(self, row: Row, message: str) -> None:
        self.errors.append(SeedError(row.file, row.line, message))

    def required(self, row: Row, *keys: str) -> None:
        for key in keys:
            if not row.get(key):
                self.err(row, f"{key}: a value is required")

    def choice(self, row: Row, key: str, allowed: Iterable[str], required: bool = False) -> None:
        value = row.get(key)
        allowed = tuple(allowed)
        if not value:
            if required:
                self.err(row, f"{key}: a value is required")
        elif value not in allowed:
            self.err(row, f'{key}: unknown value "{value}" (allowed: {", ".join(allowed)})')

    def year(self, row: Row, key: str, required: bool = False) -> None:
        value = row.get(key)
        if not value:
            if required:
                self.err(row, f"{key}: a value is required")
            return
        if not value.isdigit() or not choices.YEAR_MIN <= int(value) <= choices.YEAR_MAX:
            self.err(row, f'{key}: "{value}" is not a year between {choices.YEAR_MIN} and {choices.YEAR_MAX}')

    def unique(self, rows: list[Row], key: str, fold: bool = False) -> None:
        seen: dict[str, Row] = {}
        for row in rows:
            value = row.get(key)
            if not value:
                continue
            k = value.casefold() if fold else value
            if k in seen:
                self.err(row, f'{key}: duplicate value "{value}" (first at line {seen[k].line})')
            else:
                seen[k] = row

    def name(self, row: Row, key: str = "name") -> None:
        value = row.get(key)
        if value and not NAME_RE.match(value):
            self.err(row, f'{key}: "{value}" must be 2-100 lower-case letters, digits, "-" or "_"')

    def url(self, row: Row, key: str) -> None:
        value = row.get(key)
        if value and not _valid_url(normalise_url(value)):
            self.err(row, f'{key}: "{value}" is not a valid web address')

    def words(self, row: Row, key: str, allowed: Iterable[str], required: bool = False) -> list[str]:
        values = [v for v in re.split(r"[\s,;]+", row.get(key)) if v]
        allowed = tuple(allowed)
        if required and not values:
            self.err(row, f"{key}: at least one value is required")
        for v in values:
            if v not in allowed:
                self.err(row, f'{key}: unknown value "{v}" (allowed: {", ".join(allowed)})')
        return values


def load(seed_dir: str | None = None) -> Seed:
    """Read and check every seed file; raise SeedInvalid listing all problems."""
    seed_dir = seed_dir or default_seed_dir()
    read_errors: list[SeedError] = []
    seed = Seed(dir=seed_dir)
    p = lambda name: os.path.join(seed_dir, name)  # noqa: E731
    seed.sectors = _read_csv(p("sectors.csv"), ("urutan", "name", "judul", "pilar", "ikon", "deskripsi"),
                             read_errors)
    seed.opd = _read_csv(p("opd.csv"), ("kode_opd", "name", "nama", "singkatan", "jenis_opd", "induk_opd",
                                        "website", "sektor"), read_errors)
    seed.roles = _read_csv(p("roles.csv"), ("kode_role", "nama_role", "keterangan"), read_errors)
    seed.registry = _read_csv(p("registry.csv"), REGISTRY_COLUMNS, read_errors)
    seed.produk_hukum = _read_csv(p("produk_hukum.csv"), ("name", "jenis_peraturan", "nomor", "tahun",
                                                          "tentang", "organization"), read_errors)
    seed.datasets = _read_yaml_list(p("datasets.yaml"), read_errors)
    c = _Checker()
    c.errors.extend(read_errors)
    _check(seed, c)
    if c.errors:
        raise SeedInvalid(c.errors)
    return seed


def _check(seed: Seed, c: _Checker) -> None:
    sector_names = {r.get("name") for r in seed.sectors}
    for r in seed.sectors:
        c.required(r, "name", "judul", "urutan")
        c.name(r)
        urutan = r.get("urutan")
        if urutan and (not urutan.isdigit() or not 1 <= int(urutan) <= 99):
            c.err(r, f'urutan: "{urutan}" must be a whole number from 1 to 99')
        c.words(r, "pilar", choices.PILAR, required=True)
    c.unique(seed.sectors, "name")
    c.unique(seed.sectors, "urutan")

    kodes = {r.get("kode_opd") for r in seed.opd}
    opd_names = {r.get("name") for r in seed.opd}
    for r in seed.opd:
        c.required(r, "kode_opd", "name", "nama", "jenis_opd")
        kode = r.get("kode_opd")
        if kode and not KODE_OPD_RE.match(kode):
            c.err(r, f'kode_opd: "{kode}" must be capital letters, digits, "." or "-" (max 32)')
        c.name(r)
        c.choice(r, "jenis_opd", choices.JENIS_OPD)
        induk = r.get("induk_opd")
        if induk and induk not in kodes:
            c.err(r, f'induk_opd: unknown OPD code "{induk}"')
        elif induk and induk == kode:
            c.err(r, "induk_opd: an OPD cannot be its own parent")
        c.url(r, "website")
        c.choice(r, "sektor", sector_names)
    c.unique(seed.opd, "kode_opd")
    c.unique(seed.opd, "name")
    c.unique(seed.opd, "nama", fold=True)
    _check_parent_cycles(seed, c)

    for r in seed.roles:
        c.required(r, "kode_role", "nama_role")
    c.unique(seed.roles, "kode_role")

    for r in seed.registry:
        c.required(r, "name", "title", "jenis_aplikasi", "kode_opd", "sumber")
        c.name(r)
        c.url(r, "url")
        c.choice(r, "jenis_aplikasi", choices.JENIS_APLIKASI)
        c.choice(r, "lokasi_server", choices.LOKASI_SERVER)
        c.choice(r, "status_aplikasi", choices.STATUS_APLIKASI)
        if r.get("kode_opd") and r.get("kode_opd") not in kodes:
            c.err(r, f'kode_opd: unknown OPD code "{r.get("kode_opd")}"')
        c.choice(r, "sektor", sector_names)
        c.words(r, "pilar", choices.PILAR)
        c.year(r, "tahun_pencatatan")
        tanpa = r.get("tanpa_url")
        if tanpa not in ("", "ya", "tidak"):
            c.err(r, f'tanpa_url: "{tanpa}" must be "ya" or "tidak"')
        if tanpa == "ya" and r.get("url"):
            c.err(r, 'tanpa_url: "ya" but a url is given')
        if not r.get("url") and tanpa != "ya":
            c.err(r, 'url: missing (mark rows recorded without an address with tanpa_url "ya")')
    c.unique(seed.registry, "name")
    keys: dict[str, Row] = {}
    for r in seed.registry:
        if r.get("url"):
            k = url_key(r.get("url"))
            if k in keys:
                c.err(r, f'url: duplicate address "{r.get("url")}" (first at line {keys[k].line})')
            else:
                keys[k] = r

    for r in seed.produk_hukum:
        c.required(r, "name", "jenis_peraturan", "nomor", "tahun", "tentang", "organization")
        c.name(r)
        c.choice(r, "jenis_peraturan", choices.JENIS_PERATURAN)
        c.year(r, "tahun", required=True)
        if r.get("organization") and r.get("organization") not in opd_names:
            c.err(r, f'organization: unknown OPD "{r.get("organization")}"')
    c.unique(seed.produk_hukum, "name")

    allowed_keys = {"name", "title", "notes", "organization", "groups", "tags", "frekuensi",
                    "cakupan_wilayah", "walidata", "sumber_data", "satuan", "periode_awal",
                    "periode_akhir", "resources", "planned"}
    for r in seed.datasets:
        for key in r.data:
            if key not in allowed_keys:
                c.err(r, f'{key}: unknown key (allowed: {", ".join(sorted(allowed_keys))})')
        c.required(r, "name", "title", "notes", "organization")
        c.name(r)
        if r.get("organization") and r.get("organization") not in opd_names:
            c.err(r, f'organization: unknown OPD "{r.get("organization")}"')
        groups = r.data.get("groups") or []
        if not isinstance(groups, list) or not groups:
            c.err(r, "groups: a list of at least one sector is required")
        else:
            for g in groups:
                if g not in sector_names:
                    c.err(r, f'groups: unknown sector "{g}"')
        c.choice(r, "frekuensi", choices.FREKUENSI)
        c.choice(r, "cakupan_wilayah", choices.WILAYAH)
        c.year(r, "periode_awal")
        c.year(r, "periode_akhir")
        if (r.get("periode_awal").isdigit() and r.get("periode_akhir").isdigit()
                and int(r.get("periode_akhir")) < int(r.get("periode_awal"))):
            c.err(r, "periode_akhir: earlier than periode_awal")
        resources = r.data.get("resources") or []
        if not isinstance(resources, list):
            c.err(r, "resources: expected a list")
            resources = []
        if r.data.get("planned") and resources:
            c.err(r, "resources: a planned dataset has no data yet (never invent numbers)")
        for res in resources:
            line = res.get("__line__", r.line) if isinstance(res, dict) else r.line
            rr = Row(r.file, line, res if isinstance(res, dict) else {})
            c.required(rr, "name", "generated_from")
            c.choice(rr, "generated_from", GENERATORS)
            c.choice(rr, "format", ("CSV",))
    c.unique(seed.datasets, "name")

    all_names: dict[str, Row] = {}
    for r in seed.registry + seed.produk_hukum + seed.datasets:
        n = r.get("name")
        if n in all_names and all_names[n] is not r:
            c.err(r, f'name: "{n}" is also used at {all_names[n].file}:{all_names[n].line}')
        all_names.setdefault(n, r)


def _check_parent_cycles(seed: Seed, c: _Checker) -> None:
    parent = {r.get("kode_opd"): r.get("induk_opd") for r in seed.opd}
    for r in seed.opd:
        seen = {r.get("kode_opd")}
        k = parent.get(r.get("kode_opd"))
        while k:
            if k in seen:
                c.err(r, "induk_opd: the parent chain loops")
                break
            seen.add(k)
            k = parent.get(k)


# --------------------------------------------------------------------------- generated CSV


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    return out.getvalue().encode("utf-8")


def _opd_csv(seed: Seed) -> bytes:
    return _csv_bytes(
        ["kode_opd", "nama_opd", "singkatan", "jenis_opd", "kode_opd_induk", "situs_resmi"],
        ([r.get("kode_opd"), r.get("nama"), r.get("singkatan"), r.get("jenis_opd"), r.get("induk_opd"),
          normalise_url(r.get("website"))] for r in seed.opd))


def _roles_csv(seed: Seed) -> bytes:
    return _csv_bytes(["kode_role", "nama_role", "keterangan"],
                      ([r.get("kode_role"), r.get("nama_role"), r.get("keterangan")] for r in seed.roles))


def _sectors_csv(seed: Seed) -> bytes:
    return _csv_bytes(["urutan", "kode_sektor", "nama_sektor", "pilar"],
                      ([r.get("urutan"), r.get("name"), r.get("judul"), r.get("pilar")] for r in seed.sectors))


GENERATORS = {"opd": _opd_csv, "roles": _roles_csv, "sectors": _sectors_csv}


def generated_file(seed: Seed, generator: str) -> bytes:
    return GENERATORS[generator](seed)


# --------------------------------------------------------------------------- desired state


def _pilar_list(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,;]+", value) if v]


def desired_groups(seed: Seed) -> list[tuple[Row, dict[str, Any]]]:
    return [(r, {
        "name": r.get("name"), "title": r.get("judul"), "description": r.get("deskripsi"),
        "urutan": r.get("urutan"), "pilar": _pilar_list(r.get("pilar")), "ikon": r.get("ikon"),
    }) for r in seed.sectors]


def _parent_first(rows: list[Row]) -> list[Row]:
    by_kode = {r.get("kode_opd"): r for r in rows}
    done: set[str] = set()
    out: list[Row] = []

    def visit(r: Row) -> None:
        k = r.get("kode_opd")
        if k in done:
            return
        done.add(k)
        parent = by_kode.get(r.get("induk_opd"))
        if parent is not None:
            visit(parent)
        out.append(r)

    for r in rows:
        visit(r)
    return out


def desired_organizations(seed: Seed) -> list[tuple[Row, dict[str, Any]]]:
    by_kode = seed.opd_by_kode()
    out = []
    for r in _parent_first(seed.opd):
        parent = by_kode.get(r.get("induk_opd"))
        out.append((r, {
            "name": r.get("name"), "title": r.get("nama"), "kode_opd": r.get("kode_opd"),
            "singkatan": r.get("singkatan"), "jenis_opd": r.get("jenis_opd"),
            "induk_opd": parent.get("name") if parent else "",
            "website": normalise_url(r.get("website")),
        }))
    return out


SOURCE_NOTE = ("Monitoring website dan aplikasi Provinsi Banten (monitor.bantenprov.go.id), "
               "direkam 07-01-2018")


def desired_datasets(seed: Seed) -> list[tuple[Row, dict[str, Any]]]:
    by_kode = seed.opd_by_kode()
    out: list[tuple[Row, dict[str, Any]]] = []
    for r in seed.registry:
        opd = by_kode[r.get("kode_opd")]
        notes = r.get("keterangan")
        if r.get("tanpa_url") == "ya":
            notes = (notes + "\n\n" if notes else "") + "_URL tidak tercatat pada sumber._"
        out.append((r, {
            "type": "aplikasi", "name": r.get("name"), "title": r.get("title"),
            "url": normalise_url(r.get("url")), "jenis_aplikasi": r.get("jenis_aplikasi"),
            "lokasi_server": r.get("lokasi_server"), "status_aplikasi": r.get("status_aplikasi"),
            "notes": notes, "owner_org": opd.get("name"),
            "groups": [r.get("sektor")] if r.get("sektor") else [],
            "pilar": _pilar_list(r.get("pilar")), "tahun_pencatatan": r.get("tahun_pencatatan"),
            "sumber_pencatatan": f"{SOURCE_NOTE}; {r.get('sumber')}",
            "tags": ["tanpa-url"] if r.get("tanpa_url") == "ya" else [],
        }))
    for r in seed.produk_hukum:
        label = {"pergub": "Peraturan Gubernur Banten", "perda": "Peraturan Daerah Provinsi Banten",
                 "kepgub": "Keputusan Gubernur Banten"}.get(r.get("jenis_peraturan"), "Peraturan")
        out.append((r, {
            "type": "produk-hukum", "name": r.get("name"),
            "title": f"{label} Nomor {r.get('nomor')} Tahun {r.get('tahun')}",
            "jenis_peraturan": r.get("jenis_peraturan"), "nomor": r.get("nomor"), "tahun": r.get("tahun"),
            "tentang": r.get("tentang"), "owner_org": r.get("organization"),
            "notes": f"Tentang {r.get('tentang')}.\n\nDicatat dari dokumen desain Banten Satu Data "
                     "(metadata saja; dokumen PDF belum diunggah).",
            "groups": ["legislatif"] if any(s.get("name") == "legislatif" for s in seed.sectors) else [],
            "tags": ["produk-hukum", r.get("jenis_peraturan")],
        }))
    for r in seed.datasets:
        d = r.data
        tags = list(d.get("tags") or [])
        out.append((r, {
            "type": "dataset", "name": r.get("name"), "title": r.get("title"), "notes": r.get("notes"),
            "owner_org": r.get("organization"), "groups": list(d.get("groups") or []), "tags": tags,
            **{k: r.get(k) for k in ("frekuensi", "cakupan_wilayah", "walidata", "sumber_data", "satuan",
                                     "periode_awal", "periode_akhir") if r.get(k)},
        }))
    return out


def desired_resources(seed: Seed) -> list[tuple[Row, str, list[dict[str, Any]]]]:
    """(row, dataset name, resources with their generated bytes) for generated files."""
    out = []
    for r in seed.datasets:
        resources = []
        for res in r.data.get("resources") or []:
            content = generated_file(seed, res["generated_from"])
            resources.append({
                "name": res["name"], "description": res.get("description", ""),
                "format": res.get("format", "CSV"), "filename": f"{r.get('name')}.csv",
                "content": content, "sha256": hashlib.sha256(content).hexdigest(),
            })
        if resources:
            out.append((r, r.get("name"), resources))
    return out


# --------------------------------------------------------------------------- registry from the document


REGISTRY_COLUMNS = ("name", "title", "url", "tanpa_url", "jenis_aplikasi", "lokasi_server",
                    "status_aplikasi", "kode_opd", "sektor", "pilar", "tahun_pencatatan", "sumber",
                    "keterangan")
_TABLE_RE = re.compile(r"^###\s*Tabel\s+(\d)\b", re.IGNORECASE)


def _server(value: str) -> str:
    v = value.strip().casefold()
    if v == "kominfo":
        return "kominfo"
    if v == "diluar kominfo":
        return "diluar_kominfo"
    return "tidak_diketahui"


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.casefold())).strip("-")


def parse_document_tables(text: str) -> list[dict[str, Any]]:
    """The rows of Tables 1-3 of the design document, with table number and row number."""
    rows: list[dict[str, Any]] = []
    table = 0
    header: list[str] = []
    for line in text.splitlines():
        m = _TABLE_RE.match(line.strip())
        if m:
            table, header = int(m.group(1)), []
            continue
        if not table or not line.strip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = [c.casefold() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        rec = dict(zip(header, cells, strict=False))
        if not rec.get("no", "").isdigit():
            continue
        rows.append({"table": table, "no": int(rec["no"]), "opd": rec.get("opd / lembaga", ""),
                     "url": rec.get("url", ""), "server": rec.get("posisi server", ""),
                     "jenis": rec.get("jenis", "website" if table == 2 else "aplikasi"),
                     "keterangan": rec.get("keterangan", ""), "status": rec.get("status", "")})
    return rows


def build_registry(text: str, seed_dir: str | None = None) -> bytes:
    """registry.csv from Tables 1-3: URLs deduplicated (case, trailing slash), status from 2-3.

    Rows without a URL are kept and marked ``tanpa_url``; rows of the same OPD and
    kind without a URL are one record.  Each record says which table rows it
    comes from.  Sector and pillars are the OPD's default sector (``opd.csv``)
    and that sector's pillars (``sectors.csv``), proposals a steward may edit.
    """
    seed_dir = seed_dir or default_seed_dir()
    errors: list[SeedError] = []
    opd = _read_csv(os.path.join(seed_dir, "opd.csv"), ("kode_opd", "name", "nama", "sektor"), errors)
    sectors = _read_csv(os.path.join(seed_dir, "sectors.csv"), ("name", "pilar"), errors)
    if errors:
        raise SeedInvalid(errors)
    by_name = {r.get("nama").casefold(): r for r in opd}
    pillars = {r.get("name"): r.get("pilar") for r in sectors}
    records: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    problems: list[SeedError] = []
    for src in parse_document_tables(text):
        o = by_name.get(src["opd"].casefold())
        if o is None:
            problems.append(SeedError("document", 0, f'Tabel {src["table"]} No. {src["no"]}: '
                                                     f'OPD "{src["opd"]}" is not in opd.csv'))
            continue
        jenis = src["jenis"].strip().casefold() or "website"
        key = url_key(src["url"]) if src["url"] else f'-{o.get("kode_opd")}-{jenis}'
        rec = records.get(key)
        if rec is None:
            rec = records[key] = {"sources": [], "opd": o, "jenis": jenis, "url": src["url"],
                                  "server": src["server"], "keterangan": src["keterangan"], "status": ""}
            order.append(key)
        rec["sources"].append(f'Tabel {src["table"]} No. {src["no"]}')
        if not rec["keterangan"] and src["keterangan"]:
            rec["keterangan"] = src["keterangan"]
        if _server(rec["server"]) == "tidak_diketahui" and src["server"]:
            rec["server"] = src["server"]
        if src["table"] in (2, 3) and src["status"]:
            rec["status"] = "aktif" if src["status"].casefold() == "aktif" else "tidak_aktif"
    if problems:
        raise SeedInvalid(problems)
    out_rows = []
    used: set[str] = set()
    for key in order:
        rec = records[key]
        o = rec["opd"]
        if rec["url"]:
            shown = url_key(rec["url"])
            name = "app-" + _slug(shown)
            title = shown
        else:
            name = f'app-{o.get("name")}-{rec["jenis"]}-tanpa-url'
            title = f'{rec["jenis"].capitalize()} {o.get("nama")} (URL tidak tercatat)'
        name = name[:100]
        base, n = name, 2
        while name in used:
            name, n = f"{base[:96]}-{n}", n + 1
        used.add(name)
        out_rows.append([
            name, title, normalise_url(rec["url"]) if rec["url"] else "",
            "" if rec["url"] else "ya", rec["jenis"], _server(rec["server"]), rec["status"],
            o.get("kode_opd"), o.get("sektor"), pillars.get(o.get("sektor"), ""), "2017",
            "; ".join(rec["sources"]), rec["keterangan"],
        ])
    return _csv_bytes(list(REGISTRY_COLUMNS), out_rows)


# --------------------------------------------------------------------------- plan and apply


@dataclass
class Change:
    kind: str  # group | organization | dataset | resources
    action: str  # create | update
    name: str
    row: Row
    data: dict[str, Any]
    fields: list[str] = field(default_factory=list)

    def describe(self) -> str:
        what = f"{self.action} {self.kind} {self.name}"
        if self.fields:
            what += f" ({', '.join(self.fields)})"
        return f"{what}  [{self.row.file}:{self.row.line}]"


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for ch in self.changes:
            out[f"{ch.action} {ch.kind}"] = out.get(f"{ch.action} {ch.kind}", 0) + 1
        return out


def _norm(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value.strip()
        if isinstance(parsed, list):
            return sorted(str(v) for v in parsed)
    return str(value).strip()


def _current_value(existing: dict[str, Any], key: str) -> Any:
    if key == "groups":
        return [g["name"] for g in existing.get("groups") or []]
    if key == "tags":
        return [t["name"] for t in existing.get("tags") or []]
    if key == "owner_org":
        return (existing.get("organization") or {}).get("name", "")
    return existing.get(key)


def _diff(existing: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    return [k for k, v in desired.items()
            if k not in ("type", "name") and _norm(_current_value(existing, k)) != _norm(v)]


def plan(seed: Seed, user: str) -> Plan:
    """Compare the seed with the portal (read-only)."""
    import ckan.plugins.toolkit as tk

    result = Plan()

    def show(action: str, ident: str) -> dict[str, Any] | None:
        try:
            return tk.get_action(action)({"user": user}, {"id": ident})
        except tk.ObjectNotFound:
            return None

    for kind, action, items in (
        ("group", "group_show", desired_groups(seed)),
        ("organization", "organization_show", desired_organizations(seed)),
    ):
        for row, data in items:
            existing = show(action, data["name"])
            if existing is None or existing.get("state") == "deleted":
                result.changes.append(Change(kind, "create", data["name"], row, data))
            else:
                fields = _diff(existing, data)
                if fields:
                    result.changes.append(Change(kind, "update", data["name"], row, data, fields))
                else:
                    result.unchanged += 1
    for row, data in desired_datasets(seed):
        existing = show("package_show", data["name"])
        if existing is None:
            result.changes.append(Change("dataset", "create", data["name"], row, data))
        elif existing.get("type") != data["type"]:
            raise SeedInvalid([SeedError(row.file, row.line,
                                         f'name: "{data["name"]}" is already a {existing.get("type")}')])
        else:
            fields = _diff(existing, data)
            if existing.get("state") != "active":
                fields.append("state")
            if fields:
                result.changes.append(Change("dataset", "update", data["name"], row, data, fields))
            else:
                result.unchanged += 1
    for row, name, resources in desired_resources(seed):
        existing = show("package_show", name)
        current = {r.get("name"): r for r in (existing or {}).get("resources", [])}
        stale = [r["name"] for r in resources
                 if (current.get(r["name"]) or {}).get("bantensatudata_seed_sha256") != r["sha256"]]
        if stale:
            result.changes.append(Change("resources", "update" if existing and existing.get("resources")
                                         else "create", name, row, {"resources": resources}, stale))
        else:
            result.unchanged += 1
    return result


def _payload(change: Change) -> dict[str, Any]:
    d = dict(change.data)
    if change.kind == "dataset":
        d["groups"] = [{"name": g} for g in d.get("groups", [])]
        d["tags"] = [{"name": t} for t in d.get("tags", [])]
        d["state"] = "active"
    elif change.kind == "group":
        d["type"] = "group"
    return d


def preflight(the_plan: Plan, user: str) -> list[SeedError]:
    """Validate every record of the plan with the portal's real schemas, writing nothing.

    References to OPD and sectors that the same plan creates are accepted
    (they do not exist yet); anything else the schemas reject is reported with
    the seed file and line.
    """
    import ckan.model as model
    from ckan.lib import plugins as lib_plugins

    planned = {ch.name for ch in the_plan.changes
               if ch.kind in ("group", "organization") and ch.action == "create"}
    errors: list[SeedError] = []
    for ch in the_plan.changes:
        if ch.kind == "resources":
            continue
        data = _payload(ch)
        context: dict[str, Any] = {"user": user, "model": model, "session": model.Session}
        if ch.kind == "dataset":
            plugin = lib_plugins.lookup_package_plugin(data["type"])
            if ch.action == "update":
                existing = model.Package.get(ch.name)
                data["id"] = existing.id if existing else ch.name
                context["package"] = existing
                schema, action = plugin.update_package_schema(), "package_update"
            else:
                schema, action = plugin.create_package_schema(), "package_create"
        else:
            data.setdefault("type", ch.kind)
            plugin = lib_plugins.lookup_group_plugin(ch.kind)
            if ch.action == "update":
                existing = model.Group.get(ch.name)
                data["id"] = existing.id if existing else ch.name
                context["group"] = existing
                schema, action = plugin.update_group_schema(), f"{ch.kind}_update"
            else:
                schema, action = plugin.create_group_schema(), f"{ch.kind}_create"
            data["is_organization"] = ch.kind == "organization"
        _data, errs = lib_plugins.plugin_validate(plugin, context, data, schema, action)
        model.Session.rollback()  # validators may have loaded objects; never keep anything
        for key in [k for k in errs if _refers_to_planned(k, data, planned)]:
            errs.pop(key)
        if errs:
            errors.append(SeedError(ch.row.file, ch.row.line, f"{ch.kind} {ch.name}: {_flatten_errors(errs)}"))
    return errors


def _refers_to_planned(key: str, data: dict[str, Any], planned: set[str]) -> bool:
    """An error on a reference to an OPD or sector the same plan creates first."""
    if key in ("owner_org", "induk_opd"):
        return data.get(key) in planned
    if key == "groups":
        return all(g["name"] in planned for g in data.get("groups", []))
    return False


def apply(seed: Seed, the_plan: Plan, user: str) -> list[str]:
    """Run the plan through CKAN's actions (after ``preflight`` found nothing wrong).

    Each record is written by one action, in dependency order (sectors, OPD
    parents first, then datasets, then generated files); a re-run resumes
    where a failure stopped, since the plan only holds what still differs.
    """
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from werkzeug.datastructures import FileStorage

    problems = preflight(the_plan, user)
    if problems:
        raise SeedInvalid(problems)
    changed_ids: list[str] = []

    def ctx() -> dict[str, Any]:
        return {"user": user}

    for ch in the_plan.changes:
        try:
            if ch.kind in ("group", "organization"):
                data = _payload(ch)
                existing = model.Group.get(ch.name)
                if ch.action == "create" and existing is not None:  # deleted earlier: bring it back
                    tk.get_action(f"{ch.kind}_update")(ctx(), dict(data, id=existing.id, state="active"))
                elif ch.action == "create":
                    tk.get_action(f"{ch.kind}_create")(ctx(), data)
                else:
                    tk.get_action(f"{ch.kind}_patch")(ctx(), dict(data, id=ch.name))
            elif ch.kind == "dataset":
                payload = _payload(ch)
                if ch.action == "create":
                    pkg = tk.get_action("package_create")(ctx(), payload)
                else:
                    pkg = tk.get_action("package_patch")(ctx(), dict(payload, id=ch.name))
                changed_ids.append(pkg["id"])
            else:
                pkg = tk.get_action("package_show")(ctx(), {"id": ch.name})
                old_by_name = {r.get("name"): r for r in pkg.get("resources", [])}
                resources = [r for r in pkg.get("resources", []) if r.get("name") not in ch.fields]
                for r in ch.data["resources"]:
                    if r["name"] not in ch.fields:
                        continue
                    new = {
                        "name": r["name"], "description": r["description"], "format": r["format"],
                        "url": r["filename"], "bantensatudata_seed_sha256": r["sha256"],
                        "upload": FileStorage(stream=io.BytesIO(r["content"]), filename=r["filename"],
                                              content_type="text/csv"),
                    }
                    if old_by_name.get(r["name"], {}).get("id"):
                        new["id"] = old_by_name[r["name"]]["id"]
                    resources.append(new)
                updated = tk.get_action("package_update")(ctx(), dict(pkg, resources=resources))
                changed_ids.append(updated["id"])
        except tk.ValidationError as exc:
            model.Session.rollback()
            raise SeedInvalid([SeedError(ch.row.file, ch.row.line,
                                         f"{ch.kind} {ch.name}: {_flatten_errors(exc.error_dict)}")]) from exc
    return changed_ids


def _flatten_errors(errors: Any) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_flatten_errors(v)}" for k, v in errors.items())
    if isinstance(errors, list):
        return ", ".join(_flatten_errors(e) for e in errors if e)
    return str(errors)


def site_user() -> str:
    import ckan.plugins.toolkit as tk
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
