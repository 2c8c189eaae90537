"""The sign-in flow through CKAN's real app against the real test provider (oidc-provider)."""
from __future__ import annotations

import re
import time
import urllib.parse

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from ckanext.bantensso import accounts, store
from ckanext.bantensso.tests.conftest import (
    ACCOUNTS,
    CLIENT_ID,
    LOGGED_OUT,
    POST_CLIENT_ID,
    SSOBrowser,
    assert_nobody_signed_in,
    opd_organization,
    set_config,
    sso_users,
)

pytestmark = [
    pytest.mark.ckan_config("ckanext.bantensso.enabled", True),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _with_query(url: str, **changes: str | None) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _org_roles(user_id: str) -> dict[str, str]:
    rows = model.Session.query(model.Member).filter(
        model.Member.table_name == "user", model.Member.table_id == user_id, model.Member.state == "active")
    return {m.group_id: m.capacity for m in rows}


def _user_of(browser: SSOBrowser) -> model.User:
    user_id = browser.session_user_id()
    assert user_id
    user = model.User.get(user_id)
    assert user is not None
    return user


# --- success ------------------------------------------------------------------------------

def test_login_creates_account_membership_and_level(browser):
    org = opd_organization("2.16.01")
    claims = ACCOUNTS["kadis-kominfo"]
    browser.app.get("/user/login")
    csrf_before = browser.session().get("_csrf_token")

    resp = browser.login("kadis-kominfo", came_from="/dataset/?q=air")

    assert resp.status_code == 302
    assert resp.headers["Location"] == "/dataset/?q=air"
    user = _user_of(browser)
    assert user.email == claims["email"]
    assert user.fullname == claims["name"]
    assert user.name == "rina-kusumawati"
    assert claims["nip"] not in user.name
    assert not user.sysadmin
    extras = user.plugin_extras["bantensso"]
    assert extras["issuer"] == browser.provider.issuer
    assert extras["subject"] == "kadis-kominfo"
    assert extras["nip"] == claims["nip"]
    assert extras["opd_code"] == "2.16.01"
    assert extras["jabatan"] == claims["jabatan"]
    assert extras["role"] == "admin"
    assert extras["leadership_level"] == "opd"
    assert extras["memberships"] == {org["id"]: "admin"}
    assert _org_roles(user.id) == {org["id"]: "admin"}
    session = browser.session()
    assert session["_csrf_token"] != csrf_before
    assert "bantensso_states" not in session
    # No token in the cookie: only an opaque handle to the server-side id_token.
    assert "eyJ" not in str(session)


def test_second_login_reuses_the_account_and_refreshes_the_profile(app, sso):
    opd_organization("2.16.01")
    SSOBrowser(app, sso).login("kabid-statistik")
    first = sso_users()
    assert len(first) == 1
    sso.set_claims("kabid-statistik", name="Ahmad Fauzi, S.Si.", email="ahmad.fauzi@diskominfo.bantenprov.go.id")

    other_browser = SSOBrowser(app.__class__(app.app), sso)
    resp = other_browser.login("kabid-statistik")

    assert resp.status_code == 302
    users = sso_users()
    assert [u.id for u in users] == [first[0].id]
    model.Session.refresh(users[0])
    assert users[0].fullname == "Ahmad Fauzi, S.Si."
    assert users[0].email == "ahmad.fauzi@diskominfo.bantenprov.go.id"


def test_staff_transfer_moves_only_sso_granted_memberships(app, sso):
    kominfo = opd_organization("2.16.01")
    dinkes = opd_organization("1.02.01")
    other = factories.Organization()
    SSOBrowser(app, sso).login("kabid-statistik")
    user = sso_users()[0]
    # An administrator adds the user to another organization by hand.
    helpers.call_action("organization_member_create", id=other["id"], username=user.name, role="member")
    assert _org_roles(user.id) == {kominfo["id"]: "editor", other["id"]: "member"}

    sso.set_claims("kabid-statistik", opd_code="1.02.01", jabatan="Kepala Dinas Kesehatan")
    SSOBrowser(app.__class__(app.app), sso).login("kabid-statistik")

    assert _org_roles(user.id) == {dinkes["id"]: "admin", other["id"]: "member"}
    model.Session.expire_all()
    assert model.User.get(user.id).plugin_extras["bantensso"]["memberships"] == {dinkes["id"]: "admin"}


def test_membership_granted_by_hand_is_left_alone(app, sso):
    kominfo = opd_organization("2.16.01")
    SSOBrowser(app, sso).login("staf-dinkes")  # first login: no such OPD -> no rights
    user = sso_users()[0]
    helpers.call_action("organization_member_create", id=kominfo["id"], username=user.name, role="admin")
    sso.set_claims("staf-dinkes", opd_code="2.16.01")

    SSOBrowser(app.__class__(app.app), sso).login("staf-dinkes")

    assert _org_roles(user.id) == {kominfo["id"]: "admin"}
    model.Session.expire_all()
    assert model.User.get(user.id).plugin_extras["bantensso"]["memberships"] == {}


def test_unknown_opd_signs_in_without_rights_and_says_so(browser):
    opd_organization("2.16.01")
    resp = browser.login("opd-tak-dikenal")
    assert resp.status_code == 302
    user = _user_of(browser)
    assert _org_roles(user.id) == {}
    assert user.plugin_extras["bantensso"]["organization"] is None
    page = browser.app.get("/dataset/").get_data(as_text=True)
    assert "9.99.99" in page


def test_province_level_for_the_regional_secretary(browser):
    setda = opd_organization("4.01.01")
    browser.login("sekda")
    user = _user_of(browser)
    assert user.plugin_extras["bantensso"]["leadership_level"] == "provinsi"
    assert _org_roles(user.id) == {setda["id"]: "admin"}


def test_member_role_for_other_positions(browser):
    dinkes = opd_organization("1.02.01")
    browser.login("staf-dinkes")
    user = _user_of(browser)
    assert _org_roles(user.id) == {dinkes["id"]: "member"}
    assert user.plugin_extras["bantensso"]["leadership_level"] == "none"
    # The e-mail's local part is the NIP: the public name must not be.
    assert ACCOUNTS["staf-dinkes"]["nip"] not in user.name


def test_sysadmin_is_never_granted_from_claims(browser, sso):
    opd_organization("2.16.01")
    sso.set_claims("kadis-kominfo", sysadmin=True, role="sysadmin", is_admin=True)
    browser.login("kadis-kominfo")
    assert not _user_of(browser).sysadmin


def test_client_secret_post_authentication(browser, monkeypatch):
    set_config(monkeypatch, client_id=POST_CLIENT_ID, client_auth_method="client_secret_post")
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 302
    assert browser.session_user_id()


def test_key_rotation_refetches_the_jwks_once(browser, sso):
    browser.login("kabid-statistik")  # caches the JWKS
    browser.app.post("/user/_logout", data={"_csrf_token": browser.csrf_token()},
                     follow_redirects=False)
    sso.tamper("id_token", "rotate")
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 302
    assert browser.session_user_id()


def test_already_signed_in_user_is_sent_on(browser):
    browser.login("kabid-statistik")
    resp = browser.start("/organization/")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/organization/"


def test_leadership_level_reaches_the_dashboard_wing(app, sso, migrate_db_for):
    """When the dashboard wing is installed, SSO grants and revokes its access (source sso)."""
    helpers_exist = True
    try:
        tk.get_action("bantensatudata_dashboard_access_list")
    except KeyError:
        helpers_exist = False
    kominfo = opd_organization("2.16.01")
    dinkes = opd_organization("1.02.01")
    if helpers_exist:
        migrate_db_for("bantensatudata_dashboard")
    SSOBrowser(app, sso).login("kadis-kominfo")
    user = sso_users()[0]
    assert user.plugin_extras["bantensso"]["leadership_level"] == "opd"
    if not helpers_exist:
        return
    grants = helpers.call_action("bantensatudata_dashboard_access_list", user=user.name)
    assert [(g["level"], g["organization_id"], g["source"]) for g in grants] == [("opd", kominfo["id"], "sso")]

    # Moved to another OPD as staff: the SSO grant goes, nothing else is granted.
    sso.set_claims("kadis-kominfo", opd_code="1.02.01", jabatan="Analis Kebijakan")
    SSOBrowser(type(app)(app.app), sso).login("kadis-kominfo")
    assert helpers.call_action("bantensatudata_dashboard_access_list", user=user.name) == []
    assert _org_roles(user.id) == {dinkes["id"]: "member"}


def test_cas_oauth2_profile_mode(browser, sso, monkeypatch):
    """Plain OAuth2 with an Apereo CAS shaped profile: {"id": ..., "attributes": {...}}."""
    dinkes = opd_organization("1.02.01")
    set_config(
        monkeypatch, mode="oauth2",
        authorize_url=sso.issuer + "/auth", token_url=sso.issuer + "/token",
        profile_url=sso.issuer + "/cas/oauth2.0/profile",
        claim__subject="id", claim__email="attributes.email", claim__name="attributes.name",
        claim__nip="attributes.nip", claim__opd_code="attributes.opd_code", claim__position="attributes.jabatan",
    )
    url = browser.authorization_url()
    assert "nonce=" not in url and "code_challenge=" in url
    resp = browser.callback(browser.authorize(url, "staf-dinkes"))
    assert resp.status_code == 302
    user = _user_of(browser)
    assert user.email == ACCOUNTS["staf-dinkes"]["email"]
    assert user.plugin_extras["bantensso"]["subject"] == "staf-dinkes"
    assert user.plugin_extras["bantensso"]["nip"] == ACCOUNTS["staf-dinkes"]["nip"]
    assert _org_roles(user.id) == {dinkes["id"]: "member"}
    assert browser.session()["bantensso_login"]["handle"] is None


def test_cas_profile_without_id_is_refused(browser, sso, monkeypatch):
    set_config(monkeypatch, mode="oauth2", authorize_url=sso.issuer + "/auth", token_url=sso.issuer + "/token",
               profile_url=sso.issuer + "/cas/oauth2.0/profile", claim__subject="uid")
    resp = browser.login("staf-dinkes")
    assert resp.status_code == 502
    assert "claim_missing_subject" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


# --- e-mail and existing accounts ----------------------------------------------------------

def test_login_without_email_is_refused(browser):
    users_before = model.Session.query(model.User).count()
    resp = browser.login("tanpa-email")
    assert resp.status_code == 409
    assert_nobody_signed_in(browser, users_before)


def test_login_without_email_uses_the_configured_fallback(browser, monkeypatch):
    set_config(monkeypatch, email_fallback="{subject_hash}@pengguna.satudata.bantenprov.go.id")
    resp = browser.login("tanpa-email")
    assert resp.status_code == 302
    user = _user_of(browser)
    assert user.email.endswith("@pengguna.satudata.bantenprov.go.id")
    assert ACCOUNTS["tanpa-email"]["nip"] not in user.email


def test_existing_account_with_same_email_is_not_taken_over(browser):
    local = factories.User(email=ACCOUNTS["kabid-statistik"]["email"].upper())
    users_before = model.Session.query(model.User).count()
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 409
    assert_nobody_signed_in(browser, users_before)
    assert "bantensso" not in (model.User.get(local["id"]).plugin_extras or {})


def test_existing_account_is_linked_when_allowed_and_verified(browser, monkeypatch):
    set_config(monkeypatch, link_by_email=True)
    local = factories.User(email=ACCOUNTS["kabid-statistik"]["email"])
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 302
    assert browser.session_user_id() == local["id"]


def test_sysadmin_account_is_never_linked_by_email(browser, monkeypatch):
    set_config(monkeypatch, link_by_email=True)
    factories.Sysadmin(email=ACCOUNTS["kabid-statistik"]["email"])
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 409
    assert_nobody_signed_in(browser)


def test_unverified_email_is_not_linked(browser, sso, monkeypatch):
    set_config(monkeypatch, link_by_email=True)
    factories.User(email=ACCOUNTS["kabid-statistik"]["email"])
    sso.set_claims("kabid-statistik", email_verified=False)
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 409
    assert_nobody_signed_in(browser)


def test_disabled_account_cannot_sign_in(app, sso):
    SSOBrowser(app, sso).login("kabid-statistik")
    user = sso_users()[0]
    user.state = model.State.DELETED
    model.repo.commit()
    browser = SSOBrowser(app.__class__(app.app), sso)
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 403
    assert browser.session_user_id() is None


def test_malformed_claim_is_refused(browser, sso):
    sso.set_claims("kabid-statistik", nip="19820315-ABC")
    resp = browser.login("kabid-statistik")
    assert resp.status_code == 502
    assert_nobody_signed_in(browser)


# --- negative cases: each refused, no session, no account -----------------------------------

def test_replayed_code_is_refused(app, sso):
    first = SSOBrowser(app, sso)
    callback_url = first.authorize(first.authorization_url(), "kabid-statistik")
    assert first.callback(callback_url).status_code == 302
    code = _query(callback_url)["code"]
    model.Session.remove()

    # Same browser, same callback again: the transaction was single-use.
    attacker = SSOBrowser(app.__class__(app.app), sso)
    state = _query(attacker.authorization_url())["state"]
    users_before = model.Session.query(model.User).count()
    # The old code with a fresh, valid state: the provider refuses the used code.
    resp = attacker.callback(_with_query(callback_url, state=state, code=code))
    assert resp.status_code == 502
    assert attacker.session_user_id() is None
    assert model.Session.query(model.User).count() == users_before


def test_replayed_callback_in_same_browser_is_refused(browser):
    callback_url = browser.authorize(browser.authorization_url(), "kabid-statistik")
    assert browser.callback(callback_url).status_code == 302
    browser.app.post("/user/_logout", data={"_csrf_token": browser.csrf_token()},
                     follow_redirects=False)
    assert browser.session_user_id() is None
    resp = browser.callback(callback_url)
    assert resp.status_code == 400
    assert browser.session_user_id() is None


def test_missing_state_is_refused(browser):
    callback_url = browser.authorize(browser.authorization_url(), "kabid-statistik")
    resp = browser.callback(_with_query(callback_url, state=None))
    assert resp.status_code == 400
    assert_nobody_signed_in(browser)


def test_mismatched_state_is_refused(browser):
    callback_url = browser.authorize(browser.authorization_url(), "kabid-statistik")
    resp = browser.callback(_with_query(callback_url, state="x" + _query(callback_url)["state"]))
    assert resp.status_code == 400
    assert_nobody_signed_in(browser)


def test_callback_in_another_browser_is_refused(app, sso):
    victim = SSOBrowser(app, sso)
    callback_url = victim.authorize(victim.authorization_url(), "kabid-statistik")
    other = SSOBrowser(app.__class__(app.app), sso)
    resp = other.callback(callback_url)
    assert resp.status_code == 400
    assert_nobody_signed_in(other)


def test_expired_transaction_is_refused(browser):
    url = browser.authorization_url()
    assert store.age_transaction(_query(url)["state"], 601)
    resp = browser.callback(browser.authorize(url, "kabid-statistik"))
    assert resp.status_code == 400
    assert "transaction_expired_or_used" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_wrong_nonce_is_refused(browser):
    # A real id_token, issued for another nonce than the one bound to this session.
    url = _with_query(browser.authorization_url(), nonce="not-the-nonce-of-this-session")
    resp = browser.callback(browser.authorize(url, "kabid-statistik"))
    assert resp.status_code == 401
    assert "id_token_nonce_mismatch" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


@pytest.mark.parametrize(("mode", "claims", "reason"), [
    ("resign", {"aud": "another-client"}, "id_token_aud_mismatch"),
    ("resign", {"aud": [CLIENT_ID, "another-client"]}, "id_token_azp_mismatch"),
    ("resign", {"azp": "another-client"}, "id_token_azp_mismatch"),
    ("resign", {"iss": "https://evil.example"}, "id_token_iss_mismatch"),
    ("resign", {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "id_token_expired"),
    ("resign", {"iat": int(time.time()) + 3600}, "id_token_iat_out_of_range"),
    ("resign", {"nbf": int(time.time()) + 3600}, "id_token_not_yet_valid"),
    ("resign", {"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "id_token_at_hash_mismatch"),
    ("resign", {"nonce": None}, "id_token_nonce_mismatch"),
    ("resign", {"sub": None}, "id_token_sub_invalid"),
    ("none", {}, "id_token_algorithm_not_allowed"),
    ("hs256", {}, "id_token_algorithm_not_allowed"),
    ("foreign", {}, "id_token_bad_signature"),
    ("unknown_kid", {}, "id_token_unknown_key"),
    ("tamper", {"sub": "sekda"}, "id_token_bad_signature"),
    ("tamper", {"email": "budi.santoso@bantenprov.go.id"}, "id_token_bad_signature"),
])
def test_bad_id_token_is_refused(browser, sso, mode, claims, reason):
    opd_organization("2.16.01")
    users_before = model.Session.query(model.User).count()
    url = browser.authorization_url()
    sso.tamper("id_token", mode, **claims)
    resp = browser.callback(browser.authorize(url, "kadis-kominfo"))
    assert resp.status_code == 401
    assert reason in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser, users_before)


def test_userinfo_sub_mismatch_is_refused(browser, sso):
    url = browser.authorization_url()
    sso.tamper("userinfo", sub="sekda")
    resp = browser.callback(browser.authorize(url, "kabid-statistik"))
    assert resp.status_code == 401
    assert "userinfo_sub_mismatch" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_wrong_iss_response_parameter_is_refused(browser):
    callback_url = browser.authorize(browser.authorization_url(), "kabid-statistik")
    resp = browser.callback(_with_query(callback_url, iss="https://evil.example"))
    assert resp.status_code == 401
    assert "iss_parameter_mismatch" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_missing_iss_response_parameter_is_refused(browser):
    # The provider advertises RFC 9207 support, so a response without iss is a mix-up sign.
    callback_url = browser.authorize(browser.authorization_url(), "kabid-statistik")
    resp = browser.callback(_with_query(callback_url, iss=None))
    assert resp.status_code == 401
    assert_nobody_signed_in(browser)


@pytest.mark.parametrize("came_from", [
    "//evil.example", "//evil.example/dataset", "https://evil.example/", "/\\evil.example",
    "javascript:alert(1)", "/ /evil.example", "http:evil.example",
])
def test_foreign_came_from_is_refused(browser, came_from):
    resp = browser.start(came_from)
    assert resp.status_code == 400
    assert "evil.example" not in resp.headers.get("Location", "")
    assert browser.session().get("bantensso_states") is None
    assert_nobody_signed_in(browser)


def test_access_denied_at_the_provider(browser):
    resp = browser.callback(browser.authorize(browser.authorization_url(), "kabid-statistik", abort=True))
    assert resp.status_code == 403
    assert "access_denied" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_unreachable_provider_gives_an_error_page(browser, monkeypatch, unused_port):
    set_config(monkeypatch, issuer=f"http://127.0.0.1:{unused_port}")
    resp = browser.start()
    assert resp.status_code == 503
    assert "bantensso-error" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_provider_down_at_the_callback_gives_an_error_page(browser, monkeypatch, unused_port):
    url = browser.authorization_url()
    callback_url = browser.authorize(url, "kabid-statistik")
    set_config(monkeypatch, token_url=f"http://127.0.0.1:{unused_port}/token")
    resp = browser.callback(callback_url)
    assert resp.status_code == 503
    assert "unreachable:token" in resp.get_data(as_text=True)
    assert_nobody_signed_in(browser)


def test_missing_settings_give_an_error_page(browser, monkeypatch):
    set_config(monkeypatch, client_id="")
    resp = browser.start()
    assert resp.status_code == 503
    assert "missing_settings" in resp.get_data(as_text=True)


def test_insecure_remote_issuer_is_refused(browser, monkeypatch):
    set_config(monkeypatch, issuer="http://sso.bantenprov.go.id")
    resp = browser.start()
    assert resp.status_code == 503
    assert_nobody_signed_in(browser)


# --- logout ---------------------------------------------------------------------------------

def test_logout_ends_both_sessions(browser, sso):
    browser.login("kabid-statistik")
    csrf = browser.csrf_token()

    resp = browser.app.post("/user/_logout", data={"_csrf_token": csrf}, follow_redirects=False)

    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith(sso.issuer + "/session/end?")
    params = _query(location)
    assert params["post_logout_redirect_uri"] == LOGGED_OUT
    assert params["client_id"] == CLIENT_ID
    assert params["id_token_hint"].count(".") == 2
    assert params["state"] == browser.session()["bantensso_logout_state"]
    assert browser.session_user_id() is None

    # The provider asks for confirmation, then returns with our state.
    page = browser.op.get(location, timeout=5)
    form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
    assert form and xsrf
    back = browser.op.post(urllib.parse.urljoin(page.url, form.group(1)),
                           data={"xsrf": xsrf.group(1), "logout": "yes"}, allow_redirects=False, timeout=5)
    assert back.headers["Location"].startswith(LOGGED_OUT)
    assert _query(back.headers["Location"])["state"] == params["state"]
    done = browser.callback(back.headers["Location"])
    assert done.status_code == 302
    assert "bantensso_logout_state" not in browser.session()

    # The provider session is gone: signing in again shows its login form.
    again = browser.op.get(browser.authorization_url(), allow_redirects=True, timeout=5)
    assert 'name="prompt" value="login"' in again.text


def test_logout_by_get_only_asks_for_confirmation(browser):
    browser.login("kabid-statistik")
    resp = browser.app.get("/user/_logout", follow_redirects=False)
    assert resp.status_code == 200
    assert 'action="/user/_logout"' in resp.get_data(as_text=True)
    assert browser.session_user_id()


def test_logout_without_csrf_token_keeps_the_session(browser):
    browser.login("kabid-statistik")
    resp = browser.app.post("/user/_logout", data={}, follow_redirects=False)
    assert resp.status_code in (400, 403)
    assert browser.session_user_id()


def test_local_account_logout_is_untouched(app, sso):
    user = factories.User()
    app.set_session_user(user["id"])
    resp = app.get("/user/_logout", follow_redirects=False)
    assert resp.status_code == 302
    assert "session/end" not in resp.headers["Location"]


# --- login page and password login ------------------------------------------------------------

def test_login_page_offers_banten_satu_login(browser):
    page = browser.app.get("/user/login?came_from=/dataset/").get_data(as_text=True)
    assert re.search(r'href="/user/sso/login\?came_from=(/|%2F)dataset(/|%2F)"', page)
    assert "Masuk dengan Banten Satu Login" in page


def test_disabled_sso_has_no_button_and_no_routes(app, monkeypatch):
    set_config(monkeypatch, enabled=False)
    assert "/user/sso/login" not in app.get("/user/login").get_data(as_text=True)
    assert app.get("/user/sso/login", follow_redirects=False).status_code == 404
    assert app.get("/user/sso/callback?state=x&code=y", follow_redirects=False).status_code == 404


@pytest.mark.ckan_config("ckanext.bantensso.disable_password_login", True)
@pytest.mark.ckan_config("ckanext.bantensso.password_login_allowlist", "darurat")
def test_password_login_can_be_disabled_with_an_emergency_allowlist(app, sso):
    factories.User(name="pegawai-lokal", password="RahasiaSekali123")
    factories.Sysadmin(name="admin-lain", password="RahasiaSekali123")
    darurat = factories.Sysadmin(name="darurat", password="RahasiaSekali123")
    browser = SSOBrowser(app, sso)
    page = app.get("/user/login").get_data(as_text=True)
    assert "bantensso-emergency" in page
    csrf = browser.csrf_token("/user/login")

    for name in ("pegawai-lokal", "admin-lain"):
        resp = app.post("/user/login", data={"login": name, "password": "RahasiaSekali123", "_csrf_token": csrf},
                        follow_redirects=False)
        assert resp.status_code == 403
        assert browser.session_user_id() is None

    resp = app.post("/user/login", data={"login": "darurat", "password": "RahasiaSekali123",
                                         "_csrf_token": csrf}, follow_redirects=False)
    assert resp.status_code == 302
    assert browser.session_user_id() == darurat["id"]


def test_password_login_works_when_not_disabled(app, sso):
    user = factories.User(name="pegawai-lokal", password="RahasiaSekali123")
    browser = SSOBrowser(app, sso)
    resp = app.post("/user/login", data={"login": "pegawai-lokal", "password": "RahasiaSekali123",
                                         "_csrf_token": browser.csrf_token("/user/login")},
                    follow_redirects=False)
    assert resp.status_code == 302
    assert browser.session_user_id() == user["id"]


def test_accounts_module_finds_identity(browser):
    browser.login("kabid-statistik")
    user = accounts.find_user(browser.provider.issuer, "kabid-statistik")
    assert user is not None and user.id == browser.session_user_id()
    assert accounts.find_user("https://other-issuer.example", "kabid-statistik") is None
