"""Claims -> identity, and the public user name (never the NIP)."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from ckanext.bantensso import accounts
from ckanext.bantensso.errors import ProviderError
from ckanext.bantensso.tests.conftest import set_config

ISSUER = "https://sso.bantenprov.go.id"
NIP = "198905102015032003"


def test_identity_from_oidc_claims():
    identity = accounts.identity_from_claims(ISSUER, {
        "sub": "abc", "email": "siti@bantenprov.go.id", "email_verified": True, "name": "  Siti   Rahma ",
        "nip": "1989 0510 2015 0320 03", "opd_code": "1.02.01", "jabatan": "Pranata Komputer",
    })
    assert identity.subject == "abc"
    assert identity.name == "Siti Rahma"
    assert identity.nip == NIP
    assert identity.email_verified is True
    assert identity.position == "Pranata Komputer"


def test_identity_from_a_cas_profile(monkeypatch):
    set_config(monkeypatch, claim__subject="id", claim__email="attributes.mail", claim__nip="attributes.nip",
               claim__email_verified="attributes.verified")
    identity = accounts.identity_from_claims(ISSUER, {
        "id": 4711, "attributes": {"mail": ["siti@bantenprov.go.id"], "nip": [NIP], "verified": "true"},
    })
    assert identity.subject == "4711"
    assert identity.email == "siti@bantenprov.go.id"
    assert identity.nip == NIP
    assert identity.email_verified is True


@pytest.mark.parametrize("claims", [
    {},
    {"sub": ""},
    {"sub": ["a", "b"]},
    {"sub": {"id": 1}},
    {"sub": "x" * 256},
    {"sub": "abc", "email": "not-an-email"},
    {"sub": "abc", "email": "a@b"},
    {"sub": "abc", "nip": "19890510-XYZ"},
    {"sub": "abc", "name": "line\u0000break"},
    {"sub": "abc", "jabatan": True},
])
def test_malformed_claims_are_refused(claims):
    with pytest.raises(ProviderError):
        accounts.identity_from_claims(ISSUER, claims)


def test_email_verified_must_be_explicit():
    identity = accounts.identity_from_claims(ISSUER, {"sub": "a", "email": "a@b.go.id", "email_verified": "yes"})
    assert identity.email_verified is False


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestUsername:
    def test_from_the_name(self):
        identity = accounts.Identity(ISSUER, "s", name="Siti Rahmawati, S.Kom.", nip=NIP)
        assert accounts.username_for(identity, "x@bantenprov.go.id") == "siti-rahmawati-s-kom"

    def test_never_from_the_nip(self):
        identity = accounts.Identity(ISSUER, "s", nip=NIP)
        name = accounts.username_for(identity, f"{NIP}@bantenprov.go.id")
        assert NIP not in name
        assert not any(ch.isdigit() for ch in name)
        assert name == "pegawai"

    def test_long_numbers_are_dropped_from_email_names(self):
        identity = accounts.Identity(ISSUER, "s")
        assert accounts.username_for(identity, "budi.198001012005011001@bantenprov.go.id") == "budi"

    def test_transliterated_and_unique(self):
        factories.User(name="dewi-lestari")
        identity = accounts.Identity(ISSUER, "s", name="Déwi Lestari")
        assert accounts.username_for(identity, "d@bantenprov.go.id") == "dewi-lestari-2"

    def test_fallback_email_uses_a_hash_of_the_identity(self, monkeypatch):
        set_config(monkeypatch, email_fallback="{subject_hash}@pengguna.satudata.bantenprov.go.id")
        identity = accounts.Identity(ISSUER, NIP)
        email = accounts._fallback_email(identity)
        assert email == accounts.subject_hash(identity) + "@pengguna.satudata.bantenprov.go.id"
        assert NIP not in email
