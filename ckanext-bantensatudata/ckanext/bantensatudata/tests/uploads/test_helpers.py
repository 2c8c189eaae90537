"""What the resource form is told about the upload rules."""
from __future__ import annotations

import pytest
from ckan.lib.helpers import helper_functions as h

from ckanext.bantensatudata.uploads import config as upload_config
from ckanext.bantensatudata.uploads import messages

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_default_limits():
    limits = h.bantensatudata_upload_limits()
    assert limits["formats"] == ["ODT", "DOCX", "ODS", "XLSX", "ODP", "PPTX", "CSV", "JSON", "XML", "PDF", "TXT"]
    assert limits["max_size"] == 100_000_000
    assert limits["max_size_text"] == "100 MB"
    assert ".docx" in limits["accept"].split(",")


@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.allowed_formats", "csv, odf, exe")
@pytest.mark.ckan_config("ckanext.bantensatudata.uploads.max_size", "2.5GB")
def test_configured_limits_drop_what_cannot_be_checked():
    assert upload_config.allowed_formats() == ["CSV", "ODT"]
    assert upload_config.max_size() == 2_500_000_000
    assert h.bantensatudata_upload_allowed_formats() == ["CSV", "ODT"]


@pytest.mark.parametrize(("size", "text"), [(999, "999"), (1000, "1 KB"), (1_500_000, "1.5 MB"),
                                           (100_000_000, "100 MB"), (2_000_000_000, "2 GB")])
def test_format_size(size, text):
    assert messages.format_size(size).startswith(text)
