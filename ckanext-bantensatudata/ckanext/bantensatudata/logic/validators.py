"""Validators of the Satu Data schemas (named in ``schemas/*.yaml``).

Every message goes through ``tk._`` at call time so that the API and the web
form answer in the request's language (Indonesian by default).  Errors are
always attached to the field the user has to fix.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.scheming.validation import scheming_validator

from . import choices

__all__ = [
    "bantensatudata_choice",
    "bantensatudata_multiple_choice",
    "bantensatudata_year",
    "bantensatudata_order",
    "bantensatudata_not_before",
    "bantensatudata_url",
    "bantensatudata_kode_opd",
    "bantensatudata_induk_opd",
    "bantensatudata_related_dataset",
    "bantensatudata_resource_format",
    "bantensatudata_require_sector",
    "bantensatudata_owner_from_kode_opd",
]

Key = tuple[Any, ...]
Data = dict[Key, Any]
Errors = dict[Key, list[str]]

KODE_OPD_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,31}$")
_HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def _empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def _field_values(field: dict[str, Any]) -> list[str]:
    return [str(c["value"]) for c in field.get("choices", [])]


def _match_choice(value: Any, values: list[str]) -> str | None:
    """The canonical spelling of ``value`` among ``values`` (case-insensitive)."""
    text = str(value).strip()
    if text in values:
        return text
    folded = {v.casefold(): v for v in values}
    return folded.get(text.casefold())


@scheming_validator
def bantensatudata_choice(field: dict[str, Any], schema: dict[str, Any]) -> Callable[[Any], Any]:
    """One value of the field's choices; the message lists what is allowed."""
    values = _field_values(field)

    def validator(value: Any) -> Any:
        if _empty(value):
            return value
        match = _match_choice(value, values)
        if match is None:
            raise tk.Invalid(
                tk._('Unknown value "{value}". Choose one of: {choices}').format(
                    value=value, choices=", ".join(values)))
        return match

    return validator


@scheming_validator
def bantensatudata_multiple_choice(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., None]:
    """Zero or more choices (a list, or a comma/space separated string); stored as JSON."""
    values = _field_values(field)

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        value = data.get(key)
        if _empty(value):
            if field.get("required"):
                errors[key].append(tk._("Select at least one"))
            data[key] = json.dumps([])
            return
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = [v for v in re.split(r"[,\s]+", value) if v]
            value = parsed if isinstance(parsed, list) else [parsed]
        if not isinstance(value, (list, tuple)):
            errors[key].append(tk._("Expecting a list of values"))
            return
        selected: set[str] = set()
        for element in value:
            match = _match_choice(element, values)
            if match is None:
                errors[key].append(
                    tk._('Unknown value "{value}". Choose one of: {choices}').format(
                        value=element, choices=", ".join(values)))
            else:
                selected.add(match)
        if errors[key]:
            return
        if field.get("required") and not selected:
            errors[key].append(tk._("Select at least one"))
            return
        data[key] = json.dumps([v for v in values if v in selected])

    return validator


def bantensatudata_year(value: Any) -> Any:
    """A calendar year within a sane range, kept as a four-digit string."""
    if _empty(value):
        return value
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year is None or not choices.YEAR_MIN <= year <= choices.YEAR_MAX:
        raise tk.Invalid(tk._("Enter a year between {min} and {max}").format(
            min=choices.YEAR_MIN, max=choices.YEAR_MAX))
    return str(year)


def bantensatudata_order(value: Any) -> Any:
    """A sector's position in lists: a whole number from 1 to 99."""
    if _empty(value):
        return value
    try:
        order = int(str(value).strip())
    except (TypeError, ValueError):
        order = None
    if order is None or not 1 <= order <= 99:
        raise tk.Invalid(tk._("Enter a whole number between 1 and 99"))
    return str(order)


def _as_year(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def bantensatudata_not_before(other: str) -> Callable[..., None]:
    """This year field must not be earlier than the field ``other`` (e.g. period end)."""

    def validator(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
        end = _as_year(data.get(key))
        start = _as_year(data.get(key[:-1] + (other,)))
        if end is not None and start is not None and end < start:
            errors[key].append(tk._(
                "The end year ({end}) is earlier than the start year ({start})").format(
                    end=end, start=start))

    return validator


def _valid_host(host: str) -> bool:
    if not host or len(host) > 253 or "." not in host:
        return host == "localhost"
    return all(_HOST_LABEL_RE.match(label) for label in host.rstrip(".").split("."))


def bantensatudata_url(value: Any) -> Any:
    """A full http(s) address with a real host name."""
    if _empty(value):
        return value
    text = str(value).strip()
    parts = urlsplit(text)
    ok = (
        parts.scheme in ("http", "https")
        and not any(c.isspace() for c in text)
        and _valid_host(parts.hostname or "")
    )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        ok = False
    if not ok:
        raise tk.Invalid(tk._(
            "Invalid URL: enter a full address starting with http:// or https://"))
    return text


def _session(context: dict[str, Any]) -> Any:
    return context.get("session") or model.Session


def organization_by_kode(session: Any, kode: str) -> model.Group | None:
    """The live organization with this OPD code (group extras are a JSONB column)."""
    return (
        session.query(model.Group)
        .filter(model.group_table.c.extras["kode_opd"].astext == kode)
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state != "deleted")
        .first()
    )


def bantensatudata_kode_opd(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """The OPD code: upper case, a safe pattern, unique among organizations."""
    value = data.get(key)
    if _empty(value):
        return
    kode = str(value).strip().upper()
    if not KODE_OPD_RE.match(kode):
        errors[key].append(tk._(
            "Invalid OPD code: use capital letters, digits, '.' or '-' (at most 32 characters)"))
        return
    data[key] = kode
    other = organization_by_kode(_session(context), kode)
    own_id = data.get(key[:-1] + ("id",))
    group = context.get("group")
    own_ids = {own_id, getattr(group, "id", None)} - {None, missing, ""}
    if other is not None and other.id not in own_ids and other.name != own_id:
        errors[key].append(tk._("OPD code {code} is already used by {opd}").format(
            code=kode, opd=other.display_name))


def bantensatudata_induk_opd(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """The parent OPD must be another existing organization (stored by name)."""
    value = data.get(key)
    if _empty(value):
        return
    ref = str(value).strip()
    parent = model.Group.get(ref)
    if parent is None or not parent.is_organization or parent.state == "deleted":
        errors[key].append(tk._('Unknown parent OPD "{value}"').format(value=ref))
        return
    own = {data.get(key[:-1] + ("id",)), data.get(key[:-1] + ("name",))}
    if parent.id in own or parent.name in own:
        errors[key].append(tk._("An OPD cannot be its own parent"))
        return
    data[key] = parent.name


def bantensatudata_related_dataset(key: Key, data: Data, errors: Errors,
                                   context: dict[str, Any]) -> None:
    """A reference to another dataset (e.g. the regulation that revokes this one)."""
    value = data.get(key)
    if _empty(value):
        return
    ref = str(value).strip()
    pkg = model.Package.get(ref)
    if pkg is None or pkg.state == "deleted":
        errors[key].append(tk._('Unknown dataset "{value}"').format(value=ref))
        return
    if pkg.id == data.get(key[:-1] + ("id",)):
        errors[key].append(tk._("A regulation cannot refer to itself"))
        return
    data[key] = pkg.name


def bantensatudata_resource_format(value: Any) -> Any:
    """Only the formats the repository stores (see ``choices.FORMATS``)."""
    if _empty(value):
        return value
    fmt = str(value).strip().upper().lstrip(".")
    if fmt not in choices.FORMATS:
        raise tk.Invalid(tk._("Format {format} is not allowed. Allowed formats: {formats}").format(
            format=value, formats=", ".join(choices.FORMATS)))
    return fmt


def _group_refs(data: Data) -> list[tuple[Key, str]]:
    """(key, reference) of each group entry sent, ``name`` preferred over ``id``."""
    entries: dict[Any, dict[str, Any]] = {}
    for k, v in data.items():
        if len(k) == 3 and k[0] == "groups" and k[2] in ("name", "id"):
            entries.setdefault(k[1], {})[k[2]] = v
    refs = []
    for n in sorted(entries, key=str):
        e = entries[n]
        field = "name" if not _empty(e.get("name")) else "id"
        if not _empty(e.get(field)):
            refs.append((("groups", n, field), str(e[field])))
    return refs


def bantensatudata_require_sector(key: Key, data: Data, errors: Errors,
                                  context: dict[str, Any]) -> None:
    """A dataset belongs to at least one existing sector group.

    When an update does not send ``groups`` at all, the memberships already
    stored count (core keeps them untouched in that case).  Errors go under
    ``groups`` (on the offending entry when one was sent).
    """
    refs = _group_refs(data)
    sent_keys = sorted((k for k in data if k and k[0] == "groups" and len(k) == 3), key=str)
    if not refs and not sent_keys:
        pkg_id = data.get(("id",))
        pkg = model.Package.get(pkg_id) if isinstance(pkg_id, str) and pkg_id else None
        if pkg is not None and pkg.get_groups("group"):
            return
    if not refs:
        err_key: Key = sent_keys[0] if sent_keys else ("groups",)
        errors.setdefault(err_key, []).append(tk._("Choose at least one sector"))
        return
    for ref_key, ref in refs:
        group = model.Group.get(ref)
        if group is None or group.is_organization or group.state == "deleted":
            errors.setdefault(ref_key, []).append(tk._('Unknown sector "{value}"').format(value=ref))


def bantensatudata_owner_from_kode_opd(key: Key, data: Data, errors: Errors,
                                       context: dict[str, Any]) -> None:
    """Accept ``kode_opd`` instead of ``owner_org`` (for other provincial applications)."""
    extras = data.get(("__extras",))
    if not isinstance(extras, dict) or "kode_opd" not in extras:
        return
    kode = str(extras.pop("kode_opd") or "").strip().upper()
    if not kode:
        return
    org = organization_by_kode(_session(context), kode)
    if org is None:
        errors.setdefault(("kode_opd",), []).append(
            tk._("Unknown OPD code {code}").format(code=kode))
        return
    owner = data.get(("owner_org",))
    if not _empty(owner) and owner not in (org.id, org.name):
        errors.setdefault(("kode_opd",), []).append(
            tk._("OPD code {code} does not match the organization given in owner_org").format(
                code=kode))
        return
    data[("owner_org",)] = org.id
