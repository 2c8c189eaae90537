"""Claims -> OPD, role and leadership level, with the shipped config/sso rules and custom ones."""
from __future__ import annotations

import pytest

from ckanext.bantensso import claims
from ckanext.bantensso.errors import ConfigurationError
from ckanext.bantensso.tests.conftest import opd_organization, set_config


def test_value_at_reads_dotted_paths_and_unwraps_cas_lists():
    profile = {"id": "u1", "attributes": {"email": ["a@b.go.id"], "groups": ["x", "y"], "nip": "1"}}
    assert claims.value_at(profile, "id") == "u1"
    assert claims.value_at(profile, "attributes.email") == "a@b.go.id"
    assert claims.value_at(profile, "attributes.groups") == ["x", "y"]
    assert claims.value_at(profile, "attributes.missing") is None
    assert claims.value_at(profile, "id.deeper") is None
    assert claims.value_at(profile, "") is None


@pytest.mark.parametrize(("position", "role"), [
    ("Kepala Dinas Kesehatan", "admin"),
    ("KEPALA  BADAN Perencanaan Pembangunan Daerah", "admin"),
    ("Plt. Kepala Dinas Pendidikan dan Kebudayaan", "admin"),
    ("Kepala Biro Pemerintahan", "admin"),
    ("Inspektur", "admin"),
    ("Sekretaris Daerah Provinsi Banten", "admin"),
    ("Direktur RSUD Banten", "admin"),
    ("Kepala Bidang Statistik", "editor"),
    ("Sekretaris Dinas Kesehatan", "editor"),
    ("Kepala Seksi Pelayanan", "editor"),
    ("Kepala Sub Bagian Umum", "editor"),
    ("Kepala UPTD Samsat Serang", "editor"),
    ("Pranata Komputer Ahli Pertama", "member"),
    ("Staf Kepala Dinas", "member"),
    ("", "member"),
    (None, "member"),
])
def test_shipped_role_rules(position, role):
    assert claims.role_for(position, "1.02.01") == role


@pytest.mark.parametrize(("position", "level"), [
    ("Gubernur Banten", "provinsi"),
    ("Wakil Gubernur Banten", "provinsi"),
    ("Sekretaris Daerah Provinsi Banten", "provinsi"),
    ("Asisten Pemerintahan dan Kesejahteraan Rakyat", "provinsi"),
    ("Kepala Dinas Kesehatan", "opd"),
    ("Sekretaris Badan Kepegawaian Daerah", "opd"),
    ("Kepala Bidang Statistik", "none"),
    ("Analis Data", "none"),
])
def test_shipped_leadership_rules(position, level):
    assert claims.level_for(position, "1.02.01") == level


def test_custom_rules_are_ordered_and_can_be_limited_to_an_opd(tmp_path, monkeypatch):
    (tmp_path / "roles.yaml").write_text(
        "rules:\n"
        "  - position: 'statistisi'\n    opd_code: ['2.16.01']\n    role: editor\n"
        "  - position: 'statistisi'\n    role: none\n"
        "  - position: '.*'\n    role: admin\n"
        "default: member\n", encoding="utf-8")
    set_config(monkeypatch, rules_dir=str(tmp_path))
    assert claims.role_for("Statistisi Ahli Muda", "2.16.01") == "editor"
    assert claims.role_for("Statistisi Ahli Muda", "1.02.01") == "none"
    assert claims.role_for("Siapa saja", "1.02.01") == "admin"


@pytest.mark.parametrize("content", [
    "rules:\n  - position: '('\n    role: admin\n",
    "rules:\n  - position: 'kepala'\n    role: sysadmin\n",
    "rules:\n  - role: admin\n",
    "rules: 5\n",
    "rules: []\ndefault: owner\n",
    "rules: [\n",
])
def test_invalid_rule_files_are_configuration_errors(tmp_path, monkeypatch, content):
    (tmp_path / "roles.yaml").write_text(content, encoding="utf-8")
    set_config(monkeypatch, rules_dir=str(tmp_path))
    with pytest.raises(ConfigurationError):
        claims.role_for("Kepala Dinas", None)


def test_missing_rule_file_is_a_configuration_error(tmp_path, monkeypatch):
    set_config(monkeypatch, rules_dir=str(tmp_path))
    with pytest.raises(ConfigurationError):
        claims.level_for("Gubernur", None)


def test_kode_opd_from_schema_field_or_extras():
    assert claims._kode_opd({"kode_opd": "DIN-04"}) == "DIN-04"
    assert claims._kode_opd({"extras": [{"key": "kode_opd", "value": "DIN-05"}]}) == "DIN-05"
    assert claims._kode_opd({"extras": [{"key": "kode_opd", "value": "X", "state": "deleted"}]}) is None
    assert claims._kode_opd({"name": "tanpa-kode"}) is None


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestFindOrganization:
    def test_by_kode_opd(self):
        dinkes = opd_organization("1.02.01")
        opd_organization("2.16.01")
        assert claims.find_organization("1.02.01")["id"] == dinkes["id"]
        assert claims.scan_organizations("1.02.01")["id"] == dinkes["id"]
        assert claims.find_organization("9.99.99") is None
        assert claims.find_organization(None) is None
        assert claims.find_organization("") is None

    @pytest.mark.ckan_config("ckan.group_and_organization_list_all_fields_max", 2)
    def test_scan_pages_through_every_organization(self):
        for i in range(5):
            opd_organization(f"3.0{i}.01")
        assert claims.scan_organizations("3.04.01") is not None
        assert claims.scan_organizations("3.00.01") is not None

    def test_mapping_file_wins(self, tmp_path, monkeypatch):
        setda = opd_organization("SET-01", name="setda")
        opd_organization("4.01.01")
        (tmp_path / "opd.yaml").write_text("mapping:\n  '4.01.01': setda\n", encoding="utf-8")
        set_config(monkeypatch, opd_map=str(tmp_path / "opd.yaml"))
        assert claims.find_organization("4.01.01")["id"] == setda["id"]

    def test_mapping_to_a_missing_organization_gives_no_rights(self, tmp_path, monkeypatch):
        (tmp_path / "opd.yaml").write_text("mapping:\n  '4.01.01': tidak-ada\n", encoding="utf-8")
        set_config(monkeypatch, opd_map=str(tmp_path / "opd.yaml"))
        assert claims.find_organization("4.01.01") is None

    def test_shipped_mapping_file_is_valid(self):
        assert claims.opd_map() == {}
