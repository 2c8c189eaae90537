"""Labels of choice values, read from the scheming schemas in the current language."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import has_request_context

from ckanext.scheming import helpers as sh

from . import choices


def current_lang() -> str:
    """The request's language, or the default one outside a request (CLI, jobs, tests)."""
    if has_request_context():
        lang = tk.h.lang()
        if lang:
            return str(lang)
    return tk.config.get("ckan.locale_default") or "id"


def text(value: Any) -> str:
    """A scheming "language text" ({en: ..., id: ...} or a plain string) in the current language."""
    if isinstance(value, dict):
        lang = current_lang()
        if lang in value:
            return str(value[lang])
        default = tk.config.get("ckan.locale_default") or "id"
        return str(value.get(default) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _dataset_field(field_name: str, dataset_type: str) -> dict[str, Any] | None:
    schema = sh.scheming_get_dataset_schema(dataset_type)
    for fields_key in ("dataset_fields", "resource_fields"):
        for field in (schema or {}).get(fields_key, []):
            if field["field_name"] == field_name:
                return field
    return None


def _group_field(field_name: str, kind: str) -> dict[str, Any] | None:
    schema = (sh.scheming_get_organization_schema("organization") if kind == "organization"
              else sh.scheming_get_group_schema("group"))
    for field in (schema or {}).get("fields", []):
        if field["field_name"] == field_name:
            return field
    return None


def field_choices(field_name: str, dataset_type: str = "") -> list[dict[str, str]]:
    """``[{value, label}]`` for a choice field; without a type, every schema is searched."""
    field = None
    for t in [dataset_type] if dataset_type else list(choices.DATASET_TYPES):
        field = _dataset_field(field_name, t)
        if field and field.get("choices"):
            break
    if not (field and field.get("choices")):
        field = _group_field(field_name, "organization") or _group_field(field_name, "group")
    if not field:
        return []
    return [
        {"value": str(c["value"]), "label": text(c.get("label", c["value"]))}
        for c in sh.scheming_field_choices(field) or []
    ]


def field_label(field_name: str, dataset_type: str = "") -> str:
    """The field's own label in the current language (the name when unknown)."""
    for t in [dataset_type] if dataset_type else list(choices.DATASET_TYPES):
        field = _dataset_field(field_name, t)
        if field:
            return text(field.get("label", field_name))
    field = _group_field(field_name, "organization") or _group_field(field_name, "group")
    return text(field.get("label", field_name)) if field else field_name
