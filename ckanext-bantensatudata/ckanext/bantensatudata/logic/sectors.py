"""Sector memberships of datasets.

Sector groups are a shared classification: any steward allowed to create or
edit a dataset may file it under any sector.  Core only saves a group
membership when the user is a member of that group, so without this an OPD
editor's choice of sector would be dropped silently.  Called from the
IPackageController hooks, i.e. after core has checked package_create /
package_update access.
"""
from __future__ import annotations

from typing import Any

import ckan.model as model


def _requested(groups: Any) -> list[model.Group] | None:
    if groups is None:
        return None
    out = []
    for g in groups or []:
        if not isinstance(g, dict):
            continue
        ref = g.get("id") or g.get("name")
        group = model.Group.get(ref) if ref else None
        if group is not None and not group.is_organization and group.state == "active":
            out.append(group)
    return out


def sync(package_id: str, groups: Any) -> bool:
    """Make the package's sector memberships equal to ``groups`` (None: leave as is)."""
    wanted = _requested(groups)
    if wanted is None:
        return False
    session = model.Session
    members = (
        session.query(model.Member)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_id == package_id)
        .filter(model.Member.table_name == "package")
        .filter(model.Group.is_organization.is_(False))
        .all()
    )
    by_group = {m.group_id: m for m in members}
    wanted_ids = {g.id for g in wanted}
    changed = False
    for group in wanted:
        member = by_group.get(group.id)
        if member is None:
            session.add(model.Member(group_id=group.id, table_id=package_id,
                                     table_name="package", capacity="public", state="active"))
            changed = True
        elif member.state != "active":
            member.state = "active"
            changed = True
    for group_id, member in by_group.items():
        if group_id not in wanted_ids and member.state == "active":
            member.state = "deleted"
            changed = True
    if changed:
        session.flush()
    return changed
