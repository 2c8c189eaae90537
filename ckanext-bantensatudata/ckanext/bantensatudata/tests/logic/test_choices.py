"""The code lists in logic/choices.py and the choices of the scheming schemas stay in step."""
from __future__ import annotations

import pytest

from ckanext.bantensatudata import helpers
from ckanext.bantensatudata.logic import choices

pytestmark = pytest.mark.usefixtures("with_plugins")

CASES = [
    ("frekuensi", "dataset", choices.FREKUENSI),
    ("cakupan_wilayah", "dataset", tuple(choices.WILAYAH)),
    ("format", "dataset", choices.FORMATS),
    ("jenis_aplikasi", "aplikasi", choices.JENIS_APLIKASI),
    ("lokasi_server", "aplikasi", choices.LOKASI_SERVER),
    ("status_aplikasi", "aplikasi", choices.STATUS_APLIKASI),
    ("pilar", "aplikasi", choices.PILAR),
    ("jenis_peraturan", "produk-hukum", choices.JENIS_PERATURAN),
    ("status_peraturan", "produk-hukum", choices.STATUS_PERATURAN),
    ("jenis_opd", "", choices.JENIS_OPD),
]


@pytest.mark.parametrize(("field", "dataset_type", "expected"), CASES)
def test_schema_choices_match_the_code_lists(field, dataset_type, expected):
    assert tuple(c["value"] for c in helpers.bantensatudata_choices(field, dataset_type)) == tuple(expected)


def test_labels_are_indonesian_by_default():
    assert helpers.bantensatudata_choice_label("frekuensi", "triwulanan") == "Triwulanan"
    assert helpers.bantensatudata_choice_label("status_aplikasi", "tidak_aktif") == "Tidak Aktif"
    assert helpers.bantensatudata_wilayah_label("36.74") == "Kota Tangerang Selatan (36.74)"
    assert helpers.bantensatudata_choice_label("frekuensi", "tak-dikenal") == "tak-dikenal"


@pytest.mark.ckan_config("ckan.locale_default", "en")
def test_labels_follow_the_locale():
    assert helpers.bantensatudata_choice_label("frekuensi", "triwulanan") == "Quarterly"
