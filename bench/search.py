"""Benchmark of the PostgreSQL search engine through CKAN's action layer.

    .venv/bin/python bench/search.py --datasets 10000 --datasets 100000

Uses its own database (``--db``, created when missing, emptied before each size),
48 organizations and 10 groups made through the actions, and N synthetic index
documents shaped exactly as core builds them (tags, groups, organization, formats,
Satu Data extras, ~10 % private, permission labels, stored data_dict), written
through the engine's ``add`` in batches.  Then it times ``package_search`` as the
portal calls it, and core's own ``search.rebuild`` on a sample of real datasets.
Prints p50/p95 per case; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

from benchlib import percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = [
    "jumlah", "penduduk", "kecamatan", "jalan", "provinsi", "kondisi", "baik", "kemiskinan", "indikator",
    "sekolah", "harapan", "lama", "pertumbuhan", "ekonomi", "produk", "domestik", "regional", "bruto",
    "anggaran", "pendapatan", "belanja", "daerah", "pajak", "kendaraan", "kesehatan", "rumah", "sakit",
    "puskesmas", "pertanian", "padi", "produksi", "perikanan", "pariwisata", "kunjungan", "wisatawan",
    "hotel", "industri", "perdagangan", "harga", "pangan", "beras", "cabai", "listrik", "air", "bersih",
    "sanitasi",
]
FORMATS = ["CSV", "XLSX", "JSON", "PDF", "ODS", "XML", "DOCX", "TXT"]
FREQ = ["tahunan", "semesteran", "triwulanan", "bulanan", "tidak_tentu"]
AREAS = ["36", "36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74"]


def ensure_db(name: str) -> str:
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-qtA", "-c",
                    f"SELECT 1 FROM pg_database WHERE datname='{name}'"], check=True, capture_output=True)
    exists = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-qtA", "-c",
                             f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-c",
                        f'CREATE DATABASE "{name}" OWNER bantensatudata_test'], check=True)
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-d", name, "-c",
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm"], check=True)
    return f"postgresql://bantensatudata_test:bantensatudata_test@127.0.0.1:5432/{name}"


def boot(db_url: str):
    os.environ["CKAN_SQLALCHEMY_URL"] = db_url
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/12")
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    ini = os.path.join(ROOT, "bench", "search-bench.ini")
    app = make_app(load_config(ini))
    return app


def reset(engine_conn) -> None:
    import ckan.model as model

    model.repo.rebuild_db()
    from ckan.cli.db import _run_migrations

    _run_migrations("bantensatudata_search")
    from ckanext.bantensatudata.search import store

    with model.meta.engine.begin() as conn:
        store.ensure_table(conn)
        conn.exec_driver_sql(f"TRUNCATE {store.TABLE}")


def make_orgs_and_groups():
    from ckan.tests import factories

    sysadmin = factories.Sysadmin()
    orgs = [factories.Organization(name=f"opd-{i:02d}", title=f"OPD {i:02d}") for i in range(48)]
    groups = [factories.Group(name=f"sektor-{i:02d}", title=f"Sektor {i:02d}") for i in range(10)]
    return sysadmin, orgs, groups


def synthetic_doc(i: int, rng: random.Random, orgs, groups, site_id: str) -> dict:
    org = rng.choice(orgs)
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).title() + f" {i}"
    private = rng.random() < 0.1
    fmts = rng.sample(FORMATS, rng.randint(1, 3))
    tags = rng.sample(WORDS, rng.randint(1, 4))
    grps = [g["name"] for g in rng.sample(groups, rng.randint(1, 2))]
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - rng.randint(0, 10**8)))
    pkg_id = str(uuid.UUID(int=rng.getrandbits(128)))
    name = f"dataset-{i}"
    data = {"id": pkg_id, "name": name, "title": title, "owner_org": org["id"], "private": private,
            "state": "active", "type": "dataset", "notes": title.lower(), "num_resources": len(fmts),
            "num_tags": len(tags), "tags": [{"name": t} for t in tags],
            "groups": [{"name": g} for g in grps], "organization": {"name": org["name"]},
            "metadata_created": now, "metadata_modified": now}
    return {
        "id": pkg_id, "name": name, "title": title, "title_string": title, "notes": title.lower(),
        "owner_org": org["id"], "organization": org["name"], "private": private,
        "capacity": "private" if private else "public", "state": "active", "type": "dataset",
        "dataset_type": "dataset", "entity_type": "package", "site_id": site_id,
        "tags": tags, "groups": grps, "res_format": fmts, "res_name": [f"{title} {f}" for f in fmts],
        "res_url": [f"http://data.bantenprov.go.id/{name}.{f.lower()}" for f in fmts],
        "license_id": "cc-by-4.0", "num_resources": len(fmts), "num_tags": len(tags),
        "frekuensi": rng.choice(FREQ), "extras_frekuensi": rng.choice(FREQ),
        "cakupan_wilayah": rng.choice(AREAS), "periode_awal": str(rng.randint(2010, 2024)),
        "metadata_created": now + "Z", "metadata_modified": now + "Z",
        "permission_labels": [f"member-{org['id']}"] if private else ["public"],
        "index_id": uuid.uuid4().hex, "data_dict": json.dumps(data), "validated_data_dict": json.dumps(data),
    }


def load_documents(n: int, orgs, groups) -> float:
    from ckan.common import config

    from ckanext.bantensatudata.search.connection import PostgresConnection

    rng = random.Random(n)
    conn = PostgresConnection()
    site_id = config["ckan.site_id"]
    started = time.perf_counter()
    batch = []
    for i in range(n):
        batch.append(synthetic_doc(i, rng, orgs, groups, site_id))
        if len(batch) == 500:
            conn.add(batch)
            batch = []
    if batch:
        conn.add(batch)
    elapsed = time.perf_counter() - started
    import ckan.model as model

    with model.meta.engine.begin() as c:
        c.exec_driver_sql("ANALYZE bantensatudata_search_index")
    return n / elapsed


def time_case(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up (plans, caches)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), percentile(samples, 95)


def core_rebuild_throughput(sample: int, orgs, groups) -> float:
    import ckan.lib.search as search
    from ckan.tests import factories

    ids = [factories.Dataset(owner_org=orgs[i % len(orgs)]["id"], groups=[{"name": groups[i % 10]["name"]}],
                             tags=[{"name": WORDS[i % len(WORDS)]}],
                             resources=[{"url": "http://x/a.csv", "format": "CSV"}])["id"]
           for i in range(sample)]
    started = time.perf_counter()
    search.rebuild(package_ids=ids, quiet=True)
    return sample / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, action="append", help="sizes (repeatable)")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--db", default="bantensatudata_bench_search")
    parser.add_argument("--rebuild-sample", type=int, default=300)
    parser.add_argument("--no-cache", action="store_true",
                        help="disable the facet/count cache: every query computed from scratch")
    args = parser.parse_args()
    sizes = args.datasets or [10_000, 100_000]

    app = boot(ensure_db(args.db))
    if args.no_cache:
        from ckan.common import config

        config["ckanext.bantensatudata.search.facet_cache_seconds"] = 0
    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app._wsgi_app
    import ckan.model as model
    from ckan.tests import helpers

    with flask_app.test_request_context():
        for n in sizes:
            reset(None)
            sysadmin, orgs, groups = make_orgs_and_groups()
            rate = load_documents(n, orgs, groups)
            member = helpers.call_action("user_create", name=f"anggota-{n}", email=f"a{n}@example.com",
                                         password="Rahasia-123456")
            helpers.call_action("organization_member_create", id=orgs[0]["id"], username=member["name"],
                                role="editor")
            facets = ["organization", "groups", "tags", "res_format", "license_id", "frekuensi"]
            anon = {"user": "", "ignore_auth": False}
            user = {"user": member["name"], "ignore_auth": False}

            def search(context, **kw):
                return lambda: helpers.call_action("package_search", context=dict(context), **kw)

            cases = {
                "free text + 4 facets + page 2": search(anon, q="jumlah penduduk", rows=20, start=20,
                                                         **{"facet.field": facets[:4]}),
                "org filter + facets": search(user, fq=f'organization:"{orgs[3]["name"]}"', include_private=True,
                                              **{"facet.field": facets}),
                "*:* with all default facets": search(anon, q="*:*", **{"facet.field": facets}),
                "*:* facets, logged-in member": search(user, q="*:*", include_private=True,
                                                        **{"facet.field": facets}),
                "autocomplete": lambda ctx=anon: helpers.call_action("package_autocomplete", context=dict(ctx),
                                                                     q="penduduk", limit=10),
            }
            cache = "no cache" if args.no_cache else "facet/count cache on"
            print(f"\n== {n:,} datasets (48 organizations, 10 groups, ~10 % private; {cache}) ==")
            print(f"index write throughput (engine add, batches of 500): {rate:,.0f} datasets/s")
            for label, fn in cases.items():
                p50, p95 = time_case(fn, args.runs)
                print(f"{label:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
            count = helpers.call_action("package_search", context=dict(anon), rows=0)["count"]
            print(f"(public datasets visible to anonymous: {count:,})")
            model.Session.remove()
        if not args.rebuild_sample:
            return
        reset(None)
        _sysadmin, orgs, groups = make_orgs_and_groups()
        rate = core_rebuild_throughput(args.rebuild_sample, orgs, groups)
        print(f"\ncore `search.rebuild` ({args.rebuild_sample} real datasets, package_show + index per dataset): "
              f"{rate:,.0f} datasets/s")


if __name__ == "__main__":
    sys.exit(main())
