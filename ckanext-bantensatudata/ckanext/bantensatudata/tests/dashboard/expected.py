"""Expected dashboard figures, computed in plain Python from the fixture specs.

Nothing here touches the database or the dashboard's SQL: these are the
independent numbers the tests compare the action, pages and CSV with.
"""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import Any

from .conftest import APPS, DATASETS, FREQUENCY, ORGS, SECTORS, DatasetSpec

N_FIELDS = 18
ORG_ORDER = [name for name, _title, _parent in sorted(ORGS, key=lambda o: o[1].lower())]
TITLES = {name: title for name, title, _parent in ORGS}


def visible(spec: Any, scope: set[str], private_orgs: set[str] | None) -> bool:
    if getattr(spec, "deleted", False) or spec.org not in scope:
        return False
    return not spec.private or private_orgs is None or spec.org in private_orgs


def figures(scope: set[str], private_orgs: set[str] | None, period_days: int = 30) -> dict[str, Any]:
    ds: list[DatasetSpec] = [s for s in DATASETS if visible(s, scope, private_orgs)]
    apps = [a for a in APPS if visible(a, scope, private_orgs)]
    orgs = [o for o in ORG_ORDER if o in scope]
    t: dict[str, Any] = {}

    t["opd"] = [{"organization": o, "title": TITLES[o],
                 "datasets": sum(1 for s in ds if s.org == o),
                 "public": sum(1 for s in ds if s.org == o and not s.private),
                 "private": sum(1 for s in ds if s.org == o and s.private)} for o in orgs]

    t["sektor"] = [{"sector": name, "title": title, "datasets": sum(1 for s in ds if name in s.sectors)}
                   for name, title, _u in sorted(SECTORS, key=lambda x: int(x[2]))]
    if any(not s.sectors for s in ds):
        t["sektor"].append({"sector": "", "title": "", "datasets": sum(1 for s in ds if not s.sectors)})

    def new(s: DatasetSpec) -> bool:
        return s.created_days_ago < period_days - 1

    def updated(s: DatasetSpec) -> bool:
        return not new(s) and s.created_days_ago > period_days and s.modified_days_ago < period_days - 1

    t["periode"] = [{"organization": o, "title": TITLES[o],
                     "new": sum(1 for s in ds if s.org == o and new(s)),
                     "updated": sum(1 for s in ds if s.org == o and updated(s))} for o in orgs]

    formats = Counter(f for s in ds for f in s.formats)
    t["format"] = [{"format": f, "resources": n} for f, n in sorted(formats.items(), key=lambda kv: (-kv[1], kv[0]))]

    t["kesegaran"] = [{"organization": o, "title": TITLES[o],
                       "evaluated": sum(1 for s in ds if s.org == o and s.overdue() is not None),
                       "fresh": sum(1 for s in ds if s.org == o and s.overdue() is False),
                       "overdue": sum(1 for s in ds if s.org == o and s.overdue()),
                       "no_frequency": sum(1 for s in ds if s.org == o and s.overdue() is None)} for o in orgs]
    late = sorted((s for s in ds if s.overdue()), key=lambda s: (s.modified + FREQUENCY[s.frekuensi], s.name))
    t["terlambat"] = [{"dataset": s.name, "organization": s.org, "frekuensi": s.frekuensi,
                       "days_overdue": (datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
                                        - (s.modified + FREQUENCY[s.frekuensi])).days} for s in late]

    def score(specs: list[DatasetSpec]) -> float | None:
        if not specs:
            return None
        return round(100.0 * sum(s.filled() for s in specs) / (len(specs) * N_FIELDS), 1)

    t["kelengkapan"] = [{"organization": o, "title": TITLES[o], "datasets": sum(1 for s in ds if s.org == o),
                         "score": score([s for s in ds if s.org == o])} for o in orgs]

    t["unduhan"] = [{"organization": o, "title": TITLES[o],
                     "downloads": sum(sum(s.downloads) for s in ds if s.org == o)} for o in orgs]
    top = sorted((s for s in ds if sum(s.downloads) > 0), key=lambda s: (-sum(s.downloads), s.name))
    t["unduhan_teratas"] = [{"dataset": s.name, "organization": s.org, "downloads": sum(s.downloads)} for s in top]

    apps_per: dict[str, dict[str, int]] = defaultdict(Counter)
    for a in apps:
        c = apps_per[a.org]
        c["total"] += 1
        c[a.status if a.status in ("aktif", "tidak_aktif") else "status_lain"] += 1
        for p in a.pilar:
            c[p] += 1
    keys = ("total", "aktif", "tidak_aktif", "status_lain", "G2G", "G2E", "G2C", "G2B")
    t["aplikasi"] = [{"organization": o, "title": TITLES[o], **{k: apps_per[o][k] for k in keys}} for o in orgs]

    summary = {
        "organizations": len(orgs),
        "datasets": len(ds), "public": sum(1 for s in ds if not s.private),
        "private": sum(1 for s in ds if s.private),
        "new": sum(1 for s in ds if new(s)), "updated": sum(1 for s in ds if updated(s)),
        "resources": sum(len(s.formats) for s in ds),
        "evaluated": sum(1 for s in ds if s.overdue() is not None),
        "overdue": sum(1 for s in ds if s.overdue()),
        "completeness": score(ds),
        "downloads": sum(sum(s.downloads) for s in ds),
        "applications": len(apps), "applications_active": sum(1 for a in apps if a.status == "aktif"),
    }
    return {"summary": summary, "tables": t}
