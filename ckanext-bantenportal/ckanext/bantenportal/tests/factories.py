"""Small builders for the portal's tests: sectors, OPD and datasets with Satu Data fields.

They go through CKAN's real action layer (and so through the catalogue's
schemas), as a site user, so the records look like the ones stewards create.
"""
from __future__ import annotations

import uuid
from typing import Any

import ckan.tests.helpers as helpers


def _site_context() -> dict[str, Any]:
    site_user = helpers.call_action("get_site_user", {"ignore_auth": True})
    return {"user": site_user["name"], "ignore_auth": True}


def _slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sector(title: str, urutan: int | None = None, pilar: list[str] | None = None,
           ikon: str | None = None, name: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name or _slug("sektor"), "title": title,
                            "description": f"Data {title}."}
    if urutan is not None:
        data["urutan"] = urutan
    if pilar is not None:
        data["pilar"] = pilar
    if ikon is not None:
        data["ikon"] = ikon
    return helpers.call_action("group_create", _site_context(), **data)


def opd(title: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name or _slug("opd"), "title": title}
    data.update(extra)
    return helpers.call_action("organization_create", _site_context(), **data)


def dataset(title: str, org: dict[str, Any], sectors: list[dict[str, Any]],
            private: bool = False, dataset_type: str = "dataset", **extra: Any) -> dict[str, Any]:
    names = [s["name"] for s in sectors]
    data: dict[str, Any] = {
        "name": extra.pop("name", None) or _slug("data"),
        "title": title,
        "notes": f"Keterangan {title}.",
        "owner_org": org["id"],
        "private": private,
        "type": dataset_type,
        "groups": [{"name": n} for n in names],
        "sektor": names,
        "license_id": "cc-by-4.0",
    }
    data.update(extra)
    return helpers.call_action("package_create", _site_context(), **data)
