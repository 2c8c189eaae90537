"""Validators other wings may use for a resource ``format`` field (config-driven allow-list).

``bantensatudata_upload_format`` normalises a format name (``xlsx``, ``.XLSX``,
``ODF``, a MIME type) and accepts it only when it is in the configured
allow-list, so the schema and the upload checks never disagree.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import config as upload_config
from .. import formats


def bantensatudata_upload_format(value: Any, context: Any) -> Any:
    if value is tk.missing or value is None or value == "":
        return value
    name = formats.normalise(str(value))
    allowed = upload_config.allowed_formats()
    if name not in allowed:
        raise tk.Invalid(
            tk._("Format {format} is not allowed. Allowed formats: {allowed}.").format(
                format=str(value).strip()[:40], allowed=", ".join(allowed)
            )
        )
    return name


__all__ = ["bantensatudata_upload_format"]
