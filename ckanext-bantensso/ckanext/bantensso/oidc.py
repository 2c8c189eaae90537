"""The relying party: discovery, authorization request, callback and token checks.

Authlib builds the authorization request (PKCE S256) and performs the token
request with the configured client authentication; joserfc verifies the id_token
signature.  Every claim check an OpenID Connect relying party owes is written out
here rather than left to library defaults (Authlib, for one, does not enforce
``aud`` unless told to): exact ``iss``, ``aud`` containing our client id, ``azp``,
``exp``/``iat``/``nbf`` with a small skew, ``nonce``, ``at_hash``, userinfo
``sub``.  Every HTTP call has a timeout and verifies TLS; plain http is accepted
only for loopback addresses (development and the test provider).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ckanext.bantensso import config, store
from ckanext.bantensso.errors import (
    AccessDenied,
    ConfigurationError,
    ProviderError,
    ProviderUnavailable,
    TokenRejected,
    TransactionError,
)

log = logging.getLogger(__name__)

_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


@dataclass
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str = ""
    jwks_uri: str = ""
    end_session_endpoint: str = ""
    iss_parameter_supported: bool = False
    algorithms: list[str] = field(default_factory=list)


@dataclass
class SignInResult:
    """What a verified callback yields: the claims, and what logout will need."""

    issuer: str
    claims: dict[str, Any]
    came_from: str
    id_token: str | None = None


def clear_cache() -> None:
    """Forget cached discovery documents and key sets (new settings, tests)."""
    with _cache_lock:
        _cache.clear()


# --- HTTP ---------------------------------------------------------------------

def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str) -> str:
    """Accept https URLs, and http only on loopback: tokens never cross a network in clear."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return url
    raise ConfigurationError(
        tk._("Banten Satu Login is not configured correctly. Please contact the portal administrator."),
        f"insecure_or_invalid_url:{what}",
    )


def _request(method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", config.timeout())
    kwargs["verify"] = config.tls_verify()
    kwargs.setdefault("allow_redirects", False)
    try:
        resp = requests.request(method, check_url(url, what), **kwargs)
    except requests.RequestException as exc:
        log.warning("bantensso: %s unreachable (%s)", what, type(exc).__name__)
        raise ProviderUnavailable(_unavailable_message(), f"unreachable:{what}") from exc
    if resp.status_code >= 500:
        log.warning("bantensso: %s answered HTTP %s", what, resp.status_code)
        raise ProviderUnavailable(_unavailable_message(), f"http_{resp.status_code}:{what}")
    return resp


def _unavailable_message() -> str:
    return tk._("Banten Satu Login cannot be reached at the moment. Please try again in a few minutes.")


def _rejected_message() -> str:
    return tk._("The answer from Banten Satu Login could not be verified, so you were not signed in. "
                "Please try again.")


def _json(resp: requests.Response, what: str) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        data = None
    if resp.status_code != 200 or not isinstance(data, dict):
        log.warning("bantensso: %s gave HTTP %s without a JSON object", what, resp.status_code)
        raise ProviderError(_rejected_message(), f"bad_response:{what}")
    return data


def _cached(key: str, loader: Any, force: bool = False) -> Any:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and not force and now - hit[0] < config.metadata_cache_ttl():
        return hit[1]
    value = loader()
    with _cache_lock:
        _cache[key] = (time.monotonic(), value)
    return value


# --- provider metadata ------------------------------------------------------------

def _require_settings() -> None:
    missing = [name for name, value in (
        ("issuer", config.issuer()), ("client_id", config.client_id()), ("client_secret", config.client_secret()),
    ) if not value]
    if config.mode() == "oauth2":
        missing += [name for name in ("authorize_url", "token_url", "profile_url") if not config.endpoint(name)]
    if missing:
        log.error("bantensso: missing settings: %s", ", ".join("ckanext.bantensso." + m for m in missing))
        raise ConfigurationError(
            tk._("Banten Satu Login is not configured correctly. Please contact the portal administrator."),
            "missing_settings",
        )


def metadata() -> ProviderMetadata:
    """The provider's endpoints: from discovery (oidc) or from the settings (oauth2)."""
    _require_settings()
    issuer = config.issuer()
    if config.mode() == "oauth2":
        return ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=check_url(config.endpoint("authorize_url"), "authorize_url"),
            token_endpoint=check_url(config.endpoint("token_url"), "token_url"),
            userinfo_endpoint=check_url(config.endpoint("profile_url"), "profile_url"),
            end_session_endpoint=check_url(config.endpoint("logout_url"), "logout_url")
            if config.endpoint("logout_url") else "",
        )
    check_url(issuer, "issuer")
    doc = _cached("discovery:" + issuer, lambda: _discover(issuer))
    meta = ProviderMetadata(
        issuer=doc["issuer"],
        authorization_endpoint=config.endpoint("authorize_url") or doc["authorization_endpoint"],
        token_endpoint=config.endpoint("token_url") or doc["token_endpoint"],
        userinfo_endpoint=doc.get("userinfo_endpoint") or "",
        jwks_uri=doc["jwks_uri"],
        end_session_endpoint=doc.get("end_session_endpoint") or "",
        iss_parameter_supported=doc.get("authorization_response_iss_parameter_supported") is True,
        algorithms=list(doc.get("id_token_signing_alg_values_supported") or []),
    )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        check_url(getattr(meta, name), name)
    for name in ("userinfo_endpoint", "end_session_endpoint"):
        if getattr(meta, name):
            check_url(getattr(meta, name), name)
    return meta


def _discover(issuer: str) -> dict[str, Any]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    doc = _json(_request("GET", url, "discovery"), "discovery")
    # OpenID Connect Discovery 1.0, section 4.3: the document's issuer MUST be
    # identical to the one we asked for, or anyone could impersonate it.
    if doc.get("issuer") != issuer:
        log.error("bantensso: discovery issuer %r differs from configured %r", doc.get("issuer"), issuer)
        raise ProviderError(_rejected_message(), "discovery_issuer_mismatch")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(name), str) or not doc[name]:
            raise ProviderError(_rejected_message(), f"discovery_missing:{name}")
    return doc


def _load_keys(meta: ProviderMetadata) -> KeySet:
    data = _json(_request("GET", meta.jwks_uri, "jwks"), "jwks")
    keys = [k for k in data.get("keys") or [] if isinstance(k, dict) and k.get("use", "sig") == "sig"]
    try:
        return KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderError(_rejected_message(), "jwks_unusable") from exc


def keys(meta: ProviderMetadata, force: bool = False) -> KeySet:
    return _cached("jwks:" + meta.jwks_uri, lambda: _load_keys(meta), force=force)


# --- authorization request --------------------------------------------------------

def _client(meta: ProviderMetadata) -> OAuth2Session:
    session = OAuth2Session(
        client_id=config.client_id(),
        client_secret=config.client_secret(),
        scope=config.scope(),
        redirect_uri=config.redirect_uri(),
        token_endpoint_auth_method=config.client_auth_method(),
        code_challenge_method="S256" if config.pkce() else None,
        default_timeout=config.timeout(),
    )
    session.verify = config.tls_verify()
    return session


def begin(came_from: str) -> tuple[str, str]:
    """Start a sign-in: returns the provider URL to redirect to and the new state."""
    meta = metadata()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if config.pkce() else None
    extra: dict[str, str] = {"nonce": nonce} if config.mode() == "oidc" else {}
    client = _client(meta)
    try:
        url, _state = client.create_authorization_url(
            meta.authorization_endpoint, state=state, code_verifier=verifier, **extra
        )
    finally:
        client.close()
    store.save_transaction(state, {
        "nonce": nonce if config.mode() == "oidc" else None,
        "code_verifier": verifier,
        "came_from": came_from,
        "issuer": meta.issuer,
        "mode": config.mode(),
    })
    return url, state


# --- callback ------------------------------------------------------------------------

def complete(args: Mapping[str, str], known_states: list[str]) -> SignInResult:
    """Verify a callback from the provider; any failure raises an SSOError.

    ``known_states`` are the states this browser's session started: a callback
    whose state is not among them (missing, forged, from another browser) is
    refused before anything is sent to the provider.
    """
    state = args.get("state") or ""
    if not state:
        raise TransactionError(_restart_message(), "missing_state")
    if not any(hmac.compare_digest(state.encode(), s.encode()) for s in known_states if isinstance(s, str)):
        raise TransactionError(_restart_message(), "state_mismatch")
    tx = store.pop_transaction(state)
    if tx is None:
        raise TransactionError(_restart_message(), "transaction_expired_or_used")

    meta = metadata()
    if tx.get("issuer") != meta.issuer or tx.get("mode") != config.mode():
        raise TransactionError(_restart_message(), "settings_changed")

    # RFC 9207: the authorization response names its issuer (mix-up defence).
    iss = args.get("iss")
    if iss is not None and iss != meta.issuer:
        raise TokenRejected(_rejected_message(), "iss_parameter_mismatch")
    if iss is None and meta.iss_parameter_supported:
        raise TokenRejected(_rejected_message(), "iss_parameter_missing")

    error = args.get("error")
    if error:
        if error in ("access_denied", "login_required", "consent_required", "interaction_required"):
            raise AccessDenied(tk._("Sign-in with Banten Satu Login was cancelled or refused."), f"provider:{error}")
        raise ProviderError(_rejected_message(), "provider_error:" + _printable(error))

    code = args.get("code") or ""
    if not code:
        raise ProviderError(_rejected_message(), "missing_code")

    token = _fetch_token(meta, code, tx.get("code_verifier"))
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise ProviderError(_rejected_message(), "missing_access_token")

    if tx["mode"] == "oauth2":
        profile = _json(_bearer_get(meta.userinfo_endpoint, access_token, "profile"), "profile")
        return SignInResult(issuer=meta.issuer, claims=profile, came_from=tx.get("came_from") or "")

    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise TokenRejected(_rejected_message(), "missing_id_token")
    claims = verify_id_token(id_token, meta, nonce=tx.get("nonce") or "", access_token=access_token)
    if config.use_userinfo() and meta.userinfo_endpoint:
        info = _json(_bearer_get(meta.userinfo_endpoint, access_token, "userinfo"), "userinfo")
        # OIDC Core 5.3.2: the userinfo sub MUST match the id_token's, or the
        # answer is about someone else and must not be used.
        if not isinstance(info.get("sub"), str) or not hmac.compare_digest(info["sub"], claims["sub"]):
            raise TokenRejected(_rejected_message(), "userinfo_sub_mismatch")
        claims = {**claims, **{k: v for k, v in info.items() if k not in _PROTOCOL_CLAIMS}}
    return SignInResult(issuer=meta.issuer, claims=claims, came_from=tx.get("came_from") or "", id_token=id_token)


_PROTOCOL_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash", "auth_time"})


def _restart_message() -> str:
    return tk._("This sign-in attempt is no longer valid (it expired, was already used, or was started "
                "in another browser). Please sign in again.")


def _printable(value: str) -> str:
    return "".join(ch for ch in value[:64] if ch.isalnum() or ch in "_-.")


def _fetch_token(meta: ProviderMetadata, code: str, verifier: str | None) -> dict[str, Any]:
    client = _client(meta)
    kwargs: dict[str, Any] = {"code": code, "grant_type": "authorization_code",
                              "redirect_uri": config.redirect_uri(), "timeout": config.timeout(),
                              "verify": config.tls_verify(), "allow_redirects": False}
    if verifier:
        kwargs["code_verifier"] = verifier
    try:
        return dict(client.fetch_token(check_url(meta.token_endpoint, "token_endpoint"), **kwargs))
    except OAuthError as exc:
        log.warning("bantensso: token endpoint refused the code (%s)", _printable(str(exc.error or "")))
        raise ProviderError(_rejected_message(), "token_error:" + _printable(str(exc.error or ""))) from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        if status >= 500:
            raise ProviderUnavailable(_unavailable_message(), f"http_{status}:token") from exc
        raise ProviderError(_rejected_message(), f"token_http_{status}") from exc
    except requests.RequestException as exc:
        log.warning("bantensso: token endpoint unreachable (%s)", type(exc).__name__)
        raise ProviderUnavailable(_unavailable_message(), "unreachable:token") from exc
    except ValueError as exc:
        raise ProviderError(_rejected_message(), "token_not_json") from exc
    finally:
        client.close()


def _bearer_get(url: str, access_token: str, what: str) -> requests.Response:
    return _request("GET", url, what, headers={"Authorization": "Bearer " + access_token,
                                                "Accept": "application/json"})


# --- id_token ------------------------------------------------------------------------

def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _allowed_algorithms(meta: ProviderMetadata) -> list[str]:
    allowed = config.id_token_algorithms()
    if meta.algorithms:
        allowed = [a for a in allowed if a in meta.algorithms]
    return allowed


def _select_key(keyset: KeySet, kid: str | None, alg: str) -> Any | None:
    family = _KEY_TYPES.get(alg[:2])
    candidates = [
        k for k in keyset.keys
        if (kid is None or k.kid == kid) and (family is None or k.key_type == family)
        and (k.alg is None or k.alg == alg)
    ]
    if kid is None and len(candidates) != 1:
        return None
    return candidates[0] if candidates else None


def half_hash(value: str, alg: str) -> str:
    """at_hash / c_hash: left half of the hash of the ASCII value, base64url (OIDC Core 3.1.3.6)."""
    bits = alg[-3:]
    digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}.get(
        bits, hashlib.sha512 if alg == "EdDSA" else None)
    if digest is None:
        raise TokenRejected(_rejected_message(), "at_hash_algorithm")
    raw = digest(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw[: len(raw) // 2]).rstrip(b"=").decode("ascii")


def verify_id_token(token: str, meta: ProviderMetadata, *, nonce: str, access_token: str | None) -> dict[str, Any]:
    """All of OIDC Core 3.1.3.7 that applies to a confidential code-flow client."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRejected(_rejected_message(), "id_token_malformed")
    try:
        header = json.loads(_b64decode(parts[0]))
    except (ValueError, TypeError) as exc:
        raise TokenRejected(_rejected_message(), "id_token_malformed") from exc
    if not isinstance(header, dict):
        raise TokenRejected(_rejected_message(), "id_token_malformed")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in _allowed_algorithms(meta):
        raise TokenRejected(_rejected_message(), "id_token_algorithm_not_allowed")
    if header.get("crit"):
        raise TokenRejected(_rejected_message(), "id_token_crit_header")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise TokenRejected(_rejected_message(), "id_token_malformed")

    key = _select_key(keys(meta), kid, alg)
    if key is None:
        # Unknown kid: the provider may have rotated its keys. Fetch once more.
        key = _select_key(keys(meta, force=True), kid, alg)
    if key is None:
        raise TokenRejected(_rejected_message(), "id_token_unknown_key")
    try:
        signed = jws.deserialize_compact(token, key, algorithms=[alg])
        claims = json.loads(signed.payload)
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenRejected(_rejected_message(), "id_token_bad_signature") from exc
    if not isinstance(claims, dict):
        raise TokenRejected(_rejected_message(), "id_token_malformed")
    _check_claims(claims, meta, nonce=nonce)
    at_hash = claims.get("at_hash")
    if at_hash is not None and (
        not access_token or not isinstance(at_hash, str)
        or not hmac.compare_digest(at_hash, half_hash(access_token, alg))
    ):
        raise TokenRejected(_rejected_message(), "id_token_at_hash_mismatch")
    return claims


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _check_claims(claims: dict[str, Any], meta: ProviderMetadata, *, nonce: str) -> None:
    client_id = config.client_id()
    skew = config.clock_skew()
    now = time.time()
    if claims.get("iss") != meta.issuer:
        raise TokenRejected(_rejected_message(), "id_token_iss_mismatch")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences) \
            or client_id not in audiences:
        raise TokenRejected(_rejected_message(), "id_token_aud_mismatch")
    azp = claims.get("azp")
    if (len(audiences) > 1 and azp is None) or (azp is not None and azp != client_id):
        raise TokenRejected(_rejected_message(), "id_token_azp_mismatch")
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    if not _number(exp) or now > exp + skew:
        raise TokenRejected(_rejected_message(), "id_token_expired")
    if not _number(iat) or iat > now + skew or now - iat > config.max_token_age() + skew:
        raise TokenRejected(_rejected_message(), "id_token_iat_out_of_range")
    if nbf is not None and (not _number(nbf) or nbf > now + skew):
        raise TokenRejected(_rejected_message(), "id_token_not_yet_valid")
    got = claims.get("nonce")
    if not nonce or not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
        raise TokenRejected(_rejected_message(), "id_token_nonce_mismatch")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise TokenRejected(_rejected_message(), "id_token_sub_invalid")


# --- logout ----------------------------------------------------------------------------

def end_session_url(id_token: str | None, state: str) -> str | None:
    """Where to send the browser for RP-initiated logout, or None (local logout only)."""
    if not config.enabled():
        return None
    try:
        meta = metadata()
    except (ProviderUnavailable, ProviderError, ConfigurationError) as exc:
        log.warning("bantensso: no provider logout (%s)", exc.reason)
        return None
    if not meta.end_session_endpoint:
        return None
    return_to = config.post_logout_redirect_uri()
    if config.mode() == "oauth2":
        return meta.end_session_endpoint.replace("{return_to}", urllib.parse.quote(return_to, safe=""))
    params = {"post_logout_redirect_uri": return_to, "state": state, "client_id": config.client_id()}
    if id_token:
        params["id_token_hint"] = id_token
    sep = "&" if "?" in meta.end_session_endpoint else "?"
    return meta.end_session_endpoint + sep + urllib.parse.urlencode(params)
