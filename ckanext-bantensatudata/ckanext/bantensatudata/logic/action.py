"""Actions of the Satu Data catalogue (read-only lookups for other parts and apps)."""
from __future__ import annotations

import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import schema as schemas
from . import validators

__all__ = ["bantensatudata_opd_show", "bantensatudata_sector_list"]


@tk.side_effect_free
def bantensatudata_opd_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The organization (OPD) with the given ``kode_opd``, as organization_show returns it.

    :param kode_opd: the OPD code (case-insensitive)
    :raises NotFound: when no active organization has that code
    """
    tk.check_access("bantensatudata_opd_show", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schemas.opd_show_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    kode = data["kode_opd"].strip().upper()
    org = validators.organization_by_kode(context.get("session") or model.Session, kode)
    if org is None:
        raise tk.ObjectNotFound(tk._("Unknown OPD code {code}").format(code=kode))
    return tk.get_action("organization_show")(
        {"user": context.get("user")}, {"id": org.id, "include_datasets": False})


def _pilar(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return [v for v in value.replace(",", " ").split() if v]
        return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]
    return []


def _order(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 999


def _all_groups(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sector group with its fields (group_list caps all_fields pages)."""
    page = int(tk.config.get("ckan.group_and_organization_list_all_fields_max") or 25)
    out: list[dict[str, Any]] = []
    while True:
        chunk = tk.get_action("group_list")(
            {"user": context.get("user")},
            {"type": "group", "all_fields": True, "include_extras": True,
             "include_dataset_count": False, "limit": page, "offset": len(out)},
        )
        out.extend(chunk)
        if len(chunk) < page:
            return out


def _group_counts(context: dict[str, Any], fq: str) -> dict[str, int]:
    """Datasets per group that the caller may see (private ones only if allowed)."""
    result = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"q": "", "fq": fq, "rows": 0, "facet.field": ["groups"], "facet.limit": -1,
         "include_private": True},
    )
    return {k: int(v) for k, v in result.get("facets", {}).get("groups", {}).items()}


@tk.side_effect_free
def bantensatudata_sector_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """The sector groups in their order, with pillars, icon and (visible) counts.

    ``package_count`` counts datasets of type ``dataset``; ``total_count`` every
    type (registry records and legal products included).

    :param include_counts: count the datasets of each sector the caller may see
        (default true)
    """
    tk.check_access("bantensatudata_sector_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schemas.sector_list_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    groups = _all_groups(context)
    counts: dict[str, int] = {}
    totals: dict[str, int] = {}
    if data.get("include_counts", True):
        counts = _group_counts(context, "+dataset_type:dataset")
        totals = _group_counts(context, "")
    sectors = []
    for g in groups:
        extras = {e["key"]: e["value"] for e in g.get("extras", [])}
        sectors.append({
            "name": g["name"],
            "title": g.get("title") or g["name"],
            "description": g.get("description") or "",
            "urutan": _order(g.get("urutan", extras.get("urutan"))),
            "pilar": _pilar(g.get("pilar", extras.get("pilar"))),
            "ikon": g.get("ikon", extras.get("ikon")) or "",
            "image_display_url": g.get("image_display_url") or "",
            "package_count": int(counts.get(g["name"], 0)),
            "total_count": int(totals.get(g["name"], 0)),
        })
    sectors.sort(key=lambda s: (s["urutan"], s["title"].casefold()))
    return sectors
