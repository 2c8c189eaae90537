"""(issuer, subject) -> CKAN user, and the memberships SSO manages for that user.

The identity is the pair (issuer, subject) kept in the user's ``plugin_extras``
(writable only with a sysadmin context, hence the site user).  An existing
account is never taken over by e-mail unless ``link_by_email`` allows it.  The
NIP never becomes the public user name: it encodes birth date and gender.

A sign-in is decided first (reads only: account, e-mail, OPD, role, level) and
written second, in one database transaction, so a refused sign-in leaves no
half-created user or membership behind.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.bantensso import claims as claims_mod
from ckanext.bantensso import config
from ckanext.bantensso.errors import AccessDenied, AccountConflict, ProviderError

log = logging.getLogger(__name__)

EXTRAS_KEY = "bantensso"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
_EMAIL_RE = re.compile(rf"^[^@\s\x00-\x1f]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DASHBOARD_GRANT = "bantensatudata_dashboard_access_grant"
_DASHBOARD_REVOKE = "bantensatudata_dashboard_access_revoke"


@dataclass
class Identity:
    issuer: str
    subject: str
    email: str | None = None
    email_verified: bool = False
    name: str | None = None
    nip: str | None = None
    opd_code: str | None = None
    position: str | None = None


@dataclass
class SignInOutcome:
    user: model.User
    created: bool
    organization: dict[str, Any] | None
    role: str | None
    level: str
    notes: list[str] = field(default_factory=list)


def _claims_error(reason: str) -> ProviderError:
    return ProviderError(
        tk._("Banten Satu Login sent incomplete or invalid account details, so you were not signed in. "
             "Please contact the Banten Satu Login helpdesk."),
        reason,
    )


def _text(value: Any, max_len: int) -> str | None:
    """A clean one-line string claim, or None when absent; raises on garbage."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _claims_error("claim_not_text")
    text = " ".join(str(value).split())
    if _CONTROL.search(text) or len(text) > max_len:
        raise _claims_error("claim_too_long_or_control")
    return text or None


def identity_from_claims(issuer: str, data: dict[str, Any]) -> Identity:
    """Read the configured claims; malformed values are refused, not guessed."""
    subject = _text(claims_mod.value_at(data, config.claim_path("subject")), 255)
    if not subject:
        raise _claims_error("claim_missing_subject")
    email = _text(claims_mod.value_at(data, config.claim_path("email")), 254)
    if email is not None and not _EMAIL_RE.match(email):
        raise _claims_error("claim_invalid_email")
    nip = _text(claims_mod.value_at(data, config.claim_path("nip")), 32)
    if nip is not None and not nip.replace(" ", "").isdigit():
        raise _claims_error("claim_invalid_nip")
    verified = claims_mod.value_at(data, config.claim_path("email_verified"))
    return Identity(
        issuer=issuer,
        subject=subject,
        email=email,
        email_verified=verified is True or (isinstance(verified, str) and verified.lower() == "true"),
        name=_text(claims_mod.value_at(data, config.claim_path("name")), 200),
        nip=nip.replace(" ", "") if nip else None,
        opd_code=_text(claims_mod.value_at(data, config.claim_path("opd_code")), 64),
        position=_text(claims_mod.value_at(data, config.claim_path("position")), 255),
    )


# --- lookups ---------------------------------------------------------------------------

def find_user(issuer: str, subject: str) -> model.User | None:
    """The account bound to (issuer, subject), whatever its state."""
    extras = model.User.plugin_extras
    return (
        model.Session.query(model.User)
        .filter(extras[EXTRAS_KEY]["issuer"].astext == issuer)
        .filter(extras[EXTRAS_KEY]["subject"].astext == subject)
        .order_by(model.User.created)
        .first()
    )


def subject_hash(identity: Identity) -> str:
    return hashlib.sha256(f"{identity.issuer}\n{identity.subject}".encode()).hexdigest()[:20]


def _fallback_email(identity: Identity) -> str | None:
    template = config.email_fallback()
    if not template:
        return None
    email = template.replace("{subject_hash}", subject_hash(identity))
    return email if _EMAIL_RE.match(email) else None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"\d{5,}", "", ascii_text)  # never a NIP (or any long number) in a public name
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-")


def username_for(identity: Identity, email: str) -> str:
    """A free, readable, public user name built from the name or e-mail, never from the NIP."""
    base = ""
    for source in (identity.name, email.split("@", 1)[0]):
        candidate = _slug(source or "")
        if len(candidate) >= 2 and (not identity.nip or identity.nip not in candidate):
            base = candidate
            break
    base = base or "pegawai"
    for i in range(1, 100):
        name = base if i == 1 else f"{base}-{i}"
        if model.User.get(name) is None:
            return name
    return f"{base}-{secrets.token_hex(4)}"


def _bound_identity(user: model.User) -> dict[str, Any]:
    extras = user.plugin_extras or {}
    value = extras.get(EXTRAS_KEY)
    return value if isinstance(value, dict) else {}


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _org_memberships(user_id: str) -> dict[str, model.Member]:
    rows = (
        model.Session.query(model.Member)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user", model.Member.table_id == user_id,
                model.Member.state == "active", model.Group.is_organization.is_(True),
                model.Group.state == "active")
        .all()
    )
    return {m.group_id: m for m in rows}


# --- the sign-in ------------------------------------------------------------------------

def sign_in(identity: Identity) -> SignInOutcome:
    """Find or create the account, refresh its profile and re-sync what SSO manages."""
    notes: list[str] = []
    user = find_user(identity.issuer, identity.subject)
    if user is not None and user.state != model.State.ACTIVE:
        raise AccessDenied(
            tk._("Your portal account has been disabled. Please contact the portal administrator."),
            "account_not_active",
        )

    email = identity.email or _fallback_email(identity)
    if not email:
        raise AccountConflict(
            tk._("Your Banten Satu Login account has no e-mail address, which the portal needs. "
                 "Please add one at Banten Satu Login, then sign in again."),
            "no_email",
        )

    link = None
    if user is None:
        owner = model.User.by_email(email)
        if owner is not None and owner.state != model.State.DELETED:
            if _may_link(owner, identity):
                link = owner
            else:
                raise AccountConflict(
                    tk._("A portal account with your e-mail address already exists and is not linked to "
                         "Banten Satu Login. Please ask the portal administrator to link it."),
                    "email_taken",
                )
    elif email.lower() != (user.email or "").lower():
        owner = model.User.by_email(email)
        if owner is not None and owner.id != user.id and owner.state != model.State.DELETED:
            log.warning("bantensso: e-mail of user %s not updated: used by another account", user.name)
            email = user.email

    organization = claims_mod.find_organization(identity.opd_code)
    if organization is None:
        role = None
        if identity.opd_code:
            notes.append(tk._("Your agency (OPD code {code}) is not registered on the portal yet, so you were "
                              "signed in without organization rights. Please contact the portal "
                              "administrator.").format(code=identity.opd_code))
        else:
            notes.append(tk._("Banten Satu Login did not say which agency (OPD) you belong to, so you were "
                              "signed in without organization rights."))
    else:
        role = claims_mod.role_for(identity.position, identity.opd_code)
        role = None if role == "none" else role
    level = claims_mod.level_for(identity.position, identity.opd_code)
    if level == "opd" and organization is None:
        level = "none"

    try:
        user, created, previous = _write(identity, user or link, email, organization, role, level)
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        raise
    _sync_leadership(user, level, organization, previous)
    return SignInOutcome(user=user, created=created, organization=organization, role=role, level=level,
                         notes=notes)


def _may_link(owner: model.User, identity: Identity) -> bool:
    if not config.link_by_email() or not identity.email or not identity.email_verified:
        return False
    if owner.sysadmin or owner.state != model.State.ACTIVE:
        return False
    bound = _bound_identity(owner)
    return not bound.get("subject")


def _write(identity: Identity, user: model.User | None, email: str, organization: dict[str, Any] | None,
           role: str | None, level: str) -> tuple[model.User, bool, dict[str, Any]]:
    site_user = _site_user()

    def ctx() -> dict[str, Any]:
        return {"user": site_user, "ignore_auth": True, "defer_commit": True, "session": model.Session}

    previous = _bound_identity(user) if user is not None else {}
    record: dict[str, Any] = {
        "issuer": identity.issuer,
        "subject": identity.subject,
        "nip": identity.nip,
        "opd_code": identity.opd_code,
        "jabatan": identity.position,
        "organization": organization["id"] if organization else None,
        "role": role,
        "leadership_level": level,
        "memberships": dict(previous.get("memberships") or {}),
        "last_login": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    fullname = identity.name or (user.fullname if user is not None else None) or ""
    created = user is None
    if created:
        data = {
            "name": username_for(identity, email),
            "email": email,
            "fullname": fullname,
            # Never disclosed: SSO accounts sign in through the provider only.
            "password": secrets.token_urlsafe(32),
            "plugin_extras": {EXTRAS_KEY: dict(record, memberships={})},
        }
        result = tk.get_action("user_create")(ctx(), data)
        user = model.User.get(result["id"])
        assert user is not None
    else:
        assert user is not None
        tk.get_action("user_patch")(ctx(), {"id": user.id, "email": email, "fullname": fullname})

    desired = {organization["id"]: role} if organization and role else {}
    stale = _sync_memberships(user, desired, record, ctx)
    extras = dict(user.plugin_extras or {})
    extras[EXTRAS_KEY] = record
    tk.get_action("user_patch")(ctx(), {"id": user.id, "plugin_extras": extras})
    for org_id in stale:
        # member_delete commits: it runs last, after every other write of this sign-in.
        tk.get_action("member_delete")(dict(ctx(), defer_commit=False), {
            "id": org_id, "object": user.id, "object_type": "user",
        })
    return user, created, previous


def _sync_memberships(user: model.User, desired: dict[str, str], record: dict[str, Any], ctx: Any) -> list[str]:
    """Grant the desired memberships; returns the SSO-granted ones to remove (and forgets them)."""
    granted: dict[str, str] = record["memberships"]
    actual = _org_memberships(user.id)
    stale: list[str] = []
    for org_id, old_role in list(granted.items()):
        member = actual.get(org_id)
        if member is None or member.capacity != old_role:
            # Removed or changed by an administrator since: no longer SSO's to manage.
            granted.pop(org_id)
        elif org_id not in desired:
            stale.append(org_id)
            granted.pop(org_id)
    for org_id, new_role in desired.items():
        member = actual.get(org_id)
        if member is not None and org_id not in granted:
            continue  # granted by hand: an administrator's decision, left alone
        if member is None or member.capacity != new_role:
            tk.get_action("member_create")(ctx(), {
                "id": org_id, "object": user.id, "object_type": "user", "capacity": new_role,
            })
        granted[org_id] = new_role
    return stale


def _sync_leadership(user: model.User, level: str, organization: dict[str, Any] | None,
                     previous: dict[str, Any]) -> None:
    """Tell the leadership dashboard (if installed) the level derived from the claims."""
    try:
        grant = tk.get_action(_DASHBOARD_GRANT)
        revoke = tk.get_action(_DASHBOARD_REVOKE)
    except KeyError:
        log.info("bantensso: %s not available; level %s kept in plugin_extras only", _DASHBOARD_GRANT, level)
        return
    context = {"user": _site_user(), "ignore_auth": True}
    old = (previous.get("leadership_level") or "none", previous.get("organization"))
    new = (level, organization["id"] if organization else None)
    try:
        if old[0] != "none" and old != new:
            revoke(dict(context), {"user": user.name, "source": "sso"})
        if level != "none":
            data = {"user": user.name, "level": level, "source": "sso"}
            if level == "opd" and organization:
                data["organization"] = organization["id"]
            grant(dict(context), data)
    except Exception as exc:  # the dashboard's trouble must not block the sign-in
        model.Session.rollback()
        log.error("bantensso: leadership dashboard sync failed for %s: %s", user.name, type(exc).__name__)
