#!/usr/bin/env python
"""Upload, then download, a large resource file through a real server; report throughput and memory.

By default the script starts its own gunicorn (one sync worker) on a free
loopback port, against test.ini with the database named by CKAN_SQLALCHEMY_URL
(default: test.ini's) and a throw-away storage folder, creates a steward, an
OPD and a dataset there, streams a generated CSV of --size bytes to
``resource_create`` (multipart, with Content-Length, never held in memory on
either side), downloads it back, checks the SHA-256, and stops the server.

    .venv/bin/python bench/upload.py                  # 1 GB
    .venv/bin/python bench/upload.py --size 200MB
    .venv/bin/python bench/upload.py --url http://127.0.0.1:5000 --token TOKEN --dataset NAME

Memory: the gunicorn worker's peak resident set (VmHWM, reset through
/proc/<pid>/clear_refs when allowed, else sampled) minus its resident set just
before the upload.  Target: under 100 MB of growth (streaming, not buffering).
Only loopback addresses are contacted; every wait is bounded.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1_000_000
CHUNK = 1 << 20
ROW = b"36.73,Kota Serang,Kecamatan Serang,Kelurahan Cipare,2023,12345,67890\n"


def parse_size(text: str) -> int:
    units = {"": 1, "B": 1, "KB": 1000, "MB": MB, "GB": 1000 * MB, "KIB": 1024, "MIB": 1 << 20, "GIB": 1 << 30}
    text = text.strip().upper()
    number = text.rstrip("KMGIB")
    return int(float(number) * units[text[len(number):]])


# --- the file -----------------------------------------------------------------------

def make_csv(path: str, size: int) -> str:
    """A CSV of exactly ``size`` bytes; returns its SHA-256."""
    digest = hashlib.sha256()
    header = b"kode,kabupaten_kota,kecamatan,kelurahan,tahun,laki_laki,perempuan\n"
    block = ROW * (CHUNK // len(ROW))
    with open(path, "wb") as f:
        f.write(header)
        digest.update(header)
        written = len(header)
        while written < size:
            piece = block[: size - written]
            if len(piece) < len(block):  # end on a full line
                piece = piece[: max(0, len(piece) - 1)] + b"\n"
            f.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


class MultipartBody:
    """multipart/form-data read from disk piece by piece, with a known length."""

    def __init__(self, fields: dict[str, str], file_field: str, path: str, filename: str) -> None:
        self.boundary = "bench" + uuid.uuid4().hex
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        self.head, self.tail, self.path = head, f"\r\n--{self.boundary}--\r\n".encode(), path
        self.length = len(head) + os.path.getsize(path) + len(self.tail)
        self.sent = 0

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __iter__(self):
        yield self.head
        with open(self.path, "rb") as f:
            while chunk := f.read(CHUNK):
                self.sent += len(chunk)
                yield chunk
        yield self.tail


# --- memory ---------------------------------------------------------------------------

def rss_kb(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class MemoryWatch:
    """Peak RSS of a process during a phase: VmHWM after clear_refs, cross-checked by sampling."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.samples_peak, self.baseline, self._stop = pid, 0, 0, threading.Event()
        self.hwm_reset = False

    def __enter__(self) -> MemoryWatch:
        if not self.pid:
            return self
        self.baseline = rss_kb(self.pid)
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            self.hwm_reset = True
        except OSError:
            self.hwm_reset = False
        self.samples_peak = self.baseline
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.samples_peak = max(self.samples_peak, rss_kb(self.pid))  # type: ignore[arg-type]
            except OSError:
                return

    def __exit__(self, *exc: Any) -> None:
        if not self.pid:
            return
        self._stop.set()
        self._thread.join(timeout=2)
        peak = self.samples_peak
        if self.hwm_reset:
            peak = max(peak, rss_kb(self.pid, "VmHWM"))
        self.peak = peak

    @property
    def growth_mb(self) -> float:
        return (getattr(self, "peak", 0) - self.baseline) * 1024 / MB


# --- our own server ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_world(ini: str) -> tuple[str, str]:
    """Create a steward, an OPD and a dataset in the configured database; return (token, dataset name)."""
    from ckan.cli import CKANConfigLoader
    from ckan.config.environment import load_environment

    load_environment(CKANConfigLoader(ini).get_config())
    import ckan.logic as logic
    import ckan.model as model

    tag = uuid.uuid4().hex[:8]
    site = logic.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    ctx = lambda: {"user": site, "ignore_auth": True}  # noqa: E731
    user = logic.get_action("user_create")(ctx(), {
        "name": f"bench-{tag}", "email": f"bench-{tag}@example.org", "password": uuid.uuid4().hex + "Aa1!"})
    org = logic.get_action("organization_create")(ctx(), {
        "name": f"bench-opd-{tag}", "title": f"Bench OPD {tag}", "kode_opd": f"9.{tag}",
        "users": [{"name": user["name"], "capacity": "editor"}]})
    group = logic.get_action("group_create")(ctx(), {
        "name": f"bench-sektor-{tag}", "title": "Bench", "users": [{"name": user["name"], "capacity": "member"}]})
    dataset = logic.get_action("package_create")({"user": user["name"]}, {
        "name": f"bench-{tag}", "title": "Bench upload", "notes": "Benchmark dataset.",
        "owner_org": org["id"], "groups": [{"name": group["name"]}], "license_id": "cc-by-4.0",
        "frekuensi": "tahunan", "periode_awal": "2023", "periode_akhir": "2023", "cakupan_wilayah": "36",
        "satuan": "jiwa", "walidata": "Bench", "kontak_nama": "Bench", "kontak_email": "bench@example.org"})
    token = logic.get_action("api_token_create")(
        {"user": user["name"]}, {"user": user["name"], "name": "bench"})["token"]
    model.Session.remove()
    return token, dataset["name"]


def start_server(ini: str, port: int, log_path: str) -> subprocess.Popen:
    env = dict(os.environ, CKAN_INI=ini)
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the server's lifetime
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--chdir", os.path.join(ROOT, "config"),
         "--workers", "1", "--worker-class", "sync", "--timeout", "900", "--bind", f"127.0.0.1:{port}", "wsgi"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def worker_pid(master: int) -> int | None:
    try:
        out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    pids = [int(p) for p in out.split()]
    return pids[0] if pids else None


def wait_ready(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = request(base, "GET", "/api/3/action/status_show", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server at {base} did not answer within {timeout:.0f}s")


# --- HTTP ---------------------------------------------------------------------------------

def _connection(base: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("this benchmark only talks to loopback addresses")
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout, blocksize=CHUNK)


def request(base: str, method: str, path: str, timeout: float = 60, **kw: Any) -> tuple[int, bytes]:
    conn = _connection(base, timeout)
    try:
        conn.request(method, path, **kw)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def upload(base: str, token: str, dataset: str, path: str) -> tuple[dict[str, Any], float]:
    body = MultipartBody({"package_id": dataset, "name": "Bench"}, "upload", path, "bench.csv")
    conn = _connection(base, timeout=900)
    start = time.monotonic()
    try:
        conn.putrequest("POST", "/api/3/action/resource_create")
        conn.putheader("Authorization", token)
        conn.putheader("Content-Type", body.content_type)
        conn.putheader("Content-Length", str(body.length))
        conn.endheaders()
        try:
            for piece in body:
                conn.send(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early (a refusal): read what it said
        resp = conn.getresponse()
        payload = resp.read()
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    if resp.status != 200:
        raise SystemExit(f"upload failed: HTTP {resp.status}: {payload[:500]!r}")
    return json.loads(payload)["result"], elapsed


def download(base: str, token: str, url_path: str) -> tuple[int, str, float, dict[str, str]]:
    conn = _connection(base, timeout=900)
    digest = hashlib.sha256()
    size = 0
    start = time.monotonic()
    try:
        conn.request("GET", url_path, headers={"Authorization": token})
        resp = conn.getresponse()
        if resp.status != 200:
            raise SystemExit(f"download failed: HTTP {resp.status}")
        while chunk := resp.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        headers = dict(resp.getheaders())
    finally:
        conn.close()
    return size, digest.hexdigest(), time.monotonic() - start, headers


# --- main -----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1GB", help="file size (default 1GB)")
    parser.add_argument("--url", help="use a running server instead of starting one")
    parser.add_argument("--token", help="API token of an editor of --dataset (with --url)")
    parser.add_argument("--dataset", help="dataset name or id (with --url)")
    parser.add_argument("--pid", type=int, help="server worker pid to watch (with --url)")
    parser.add_argument("--ini", default=os.path.join(ROOT, "test.ini"), help="base configuration")
    args = parser.parse_args()
    size = parse_size(args.size)

    work = tempfile.mkdtemp(prefix="bench-upload-")
    server = None
    try:
        source = os.path.join(work, "bench.csv")
        t0 = time.monotonic()
        expected = make_csv(source, size)
        print(f"file: {size / MB:,.0f} MB CSV generated in {time.monotonic() - t0:.1f}s")

        if args.url:
            if not (args.token and args.dataset):
                parser.error("--url needs --token and --dataset")
            base, token, dataset, pid = args.url.rstrip("/"), args.token, args.dataset, args.pid
        else:
            ini = os.path.join(work, "bench.ini")
            storage = os.path.join(work, "storage")
            os.makedirs(storage)
            with open(ini, "w") as f:
                f.write(
                    "[app:main]\n"
                    f"use = config:{os.path.abspath(args.ini)}\n"
                    f"ckan.storage_path = {storage}\n"
                    f"ckanext.bantensatudata.uploads.max_size = {size + MB}\n"
                    # core's (and the API guard's) own bound on multipart bodies, in MiB
                    f"ckan.max_resource_size = {size // (1 << 20) + 2}\n"
                    "ckan.site_url = http://127.0.0.1\n"
                    "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
                    "[logger_root]\nlevel = WARNING\nhandlers = console\n"
                    "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
                    "formatter = generic\n[formatter_generic]\nformat = %(levelname)s [%(name)s] %(message)s\n"
                )
            os.environ.pop("CKAN_STORAGE_PATH", None)
            token, dataset = make_world(ini)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(ini, port, os.path.join(work, "gunicorn.log"))
            wait_ready(base, timeout=120)
            pid = worker_pid(server.pid)

        if pid:
            request(base, "GET", "/api/3/action/status_show")  # warm the worker up
            print(f"server worker pid {pid}: RSS before upload {rss_kb(pid) / 1024:.0f} MiB")

        with MemoryWatch(pid) as up_mem:
            result, up_time = upload(base, token, dataset, source)
        print(f"upload:   {size / MB:,.0f} MB in {up_time:.1f}s = {size / MB / up_time:,.1f} MB/s"
              f" (format {result['format']}, size {result['size']:,})")
        if result["size"] != size:
            raise SystemExit("stored size differs from the uploaded size")

        path = urlsplit(result["url"]).path
        with MemoryWatch(pid) as down_mem:
            got, digest, down_time, headers = download(base, token, path)
        print(f"download: {got / MB:,.0f} MB in {down_time:.1f}s = {got / MB / down_time:,.1f} MB/s"
              f" (Content-Length {headers.get('Content-Length')}, {headers.get('Content-Type')})")
        if digest != expected or got != size:
            raise SystemExit("downloaded bytes differ from the uploaded file")
        print("sha256: identical")
        if pid:
            method = "VmHWM" if up_mem.hwm_reset else "sampled RSS"
            print(f"server peak memory growth ({method}): upload {up_mem.growth_mb:.1f} MB,"
                  f" download {down_mem.growth_mb:.1f} MB (target < 100 MB)")
            return 0 if max(up_mem.growth_mb, down_mem.growth_mb) < 100 else 1
        return 0
    except BaseException:
        log_path = os.path.join(work, "gunicorn.log")
        if server is not None and os.path.exists(log_path):
            with open(log_path, "rb") as f:
                sys.stderr.write(f.read()[-3000:].decode("utf-8", "replace"))
        raise
    finally:
        if server is not None:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
