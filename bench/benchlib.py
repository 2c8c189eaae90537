"""What every benchmark script needs: its own database, a CKAN app, p95.

Each script runs as ``.venv/bin/python bench/<name>.py`` (so this folder is on
sys.path) against ``test.ini`` and a database of its own.
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB_USER = "bantensatudata_test"
DB_PASSWORD = "bantensatudata_test"  # the fixed, loopback-only test role (see scripts/lib.sh)


def ensure_database(name: str) -> None:
    """Create the benchmark database (and its schema) the way the test command does."""
    script = (f'source "{ROOT}/scripts/lib.sh"; ensure_role {DB_USER} {DB_PASSWORD}; '
              f"ensure_database {name} {DB_USER}")
    subprocess.run(["bash", "-c", script], check=True)
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    for args in (["db", "init"], ["db", "pending-migrations", "--apply"]):
        subprocess.run([ckan, "-c", os.path.join(ROOT, "test.ini"), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_app() -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app as ckan_make_app

    return ckan_make_app(load_config(os.path.join(ROOT, "test.ini")))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def database_url(name: str) -> str:
    return f"postgresql://{DB_USER}:{DB_PASSWORD}@127.0.0.1:5432/{name}"
