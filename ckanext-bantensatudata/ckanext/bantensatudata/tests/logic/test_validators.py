"""Validators on their own (the schema tests cover them through the API)."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk

from ckanext.bantensatudata.logic import validators as v

pytestmark = pytest.mark.usefixtures("with_request_context")


@pytest.mark.parametrize("value", ["2019", 2019, " 1900 ", "2100"])
def test_year_accepts_four_digit_years(value):
    assert v.bantensatudata_year(value) == str(int(str(value).strip()))


@pytest.mark.parametrize("value", ["19", "1899", "2101", "20x9", "dua ribu"])
def test_year_refuses_the_rest(value):
    with pytest.raises(tk.Invalid):
        v.bantensatudata_year(value)


@pytest.mark.parametrize("value", ["http://skp.bantenprov.go.id", "https://data.bantenprov.go.id/dataset?q=x",
                                   "http://localhost:5000/x"])
def test_url_accepts_full_addresses(value):
    assert v.bantensatudata_url(value) == value


@pytest.mark.parametrize("value", ["skp.bantenprov.go.id", "ftp://x.go.id", "http://", "http://a b.go.id",
                                   "javascript:alert(1)", "http://-bad-.go.id", "http://x.go.id:99999"])
def test_url_refuses_partial_or_foreign_addresses(value):
    with pytest.raises(tk.Invalid):
        v.bantensatudata_url(value)


def test_resource_format_is_normalised_and_restricted():
    assert v.bantensatudata_resource_format("xlsx") == "XLSX"
    assert v.bantensatudata_resource_format(".csv") == "CSV"
    with pytest.raises(tk.Invalid):
        v.bantensatudata_resource_format("EXE")
    with pytest.raises(tk.Invalid):
        v.bantensatudata_resource_format("HTML")


def test_not_before_reports_on_the_end_field_only():
    check = v.bantensatudata_not_before("periode_awal")
    data = {("periode_awal",): "2023", ("periode_akhir",): "2019"}
    errors: dict = {("periode_awal",): [], ("periode_akhir",): []}
    check(("periode_akhir",), data, errors, {})
    assert errors[("periode_awal",)] == [] and len(errors[("periode_akhir",)]) == 1
    ok: dict = {("periode_akhir",): []}
    check(("periode_akhir",), {("periode_awal",): "2019", ("periode_akhir",): "2019"}, ok, {})
    assert ok[("periode_akhir",)] == []


def test_choice_matches_case_insensitively_and_lists_the_choices():
    field = {"choices": [{"value": "tahunan"}, {"value": "bulanan"}]}
    check = v.bantensatudata_choice(field, {})
    assert check("TAHUNAN") == "tahunan"
    with pytest.raises(tk.Invalid) as exc:
        check("sewindu")
    assert "tahunan, bulanan" in str(exc.value.error)


def test_multiple_choice_accepts_lists_and_strings_in_schema_order():
    field = {"choices": [{"value": "G2G"}, {"value": "G2E"}, {"value": "G2C"}]}
    check = v.bantensatudata_multiple_choice(field, {})
    for given in (["g2c", "G2G"], "G2C, G2G", '["G2C", "G2G"]'):
        data = {("pilar",): given}
        errors: dict = {("pilar",): []}
        check(("pilar",), data, errors, {})
        assert errors[("pilar",)] == [] and data[("pilar",)] == '["G2G", "G2C"]'
    data, errors = {("pilar",): ["G2X"]}, {("pilar",): []}
    check(("pilar",), data, errors, {})
    assert errors[("pilar",)]
