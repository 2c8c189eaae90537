#!/usr/bin/env python
"""Server time of the portal's public pages at 10k datasets: home, search, dataset, organization.

Fills a benchmark database of its own (default ``bantensatudata_bench_pages``,
created when missing; a second run reuses the data) with the 10 sectors, 48
OPD and N datasets (Satu Data fields, one CSV link each, 5% private) through
CKAN's action layer, then requests each page through the real WSGI app
(test.ini, all plugins) and times the server's work for each request:
no network and no browser, so the figures are what the server spends.

    .venv/bin/python bench/pages.py                    # 10 000 datasets, 60 requests a page
    .venv/bin/python bench/pages.py --datasets 2000 --requests 30
    CKAN_SQLALCHEMY_URL=postgresql://... .venv/bin/python bench/pages.py --no-create-db

Prints p50/p95 (ms) per page and the dataset count.  Target: home <= 150 ms p50.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from typing import Any

from benchlib import ROOT, database_url, ensure_database, make_app, percentile

SECTORS = [
    ("sarana-dan-prasarana", "Sarana dan Prasarana", ["G2C", "G2B"]),
    ("pemerintahan", "Pemerintahan", ["G2G"]),
    ("pembangunan", "Pembangunan", ["G2G", "G2C"]),
    ("pelayanan", "Pelayanan", ["G2C", "G2B"]),
    ("legislatif", "Legislatif", ["G2G"]),
    ("kewilayahan", "Kewilayahan", ["G2G", "G2C"]),
    ("keuangan", "Keuangan", ["G2G", "G2B"]),
    ("kepegawaian", "Kepegawaian", ["G2E"]),
    ("kemasyarakatan", "Kemasyarakatan", ["G2C"]),
    ("administrasi-dan-manajemen", "Administrasi dan Manajemen", ["G2G", "G2E"]),
]
TOPICS = ["Jumlah Penduduk", "Panjang Jalan Provinsi", "Indikator Kemiskinan", "Realisasi Anggaran",
          "Jumlah Puskesmas", "Angka Partisipasi Sekolah", "Produksi Padi", "Jumlah Pegawai",
          "Pendapatan Asli Daerah", "Jumlah Wisatawan", "Luas Lahan Pertanian", "Jumlah Koperasi"]
AREAS = ["Kabupaten Pandeglang", "Kabupaten Lebak", "Kabupaten Tangerang", "Kabupaten Serang",
         "Kota Tangerang", "Kota Cilegon", "Kota Serang", "Kota Tangerang Selatan", "Provinsi Banten"]
FREQ = ["tahunan", "semesteran", "triwulanan", "bulanan"]


def populate(n_datasets: int, seed: int) -> dict[str, Any]:
    """Sectors, 48 OPD and datasets up to ``n_datasets`` (only the missing ones are created)."""
    import ckan.plugins.toolkit as tk

    rnd = random.Random(seed)
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})

    def ctx() -> dict[str, Any]:
        return {"user": site["name"], "ignore_auth": True}

    existing_groups = set(tk.get_action("group_list")(ctx(), {"limit": 1000}))
    for i, (name, title, pilar) in enumerate(SECTORS, start=1):
        if name not in existing_groups:
            tk.get_action("group_create")(ctx(), {
                "name": name, "title": f"Sektor {title}", "urutan": i, "pilar": pilar,
                "description": f"Data sektor {title.lower()}."})
    existing_orgs = set(tk.get_action("organization_list")(ctx(), {"limit": 1000}))
    orgs = [f"opd-{i:02d}" for i in range(1, 49)]
    for i, name in enumerate(orgs, start=1):
        if name not in existing_orgs:
            tk.get_action("organization_create")(ctx(), {
                "name": name, "title": f"Perangkat Daerah Contoh {i:02d}"})
    have = tk.get_action("package_search")(ctx(), {"q": "*:*", "rows": 0, "include_private": True,
                                                   "fq": "+dataset_type:dataset"})["count"]
    started = time.perf_counter()
    for k in range(have, n_datasets):
        topic, area = rnd.choice(TOPICS), rnd.choice(AREAS)
        year = rnd.randint(2015, 2024)
        sectors = rnd.sample([s[0] for s in SECTORS], rnd.choice([1, 1, 2]))
        tk.get_action("package_create")(ctx(), {
            "name": f"bench-{k:06d}",
            "title": f"{topic} {area} {year} ({k})",
            "notes": f"{topic} di {area} tahun {year}. Data sintetis untuk pengukuran kinerja.",
            "owner_org": orgs[k % len(orgs)],
            "private": rnd.random() < 0.05,
            "groups": [{"name": s} for s in sectors],
            "sektor": sectors,
            "tag_string": ",".join(rnd.sample(["kependudukan", "jalan", "kemiskinan", "anggaran",
                                               "kesehatan", "pendidikan", "pertanian"], 2)),
            "license_id": "cc-by-4.0",
            "frekuensi": rnd.choice(FREQ),
            "periode_awal": year, "periode_akhir": year,
            "resources": [{"name": f"Tabel {year}", "format": "CSV",
                           "url": f"https://data.bantenprov.go.id/contoh/{k}.csv"}],
        })
        done = k + 1 - have
        if done % 500 == 0:
            rate = done / (time.perf_counter() - started)
            print(f"  created {k + 1}/{n_datasets} datasets ({rate:.0f}/s)", flush=True)
    total = tk.get_action("package_search")(ctx(), {"q": "*:*", "rows": 0, "include_private": True,
                                                    "fq": "+dataset_type:dataset"})["count"]
    return {"datasets": total, "orgs": orgs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--db", default="bantensatudata_bench_pages")
    parser.add_argument("--no-create-db", action="store_true",
                        help="use CKAN_SQLALCHEMY_URL as it is (its schema must exist)")
    parser.add_argument("--seed", type=int, default=39)
    args = parser.parse_args()

    if not args.no_create_db:
        os.environ["CKAN_SQLALCHEMY_URL"] = database_url(args.db)
        ensure_database(args.db)
    os.environ.setdefault("CKAN_INI", os.path.join(ROOT, "test.ini"))
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/9")
    app = make_app()
    flask_app = app._wsgi_app
    with flask_app.test_request_context():
        info = populate(args.datasets, args.seed)
    import ckan.plugins.toolkit as tk

    with flask_app.test_request_context():
        public = tk.get_action("package_search")({}, {"q": "*:*", "rows": 200,
                                                      "fq": "+dataset_type:dataset"})["results"]
    rnd = random.Random(args.seed)
    pages = {
        "home": lambda: "/",
        "search": lambda: "/dataset/?q=" + rnd.choice(["jumlah", "jalan", "anggaran", "penduduk serang"]),
        "dataset": lambda: "/dataset/" + rnd.choice(public)["name"],
        "organization": lambda: "/organization/" + rnd.choice(info["orgs"]),
    }
    client = flask_app.test_client()
    print(f"datasets: {info['datasets']} (type dataset, private included), OPD: {len(info['orgs'])}, "
          f"sectors: {len(SECTORS)}; {args.requests} requests a page after 5 warm-up requests")
    print(f"{'page':<14}{'p50 ms':>9}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}")
    results = {}
    for name, url_of in pages.items():
        for _ in range(5):
            client.get(url_of())
        times = []
        for _ in range(args.requests):
            url = url_of()
            start = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200 or not body:
                print(f"{url} answered {response.status_code}", file=sys.stderr)
                return 1
        results[name] = times
        print(f"{name:<14}{statistics.median(times):>9.1f}{percentile(times, 95):>9.1f}"
              f"{min(times):>9.1f}{max(times):>9.1f}", flush=True)
    home_p50 = statistics.median(results["home"])
    print(f"target home <= 150 ms p50: {'met' if home_p50 <= 150 else 'NOT met'} ({home_p50:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
