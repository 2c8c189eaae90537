"""Search facets of the Satu Data catalogue and the index fields they need.

The search engine indexes every key of the document core hands it; here we
only add derived keys (``tahun`` as a list of years covered, ``pilar`` as a
real list) and turn code values into labels for display.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from . import choices, labels

YEAR_SPAN_MAX = 200

# Facet fields whose values are codes with labels in the schemas.
LABELLED = (
    "frekuensi", "cakupan_wilayah", "jenis_aplikasi", "status_aplikasi", "lokasi_server",
    "pilar", "jenis_peraturan", "status_peraturan",
)


def _titles() -> dict[str, str]:
    return {
        "organization": tk._("OPD"),
        "groups": tk._("Sectors"),
        "tags": tk._("Tags"),
        "res_format": tk._("Formats"),
        "license_id": tk._("Licenses"),
        "frekuensi": tk._("Update frequency"),
        "cakupan_wilayah": tk._("Geographic coverage"),
        "tahun": tk._("Year"),
        "dataset_type": tk._("Content type"),
        "jenis_aplikasi": tk._("Kind"),
        "status_aplikasi": tk._("Status"),
        "lokasi_server": tk._("Server location"),
        "pilar": tk._("E-government pillar"),
        "jenis_peraturan": tk._("Type of regulation"),
        "status_peraturan": tk._("Status of regulation"),
    }


FACETS_BY_TYPE = {
    "dataset": ("organization", "groups", "tags", "res_format", "license_id", "frekuensi",
                "cakupan_wilayah", "tahun", "dataset_type"),
    "aplikasi": ("jenis_aplikasi", "status_aplikasi", "lokasi_server", "organization", "groups",
                 "pilar"),
    "produk-hukum": ("jenis_peraturan", "tahun", "status_peraturan", "organization"),
}


def for_package_type(package_type: str) -> OrderedDict[str, Any]:
    """The facets (field -> translated title) shown on a search page of that type."""
    titles = _titles()
    names = FACETS_BY_TYPE.get(package_type, FACETS_BY_TYPE["dataset"])
    return OrderedDict((name, titles[name]) for name in names)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]
    return [str(value)]


def _year(value: Any) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if choices.YEAR_MIN <= year <= choices.YEAR_MAX else None


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the derived keys facets and filters need (called before indexing)."""
    kind = pkg_dict.get("type")
    if kind == "dataset":
        start, end = _year(pkg_dict.get("periode_awal")), _year(pkg_dict.get("periode_akhir"))
        start, end = start or end, end or start
        if start and end and start <= end and end - start <= YEAR_SPAN_MAX:
            pkg_dict["tahun"] = [str(y) for y in range(start, end + 1)]
    elif kind == "aplikasi":
        year = _year(pkg_dict.get("tahun_pencatatan"))
        if year:
            pkg_dict["tahun"] = str(year)
    if "pilar" in pkg_dict:
        pkg_dict["pilar"] = _as_list(pkg_dict["pilar"])
    return pkg_dict


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show choice labels instead of codes (e.g. 'Tahunan' for 'tahunan')."""
    facets = search_results.get("search_facets") or {}
    for name in LABELLED:
        facet = facets.get(name)
        if not facet:
            continue
        names = {c["value"]: c["label"] for c in labels.field_choices(name)}
        for item in facet.get("items", []):
            if item.get("name") in names:
                item["display_name"] = names[item["name"]]
    types = facets.get("dataset_type")
    if types:
        type_labels = {"dataset": tk._("Dataset"), "aplikasi": tk._("Application registry"),
                       "produk-hukum": tk._("Legal products")}
        for item in types.get("items", []):
            item["display_name"] = type_labels.get(item.get("name"), item.get("display_name"))
    return search_results
