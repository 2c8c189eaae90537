"""Translated messages for rejected uploads (domain ckanext-bantensatudata_uploads).

Every rejection names the file, the type that was detected and the formats
that are allowed, so a data steward knows what to fix without asking.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import ckan.plugins.toolkit as tk

from . import detect

_ = tk._


def format_size(number: int) -> str:
    """``100000000`` -> ``"100 MB"`` (decimal units, the locale's decimal mark)."""
    if number < 1000:
        return _("{bytes} bytes").format(bytes=number)
    value = float(number)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    rounded = round(value, 1)
    text = str(int(rounded)) if rounded == int(rounded) else _localised(rounded)
    return f"{text} {unit}"


def _localised(value: float) -> str:
    try:
        from ckan.lib.formatters import localised_number

        return localised_number(value)
    except Exception:
        return str(value)


def _reasons() -> dict[str, Callable[[dict[str, str]], str]]:
    return {
        "name": lambda p: _(
            "its name contains a folder path, control characters or invisible characters; rename it and try again."
        ),
        "empty": lambda p: _("it is empty."),
        "too_large": lambda p: _("it is larger than the upload limit of {limit}.").format(**p),
        "extension": lambda p: _("its extension ({extension}) is not an allowed format.").format(**p),
        "mismatch": lambda p: _("its content is not a {format} file.").format(**p),
        "container": lambda p: _(
            "it is not a valid {format} document: the package declares another document type or none."
        ).format(**p),
        "macro": lambda p: _("it contains macros, which are not accepted.").format(**p),
        "active": lambda p: _("it contains web page or script content, which is never accepted.").format(**p),
        "encoding": lambda p: _(
            "it is not text in a recognised encoding (UTF-8, UTF-16 or the declared charset)."
        ).format(**p),
        "json": lambda p: _("it is not valid JSON.").format(**p),
        "xml": lambda p: _("it is not well-formed XML.").format(**p),
        "xml_entities": lambda p: _(
            "it declares XML entities or external references, which are refused for safety."
        ).format(**p),
    }


def rejection(err: detect.Rejected, filename: str, allowed: Iterable[str], limit: int) -> str:
    allowed_text = ", ".join(allowed)
    if err.reason == "name_missing":
        return _("The uploaded file has no name. Allowed formats: {allowed}.").format(allowed=allowed_text)
    params = {"format": "", "extension": "", **err.params, "limit": format_size(limit)}
    reason = _reasons().get(err.reason, lambda p: _("it could not be checked."))(params)
    return _('The file "{name}" was rejected: {reason} Detected type: {detected}. Allowed formats: {allowed}.').format(
        name=detect.display_name(filename),
        reason=reason,
        detected=err.detected or _("unknown"),
        allowed=allowed_text,
    )


def uploads_disabled() -> str:
    return _("File uploads are not enabled on this portal.")


def not_a_file() -> str:
    return _("The upload field must be a file sent as multipart/form-data.")


def too_large_request(limit: int, allowed: Iterable[str]) -> str:
    """When the request body alone is over the limit and we refuse to read it."""
    return _(
        "The upload was rejected: it is larger than the upload limit of {limit}. Allowed formats: {allowed}."
    ).format(limit=format_size(limit), allowed=", ".join(allowed))
