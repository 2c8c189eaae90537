"""Who may see which part of the leadership dashboard, and the grants behind it.

Tiers (issue 5):

* sysadmins and holders of a ``provinsi`` grant see every OPD;
* holders of an ``opd`` grant (the head of an OPD) see that OPD and its
  subordinate UPT/Balai, i.e. organizations whose ``induk_opd`` names it,
  followed down the tree;
* admins of an organization (CKAN ``admin`` capacity) see that organization;
* everyone else sees nothing.

Grants come from SSO claims (``source = "sso"``) or from a sysadmin
(``source = "admin"``); every change is written to the audit table in the same
transaction.  Which *private* datasets are counted is a separate question,
answered by CKAN's own permission labels (see :class:`Viewer`).
"""
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from ckan.lib.plugins import get_permission_labels

LEVELS = ("provinsi", "opd")
SOURCES = ("sso", "admin")

GRANT_TABLE = "bantensatudata_dashboard_access"
AUDIT_TABLE = "bantensatudata_dashboard_audit"

# Idempotent: used by the Alembic migration and by the tests' fixture.
DDL = """
CREATE TABLE IF NOT EXISTS bantensatudata_dashboard_access (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    level text NOT NULL CHECK (level IN ('provinsi', 'opd')),
    organization_id text,
    source text NOT NULL CHECK (source IN ('sso', 'admin')),
    granted_by text,
    created timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 'opd') = (organization_id IS NOT NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS bantensatudata_dashboard_access_uniq
    ON bantensatudata_dashboard_access (user_id, level, (coalesce(organization_id, '')), source);
CREATE INDEX IF NOT EXISTS bantensatudata_dashboard_access_org_idx
    ON bantensatudata_dashboard_access (organization_id);
CREATE TABLE IF NOT EXISTS bantensatudata_dashboard_audit (
    id bigserial PRIMARY KEY,
    created timestamptz NOT NULL DEFAULT now(),
    actor text,
    action text NOT NULL CHECK (action IN ('grant', 'revoke')),
    user_id text NOT NULL,
    user_name text,
    level text,
    organization_id text,
    organization_name text,
    source text
);
CREATE INDEX IF NOT EXISTS bantensatudata_dashboard_audit_created_idx
    ON bantensatudata_dashboard_audit (created DESC);
CREATE INDEX IF NOT EXISTS bantensatudata_dashboard_audit_user_idx
    ON bantensatudata_dashboard_audit (user_id);
"""


# --- organizations ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Organization:
    id: str
    name: str
    title: str
    parent: str  # induk_opd: the parent organization's name ("" for none)

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "title": self.title, "induk_opd": self.parent}


def organizations(conn: Any = None) -> dict[str, Organization]:
    """Active organizations (OPD), by id, ordered by title."""
    conn = conn or model.Session
    rows = conn.execute(sa.text(
        """SELECT id, name, coalesce(nullif(btrim(title), ''), name) AS title,
                  btrim(coalesce(extras->>'induk_opd', '')) AS parent
           FROM "group"
           WHERE is_organization AND state = 'active'
           ORDER BY lower(coalesce(nullif(btrim(title), ''), name)), name"""
    ))
    return {r.id: Organization(r.id, r.name, r.title, r.parent) for r in rows}


def find_organization(orgs: dict[str, Organization], id_or_name: str) -> Organization | None:
    if id_or_name in orgs:
        return orgs[id_or_name]
    for org in orgs.values():
        if org.name == id_or_name:
            return org
    return None


def subtree(orgs: dict[str, Organization], root_id: str) -> set[str]:
    """The organization and every organization below it through ``induk_opd``."""
    children: dict[str, list[str]] = {}
    for org in orgs.values():
        if org.parent:
            parent = find_organization(orgs, org.parent)
            if parent is not None and parent.id != org.id:
                children.setdefault(parent.id, []).append(org.id)
    seen = {root_id}
    todo = [root_id]
    while todo:  # a cycle in induk_opd stops at the first repeat
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


# --- viewers ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Viewer:
    """What one user may see.

    ``province``: every OPD may be opened; otherwise only ``allowed``.
    ``private_orgs``: organizations whose private datasets the user may read
    (CKAN's ``member-<org id>`` permission labels); ``None`` means all (sysadmin).
    Private datasets shared through dataset-level collaboration are not
    counted: they are individual exceptions, not an OPD's figures.
    """

    user_id: str | None
    user_name: str | None
    sysadmin: bool
    province: bool
    allowed: frozenset[str]
    private_orgs: frozenset[str] | None

    @property
    def has_access(self) -> bool:
        return self.province or bool(self.allowed)

    def may_open(self, org_id: str) -> bool:
        return self.province or org_id in self.allowed

    def sees_private(self, org_id: str) -> bool:
        return self.private_orgs is None or org_id in self.private_orgs

    def scope(self, orgs: dict[str, Organization], root_id: str | None = None) -> list[str]:
        """Organization ids (in ``orgs`` order) covered by a page.

        Without ``root_id``: everything the viewer may open.  With it: that
        organization and its subordinates, as far as the viewer may open them.
        """
        below = subtree(orgs, root_id) if root_id else set(orgs)
        return [oid for oid in orgs if oid in below and self.may_open(oid)]


NOBODY = Viewer(None, None, False, False, frozenset(), frozenset())


def viewer_for(user: model.User | None, orgs: dict[str, Organization] | None = None) -> Viewer:
    if user is None or not getattr(user, "id", None) or user.state != "active":
        return NOBODY
    orgs = orgs if orgs is not None else organizations()
    if user.sysadmin:
        return Viewer(user.id, user.name, True, True, frozenset(orgs), None)

    province = False
    allowed: set[str] = set()
    for grant in grants_of(user.id):
        if grant["level"] == "provinsi":
            province = True
        elif grant["organization_id"] in orgs:
            allowed |= subtree(orgs, grant["organization_id"])
    allowed |= {oid for oid in admin_organizations(user.id) if oid in orgs}

    labels = get_permission_labels().get_user_dataset_labels(user)
    private_orgs = frozenset(label[len("member-"):] for label in labels if label.startswith("member-"))
    return Viewer(
        user.id, user.name, False, province,
        frozenset(orgs) if province else frozenset(allowed), private_orgs,
    )


def admin_organizations(user_id: str) -> set[str]:
    """Organizations where the user holds the CKAN ``admin`` capacity."""
    rows = model.Session.execute(sa.text(
        """SELECT m.group_id FROM member m JOIN "group" g ON g.id = m.group_id
           WHERE m.table_name = 'user' AND m.table_id = :uid AND m.state = 'active'
             AND m.capacity = 'admin' AND g.is_organization AND g.state = 'active'"""
    ), {"uid": user_id})
    return {r.group_id for r in rows}


# --- grants -----------------------------------------------------------------


def _table_exists(name: str) -> bool:
    return model.Session.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"public.{name}"}).scalar()


def grants_of(user_id: str) -> list[dict[str, Any]]:
    if not _table_exists(GRANT_TABLE):
        return []
    rows = model.Session.execute(sa.text(
        f"SELECT level, organization_id, source FROM {GRANT_TABLE} WHERE user_id = :uid"
    ), {"uid": user_id})
    return [dict(r._mapping) for r in rows]


_GRANT_SELECT = f"""
    SELECT a.id, a.user_id, u.name AS user_name, u.fullname AS user_fullname, a.level,
           a.organization_id, g.name AS organization_name, g.title AS organization_title,
           a.source, a.granted_by, a.created
    FROM {GRANT_TABLE} a
    LEFT JOIN "user" u ON u.id = a.user_id
    LEFT JOIN "group" g ON g.id = a.organization_id
"""


def _grant_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["created"] = data["created"].isoformat() if data["created"] else None
    return data


def list_grants(
    user_id: str | None = None, organization_id: str | None = None, level: str | None = None,
    source: str | None = None, limit: int = 1000, offset: int = 0,
) -> list[dict[str, Any]]:
    where, params = _filters(user_id, organization_id, level, source)
    params.update(limit=limit, offset=offset)
    rows = model.Session.execute(sa.text(
        f"{_GRANT_SELECT} {where} ORDER BY u.name, a.level DESC, g.name, a.source LIMIT :limit OFFSET :offset"
    ), params)
    return [_grant_dict(r) for r in rows]


def _filters(
    user_id: str | None, organization_id: str | None, level: str | None, source: str | None,
) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    for column, value in (("user_id", user_id), ("organization_id", organization_id),
                          ("level", level), ("source", source)):
        if value:
            clauses.append(f"a.{column} = :{column}")
            params[column] = value
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _audit(actor: str | None, action: str, grant: dict[str, Any]) -> None:
    model.Session.execute(sa.text(
        f"""INSERT INTO {AUDIT_TABLE}
            (actor, action, user_id, user_name, level, organization_id, organization_name, source)
            VALUES (:actor, :action, :user_id, :user_name, :level, :organization_id,
                    :organization_name, :source)"""
    ), {
        "actor": actor, "action": action, "user_id": grant["user_id"],
        "user_name": grant.get("user_name"), "level": grant["level"],
        "organization_id": grant.get("organization_id"),
        "organization_name": grant.get("organization_name"), "source": grant["source"],
    })


def grant(user_id: str, level: str, organization_id: str | None, source: str,
          actor: str | None) -> tuple[dict[str, Any], bool]:
    """Adds a grant (no commit).  Returns it and whether it is new.

    Granting what is already granted changes nothing and writes no audit row.
    """
    new_id = str(uuid.uuid4())
    inserted = model.Session.execute(sa.text(
        f"""INSERT INTO {GRANT_TABLE} (id, user_id, level, organization_id, source, granted_by)
            VALUES (:id, :user_id, :level, :organization_id, :source, :actor)
            ON CONFLICT (user_id, level, (coalesce(organization_id, '')), source) DO NOTHING
            RETURNING id"""
    ), {"id": new_id, "user_id": user_id, "level": level, "organization_id": organization_id,
        "source": source, "actor": actor}).scalar()
    rows = list_grants(user_id, organization_id, level, source)
    # list_grants with organization_id None also matches opd grants; pick the exact one
    row = next(r for r in rows if r["organization_id"] == organization_id)
    if inserted:
        _audit(actor, "grant", row)
    return row, bool(inserted)


def revoke(user_id: str, level: str | None, organization_id: str | None, source: str | None,
           actor: str | None) -> list[dict[str, Any]]:
    """Removes the matching grants (no commit) and audits each one."""
    removed = list_grants(user_id, organization_id, level, source)
    if removed:
        model.Session.execute(sa.text(f"DELETE FROM {GRANT_TABLE} WHERE id = ANY(:ids)"),
                              {"ids": [r["id"] for r in removed]})
        for row in removed:
            _audit(actor, "revoke", row)
    return removed


def audit_log(user_id: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    where = "WHERE user_id = :uid" if user_id else ""
    rows = model.Session.execute(sa.text(
        f"""SELECT id, created, actor, action, user_id, user_name, level, organization_id,
                   organization_name, source
            FROM {AUDIT_TABLE} {where} ORDER BY created DESC, id DESC LIMIT :limit OFFSET :offset"""
    ), {"uid": user_id, "limit": limit, "offset": offset})
    out = []
    for r in rows:
        data = dict(r._mapping)
        data["created"] = data["created"].isoformat()
        out.append(data)
    return out


def ensure_tables(conn: Any) -> None:
    """Creates the grant and audit tables if missing (idempotent)."""
    conn.execute(sa.text(DDL))


def organization_names(orgs: dict[str, Organization], ids: Iterable[str]) -> list[str]:
    return [orgs[i].name for i in ids if i in orgs]
