"""Pages of the catalogue: the registry of websites/applications and the legal products.

Both are tables over ``package_search`` (so private records only show to
those allowed, and facets count only what the viewer may see), sortable by
any column, filterable with the facets of their dataset type; the registry
is exportable as CSV with the same filters and order.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from .logic import facets, labels

__all__ = ["bp"]

bp = Blueprint("bantensatudata", __name__)

PAGE = 1000
MAX_ROWS = 10000


def _user() -> str:
    return getattr(tk.current_user, "name", "") or ""


def _fq_from_args(package_type: str, facet_names: list[str]) -> tuple[str, dict[str, list[str]]]:
    parts = [f'+dataset_type:"{package_type}"']
    active: dict[str, list[str]] = {}
    for name in facet_names:
        for value in tk.request.args.getlist(name):
            if not value:
                continue
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'+{name}:"{escaped}"')
            active.setdefault(name, []).append(value)
    return " ".join(parts), active


def search_all(package_type: str) -> dict[str, Any]:
    """Every record of the type the viewer may see, matching ``q`` and the facet filters."""
    names = list(facets.for_package_type(package_type))
    fq, active = _fq_from_args(package_type, names)
    q = tk.request.args.get("q", "").strip()
    results: list[dict[str, Any]] = []
    search_facets: dict[str, Any] = {}
    count = 0
    start = 0
    while start < MAX_ROWS:
        data = tk.get_action("package_search")({"user": _user()}, {
            "q": q, "fq": fq, "rows": PAGE, "start": start, "include_private": True,
            "facet.field": names if start == 0 else [], "facet.limit": -1, "sort": "name asc",
        })
        if start == 0:
            search_facets, count = data["search_facets"], data["count"]
        results.extend(data["results"])
        start += PAGE
        if start >= data["count"]:
            break
    return {"results": results, "count": count, "search_facets": search_facets, "q": q,
            "active": active, "facet_titles": facets.for_package_type(package_type)}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


Column = tuple[str, Callable[[], str], Callable[[dict[str, Any]], str]]


def _choice(field: str, package_type: str) -> Callable[[dict[str, Any]], str]:
    def get(pkg: dict[str, Any]) -> str:
        names = {c["value"]: c["label"] for c in labels.field_choices(field, package_type)}
        value = pkg.get(field)
        if isinstance(value, list):
            return ", ".join(names.get(v, v) for v in value)
        return names.get(value, _text(value)) if value else ""
    return get


def _org(pkg: dict[str, Any]) -> str:
    return (pkg.get("organization") or {}).get("title", "")


def _groups(pkg: dict[str, Any]) -> str:
    return ", ".join(g.get("display_name") or g.get("title") or g["name"] for g in pkg.get("groups", []))


def registry_columns() -> list[Column]:
    t = "aplikasi"
    return [
        ("title", lambda: labels.field_label("title", t), lambda p: p.get("title", "")),
        ("url", lambda: labels.field_label("url", t), lambda p: p.get("url") or ""),
        ("jenis_aplikasi", lambda: labels.field_label("jenis_aplikasi", t), _choice("jenis_aplikasi", t)),
        ("status_aplikasi", lambda: labels.field_label("status_aplikasi", t), _choice("status_aplikasi", t)),
        ("lokasi_server", lambda: labels.field_label("lokasi_server", t), _choice("lokasi_server", t)),
        ("organization", lambda: tk._("OPD"), _org),
        ("groups", lambda: tk._("Sectors"), _groups),
        ("pilar", lambda: labels.field_label("pilar", t), lambda p: _text(p.get("pilar"))),
        ("tahun_pencatatan", lambda: labels.field_label("tahun_pencatatan", t),
         lambda p: _text(p.get("tahun_pencatatan"))),
        ("notes", lambda: labels.field_label("notes", t), lambda p: p.get("notes") or ""),
        ("sumber_pencatatan", lambda: labels.field_label("sumber_pencatatan", t),
         lambda p: p.get("sumber_pencatatan") or ""),
    ]


def produk_hukum_columns() -> list[Column]:
    t = "produk-hukum"
    return [
        ("jenis_peraturan", lambda: labels.field_label("jenis_peraturan", t), _choice("jenis_peraturan", t)),
        ("nomor", lambda: labels.field_label("nomor", t), lambda p: _text(p.get("nomor"))),
        ("tahun", lambda: labels.field_label("tahun", t), lambda p: _text(p.get("tahun"))),
        ("tentang", lambda: labels.field_label("tentang", t), lambda p: p.get("tentang") or ""),
        ("status_peraturan", lambda: labels.field_label("status_peraturan", t), _choice("status_peraturan", t)),
        ("organization", lambda: tk._("OPD"), _org),
    ]


def _sort_key(getter: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    def key(pkg: dict[str, Any]) -> tuple[int, Any]:
        text = getter(pkg).strip()
        if not text:
            return (2, "")  # empty cells last, whatever the direction
        if text.isdigit():
            return (0, int(text))
        return (1, text.casefold())
    return key


def _sorted_rows(results: list[dict[str, Any]], columns: list[Column], default: str,
                 default_order: str) -> tuple[list[dict[str, Any]], str, str]:
    keys = {c[0]: c[2] for c in columns}
    sort = tk.request.args.get("sort", default)
    if sort not in keys:
        sort = default
    order = tk.request.args.get("order", default_order)
    if order not in ("asc", "desc"):
        order = default_order
    key = _sort_key(keys[sort])
    filled = [p for p in results if key(p)[0] != 2]
    empty = [p for p in results if key(p)[0] == 2]
    filled.sort(key=lambda p: (key(p), p.get("name", "")), reverse=(order == "desc"))
    return filled + empty, sort, order


def _page(template: str, package_type: str, columns: list[Column], default_sort: str,
          default_order: str, csv_endpoint: str | None) -> str:
    try:
        found = search_all(package_type)
    except tk.ValidationError as exc:
        tk.abort(400, tk._("Invalid search: {error}").format(error=exc.error_summary))
    rows, sort, order = _sorted_rows(found["results"], columns, default_sort, default_order)
    endpoint = tk.request.endpoint
    args = {k: tk.request.args.getlist(k) for k in tk.request.args if k not in ("sort", "order")}
    sort_urls = {
        name: tk.h.url_for(endpoint, **args, sort=name,
                           order="desc" if (name == sort and order == "asc") else "asc")
        for name, _label, _get in columns
    }
    csv_url = tk.h.url_for(csv_endpoint, **args, sort=sort, order=order) if csv_endpoint else None
    table = [{"pkg": p, "cells": {name: get(p) for name, _label, get in columns}} for p in rows]
    return tk.render(template, extra_vars={
        **found, "rows": table, "columns": [(name, label()) for name, label, _get in columns],
        "sort": sort, "order": order, "package_type": package_type, "csv_url": csv_url,
        "sort_urls": sort_urls,
    })


@bp.route("/registri")
def registry() -> str:
    """The registry of the province's websites and applications, as a sortable table."""
    return _page("bantensatudata/registry.html", "aplikasi", registry_columns(), "title", "asc",
                 "bantensatudata.registry_csv")


@bp.route("/registri/unduh.csv")
def registry_csv() -> Response:
    """The same table (same filters and order) as a CSV file."""
    found = search_all("aplikasi")
    columns = registry_columns()
    rows, _sort, _order = _sorted_rows(found["results"], columns, "title", "asc")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name"] + [name for name, _label, _get in columns])
    for p in rows:
        writer.writerow([p.get("name", "")] + [_csv_safe(get(p)) for _name, _label, get in columns])
    return Response(
        "\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="registri-aplikasi-banten.csv"',
                 "X-Content-Type-Options": "nosniff"})


def _csv_safe(text: str) -> str:
    """Spreadsheet formula injection: a cell never starts with = + - @."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.route("/peraturan")
def produk_hukum() -> str:
    """The legal products (produk hukum), newest first, as a sortable table."""
    return _page("bantensatudata/produk_hukum.html", "produk-hukum", produk_hukum_columns(), "tahun",
                 "desc", None)
