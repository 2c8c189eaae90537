#!/usr/bin/env python
"""Server time of the leadership dashboard (Dashboard Pimpinan) at 50k datasets and 48 OPD.

Fills a benchmark database of its own (default ``bantensatudata_bench_dashboard``,
created when missing; a second run reuses the data) with 10 sectors, 48 OPD
(8 of them UPT/Balai under another OPD) and N datasets of type ``dataset``
(Satu Data fields in ``package.extras``, 1-3 resources, tags, sector groups,
download counts, 5% private) plus N/100 registry applications.  Creating 50k
datasets through ``package_create`` takes hours, so the rows are written with
SQL straight into CKAN's tables, shaped as scheming stores them; the dashboard
reads only those tables, so nothing else (search index) needs rebuilding.

It then times, through the real WSGI app (test.ini, all plugins, no network):
  * the ``bantensatudata_dashboard_show`` action for the province (sysadmin);
  * the province page ``/dashboard-pimpinan`` (sysadmin) and an OPD head's page;
each "warm" (figures cached in Redis, the normal case between writes) and
"cold" (cache invalidated before every request, as right after a write).

    .venv/bin/python bench/dashboard.py                   # 50 000 datasets, 40 requests each
    .venv/bin/python bench/dashboard.py --datasets 5000 --requests 20

Prints p50/p95 (ms) per case and the dataset count.  Target: province page <= 300 ms p50.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from benchlib import ROOT, database_url, ensure_database, make_app, percentile

PREFIX = "dbench-"
SECTORS = ["sarana-dan-prasarana", "pemerintahan", "pembangunan", "pelayanan", "legislatif",
           "kewilayahan", "keuangan", "kepegawaian", "kemasyarakatan", "administrasi-dan-manajemen"]


def populate(n: int) -> dict[str, Any]:
    """Sectors and OPD through the actions; datasets, resources, downloads with SQL."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})

    def ctx() -> dict[str, Any]:
        return {"user": site["name"], "ignore_auth": True}

    groups = set(tk.get_action("group_list")(ctx(), {"limit": 1000}))
    for i, name in enumerate(SECTORS, start=1):
        if name not in groups:
            tk.get_action("group_create")(ctx(), {"name": name, "title": name.replace("-", " ").title(),
                                                  "urutan": i})
    orgs = set(tk.get_action("organization_list")(ctx(), {"limit": 1000}))
    names = [f"opd-{i:02d}" for i in range(1, 49)]
    for i, name in enumerate(names, start=1):
        if name not in orgs:
            data = {"name": name, "title": f"Perangkat Daerah {i:02d}"}
            if i > 40:  # 8 UPT/Balai under the first OPD
                data["induk_opd"] = names[(i - 41) % 4]
            tk.get_action("organization_create")(ctx(), data)

    have = model.Session.execute(sa.text("SELECT count(*) FROM package WHERE name LIKE :p"),
                                 {"p": PREFIX + "%"}).scalar()
    want = n + n // 100
    if have == want:
        return {"datasets": n, "orgs": names}
    print(f"  writing {n} datasets and {n // 100} applications with SQL ...", flush=True)
    started = time.perf_counter()
    s = model.Session
    ids = "SELECT id FROM package WHERE name LIKE :p"
    for table, column in (("bantensatudata_resource_download", "package_id"), ("resource", "package_id"),
                          ("package_tag", "package_id"), ("member", "table_id")):
        s.execute(sa.text(f"DELETE FROM {table} WHERE {column} IN ({ids})"), {"p": PREFIX + "%"})
    s.execute(sa.text("DELETE FROM package WHERE name LIKE :p"), {"p": PREFIX + "%"})
    org_ids = [r[0] for r in s.execute(sa.text(
        "SELECT id FROM \"group\" WHERE is_organization AND name LIKE 'opd-%' ORDER BY name"))]
    sector_ids = [r[0] for r in s.execute(sa.text(
        "SELECT id FROM \"group\" WHERE NOT is_organization AND type = 'group' ORDER BY name"))]
    params = {"n": n, "orgs": org_ids, "sectors": sector_ids, "creator": site["id"], "p": PREFIX}
    # datasets: completeness, frequency and age vary with i; every 20th private
    s.execute(sa.text("""
        INSERT INTO package (id, name, title, notes, license_id, type, state, owner_org, private,
                             creator_user_id, metadata_created, metadata_modified, extras)
        SELECT md5('dbench' || i)::uuid::text, :p || i, 'Dataset sintetis ' || i, 'Catatan ' || i,
               CASE WHEN i % 7 = 0 THEN NULL ELSE 'cc-by-4.0' END, 'dataset', 'active',
               (:orgs)[1 + i % 48], i % 20 = 0, :creator,
               now() at time zone 'utc' - make_interval(days => i % 1500 + 30),
               now() at time zone 'utc' - make_interval(days => i % 900),
               jsonb_strip_nulls(jsonb_build_object(
                 'frekuensi', (ARRAY['harian','mingguan','bulanan','triwulanan','semesteran','tahunan',
                                     'lima_tahunan','tidak_tentu'])[1 + i % 8],
                 'walidata', 'Diskominfo', 'satuan', CASE WHEN i % 3 = 0 THEN NULL ELSE 'orang' END,
                 'periode_awal', '2020', 'periode_akhir', CASE WHEN i % 4 = 0 THEN NULL ELSE '2023' END,
                 'cakupan_wilayah', '36', 'sumber_data', CASE WHEN i % 5 = 0 THEN NULL ELSE 'Survei' END,
                 'konsep', CASE WHEN i % 2 = 0 THEN NULL ELSE 'Konsep' END,
                 'kontak_nama', 'Petugas', 'kontak_email', 'data@bantenprov.go.id'))
        FROM generate_series(1, :n) i"""), params)
    s.execute(sa.text("""
        INSERT INTO package (id, name, title, type, state, owner_org, private, creator_user_id,
                             metadata_created, metadata_modified, extras)
        SELECT md5('dbench-app' || i)::uuid::text, :p || 'app-' || i, 'Aplikasi ' || i, 'aplikasi', 'active',
               (:orgs)[1 + i % 48], false, :creator, now() at time zone 'utc', now() at time zone 'utc',
               jsonb_build_object('status_aplikasi', CASE WHEN i % 4 = 0 THEN 'tidak_aktif' ELSE 'aktif' END,
                                  'pilar', (ARRAY['["G2G"]','["G2C", "G2B"]','["G2E"]','["G2G", "G2C"]'])[1 + i % 4],
                                  'jenis_aplikasi', 'aplikasi')
        FROM generate_series(1, :n / 100) i"""), params)
    s.execute(sa.text("""
        INSERT INTO member (id, group_id, table_id, table_name, capacity, state)
        SELECT md5('dbench-m' || p.name || g.k)::uuid::text, (:sectors)[g.k], p.id, 'package', 'public', 'active'
        FROM package p, LATERAL (SELECT 1 + (abs(hashtext(p.name)) % 10) AS k
                                 UNION SELECT 1 + (abs(hashtext(p.name || 'x')) % 10)) g
        WHERE p.name LIKE :p || '%' AND p.type = 'dataset'"""), params)
    s.execute(sa.text("""
        INSERT INTO resource (id, package_id, url, format, name, state, position, created, metadata_modified)
        SELECT md5('dbench-r' || p.name || r)::uuid::text, p.id, 'https://data.bantenprov.go.id/' || p.name || '/' || r,
               (ARRAY['CSV','XLSX','PDF','JSON','CSV',''])[1 + (abs(hashtext(p.name)) + r) % 6],
               'Tabel ' || r, 'active', r - 1, p.metadata_created, p.metadata_modified
        FROM package p, generate_series(1, 3) r
        WHERE p.name LIKE :p || '%' AND p.type = 'dataset' AND r <= 1 + abs(hashtext(p.name)) % 3"""), params)
    s.execute(sa.text("""
        INSERT INTO tag (id, name) SELECT md5('dbench-tag' || t)::uuid::text, 'tag-bench-' || t
        FROM generate_series(1, 20) t ON CONFLICT DO NOTHING"""))
    s.execute(sa.text("""
        INSERT INTO package_tag (id, package_id, tag_id, state)
        SELECT md5('dbench-pt' || p.name)::uuid::text, p.id,
               md5('dbench-tag' || (1 + abs(hashtext(p.name)) % 20))::uuid::text, 'active'
        FROM package p WHERE p.name LIKE :p || '%' AND p.type = 'dataset' AND abs(hashtext(p.name)) % 6 <> 0"""),
        params)
    s.execute(sa.text("""
        INSERT INTO bantensatudata_resource_download (resource_id, package_id, downloads, last_download)
        SELECT r.id, r.package_id, abs(hashtext(r.id)) % 500, now()
        FROM resource r JOIN package p ON p.id = r.package_id
        WHERE p.name LIKE :p || '%' AND abs(hashtext(r.id)) % 3 = 0
        ON CONFLICT (resource_id) DO UPDATE SET downloads = excluded.downloads"""), params)
    s.commit()
    s.execute(sa.text("ANALYZE package; ANALYZE member; ANALYZE resource; ANALYZE package_tag"))
    s.commit()
    print(f"  written in {time.perf_counter() - started:.1f} s", flush=True)
    return {"datasets": n, "orgs": names}


def timed(fn: Callable[[], None], requests: int, before: Callable[[], None] | None = None) -> list[float]:
    for _ in range(3):
        if before:
            before()
        fn()
    times = []
    for _ in range(requests):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per case")
    parser.add_argument("--db", default="bantensatudata_bench_dashboard")
    parser.add_argument("--no-create-db", action="store_true",
                        help="use CKAN_SQLALCHEMY_URL as it is (its schema must exist)")
    args = parser.parse_args()

    if not args.no_create_db:
        os.environ["CKAN_SQLALCHEMY_URL"] = database_url(args.db)
        ensure_database(args.db)
    os.environ.setdefault("CKAN_INI", os.path.join(ROOT, "test.ini"))
    # a Redis database of its own: another bench writing datasets would keep invalidating the cache
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/5")
    app = make_app()
    flask_app = app._wsgi_app

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.bantensatudata.dashboard import cache

    with flask_app.test_request_context():
        info = populate(args.datasets)
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        sys_ctx = {"user": site["name"], "ignore_auth": True}
        for name, sysadmin in (("dbench_admin", True), ("dbench_kadis", False)):
            if not model.User.get(name):
                tk.get_action("user_create")(sys_ctx, {"name": name, "email": f"{name}@example.com",
                                                       "password": "bench-password-123"})
            user = model.User.get(name)
            user.sysadmin = sysadmin
            model.Session.commit()
        tk.get_action("bantensatudata_dashboard_access_grant")(
            dict(sys_ctx), {"user": "dbench_kadis", "level": "opd", "organization": "opd-01"})
        tokens = {name: tk.get_action("api_token_create")(dict(sys_ctx), {"user": name, "name": "bench"})["token"]
                  for name in ("dbench_admin", "dbench_kadis")}

    client = flask_app.test_client()

    def page(url: str, token: str) -> Callable[[], None]:
        def get() -> None:
            response = client.get(url, headers={"Authorization": token})
            if response.status_code != 200 or not response.get_data():
                raise SystemExit(f"{url} answered {response.status_code}")
        return get

    def action() -> None:
        with flask_app.test_request_context():
            tk.get_action("bantensatudata_dashboard_show")({"user": "dbench_admin"}, {})

    def cold() -> None:
        with flask_app.test_request_context():
            cache.invalidate()

    cases = [
        ("action province, warm", action, None),
        ("action province, cold", action, cold),
        ("page province, warm", page("/dashboard-pimpinan", tokens["dbench_admin"]), None),
        ("page province, cold", page("/dashboard-pimpinan", tokens["dbench_admin"]), cold),
        ("page OPD head, warm", page("/dashboard-pimpinan/opd-01", tokens["dbench_kadis"]), None),
        ("page OPD head, cold", page("/dashboard-pimpinan/opd-01", tokens["dbench_kadis"]), cold),
        ("CSV export, warm", page("/dashboard-pimpinan/export/kelengkapan.csv", tokens["dbench_admin"]), None),
    ]
    print(f"datasets: {info['datasets']} (type dataset, 5% private) + {info['datasets'] // 100} applications, "
          f"OPD: {len(info['orgs'])}, sectors: {len(SECTORS)}; {args.requests} requests a case after 3 warm-ups")
    print(f"{'case':<26}{'p50 ms':>9}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}")
    results = {}
    for name, fn, before in cases:
        times = timed(fn, args.requests, before)
        results[name] = times
        print(f"{name:<26}{statistics.median(times):>9.1f}{percentile(times, 95):>9.1f}"
              f"{min(times):>9.1f}{max(times):>9.1f}", flush=True)
    p50 = statistics.median(results["page province, warm"])
    cold_p50 = statistics.median(results["page province, cold"])
    print(f"target province page <= 300 ms p50: {'met' if p50 <= 300 else 'NOT met'} "
          f"({p50:.1f} ms warm, {cold_p50:.1f} ms right after a write)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
