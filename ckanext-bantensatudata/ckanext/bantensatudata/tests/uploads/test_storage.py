"""Uploads through CKAN's real action layer: what is kept, what is refused, and that nothing is lost."""
from __future__ import annotations

import hashlib
import os

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan import logic
from ckan.tests.helpers import call_action

from ckanext.bantensatudata.uploads import storage

from . import samples
from .conftest import file_storage

pytestmark = pytest.mark.usefixtures("with_plugins")


def _create(steward, data: bytes, filename: str, **extra):
    return call_action(
        "resource_create", steward.context, package_id=steward.dataset["id"], name=extra.pop("name", "Data"),
        upload=file_storage(data, filename, extra.pop("content_type", "application/octet-stream")), **extra,
    )


def _resource_count(steward) -> int:
    return len(call_action("package_show", id=steward.dataset["id"])["resources"])


@pytest.mark.parametrize("kind", sorted(samples.allowed_samples()))
def test_every_allowed_format_is_stored_with_detected_metadata(steward, kind):
    name, data, expected_format, expected_mimetype = samples.allowed_samples()[kind]
    # the client lies about both format and mimetype: detection wins
    res = _create(steward, data, name, format="PDF" if expected_format != "PDF" else "CSV",
                  mimetype="text/html", content_type="text/html")
    assert res["format"] == expected_format
    assert res["mimetype"] == expected_mimetype
    assert res["url_type"] == "upload"
    assert res["size"] == len(data)
    assert res["hash"] == hashlib.sha256(data).hexdigest()
    assert res["url"].endswith("/download/" + name)
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == data
    assert steward.incoming() == []


HOSTILE = [
    ("laporan.docx", samples.executable, "ELF"),
    ("penduduk.csv", samples.plain_zip, "application/zip"),
    ("penduduk.csv", samples.html_page, "text/html"),
    ("peta.xml", samples.svg_as_xml, "image/svg+xml"),
    ("data.json", samples.invalid_json, "Detected type: "),
    ("data.xml", samples.invalid_xml, ""),
    ("kosong.csv", lambda: b"", "inode/x-empty"),
    ("program.exe", samples.executable, ""),
]


@pytest.mark.parametrize(("filename", "make", "detected"), HOSTILE)
def test_rejection_writes_nothing_and_names_file_type_and_formats(steward, filename, make, detected):
    with pytest.raises(logic.ValidationError) as err:
        _create(steward, make(), filename)
    messages = err.value.error_dict["upload"]
    assert len(messages) == 1
    message = messages[0]
    assert f'"{filename}"' in message
    if detected == "ELF":
        assert "executable" in message
    else:
        assert detected in message
    assert "ODT, DOCX, ODS, XLSX, ODP, PPTX, CSV, JSON, XML, PDF, TXT" in message
    assert _resource_count(steward) == 0
    assert steward.stored_files() == []
    assert steward.incoming() == []


def test_docx_with_wrong_content_type_is_rejected(steward):
    with pytest.raises(logic.ValidationError) as err:
        _create(steward, samples.docx_with_content_type("text/html"), "laporan.docx")
    assert '"laporan.docx"' in err.value.error_dict["upload"][0]
    assert _resource_count(steward) == 0
    assert steward.stored_files() == []


@pytest.mark.parametrize("filename", ["../../../etc/cron.d/x.csv", "a\x00b.csv", "baris\nbaru.csv", "..\\x.csv"])
def test_hostile_names_are_rejected_before_anything_is_written(steward, filename):
    with pytest.raises(logic.ValidationError) as err:
        _create(steward, samples.csv_bytes(), filename)
    message = err.value.error_dict["upload"][0]
    assert "\x00" not in message and "\n" not in message
    assert _resource_count(steward) == 0
    assert steward.stored_files() == [] and steward.incoming() == []


@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.max_size", "1000B")
def test_size_limit_is_exact(steward):
    row = b"36.01,Pandeglang\n"
    at_limit = b"kode,nama\n" + row * ((1000 - 10) // len(row))
    at_limit += b"x" * (1000 - len(at_limit) - 1) + b"\n"
    assert len(at_limit) == 1000
    ok = _create(steward, at_limit, "tepat.csv")
    assert ok["size"] == 1000

    with pytest.raises(logic.ValidationError) as err:
        _create(steward, at_limit + b"\n", "lebih.csv")
    message = err.value.error_dict["upload"][0]
    assert '"lebih.csv"' in message and "1 KB" in message
    assert _resource_count(steward) == 1
    assert steward.stored_files() == [steward.path(ok["id"])]
    assert steward.incoming() == []


@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.allowed_formats", "CSV PDF")
def test_allow_list_comes_from_configuration(steward):
    with pytest.raises(logic.ValidationError) as err:
        _create(steward, samples.xlsx(), "penduduk.xlsx")
    assert "Allowed formats: CSV, PDF." in err.value.error_dict["upload"][0]
    assert _create(steward, samples.pdf(), "pergub.pdf")["format"] == "PDF"


def test_failed_update_keeps_previous_file_and_metadata(steward):
    res = _create(steward, samples.csv_bytes(), "penduduk.csv", description="versi 1")
    before = call_action("resource_show", id=res["id"])
    with pytest.raises(logic.ValidationError):
        call_action("resource_update", steward.context, id=res["id"], name="Data", description="versi 2",
                    upload=file_storage(samples.html_page(), "penduduk.csv"))
    after = call_action("resource_show", id=res["id"])
    assert after == before
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.csv_bytes()
    assert steward.incoming() == []


def test_update_replaces_file_and_metadata(steward):
    res = _create(steward, samples.csv_bytes(), "penduduk.csv")
    updated = call_action("resource_update", steward.context, id=res["id"], name="Data",
                          upload=file_storage(samples.xlsx(), "penduduk-2024.xlsx"))
    assert updated["format"] == "XLSX"
    assert updated["url"].endswith("/penduduk-2024.xlsx")
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.xlsx()
    assert steward.incoming() == []


def test_failure_after_staging_keeps_previous_file(steward):
    """The search index refuses the write that follows the staged file: the update fails and rolls back.

    package_update stages the new file, then indexes, then commits; with the
    index read-only, the failure comes after staging, exactly where a
    careless uploader would already have overwritten the old file.
    """
    res = _create(steward, samples.csv_bytes(), "penduduk.csv")
    before = call_action("resource_show", id=res["id"])
    model.Session.remove()
    with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
        conn.execute(sa.text("REVOKE INSERT, UPDATE, DELETE ON bantensatudata_search_index FROM CURRENT_USER"))
    try:
        with pytest.raises(Exception) as failure:
            call_action("resource_update", steward.context, id=res["id"], name="Data",
                        upload=file_storage(samples.xlsx(), "penduduk.xlsx"))
        assert "permission denied" in str(failure.value).lower() or "index" in str(failure.value).lower()
        model.Session.rollback()
        model.Session.remove()
    finally:
        with model.meta.engine.begin() as conn:  # type: ignore[union-attr]
            conn.execute(sa.text("GRANT INSERT, UPDATE, DELETE ON bantensatudata_search_index TO CURRENT_USER"))
    assert call_action("resource_show", id=res["id"]) == before
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.csv_bytes()
    assert steward.incoming() == []


class _BrokenStream:
    """A client that disconnects half way (what werkzeug reports as an OSError)."""

    def __init__(self, data: bytes, fail_after: int) -> None:
        self.data, self.fail_after, self.pos = data, fail_after, 0

    def read(self, n: int = -1) -> bytes:
        if self.pos >= self.fail_after:
            raise OSError("client disconnected")
        chunk = self.data[self.pos: self.pos + min(n, 4096)]
        self.pos += len(chunk)
        return chunk

    def close(self) -> None:
        pass


def test_interrupted_upload_leaves_nothing(steward):
    from werkzeug.datastructures import FileStorage

    res = _create(steward, samples.csv_bytes(), "penduduk.csv")
    before = call_action("resource_show", id=res["id"])
    big = samples.csv_bytes() * 2000
    with pytest.raises(OSError):
        call_action("resource_update", steward.context, id=res["id"], name="Data",
                    upload=FileStorage(_BrokenStream(big, len(big) // 2), filename="penduduk.csv"))
    model.Session.rollback()
    assert call_action("resource_show", id=res["id"]) == before
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.csv_bytes()
    assert steward.incoming() == []


def test_staged_file_follows_its_transaction(steward):
    """Unit of the commit seam: published on the root commit, discarded on rollback (savepoints included)."""
    store = storage.ResourceStore(steward.root)
    ids = ["aaaaaaa-one", "bbbbbbb-two", "ccccccc-three"]

    def stage(resource_id: str) -> None:
        spool = store.spool(__import__("io").BytesIO(b"x,y\n"), 100)
        storage.defer_to_commit(lambda: store.publish(spool, resource_id), spool.discard)

    session = model.Session()
    stage(ids[0])
    savepoint = session.begin_nested()
    stage(ids[1])
    savepoint.rollback()  # only the second is dropped
    savepoint = session.begin_nested()
    stage(ids[2])
    savepoint.commit()  # released into the root transaction
    assert not os.path.exists(store.path_for(ids[0]))
    session.commit()
    assert os.path.exists(store.path_for(ids[0]))
    assert not os.path.exists(store.path_for(ids[1]))
    assert os.path.exists(store.path_for(ids[2]))
    stage("ddddddd-four")
    session.rollback()
    assert not os.path.exists(store.path_for("ddddddd-four"))
    assert steward.incoming() == []


def test_clearing_an_upload_removes_the_file_after_commit(steward):
    res = _create(steward, samples.csv_bytes(), "penduduk.csv")
    call_action("resource_update", steward.context, id=res["id"], name="Data",
                url="https://data.bantenprov.go.id/penduduk.csv", clear_upload="true")
    assert not os.path.exists(steward.path(res["id"]))
    assert call_action("resource_show", id=res["id"])["url_type"] in ("", None)


def test_metadata_only_update_keeps_the_file(steward):
    res = _create(steward, samples.csv_bytes(), "penduduk.csv")
    call_action("resource_patch", steward.context, id=res["id"], description="Diperbarui")
    shown = call_action("resource_show", id=res["id"])
    assert shown["description"] == "Diperbarui" and shown["format"] == "CSV"
    with open(steward.path(res["id"]), "rb") as f:
        assert f.read() == samples.csv_bytes()


def test_spool_files_left_by_a_killed_process_are_swept(steward):
    folder = os.path.join(steward.root, ".incoming")
    os.makedirs(folder, exist_ok=True)
    old, recent = os.path.join(folder, "upload-old"), os.path.join(folder, "upload-recent")
    for path in (old, recent):
        with open(path, "wb") as f:
            f.write(b"partial")
    two_days_ago = __import__("time").time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    store = storage.ResourceStore(steward.root)
    store.sweep(every=0)
    assert steward.incoming() == ["upload-recent"]
