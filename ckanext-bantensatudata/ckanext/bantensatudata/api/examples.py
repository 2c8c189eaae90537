"""The API page's worked examples, read from examples.yaml.

One file feeds both the page and the tests that execute every snippet
against a running portal, so what the page shows is what was run.
"""
from __future__ import annotations

import functools
import os
from typing import Any

import yaml

EXAMPLES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples.yaml")


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    with open(EXAMPLES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def values(site_url: str) -> dict[str, str]:
    """The placeholders of the snippets: the portal's address and the context names."""
    out = {str(k): str(v) for k, v in (load().get("context") or {}).items()}
    out["site_url"] = site_url.rstrip("/")
    return out


def fill(text: str, mapping: dict[str, str]) -> str:
    """Replace ``{name}`` placeholders only (JSON braces and jq filters stay as they are)."""
    for key, value in mapping.items():
        text = text.replace("{" + key + "}", value)
    return text


def localized(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("id") or value.get("en") or "")
    return str(value or "")


def examples(site_url: str, lang: str) -> list[dict[str, Any]]:
    """Every example with its placeholders filled and texts in ``lang``."""
    mapping = values(site_url)
    out = []
    for example in load()["examples"]:
        out.append({
            "id": example["id"],
            "audience": example.get("audience", "public"),
            "title": fill(localized(example["title"], lang), mapping),
            "description": fill(localized(example.get("description"), lang), mapping),
            "curl": fill(example["curl"], mapping).rstrip(),
            "python": fill(example["python"], mapping).rstrip(),
            "expect": {
                "stdout": [fill(s, mapping) for s in example.get("expect", {}).get("stdout", [])],
                "python": fill(example.get("expect", {}).get("python", "True"), mapping),
            },
        })
    return out


def fields(lang: str) -> list[dict[str, str]]:
    return [{"name": f["name"], "meaning": localized(f["meaning"], lang)}
            for f in load().get("fields") or []]


def files() -> dict[str, str]:
    return dict(load().get("files") or {})
