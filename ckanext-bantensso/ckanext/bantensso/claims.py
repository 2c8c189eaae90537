"""Claims -> OPD organization, role and leadership level (rules kept in config/sso/).

Reading claims by dotted path lets one code path serve OpenID Connect userinfo
(``{"nip": ...}``) and an Apereo CAS profile (``{"id": ..., "attributes": {...}}``).
The OPD is found only through CKAN actions (the organization schema's ``kode_opd``,
or ``bantensatudata_opd_show`` when the catalogue offers it), never by importing
another extension.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

from ckanext.bantensso import config
from ckanext.bantensso.errors import ConfigurationError

log = logging.getLogger(__name__)

ROLES = ("admin", "editor", "member", "none")
LEVELS = ("provinsi", "opd", "none")
OPD_FIELD = "kode_opd"

_rules_cache: dict[str, tuple[float, Any]] = {}
_rules_lock = threading.Lock()


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path ("attributes.email"), or None.

    CAS releases attributes as one-element lists; those are unwrapped.
    """
    if not path:
        return None
    current = data
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return None
    if isinstance(current, list) and len(current) == 1:
        current = current[0]
    return current


def normalize(text: str | None) -> str:
    return " ".join((text or "").lower().split())


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    opd_codes: frozenset[str] | None
    outcome: str

    def matches(self, position: str, opd_code: str | None) -> bool:
        if self.opd_codes is not None and (opd_code or "") not in self.opd_codes:
            return False
        return bool(self.pattern.search(position))


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    default: str

    def decide(self, position: str | None, opd_code: str | None) -> str:
        norm = normalize(position)
        for rule in self.rules:
            if norm and rule.matches(norm, opd_code):
                return rule.outcome
        return self.default


def _config_error(path: str, problem: str) -> ConfigurationError:
    log.error("bantensso: rule file %s: %s", path, problem)
    return ConfigurationError(
        tk._("Banten Satu Login is not configured correctly. Please contact the portal administrator."),
        "rules_invalid",
    )


def _parse_rules(path: str, key: str, allowed: tuple[str, ...], fallback: str) -> RuleSet:
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
    except FileNotFoundError:
        raise _config_error(path, "file not found") from None
    except (OSError, yaml.YAMLError) as exc:
        raise _config_error(path, f"unreadable ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise _config_error(path, "expected a mapping with a 'rules' list")
    default = data.get("default", fallback)
    if default not in allowed:
        raise _config_error(path, f"default must be one of {allowed}")
    rules = []
    for i, item in enumerate(data.get("rules") or [], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("position"), str):
            raise _config_error(path, f"rule {i}: 'position' (a regular expression) is required")
        if item.get(key) not in allowed:
            raise _config_error(path, f"rule {i}: '{key}' must be one of {allowed}")
        try:
            pattern = re.compile(item["position"], re.IGNORECASE)
        except re.error as exc:
            raise _config_error(path, f"rule {i}: bad regular expression ({exc})") from exc
        codes = item.get("opd_code")
        if codes is not None:
            codes = [codes] if isinstance(codes, str | int | float) else codes
            if not isinstance(codes, list):
                raise _config_error(path, f"rule {i}: 'opd_code' must be a code or a list of codes")
            codes = frozenset(str(c) for c in codes)
        rules.append(Rule(pattern=pattern, opd_codes=codes, outcome=item[key]))
    return RuleSet(rules=tuple(rules), default=default)


def _cached_file(path: str, parse: Any) -> Any:
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = -1.0
    with _rules_lock:
        hit = _rules_cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    value = parse()
    with _rules_lock:
        _rules_cache[path] = (mtime, value)
    return value


def role_rules() -> RuleSet:
    path = config.rules_file("role_rules")
    if not path:
        return RuleSet(rules=(), default="member")
    return _cached_file(path, lambda: _parse_rules(path, "role", ROLES, "member"))


def leadership_rules() -> RuleSet:
    path = config.rules_file("leadership_rules")
    if not path:
        return RuleSet(rules=(), default="none")
    return _cached_file(path, lambda: _parse_rules(path, "level", LEVELS, "none"))


def role_for(position: str | None, opd_code: str | None) -> str:
    return role_rules().decide(position, opd_code)


def level_for(position: str | None, opd_code: str | None) -> str:
    return leadership_rules().decide(position, opd_code)


def _parse_opd_map(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError) as exc:
        raise _config_error(path, f"unreadable ({exc})") from exc
    mapping = data.get("mapping") if isinstance(data, dict) else None
    if mapping is None:
        return {}
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise _config_error(path, "'mapping' must map OPD codes to organization names")
    return {str(k): v for k, v in mapping.items()}


def opd_map() -> dict[str, str]:
    path = config.rules_file("opd_map")
    if not path:
        return {}
    return _cached_file(path, lambda: _parse_opd_map(path))


# --- OPD lookup -----------------------------------------------------------------------

def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _kode_opd(org: dict[str, Any]) -> str | None:
    if org.get(OPD_FIELD) not in (None, ""):
        return str(org[OPD_FIELD])
    for extra in org.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == OPD_FIELD and extra.get("state", "active") == "active":
            return str(extra.get("value"))
    return None


def find_organization(opd_code: str | None) -> dict[str, Any] | None:
    """The active organization of an OPD code, or None when nothing (or more than one) matches."""
    if not opd_code:
        return None
    context = _site_context()
    mapped = opd_map().get(opd_code)
    if mapped:
        try:
            return tk.get_action("organization_show")(dict(context), {"id": mapped, "include_datasets": False})
        except tk.ObjectNotFound:
            log.error("bantensso: opd map sends %s to unknown organization %s", opd_code, mapped)
            return None

    try:
        opd_show = tk.get_action("bantensatudata_opd_show")
    except KeyError:
        opd_show = None
    if opd_show is not None:
        try:
            org = opd_show(dict(context), {OPD_FIELD: opd_code})
        except (tk.ObjectNotFound, tk.ValidationError):
            return None
        return org if org and org.get("state", "active") == "active" else None
    return scan_organizations(opd_code)


def scan_organizations(opd_code: str) -> dict[str, Any] | None:
    """Find the OPD by reading every active organization's kode_opd (field or extra)."""
    context = _site_context()
    limit = int(tk.config.get("ckan.group_and_organization_list_all_fields_max") or 25)
    found: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = tk.get_action("organization_list")(dict(context), {
            "all_fields": True, "include_extras": True, "include_dataset_count": False,
            "limit": limit, "offset": offset,
        })
        found += [org for org in page if _kode_opd(org) == opd_code]
        if len(page) < limit:
            break
        offset += limit
    if len(found) > 1:
        log.error("bantensso: OPD code %s is used by %d organizations; no rights granted",
                  opd_code, len(found))
        return None
    return found[0] if found else None
