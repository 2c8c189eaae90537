"""The seed: the committed files, the registry merge rule, idempotency and atomicity."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.bantensatudata import seed as seeding

SEED_DIR = seeding.default_seed_dir()


def _run(cli, *args: str):
    return cli.invoke(ckan, ["satudata", *args])


def test_committed_seed_files_are_valid_and_complete():
    s = seeding.load()
    counts = s.counts()
    assert counts["opd"] == 48 and counts["sectors"] == 10 and counts["produk_hukum"] == 6
    assert counts["registry"] >= 100
    assert [r.get("judul") for r in sorted(s.sectors, key=lambda r: int(r.get("urutan")))] == [
        "Sarana dan Prasarana", "Pemerintahan", "Pembangunan", "Pelayanan", "Legislatif", "Kewilayahan",
        "Keuangan", "Kepegawaian", "Kemasyarakatan", "Administrasi dan Manajemen"]
    assert all(r.get("sumber").startswith("Tabel ") for r in s.registry)
    keys = [seeding.url_key(r.get("url")) for r in s.registry if r.get("url")]
    assert len(keys) == len(set(keys))
    assert any(r.get("tanpa_url") == "ya" and not r.get("url") for r in s.registry)
    planned = [r for r in s.datasets if r.data.get("planned")]
    assert planned and all(not r.data.get("resources") and "direncanakan" in r.data["tags"] for r in planned)


DOC = """
### Tabel 1 : Daftar Website dan Aplikasi 2017

| No  | OPD / Lembaga | URL | Posisi Server | Jenis | Keterangan |
|-----|---------------|-----|---------------|-------|------------|
| 1 | Dinas Kesehatan | Sdm.Dinkes.bantenprov.go.id | Kominfo | Website | |
| 2 | Dinas Kesehatan | sipo.bantenprov.go.id/ | Diluar Kominfo | Aplikasi | Presisi |
| 3 | Dinas Perpustakaan dan Kearsipan | | Kominfo | Website | |
| 4 | Dinas Sosial | dinsos.bantenprov.go.id | | Website | Situs |

### Tabel 2 : Daftar Website 2017

| No | OPD / Lembaga | URL | Posisi Server | Keterangan | Status |
|----|---------------|-----|---------------|------------|--------|
| 1 | Dinas Kesehatan | sdm.dinkes.bantenprov.go.id | Kominfo | Portal SDM | Tidak Aktif |
| 2 | Dinas Perpustakaan dan Kearsipan | | Kominfo | | Tidak Aktif |

### Tabel 3 : Daftar Aplikasi 2017

| No | OPD / Lembaga | URL | Posisi Server | Keterangan | Status |
|----|---------------|-----|---------------|------------|--------|
| 1 | Dinas Kesehatan | SIPO.bantenprov.go.id | Diluar Kominfo | | Aktif |
"""


def test_registry_merge_rule():
    rows = list(csv.DictReader(seeding.build_registry(DOC, SEED_DIR).decode().splitlines()))
    by_title = {r["title"]: r for r in rows}
    assert len(rows) == 4  # 7 table rows: two URLs repeat (case, trailing slash), one row has no URL twice
    sdm = by_title["sdm.dinkes.bantenprov.go.id"]
    assert sdm["status_aplikasi"] == "tidak_aktif" and sdm["sumber"] == "Tabel 1 No. 1; Tabel 2 No. 1"
    assert sdm["keterangan"] == "Portal SDM" and sdm["kode_opd"] == "DIN-04"
    sipo = by_title["sipo.bantenprov.go.id"]
    assert sipo["status_aplikasi"] == "aktif" and sipo["jenis_aplikasi"] == "aplikasi"
    assert sipo["url"] == "http://sipo.bantenprov.go.id" and sipo["lokasi_server"] == "diluar_kominfo"
    no_url = [r for r in rows if r["tanpa_url"] == "ya"]
    assert len(no_url) == 1 and no_url[0]["url"] == "" and no_url[0]["sumber"] == "Tabel 1 No. 3; Tabel 2 No. 2"
    assert by_title["dinsos.bantenprov.go.id"]["status_aplikasi"] == ""  # Table 1 only: no status invented
    assert by_title["dinsos.bantenprov.go.id"]["lokasi_server"] == "tidak_diketahui"


def test_registry_from_a_document_with_an_unknown_opd_is_refused():
    with pytest.raises(seeding.SeedInvalid) as exc:
        seeding.build_registry(DOC.replace("Dinas Sosial", "Dinas Antah Berantah"), SEED_DIR)
    assert "Tabel 1 No. 4" in str(exc.value)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_seed_builds_the_catalogue_and_a_second_run_changes_nothing(cli):
    result = _run(cli, "seed")
    assert result.exit_code == 0, result.output
    assert "Seeded:" in result.output
    assert len(call_action("organization_list")) == 48
    groups = call_action("group_list", all_fields=True, include_extras=True)
    assert len(groups) == 10
    s = seeding.load()
    assert call_action("package_search", fq="+dataset_type:aplikasi")["count"] == len(s.registry) >= 100
    hukum = call_action("package_search", fq="+dataset_type:produk-hukum", rows=10)
    assert hukum["count"] == 6
    assert all(not p["resources"] for p in hukum["results"])  # metadata only, no invented files
    dinkes = call_action("bantensatudata_opd_show", kode_opd="DIN-04")
    assert dinkes["name"] == "dinkes" and dinkes["website"] == "http://dinkes.bantenprov.go.id"
    assert call_action("organization_show", id="bkkm")["induk_opd"] == "dinkes"
    master = call_action("package_show", id="master-tabel-opd")
    [res] = master["resources"]
    assert res["format"] == "CSV" and res["url_type"] == "upload"
    assert res["bantensatudata_seed_sha256"] == seeding.hashlib.sha256(seeding.generated_file(s, "opd")).hexdigest()
    planned = call_action("package_show", id="produk-domestik-bruto")
    assert planned["resources"] == [] and "direncanakan" in [t["name"] for t in planned["tags"]]

    again = _run(cli, "seed")
    assert again.exit_code == 0, again.output
    assert "Nothing to change" in again.output


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_dry_run_prints_the_plan_and_changes_nothing(cli):
    result = _run(cli, "seed", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "create organization dinkes" in result.output and "[opd.csv:" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert call_action("organization_list") == [] and call_action("group_list") == []


def _copy_seed(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_bad_row_names_file_and_line_and_nothing_changes(cli, tmp_path):
    bad = _copy_seed(tmp_path)
    _edit_line(bad / "registry.csv", 3, ",aplikasi,", ",aplikasi_mobile,")
    _edit_line(bad / "opd.csv", 6, "BDN-01", "BDN-02")  # duplicate code
    _edit_line(bad / "datasets.yaml", 16, "tidak_tentu", "sewindu")
    result = _run(cli, "seed", "--seed-dir", str(bad))
    assert result.exit_code == 1
    out = result.output
    assert "registry.csv:3: jenis_aplikasi: unknown value \"aplikasi_mobile\"" in out
    assert "opd.csv:7: kode_opd: duplicate value \"BDN-02\" (first at line 6)" in out
    assert "datasets.yaml:7: frekuensi" in out
    assert "nothing was changed" in out
    assert call_action("organization_list") == [] and call_action("group_list") == []
    assert call_action("package_search")["count"] == 0
    assert _run(cli, "validate-seed", "--seed-dir", str(bad)).exit_code == 1
    assert _run(cli, "validate-seed").exit_code == 0


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_row_the_portal_refuses_stops_the_seed_before_any_write(cli, tmp_path):
    # The files are fine, but an existing organization already holds code DIN-04.
    factories.Organization(name="dinas-lama", title="Dinas Lama", kode_opd="DIN-04")
    result = _run(cli, "seed")
    assert result.exit_code == 1
    assert "opd.csv:" in result.output and "kode_opd" in result.output and "DIN-04" in result.output
    assert call_action("organization_list") == ["dinas-lama"]
    assert call_action("group_list") == [] and call_action("package_search")["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_edited_seed_updates_only_what_changed(cli, tmp_path):
    edited = _copy_seed(tmp_path)
    assert _run(cli, "seed", "--seed-dir", str(edited)).exit_code == 0
    _edit_line(edited / "sectors.csv", 2, ",road,", ",truck,")
    _edit_line(edited / "roles.csv", 2, "Administrator Sistem", "Administrator Portal")
    plan = _run(cli, "seed", "--dry-run", "--seed-dir", str(edited))
    assert "update group sarana-dan-prasarana (ikon)" in plan.output
    assert "update resources master-tabel-role" in plan.output
    assert "2 change(s)" in plan.output
    assert _run(cli, "seed", "--seed-dir", str(edited)).exit_code == 0
    assert call_action("group_show", id="sarana-dan-prasarana")["ikon"] == "truck"
    [res] = call_action("package_show", id="master-tabel-role")["resources"]
    assert res["bantensatudata_seed_sha256"] == seeding.hashlib.sha256(
        seeding.generated_file(seeding.load(str(edited)), "roles")).hexdigest()
    assert "Nothing to change" in _run(cli, "seed", "--seed-dir", str(edited)).output
