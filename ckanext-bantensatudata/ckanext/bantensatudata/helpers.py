"""Template helpers others may call (portal home, dashboard, API page)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .logic import choices, labels

__all__ = [
    "bantensatudata_sectors",
    "bantensatudata_pillars",
    "bantensatudata_choices",
    "bantensatudata_choice_label",
    "bantensatudata_wilayah_label",
]

_PILLAR_LABELS = {
    "G2G": ("Government to Government", "Pemerintah ke Pemerintah"),
    "G2E": ("Government to Employee", "Pemerintah ke Pegawai"),
    "G2C": ("Government to Citizen", "Pemerintah ke Masyarakat"),
    "G2B": ("Government to Business", "Pemerintah ke Dunia Usaha"),
}


def bantensatudata_sectors(include_counts: bool = True) -> list[dict[str, Any]]:
    """The sector groups in order: name, title, description, urutan, pilar, ikon, counts."""
    try:
        return tk.get_action("bantensatudata_sector_list")(
            {"user": getattr(tk.current_user, "name", "") or ""},
            {"include_counts": include_counts})
    except tk.NotAuthorized:
        return []


def bantensatudata_pillars() -> list[dict[str, Any]]:
    """The 4 e-government pillars, each with its label and its sectors (no counts)."""
    sectors = bantensatudata_sectors(include_counts=False)
    lang = labels.current_lang()
    out = []
    for code in choices.PILAR:
        en, id_ = _PILLAR_LABELS[code]
        out.append({
            "code": code,
            "label": id_ if lang == "id" else en,
            "sectors": [s for s in sectors if code in s["pilar"]],
        })
    return out


def bantensatudata_choices(field_name: str, dataset_type: str = "") -> list[dict[str, str]]:
    """``[{value, label}]`` of a Satu Data choice field, labels in the current language.

    ``dataset_type`` may be omitted: the dataset, produk-hukum and aplikasi
    schemas are searched, then the organization and group ones.
    """
    return labels.field_choices(field_name, dataset_type)


def bantensatudata_choice_label(field_name: str, value: Any, dataset_type: str = "") -> str:
    """The label of one value (the value itself when unknown)."""
    if value is None or value == "":
        return ""
    for c in bantensatudata_choices(field_name, dataset_type):
        if c["value"] == str(value):
            return c["label"]
    return str(value)


def bantensatudata_wilayah_label(code: str) -> str:
    """Name of a Kemendagri area code of Banten (e.g. 36.71 -> Kota Tangerang)."""
    return bantensatudata_choice_label("cakupan_wilayah", code, "dataset") or choices.WILAYAH.get(code, code)
