"""What the dashboard measures: the one place that names fields and thresholds.

Everything the leadership dashboard counts is defined here so that the SQL
(``queries.py``), the figures, the templates, the tests and the documentation
(``README.md`` next to this file) agree on one list.  Field names follow
docs/CONVENTIONS.md; custom dataset fields live in ``package.extras`` (CKAN 2.12
keeps scheming's extra fields in that JSONB column).
"""
from __future__ import annotations

from typing import NamedTuple

from ckan.common import _


def N_(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message

# Dataset types the dashboard reads.
DATASET_TYPE = "dataset"
APPLICATION_TYPE = "aplikasi"


class CompletenessField(NamedTuple):
    """One Satu Data metadata field counted by the completeness score.

    ``kind`` says where the value lives: ``column`` (a package column),
    ``extra`` (a key of ``package.extras``), ``tags`` / ``groups`` /
    ``resources`` (at least one active tag, sector group or resource).
    """

    name: str
    kind: str
    label: str


# The completeness score of a dataset is the share of these fields that are
# filled (a value that is not empty once trimmed; for lists, at least one item).
# The OPD score is the mean of its datasets' scores.  Fields every dataset must
# have to exist at all (title, name, owner_org) are not counted.
COMPLETENESS_FIELDS: tuple[CompletenessField, ...] = (
    CompletenessField("notes", "column", N_("Description")),
    CompletenessField("license_id", "column", N_("License")),
    CompletenessField("tags", "tags", N_("Tags")),
    CompletenessField("groups", "groups", N_("Sector")),
    CompletenessField("resources", "resources", N_("Resource")),
    CompletenessField("walidata", "extra", N_("Data custodian (walidata)")),
    CompletenessField("periode_awal", "extra", N_("Period start")),
    CompletenessField("periode_akhir", "extra", N_("Period end")),
    CompletenessField("frekuensi", "extra", N_("Update frequency")),
    CompletenessField("satuan", "extra", N_("Unit")),
    CompletenessField("cakupan_wilayah", "extra", N_("Area covered")),
    CompletenessField("sumber_data", "extra", N_("Data source")),
    CompletenessField("konsep", "extra", N_("Concept")),
    CompletenessField("definisi", "extra", N_("Definition")),
    CompletenessField("metodologi", "extra", N_("Methodology")),
    CompletenessField("interpretasi", "extra", N_("Interpretation")),
    CompletenessField("kontak_nama", "extra", N_("Contact name")),
    CompletenessField("kontak_email", "extra", N_("Contact email")),
)

# Values of an extra that count as "not filled" (besides blank text): what
# scheming stores for an empty multiple choice or JSON field.
EMPTY_EXTRA_VALUES: tuple[str, ...] = ("", "[]", "{}", "null", '""')

# Declared update frequency (``frekuensi``) -> PostgreSQL interval after which
# a dataset not updated since is overdue.  ``tidak_tentu`` (irregular) and a
# missing value are not evaluated.
FREQUENCY_INTERVALS: dict[str, str] = {
    "harian": "1 day",
    "mingguan": "7 days",
    "bulanan": "1 month",
    "triwulanan": "3 months",
    "semesteran": "6 months",
    "tahunan": "1 year",
    "lima_tahunan": "5 years",
}
IRREGULAR_FREQUENCY = "tidak_tentu"

# Registry of applications (dataset type ``aplikasi``).
APPLICATION_STATUSES: tuple[str, ...] = ("aktif", "tidak_aktif")
APPLICATION_PILLARS: tuple[str, ...] = ("G2G", "G2E", "G2C", "G2B")


def frequency_labels() -> dict[str, str]:
    """Translated labels of the ``frekuensi`` choices."""
    return {
        "harian": _("Daily"),
        "mingguan": _("Weekly"),
        "bulanan": _("Monthly"),
        "triwulanan": _("Quarterly"),
        "semesteran": _("Every six months"),
        "tahunan": _("Yearly"),
        "lima_tahunan": _("Every five years"),
        IRREGULAR_FREQUENCY: _("Irregular"),
    }


def completeness_labels() -> dict[str, str]:
    """Translated labels of the completeness fields, in list order."""
    return {f.name: _(f.label) for f in COMPLETENESS_FIELDS}
