"""A real crash: a CKAN process is killed (SIGKILL) in the middle of replacing a resource's file.

Nothing the dying process wrote may be served: the resource keeps its previous
file and metadata, and the partial bytes sit only in the private spool folder.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from ckan.tests.helpers import call_action

from . import samples
from .conftest import file_storage

pytestmark = pytest.mark.usefixtures("with_plugins")

CHILD = r"""
import sys, time
from ckan.cli import CKANConfigLoader
from ckan.config.environment import load_environment
from werkzeug.datastructures import FileStorage

ini, user, resource_id, marker = sys.argv[1:5]
load_environment(CKANConfigLoader(ini).get_config())
import ckan.logic as logic


class SlowClient:
    # sends two chunks, says so, then hangs until it is killed
    def __init__(self):
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        if self.reads == 3:
            open(marker, "w").close()
            time.sleep(300)
        return b"36.01,Pandeglang,1\n" * 4096

    def close(self):
        pass


logic.get_action("resource_update")(
    {"user": user},
    {"id": resource_id, "name": "Data", "upload": FileStorage(SlowClient(), filename="penduduk-baru.csv")},
)
"""


def test_killed_mid_upload_leaves_previous_file_served(app, steward, tmp_path, ckan_config):
    res = call_action("resource_create", steward.context, package_id=steward.dataset["id"], name="Data",
                      upload=file_storage(samples.csv_bytes(), "penduduk.csv"))
    before = call_action("resource_show", id=res["id"])
    marker = tmp_path / "spooling"
    env = dict(os.environ, CKAN_STORAGE_PATH=os.path.dirname(steward.root),
               CKAN_SQLALCHEMY_URL=ckan_config["sqlalchemy.url"])
    ini = os.path.abspath("test.ini")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, ini, steward.user["name"], res["id"], str(marker)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:] if child.stderr else ""
            assert time.monotonic() < deadline, "the child never started spooling"
            time.sleep(0.2)
        partial = steward.incoming()
        assert len(partial) == 1  # the half-received file exists, in the spool folder only
        assert os.path.getsize(os.path.join(steward.root, ".incoming", partial[0])) > 0
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()

    assert call_action("resource_show", id=res["id"]) == before
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.csv_bytes()
    resp = app.get(f"/dataset/{res['package_id']}/resource/{res['id']}/download")
    assert resp.status_code == 200 and resp.data == samples.csv_bytes()
