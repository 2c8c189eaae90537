"""Typed getters for the uploads wing's settings (declared in config_declaration.yaml)."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan.logic.converters import parse_filesize

from . import formats

log = logging.getLogger(__name__)

ALLOWED_FORMATS = "ckanext.bantensatudata.uploads.allowed_formats"
MAX_SIZE = "ckanext.bantensatudata.uploads.max_size"
COUNT_DOWNLOADS = "ckanext.bantensatudata.uploads.count_downloads"

#: room for the other fields of a multipart resource form, on top of the file itself
FORM_OVERHEAD = 1024 * 1024


def allowed_formats() -> list[str]:
    """Allowed format names, in configured order; unknown names are dropped (we cannot check them)."""
    raw = tk.config.get(ALLOWED_FORMATS)
    if raw is None:
        raw = list(formats.DEFAULT_ALLOWED)
    if not isinstance(raw, str):
        raw = " ".join(str(item) for item in raw)
    result: list[str] = []
    for item in raw.replace(",", " ").split():
        name = formats.normalise(str(item))
        if name not in formats.FORMATS:
            log.warning("%s: %r is not a format this portal can verify; ignored", ALLOWED_FORMATS, item)
            continue
        if name not in result:
            result.append(name)
    return result


def max_size() -> int:
    """Largest accepted upload in bytes."""
    value = tk.config.get(MAX_SIZE) or "100MB"
    try:
        return int(parse_filesize(value))
    except Exception:
        log.error("%s: cannot parse %r; using 100MB", MAX_SIZE, value)
        return 100_000_000


def count_downloads() -> bool:
    return tk.asbool(tk.config.get(COUNT_DOWNLOADS, True))
