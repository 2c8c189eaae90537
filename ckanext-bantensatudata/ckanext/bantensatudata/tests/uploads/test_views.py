"""Through the web app: the API's 409s, safe downloads with ranges and counts, the resource form."""
from __future__ import annotations

import io
import os
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import samples
from .conftest import file_storage, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")

API = "/api/3/action/resource_create"


def _api_upload(app, steward, data: bytes, filename: str, prefix: str = "", **fields):
    form = {"package_id": steward.dataset["id"], "name": "Data", **fields, "upload": (io.BytesIO(data), filename)}
    return app.post(prefix + API, data=form, headers={"Authorization": steward.token},
                    content_type="multipart/form-data")


def _upload(steward, data: bytes, filename: str, dataset_id: str | None = None):
    return call_action("resource_create", steward.context, package_id=dataset_id or steward.dataset["id"],
                       name="Data", upload=file_storage(data, filename))


def _download_url(res) -> str:
    return f"/dataset/{res['package_id']}/resource/{res['id']}/download"


# --- the API ----------------------------------------------------------------------

def test_api_upload_sets_detected_format(app, steward):
    resp = _api_upload(app, steward, samples.ods(), "penduduk.ods", format="CSV")
    assert resp.status_code == 200, resp.body
    result = resp.json["result"]
    assert result["format"] == "ODS"
    assert result["mimetype"] == "application/vnd.oasis.opendocument.spreadsheet"


def test_api_rejection_is_409_on_upload_in_indonesian(app, steward):
    resp = _api_upload(app, steward, samples.html_page(), "penduduk.csv")
    assert resp.status_code == 409
    error = resp.json["error"]
    assert error["__type"] == "Validation Error"
    message = error["upload"][0]
    assert message.startswith('Berkas "penduduk.csv" ditolak:')
    assert "Jenis yang terdeteksi: text/html" in message
    assert "Format yang diizinkan: ODT, DOCX, ODS, XLSX, ODP, PPTX, CSV, JSON, XML, PDF, TXT" in message
    assert call_action("package_show", id=steward.dataset["id"])["resources"] == []
    assert steward.stored_files() == [] and steward.incoming() == []


def test_api_rejection_in_english_when_chosen(app, steward):
    resp = _api_upload(app, steward, samples.executable(), "laporan.docx", prefix="/en")
    assert resp.status_code == 409
    message = resp.json["error"]["upload"][0]
    assert message.startswith('The file "laporan.docx" was rejected:')
    assert "Detected type: application/x-" in message
    assert "Allowed formats:" in message


@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.max_size", "2KB")
def test_body_far_over_the_limit_is_refused_before_reading(app, steward):
    resp = _api_upload(app, steward, b"a,b\n" * 1_000_000, "besar.csv")
    assert resp.status_code == 409
    assert "2 KB" in resp.json["error"]["upload"][0]
    assert steward.stored_files() == [] and steward.incoming() == []


# --- downloads --------------------------------------------------------------------

def test_download_headers(app, steward):
    name = "Jumlah Penduduk – Kota Serang 2023.csv"
    res = _upload(steward, samples.csv_bytes(), name)
    resp = app.get(_download_url(res))
    assert resp.status_code == 200
    assert resp.data == samples.csv_bytes()
    assert resp.headers["Content-Type"] == "text/csv"
    assert resp.headers["Content-Length"] == str(len(samples.csv_bytes()))
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Jumlah Penduduk - Kota Serang 2023.csv"' in disposition
    assert "filename*=UTF-8''" + quote(name, safe="!#$&+-.^_`|~") in disposition
    assert "sandbox" in resp.headers["Content-Security-Policy"]
    # the name in the URL is only decoration: the stored name is what is served
    resp = app.get(_download_url(res) + "/evil.html")
    assert resp.status_code == 200 and "evil" not in resp.headers["Content-Disposition"]


def test_range_requests(app, steward):
    data = samples.csv_bytes() * 100
    res = _upload(steward, data, "penduduk.csv")
    resp = app.get(_download_url(res), headers={"Range": "bytes=100-199"})
    assert resp.status_code == 206
    assert resp.data == data[100:200]
    assert resp.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert resp.headers["Content-Length"] == "100"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp = app.get(_download_url(res), headers={"Range": f"bytes={len(data) + 10}-"})
    assert resp.status_code == 416


@pytest.mark.ckan_config("ckan.files.inline_content_types", "application/pdf text/html image")
def test_only_safe_types_are_inline(app, steward):
    pdf = _upload(steward, samples.pdf(), "pergub.pdf")
    assert app.get(_download_url(pdf)).headers["Content-Disposition"].startswith("inline;")
    # a file stored before this plugin existed, recorded as HTML: never inline, never sniffed
    legacy = _upload(steward, samples.txt_bytes(), "lama.txt")
    call_action("resource_patch", steward.context, id=legacy["id"], mimetype="text/html")
    with open(steward.path(legacy["id"]), "wb") as f:
        f.write(samples.html_page())
    resp = app.get(_download_url(legacy))
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    svg = _upload(steward, samples.xml_bytes(), "peta.xml")
    call_action("resource_patch", steward.context, id=svg["id"], mimetype="image/svg+xml")
    assert app.get(_download_url(svg)).headers["Content-Disposition"].startswith("attachment;")


def test_downloads_are_counted_and_exposed(app, steward):
    data = samples.csv_bytes() * 10
    res = _upload(steward, data, "penduduk.csv")
    count = call_action("bantensatudata_resource_download_count", id=res["id"])
    assert count["downloads"] == 0 and count["resource_id"] == res["id"]
    app.get(_download_url(res))
    app.get(_download_url(res) + "/penduduk.csv")
    app.get(_download_url(res), headers={"Range": "bytes=0-9"})  # a download manager's first request
    app.get(_download_url(res), headers={"Range": "bytes=10-"})  # ... and the rest: not another download
    assert app.test_client().head(_download_url(res)).status_code == 200
    resp = app.get("/api/3/action/bantensatudata_resource_download_count", query_string={"id": res["id"]})
    assert resp.json["result"]["downloads"] == 3
    assert resp.json["result"]["last_download"]


def test_linked_resources_redirect_and_count(app, steward):
    res = call_action("resource_create", steward.context, package_id=steward.dataset["id"], name="Tautan",
                      url="https://data.bantenprov.go.id/penduduk.csv", format="CSV")
    resp = app.get(_download_url(res), follow_redirects=False)
    assert resp.status_code in (302, 303)
    assert resp.headers["Location"] == "https://data.bantenprov.go.id/penduduk.csv"
    assert call_action("bantensatudata_resource_download_count", id=res["id"])["downloads"] == 1


def test_private_dataset_files_and_counts_stay_private(app, steward):
    private = make_dataset(steward.organization["id"], steward.user["name"], private=True)
    res = _upload(steward, samples.csv_bytes(), "rahasia.csv", dataset_id=private["id"])
    assert app.get(_download_url(res)).status_code in (403, 404)
    resp = app.get("/api/3/action/bantensatudata_resource_download_count", query_string={"id": res["id"]})
    assert resp.status_code == 403
    resp = app.get(_download_url(res), headers={"Authorization": steward.token})
    assert resp.status_code == 200 and resp.data == samples.csv_bytes()
    assert "private" in resp.headers["Cache-Control"]
    assert call_action("bantensatudata_resource_download_count", id=res["id"])["downloads"] == 1


def test_download_through_another_dataset_is_refused(app, steward):
    res = _upload(steward, samples.csv_bytes(), "penduduk.csv")
    other = make_dataset(steward.organization["id"], steward.user["name"])
    assert app.get(f"/dataset/{other['id']}/resource/{res['id']}/download").status_code == 404


# --- the resource form --------------------------------------------------------------

def _form_page(app, steward, prefix: str = ""):
    resp = app.get(f"{prefix}/dataset/{steward.dataset['name']}/resource/new",
                   headers={"Authorization": steward.token})
    assert resp.status_code == 200
    return BeautifulSoup(resp.body, "html.parser")


def test_form_shows_formats_limit_and_progress_bar(app, steward):
    page = _form_page(app, steward)
    help_block = page.select_one("#bsd-upload-help")
    assert help_block is not None
    text = help_block.get_text(" ", strip=True)
    assert "Format berkas yang diizinkan: ODT, DOCX, ODS, XLSX, ODP, PPTX, CSV, JSON, XML, PDF, TXT." in text
    assert "Ukuran berkas maksimum: 100 MB." in text
    assert help_block["data-module"] == "bantensatudata-upload"
    assert ".xlsx" in help_block["data-module-accept"]
    assert help_block["data-module-max_size"] == "100000000"
    assert help_block.select_one(".bsd-upload-progress .progress-bar") is not None
    assert page.find("input", {"name": "upload", "type": "file"}) is not None
    english = _form_page(app, steward, prefix="/en")
    assert "Allowed file formats:" in english.select_one("#bsd-upload-help").get_text(" ", strip=True)


def test_form_rejection_shows_translated_error_next_to_field(app, steward):
    resp = app.post(
        f"/dataset/{steward.dataset['name']}/resource/new",
        data={"id": "", "name": "Penduduk", "url": "", "url_type": "upload", "save": "go-metadata",
              "upload": (io.BytesIO(samples.executable()), "penduduk.xlsx")},
        headers={"Authorization": steward.token}, content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    page = BeautifulSoup(resp.body, "html.parser")
    error = page.select_one("#field-resource-upload-error")
    assert error is not None
    assert 'Berkas "penduduk.xlsx" ditolak' in error.get_text()
    assert "Format yang diizinkan" in error.get_text()
    assert call_action("package_show", id=steward.dataset["id"])["resources"] == []
    assert steward.stored_files() == [] and steward.incoming() == []


def test_form_upload_succeeds(app, steward):
    resp = app.post(
        f"/dataset/{steward.dataset['name']}/resource/new",
        data={"id": "", "name": "Penduduk", "url": "", "url_type": "upload", "save": "go-metadata",
              "upload": (io.BytesIO(samples.xlsx()), "penduduk.xlsx")},
        headers={"Authorization": steward.token}, content_type="multipart/form-data", follow_redirects=False,
    )
    assert resp.status_code == 302
    resources = call_action("package_show", id=steward.dataset["id"])["resources"]
    assert [r["format"] for r in resources] == ["XLSX"]
    assert os.path.exists(steward.path(resources[0]["id"]))


def test_other_users_cannot_upload(app, steward):
    outsider = factories.User()
    token = call_action("api_token_create", {"user": outsider["name"]}, user=outsider["name"], name="t")["token"]
    resp = app.post(API, data={"package_id": steward.dataset["id"], "name": "x",
                               "upload": (io.BytesIO(samples.csv_bytes()), "penduduk.csv")},
                    headers={"Authorization": token}, content_type="multipart/form-data")
    assert resp.status_code == 403
    assert steward.stored_files() == [] and steward.incoming() == []
