"""bantensatudata_upload_format: the config-driven allow-list for a resource format field."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk

pytestmark = pytest.mark.usefixtures("with_plugins")


def _validate(value):
    return tk.get_validator("bantensatudata_upload_format")(value, {})


@pytest.mark.parametrize(("value", "expected"), [
    ("csv", "CSV"), (".XLSX", "XLSX"), ("ODF", "ODT"), ("application/pdf", "PDF"), ("text/plain", "TXT"),
    ("", ""),
])
def test_normalises_allowed_formats(value, expected):
    assert _validate(value) == expected


@pytest.mark.parametrize("value", ["EXE", "HTML", "SVG", "ZIP"])
def test_refuses_other_formats(value):
    with pytest.raises(tk.Invalid) as err:
        _validate(value)
    assert "CSV" in str(err.value)


@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.allowed_formats", "CSV JSON")
def test_follows_configuration():
    assert _validate("json") == "JSON"
    with pytest.raises(tk.Invalid):
        _validate("PDF")
