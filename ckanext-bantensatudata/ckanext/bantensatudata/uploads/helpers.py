"""Template helpers: what the resource form tells stewards before they upload."""
from __future__ import annotations

from typing import Any

from . import config as upload_config
from . import formats, messages


def bantensatudata_upload_limits() -> dict[str, Any]:
    """Allowed formats, the ``accept`` attribute for the file input and the size limit."""
    allowed = upload_config.allowed_formats()
    limit = upload_config.max_size()
    extensions = [f".{ext}" for name in allowed for ext in formats.FORMATS[name].extensions]
    return {
        "formats": allowed,
        "formats_text": ", ".join(allowed),
        "extensions": extensions,
        "accept": ",".join(extensions),
        "max_size": limit,
        "max_size_text": messages.format_size(limit),
    }


def bantensatudata_upload_allowed_formats() -> list[str]:
    return upload_config.allowed_formats()


__all__ = ["bantensatudata_upload_limits", "bantensatudata_upload_allowed_formats"]
