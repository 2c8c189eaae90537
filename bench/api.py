#!/usr/bin/env python
"""Server time of the API wing: guarded Action API calls and the DCAT endpoints.

Fills a benchmark database of its own (default ``bantensatudata_bench_api``,
created when missing; a second run reuses the data) with N datasets carrying
the Satu Data fields, one resource each, in one OPD and two sectors, through
the real ``package_create`` (so the search index is filled too).  It then
times, through the real WSGI app (test.ini, all plugins, no network):

  * ``package_search`` (an "expensive" read: one Redis round trip for the limit)
    and ``package_show`` (no limit), to see what the guard costs;
  * one dataset in Turtle (``/dataset/<name>.ttl``: DCAT-AP 3 + our profile);
  * the catalogue page ``/catalog.ttl`` (100 datasets per page).

    .venv/bin/python bench/api.py                      # 300 datasets, 30 requests each
    .venv/bin/python bench/api.py --datasets 1000 --requests 20

Prints p50/p95 (ms) per case and the dataset count.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from benchlib import ROOT, database_url, ensure_database


def timed(client, path: str, n: int, **kw) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, **kw)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", default="bantensatudata_bench_api")
    args = parser.parse_args()

    os.environ["CKAN_SQLALCHEMY_URL"] = database_url(args.db)
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/9")
    os.environ["CKAN_STORAGE_PATH"] = os.path.join(ROOT, "var", "bench-storage", args.db)
    os.makedirs(os.environ["CKAN_STORAGE_PATH"], exist_ok=True)
    os.environ["CKAN_INI"] = os.path.join(ROOT, "test.ini")
    ensure_database(args.db)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(os.environ["CKAN_INI"]))
    flask_app = app._wsgi_app
    # limits off while measuring: we time the guard's work, not its refusals
    from ckan.common import config

    config["ckanext.bantensatudata.api.ratelimit.expensive"] = "1000000/60"

    import ckan.plugins.toolkit as tk

    with flask_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        ctx = {"user": site["name"], "ignore_auth": True}
        def ensure(kind: str, data: dict) -> None:
            try:
                tk.get_action(f"{kind}_show")(dict(ctx), {"id": data["name"]})
            except tk.ObjectNotFound:
                tk.get_action(f"{kind}_create")(dict(ctx), data)

        ensure("organization", {"name": "bench-opd", "title": "Bench OPD", "kode_opd": "9.99.99"})
        ensure("group", {"name": "bench-kesehatan", "title": "Bench Kesehatan"})
        have = tk.get_action("package_search")(ctx, {"q": "name:bench-*", "rows": 0,
                                                     "include_private": True})["count"]
        for i in range(have, args.datasets):
            tk.get_action("package_create")(dict(ctx), {
                "name": f"bench-{i:05d}", "title": f"Dataset bench {i}", "notes": "Bench.",
                "owner_org": "bench-opd", "groups": [{"name": "bench-kesehatan"}],
                "walidata": "Diskominfo", "frekuensi": "tahunan", "periode_awal": "2020",
                "periode_akhir": "2023", "cakupan_wilayah": "36", "license_id": "cc-by-4.0",
                "resources": [{"url": f"https://example.org/{i}.csv", "format": "CSV",
                               "name": "data"}]})
        count = tk.get_action("package_search")(ctx, {"rows": 0})["count"]

    client = flask_app.test_client()
    cases = [
        ("package_search (guarded, expensive)", "/api/3/action/package_search?q=bench&rows=20"),
        ("package_show (guarded, cheap)", "/api/3/action/package_show?id=bench-00001"),
        ("dataset .ttl (DCAT-AP 3 + Satu Data)", "/dataset/bench-00001.ttl"),
        ("catalog.ttl (100 datasets)", "/catalog.ttl"),
    ]
    print(f"datasets: {count}")
    for label, path in cases:
        timed(client, path, 2)  # warm up
        p50, p95 = timed(client, path, args.requests)
        print(f"{label:40s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
