"""Run every worked example of the API page (examples.yaml) against a running portal.

The page renders the same file, so a snippet that stops working fails here
before a reader finds out.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest
from ckan.tests.helpers import call_action

from ckanext.bantensatudata.api import examples as api_examples

EXAMPLE_IDS = [e["id"] for e in api_examples.load()["examples"]]


def _example(site_url: str, example_id: str) -> dict[str, Any]:
    return next(e for e in api_examples.examples(site_url, "id") if e["id"] == example_id)


def _prepare(world, example_id: str, workdir) -> None:
    """What a reader has before running the example: the CSV file, the dataset to upload to."""
    for name, content in api_examples.files().items():
        (workdir / name).write_text(content, encoding="utf-8")
    if example_id == "upload":
        call_action("package_create", {"user": world.steward["name"]},
                    name=world.names["new_dataset"], title="Jumlah Tenaga Kesehatan 2023",
                    notes="Jumlah tenaga kesehatan.", owner_org=world.organization["name"],
                    groups=[{"name": world.group["name"]}], frekuensi="tahunan")


def test_tools_the_curl_examples_need_are_installed():
    for tool in ("curl", "jq", "bash"):
        assert shutil.which(tool), f"{tool} is needed by the curl examples"


@pytest.mark.parametrize("example_id", EXAMPLE_IDS)
def test_curl_example(live_world, live_server, tmp_path, example_id):
    example = _example(live_server.url, example_id)
    _prepare(live_world, example_id, tmp_path)
    run = subprocess.run(["bash", "-eo", "pipefail", "-c", example["curl"]], cwd=tmp_path,
                         env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr + run.stdout
    for expected in example["expect"]["stdout"]:
        assert expected in run.stdout, f"{expected!r} not in:\n{run.stdout}"


@pytest.mark.parametrize("example_id", EXAMPLE_IDS)
def test_python_example(live_world, live_server, tmp_path, example_id, capsys):
    example = _example(live_server.url, example_id)
    _prepare(live_world, example_id, tmp_path)
    namespace: dict[str, Any] = {"__name__": f"example_{example_id}"}
    exec(compile(example["python"], f"examples.yaml:{example_id}", "exec"), namespace)
    assert "result" in namespace, "the example must leave its answer in `result`"
    assert eval(example["expect"]["python"], namespace), namespace["result"]
    assert capsys.readouterr().out.strip(), "the example prints its answer"


def test_every_example_has_both_languages_and_checks():
    for example in api_examples.load()["examples"]:
        assert example["title"]["id"] and example["title"]["en"]
        assert example["description"]["id"] and example["description"]["en"]
        assert example["expect"]["stdout"] and example["expect"]["python"]
