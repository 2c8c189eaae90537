"""package_search through CKAN's action layer, backed by the PostgreSQL engine."""
from __future__ import annotations

import ckan.logic as logic
import pytest
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories, helpers


def _names(**kwargs):
    return sorted(r["name"] for r in helpers.call_action("package_search", rows=1000, **kwargs)["results"])


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestIndonesianText:
    def test_case_and_accent_insensitive(self):
        factories.Dataset(name="penduduk", title="Jumlah Penduduk Menurut Kecamatan")
        factories.Dataset(name="cafe", title="Daftar Kafé dan Réstoran di Kota Serang")
        assert _names(q="PENDUDUK") == ["penduduk"]
        assert _names(q="kafe restoran") == ["cafe"]
        assert _names(q="Kafé") == ["cafe"]

    def test_prefix_matches_indonesian_suffixes(self):
        factories.Dataset(name="jalan", title="Panjang Jalan Provinsi dalam Kondisi Baik")
        factories.Dataset(name="kemiskinan", title="Indikator Kemiskinan Kabupaten Lebak")
        assert _names(q="jal") == ["jalan"]
        assert _names(q="miskin") == []  # prefix, not infix, for full text
        assert _names(q="kemiskin") == ["kemiskinan"]

    def test_minimum_should_match_drops_one_of_three_terms(self):
        factories.Dataset(name="pdrb", title="Produk Domestik Regional Bruto")
        factories.Dataset(name="hukum", title="Produk Hukum Daerah")
        # three terms: two must match (CKAN's mm 2<-1 5<80%)
        assert _names(q="produk domestik banten") == ["pdrb"]
        # two terms: both must match
        assert _names(q="produk hukum") == ["hukum"]

    def test_ranking_puts_title_matches_first(self):
        factories.Dataset(name="in-notes", title="Statistik Daerah", notes="berisi data kemiskinan")
        factories.Dataset(name="in-title", title="Data Kemiskinan Banten", notes="statistik")
        results = helpers.call_action("package_search", q="kemiskinan", sort="score desc")["results"]
        assert [r["name"] for r in results] == ["in-title", "in-notes"]

    def test_phrase_and_exclusion(self):
        factories.Dataset(name="kota", title="Penduduk Kota Serang")
        factories.Dataset(name="kab", title="Penduduk Kabupaten Serang")
        assert _names(q='"kota serang"') == ["kota"]
        assert _names(q="penduduk -kota") == ["kab"]

    def test_resource_names_and_tags_are_searchable(self):
        factories.Dataset(name="res", resources=[{"name": "tabel_apbd_2024", "url": "http://x/a.csv"}],
                          tags=[{"name": "keuangan"}])
        assert _names(q="apbd") == ["res"]
        assert _names(q="keuangan") == ["res"]
        assert _names(fq='tags:"keuangan"') == ["res"]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestFieldsAndFacets:
    def test_custom_fields_are_filterable_and_facetable(self):
        # scheming stores custom fields as extras: the index sees `frekuensi` and `extras_frekuensi`
        factories.Dataset(name="aa", extras=[{"key": "frekuensi", "value": "tahunan"}])
        factories.Dataset(name="bb", extras=[{"key": "frekuensi", "value": "tahunan"}])
        factories.Dataset(name="cc", extras=[{"key": "frekuensi", "value": "bulanan"}])
        assert _names(fq="frekuensi:tahunan") == ["aa", "bb"]
        assert _names(fq="extras_frekuensi:bulanan") == ["cc"]
        res = helpers.call_action("package_search", **{"facet.field": ["frekuensi"]})
        assert res["facets"]["frekuensi"] == {"tahunan": 2, "bulanan": 1}

    def test_custom_dataset_types(self):
        factories.Dataset(name="app", type="aplikasi")
        factories.Dataset(name="ds")
        assert _names(fq="+dataset_type:aplikasi") == ["app"]
        res = helpers.call_action("package_search", **{"facet.field": ["dataset_type"]})
        assert res["facets"]["dataset_type"] == {"aplikasi": 1, "dataset": 1}

    def test_facet_limit_mincount_and_order(self):
        for i, tags in enumerate([["aa", "bb"], ["aa", "cc"], ["aa", "bb"], ["dd"]]):
            factories.Dataset(name=f"d{i}", tags=[{"name": t} for t in tags])
        res = helpers.call_action("package_search", **{"facet.field": ["tags"], "facet.limit": 2})
        assert list(res["facets"]["tags"].items()) == [("aa", 3), ("bb", 2)]
        res = helpers.call_action("package_search", **{"facet.field": ["tags"], "facet.limit": -1,
                                                       "facet.mincount": 2})
        assert res["facets"]["tags"] == {"aa": 3, "bb": 2}

    def test_facets_follow_the_query(self):
        org = factories.Organization(name="dinkes")
        factories.Dataset(name="xx", owner_org=org["id"], tags=[{"name": "kesehatan"}])
        factories.Dataset(name="yy", tags=[{"name": "jalan"}])
        res = helpers.call_action("package_search", fq="organization:dinkes",
                                  **{"facet.field": ["tags", "organization"]})
        assert res["facets"] == {"tags": {"kesehatan": 1}, "organization": {"dinkes": 1}}

    def test_sort_on_fields_and_missing_values_last(self):
        factories.Dataset(name="bb", title="Beta", extras=[{"key": "tahun", "value": "2020"}])
        factories.Dataset(name="aa", title="alpha")
        factories.Dataset(name="cc", title="Gamma", extras=[{"key": "tahun", "value": "2019"}])
        by_title = helpers.call_action("package_search", sort="title_string asc")["results"]
        assert [r["name"] for r in by_title] == ["bb", "cc", "aa"]  # Solr string order: upper case first
        by_year = helpers.call_action("package_search", sort="tahun desc, name asc")["results"]
        assert [r["name"] for r in by_year] == ["bb", "cc", "aa"]

    def test_ranges_on_dates_and_numbers(self):
        factories.Dataset(name="two", resources=[{"url": "http://x/1"}, {"url": "http://x/2"}])
        factories.Dataset(name="none")
        assert _names(fq="num_resources:[1 TO *]") == ["two"]
        assert _names(fq="num_resources:{* TO 1}") == ["none"]
        assert _names(fq="metadata_modified:[NOW-1HOUR TO NOW+1HOUR]") == ["none", "two"]
        assert _names(fq="metadata_created:[* TO NOW-1DAY]") == []

    def test_fl_returns_stored_fields_with_their_types(self):
        factories.Dataset(name="one", resources=[{"url": "http://x/1"}])
        res = helpers.call_action("package_search", fl=["name", "num_resources"])
        assert res["results"] == [{"name": "one", "num_resources": 1}]

    def test_paging(self):
        for i in range(5):
            factories.Dataset(name=f"p{i}")
        page = helpers.call_action("package_search", sort="name asc", rows=2, start=2)
        assert page["count"] == 5
        assert [r["name"] for r in page["results"]] == ["p2", "p3"]
        assert helpers.call_action("package_search", rows=2, start=1_000_000_000)["results"] == []


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestBadInput:
    @pytest.mark.parametrize("q", [
        "title:(", "[1 TO", "title:[1 TO", '"unclosed', "x" * 10_000, "{!func}sum(1,2)",
    ])
    def test_malformed_queries_are_search_errors(self, q):
        with pytest.raises(SearchError):
            helpers.call_action("package_search", q=q)

    def test_sql_metacharacters_are_just_text(self):
        factories.Dataset(name="safe", title="O'Brien; DROP TABLE package; --")
        assert _names(q="'; DROP TABLE package; --") == ["safe"]
        assert _names(fq="name:\"x'; DELETE FROM package; --\"") == []
        assert helpers.call_action("package_show", id="safe")["name"] == "safe"

    def test_unknown_sort_is_a_query_error(self):
        with pytest.raises(SearchQueryError):
            helpers.call_action("package_search", sort="metadata_modified")
        with pytest.raises(SearchQueryError):
            helpers.call_action("package_search", sort="title_string sideways")

    def test_negative_rows_are_refused_by_the_schema(self):
        with pytest.raises(logic.ValidationError):
            helpers.call_action("package_search", rows=-1)

    @pytest.mark.parametrize("params", [
        {"q": "title:("}, {"q": '"unclosed'}, {"sort": "nonsense"}, {"q": "x" * 10_000},
        {"fq": "[1 TO"}, {"rows": "-1"}, {"start": "abc"},
    ])
    def test_api_answers_4xx_json_never_500(self, app, params):
        resp = app.get("/api/3/action/package_search", query_string=params)
        assert resp.status_code in (400, 409)
        body = resp.json
        assert body["success"] is False
        assert body["error"]["__type"] in ("Search Query Error", "Search Error", "Validation Error")
