"""Content checks on real files: every allowed format passes, every disguise is caught."""
from __future__ import annotations

import codecs
import os

import pytest

from ckanext.bantensatudata.uploads import detect, formats

from . import samples

ALLOWED = list(formats.DEFAULT_ALLOWED)


def _check(tmp_path, name: str, data: bytes, allowed=ALLOWED, charset=None) -> detect.Detected:
    path = tmp_path / "spool"
    path.write_bytes(data)
    return detect.detect(str(path), name, allowed, declared_charset=charset, size=os.path.getsize(path))


def _rejected(tmp_path, name: str, data: bytes, **kwargs) -> detect.Rejected:
    with pytest.raises(detect.Rejected) as err:
        _check(tmp_path, name, data, **kwargs)
    return err.value


@pytest.mark.parametrize("kind", sorted(samples.allowed_samples()))
def test_every_allowed_format_is_recognised(tmp_path, kind):
    name, data, expected_format, expected_mimetype = samples.allowed_samples()[kind]
    found = _check(tmp_path, name, data)
    assert found.format == expected_format
    assert found.mimetype == expected_mimetype


def test_extension_case_does_not_matter(tmp_path):
    assert _check(tmp_path, "PENDUDUK.CSV", samples.csv_bytes()).format == "CSV"


@pytest.mark.parametrize(
    ("name", "make", "reason", "detected"),
    [
        ("laporan.docx", samples.executable, "mismatch", "executable"),
        ("penduduk.xlsx", samples.executable, "mismatch", "executable"),
        ("catatan.txt", samples.executable, "mismatch", "executable"),
        ("penduduk.csv", samples.plain_zip, "mismatch", "application/zip"),
        ("laporan.docx", samples.plain_zip, "container", "application/zip"),
        ("laporan.odt", samples.plain_zip, "container", "application/zip"),
        ("penduduk.csv", samples.html_page, "active", "text/html"),
        ("catatan.txt", samples.html_page, "active", "text/html"),
        ("penduduk.csv", samples.html_fragment, "active", "text/html"),
        ("peta.xml", samples.svg_as_xml, "active", "image/svg+xml"),
        ("data.json", samples.invalid_json, "json", ""),
        ("data.xml", samples.invalid_xml, "xml", ""),
        ("data.xml", samples.entity_bomb_xml, "xml_entities", ""),
        ("catatan.txt", samples.binary_noise, "mismatch", ""),
        ("program.exe", samples.executable, "extension", "executable"),
        ("halaman.html", samples.html_page, "extension", "text/html"),
        ("tanpa-ekstensi", samples.csv_bytes, "extension", "text/"),
    ],
)
def test_disguised_files_are_rejected(tmp_path, name, make, reason, detected):
    err = _rejected(tmp_path, name, make())
    assert err.reason == reason
    assert detected in err.detected


def test_docx_declaring_another_main_part_is_rejected(tmp_path):
    html_docx = samples.docx_with_content_type("text/html")
    err = _rejected(tmp_path, "laporan.docx", html_docx)
    assert err.reason in ("container", "mismatch")


def test_docx_with_macros_is_rejected(tmp_path):
    macro = samples.docx_with_content_type("application/vnd.ms-word.document.macroEnabled.main+xml")
    err = _rejected(tmp_path, "laporan.docx", macro)
    assert err.reason in ("macro", "mismatch")


def test_docx_renamed_xlsx_and_ods_renamed_odt_are_rejected(tmp_path):
    assert _rejected(tmp_path, "penduduk.xlsx", samples.docx_bytes()).reason in ("mismatch", "container")
    assert _rejected(tmp_path, "laporan.odt", samples.ods()).reason in ("mismatch", "container")


def test_zero_byte_file_is_rejected(tmp_path):
    err = _rejected(tmp_path, "kosong.csv", b"")
    assert err.reason == "empty"


def test_disallowed_by_configuration(tmp_path):
    err = _rejected(tmp_path, "penduduk.xlsx", samples.xlsx(), allowed=["CSV", "PDF"])
    assert err.reason == "extension"
    assert err.params["extension"] == "XLSX"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_text_in_other_encodings_is_accepted(tmp_path, encoding):
    data = samples.csv_bytes(encoding)
    if encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + samples.csv_bytes()
    found = _check(tmp_path, "penduduk.csv", data, charset=encoding if encoding == "cp1252" else None)
    assert found.format == "CSV"
    assert found.encoding


def test_declared_charset_is_used_for_legacy_text(tmp_path):
    data = "nama\nSerang \u00e9\u00e8\u00ea\n".encode("cp1252")
    assert _check(tmp_path, "catatan.txt", data, charset="windows-1252").encoding == "cp1252"


def test_control_characters_in_text_are_rejected(tmp_path):
    err = _rejected(tmp_path, "penduduk.csv", b"kode,nama\n36.01,Pandeglang\x01\x02\x03\n" * 50)
    assert err.reason in ("encoding", "mismatch")


def test_json_with_trailing_data_is_rejected(tmp_path):
    assert _rejected(tmp_path, "data.json", b'{"a": 1} {"b": 2}').reason == "json"


def test_utf16_json_parses(tmp_path):
    assert _check(tmp_path, "data.json", '{"nama": "Lebak"}'.encode("utf-16")).format == "JSON"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.csv", "..\\..\\boot.ini.csv", "/tmp/x.csv", "data\x00.csv", "baris\nbaru.csv",
     "rtl\u202egpj.csv", "..", "."],
)
def test_hostile_file_names_are_rejected(name):
    with pytest.raises(detect.Rejected) as err:
        detect.clean_name(name)
    assert err.value.reason == "name"
    shown = detect.display_name(name)
    assert "\x00" not in shown and "\n" not in shown and "\u202e" not in shown


def test_ordinary_names_are_kept():
    assert detect.clean_name("Data Penduduk 2023 (final).xlsx") == "Data Penduduk 2023 (final).xlsx"
    assert detect.clean_name("Jumlah Penduduk – Kota Serang.csv") == "Jumlah Penduduk – Kota Serang.csv"
    assert detect.clean_name(".penduduk.csv") == "penduduk.csv"
    long_name = "a" * 400 + ".csv"
    cleaned = detect.clean_name(long_name)
    assert cleaned.endswith(".csv") and len(cleaned) == detect.MAX_NAME_LENGTH


def test_empty_name_is_rejected():
    with pytest.raises(detect.Rejected) as err:
        detect.clean_name("   ")
    assert err.value.reason == "name_missing"
