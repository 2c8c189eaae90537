"""Typed getters for the API wing's settings (declared in config_declaration.yaml)."""
from __future__ import annotations

from typing import NamedTuple

import ckan.plugins.toolkit as tk

PREFIX = "ckanext.bantensatudata.api."


class Limit(NamedTuple):
    count: int
    seconds: int


def _list(key: str) -> list[str]:
    value = tk.config.get(PREFIX + key) or []
    if isinstance(value, str):
        value = value.split()
    return [v for v in value if v]


def parse_limit(value: str | None) -> Limit | None:
    """``"10/60"`` -> Limit(10, 60); empty, ``0`` or malformed -> no limit."""
    text = str(value or "").strip()
    if not text or text == "0":
        return None
    count, _, seconds = text.partition("/")
    try:
        limit = Limit(int(count), int(seconds or 60))
    except ValueError:
        return None
    return limit if limit.count > 0 and limit.seconds > 0 else None


def cors_origins() -> list[str]:
    return [o.rstrip("/") for o in _list("cors.origins")]


def cors_max_age() -> int:
    return int(tk.config.get(PREFIX + "cors.max_age") or 0)


def ratelimit_enabled() -> bool:
    return tk.asbool(tk.config.get(PREFIX + "ratelimit.enabled", True))


def limit(bucket: str) -> Limit | None:
    """The configured limit of one bucket: ``login``, ``write`` or ``expensive``."""
    return parse_limit(tk.config.get(PREFIX + f"ratelimit.{bucket}"))


def expensive_actions() -> set[str]:
    return set(_list("ratelimit.expensive_actions"))


def expensive_paths() -> list[str]:
    return _list("ratelimit.expensive_paths")


def login_paths() -> list[str]:
    return _list("ratelimit.login_paths")


def exempt_ips() -> set[str]:
    return set(_list("ratelimit.exempt_ips"))


def trust_forwarded_for() -> bool:
    return tk.asbool(tk.config.get(PREFIX + "ratelimit.trust_forwarded_for", False))


def max_body_size() -> int:
    return int(tk.config.get(PREFIX + "max_body_size") or 0)


def max_upload_size() -> int:
    """Bytes a multipart API request may carry: the resource limit plus form overhead."""
    megabytes = int(tk.config.get("ckan.max_resource_size") or 10)
    return (megabytes + 1) * 1024 * 1024


def catalog_publisher_name() -> str:
    return tk.config.get(PREFIX + "catalog.publisher_name") or "Pemerintah Provinsi Banten"


def catalog_publisher_uri() -> str:
    return tk.config.get(PREFIX + "catalog.publisher_uri") or "https://bantenprov.go.id"


def catalog_spatial_code() -> str:
    return str(tk.config.get(PREFIX + "catalog.spatial_code") or "36")
