"""Fixtures shared by the three extensions' tests.

``live_server`` boots the real portal the way ``make run`` does (gunicorn and
``config/wsgi.py``), against ``test.ini`` and the test database, on a free
loopback port.  It is started once per test session, on first use.
``browser`` is Debian's Chromium driven by Playwright (never a downloaded one).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import Browser, sync_playwright

ROOT = os.path.dirname(os.path.abspath(__file__))
# Headless on a closed network: without the background-networking flags Chromium
# keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class LiveServer:
    url: str
    pid: int
    log_path: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_dir = os.path.join(ROOT, "test-artifacts")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, "live_server.log")
    env = dict(os.environ)
    env["CKAN_INI"] = os.path.abspath(request.config.getoption("ckan_ini") or os.path.join(ROOT, "test.ini"))
    env["CKAN_SITE_URL"] = url
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [gunicorn, "--chdir", os.path.join(ROOT, "config"), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:application"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"live server exited with {proc.returncode}; see {log_path}")
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"live server did not answer within 90 s; see {log_path}")
            time.sleep(0.3)
        yield LiveServer(url=url, pid=proc.pid, log_path=log_path)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=os.environ.get("BANTEN_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
