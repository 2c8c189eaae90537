"""Cuts the viewer-independent facts down to one viewer's scope.

A fact row belongs to ``(org, private)``.  It is kept when the OPD is in the
page's scope and, for private rows, when the viewer may read that OPD's
private datasets.  The result is the JSON the API returns and the page shows:
a summary and named tables (``TABLES``), each a list of plain rows, so that
every table can be exported as CSV with the same columns.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from . import fields
from .access import Organization, Viewer
from .fields import N_

# Table name -> columns (key, label).  Labels are translated where shown.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "opd": (("organization", N_("OPD id")), ("title", N_("OPD")), ("datasets", N_("Datasets")),
            ("public", N_("Public")), ("private", N_("Private"))),
    "sektor": (("sector", N_("Sector id")), ("title", N_("Sector")), ("datasets", N_("Datasets"))),
    "periode": (("organization", N_("OPD id")), ("title", N_("OPD")), ("new", N_("New")),
                ("updated", N_("Updated"))),
    "format": (("format", N_("Format")), ("resources", N_("Resources"))),
    "kesegaran": (("organization", N_("OPD id")), ("title", N_("OPD")),
                  ("evaluated", N_("With a frequency")), ("fresh", N_("Up to date")),
                  ("overdue", N_("Overdue")), ("no_frequency", N_("No regular frequency"))),
    "terlambat": (("dataset", N_("Dataset id")), ("title", N_("Dataset")), ("organization", N_("OPD id")),
                  ("frekuensi", N_("Frequency")), ("last_updated", N_("Last updated")),
                  ("due", N_("Due")), ("days_overdue", N_("Days overdue"))),
    "kelengkapan": (("organization", N_("OPD id")), ("title", N_("OPD")), ("datasets", N_("Datasets")),
                    ("score", N_("Completeness (%)"))),
    "unduhan": (("organization", N_("OPD id")), ("title", N_("OPD")), ("downloads", N_("Downloads"))),
    "unduhan_teratas": (("dataset", N_("Dataset id")), ("title", N_("Dataset")),
                        ("organization", N_("OPD id")), ("downloads", N_("Downloads"))),
    "aplikasi": (("organization", N_("OPD id")), ("title", N_("OPD")), ("total", N_("Applications")),
                 ("aktif", N_("Active")), ("tidak_aktif", N_("Inactive")),
                 ("status_lain", N_("Status unknown")))
                + tuple((p, p) for p in fields.APPLICATION_PILLARS),
}

NO_SECTOR = ""


def _kept(rows: Iterable[dict[str, Any]], scope: set[str], viewer: Viewer) -> list[dict[str, Any]]:
    return [r for r in rows if r["org"] in scope and (not r["private"] or viewer.sees_private(r["org"]))]


def _per_org(rows: list[dict[str, Any]], keys: Iterable[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    for r in rows:
        for k in out[r["org"]]:
            out[r["org"]][k] += int(r[k] or 0)
    return out


def _score(filled: int, n: int) -> float | None:
    if not n:
        return None
    return round(100.0 * filled / (n * len(fields.COMPLETENESS_FIELDS)), 1)


def build(
    viewer: Viewer,
    orgs: dict[str, Organization],
    scope_ids: list[str],
    facts: dict[str, Any],
    period_rows: list[dict[str, Any]],
    sectors: list[dict[str, Any]],
    limit: int,
) -> dict[str, Any]:
    scope = set(scope_ids)
    in_scope = [orgs[i] for i in scope_ids]
    tables: dict[str, list[dict[str, Any]]] = {}

    def org_rows(per: dict[str, dict[str, int]], keys: Iterable[str]) -> list[dict[str, Any]]:
        keys = list(keys)
        return [{"organization": o.name, "title": o.title,
                 **{k: per.get(o.id, {}).get(k, 0) for k in keys}} for o in in_scope]

    # datasets per OPD
    datasets = _kept(facts["datasets"], scope, viewer)
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"datasets": 0, "public": 0, "private": 0})
    for r in datasets:
        per[r["org"]]["datasets"] += r["n"]
        per[r["org"]]["private" if r["private"] else "public"] += r["n"]
    tables["opd"] = org_rows(per, ("datasets", "public", "private"))

    # datasets per sector
    by_sector: dict[str | None, int] = defaultdict(int)
    for r in _kept(facts["sectors"], scope, viewer):
        by_sector[r["sector"]] += r["n"]
    tables["sektor"] = [{"sector": s["name"], "title": s["title"], "datasets": by_sector.get(s["id"], 0)}
                        for s in sectors]
    unassigned = by_sector.get(None, 0)
    if unassigned:
        tables["sektor"].append({"sector": NO_SECTOR, "title": NO_SECTOR, "datasets": unassigned})

    # new / updated in the period
    period = _per_org(_kept(period_rows, scope, viewer), ("new", "updated"))
    tables["periode"] = org_rows(period, ("new", "updated"))

    # resources by format
    by_format: dict[str, int] = defaultdict(int)
    for r in _kept(facts["formats"], scope, viewer):
        by_format[r["format"]] += r["n"]
    tables["format"] = [{"format": f, "resources": n}
                        for f, n in sorted(by_format.items(), key=lambda kv: (-kv[1], kv[0]))]

    # freshness
    fresh_keys = ("evaluated", "fresh", "overdue", "no_frequency")
    tables["kesegaran"] = org_rows(_per_org(_kept(facts["freshness"], scope, viewer), fresh_keys), fresh_keys)
    overdue = sorted(_kept(facts["overdue"], scope, viewer), key=lambda r: (r["due_key"], r["name"]))[:limit]
    tables["terlambat"] = [{
        "dataset": r["name"], "title": r["title"], "organization": orgs[r["org"]].name,
        "frekuensi": r["freq"], "last_updated": r["metadata_modified"], "due": r["due"],
        "days_overdue": r["days_overdue"],
    } for r in overdue]

    # completeness
    comp = _per_org(_kept(facts["completeness"], scope, viewer), ("n", "filled"))
    tables["kelengkapan"] = [{"organization": o.name, "title": o.title,
                              "datasets": comp.get(o.id, {}).get("n", 0),
                              "score": _score(comp.get(o.id, {}).get("filled", 0), comp.get(o.id, {}).get("n", 0))}
                             for o in in_scope]

    # downloads
    dl = _per_org(_kept(facts["downloads"], scope, viewer), ("n",))
    tables["unduhan"] = [{"organization": o.name, "title": o.title, "downloads": dl.get(o.id, {}).get("n", 0)}
                         for o in in_scope]
    top = sorted(_kept(facts["top_downloads"], scope, viewer), key=lambda r: (-r["downloads"], r["name"]))[:limit]
    tables["unduhan_teratas"] = [{"dataset": r["name"], "title": r["title"],
                                  "organization": orgs[r["org"]].name, "downloads": r["downloads"]}
                                 for r in top]

    # registry applications
    app_keys = ("total", "aktif", "tidak_aktif", "status_lain", *fields.APPLICATION_PILLARS)
    apps: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(app_keys, 0))
    for r in _kept(facts["applications"], scope, viewer):
        a = apps[r["org"]]
        a["total"] += r["n"]
        a[r["status"] if r["status"] in fields.APPLICATION_STATUSES else "status_lain"] += r["n"]
        for pillar in set(r["pilar"]):
            if pillar in fields.APPLICATION_PILLARS:
                a[pillar] += r["n"]
    tables["aplikasi"] = org_rows(apps, app_keys)

    total_comp = (sum(v["filled"] for v in comp.values()), sum(v["n"] for v in comp.values()))
    summary = {
        "organizations": len(in_scope),
        "datasets": sum(r["datasets"] for r in tables["opd"]),
        "public": sum(r["public"] for r in tables["opd"]),
        "private": sum(r["private"] for r in tables["opd"]),
        "new": sum(r["new"] for r in tables["periode"]),
        "updated": sum(r["updated"] for r in tables["periode"]),
        "resources": sum(by_format.values()),
        "evaluated": sum(r["evaluated"] for r in tables["kesegaran"]),
        "overdue": sum(r["overdue"] for r in tables["kesegaran"]),
        "completeness": _score(*total_comp),
        "downloads": sum(r["downloads"] for r in tables["unduhan"]),
        "applications": sum(r["total"] for r in tables["aplikasi"]),
        "applications_active": sum(r["aktif"] for r in tables["aplikasi"]),
    }
    return {
        "summary": summary,
        "tables": tables,
        "downloads_available": bool(facts["downloads_available"]),
        "computed": facts["computed"],
    }


def csv_rows(table: str, rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
    """Rows of one table in its column order (header excluded)."""
    keys = [k for k, _label in TABLES[table]]
    for row in rows:
        yield ["" if row.get(k) is None else row.get(k) for k in keys]


def utc_naive(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC).replace(tzinfo=None)
