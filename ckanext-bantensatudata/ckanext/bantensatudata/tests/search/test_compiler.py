"""The Lucene/dismax subset: what parses, what it means, what is refused."""
from __future__ import annotations

import datetime

import pytest

from ckanext.bantensatudata.search import compiler
from ckanext.bantensatudata.search.compiler import BoolQuery, MatchAll, Range, Term


def test_field_value_and_implicit_and():
    node = compiler.parse_lucene('organization:dinkes tags:"air bersih"')
    assert node == BoolQuery(must=[Term("organization", "dinkes"), Term("tags", "air bersih", phrase=True)])


def test_or_group_inside_field():
    node = compiler.parse_lucene("+state:(active OR draft)")
    assert node == BoolQuery(should=[Term("state", "active"), Term("state", "draft")])


def test_not_minus_and_bang_are_exclusions():
    for q in ("-capacity:private", "NOT capacity:private", "!capacity:private"):
        assert compiler.parse_lucene(q) == BoolQuery(must_not=[Term("capacity", "private")])


def test_match_all_and_field_exists():
    assert compiler.parse_lucene("*:*") == MatchAll()
    node = compiler.parse_lucene("res_format:*")
    assert node == Term("res_format", "*", wildcard="%")


def test_prefix_wildcard_escapes_like_metacharacters():
    node = compiler.parse_lucene("name:data_100%*")
    assert node.wildcard == "data\\_100\\%%"


def test_ranges_with_open_ends_and_exclusive_bounds():
    assert compiler.parse_lucene("num_resources:[1 TO *]") == Range("num_resources", "1", None, True, True)
    assert compiler.parse_lucene("metadata_modified:{NOW-1DAY TO NOW}") == Range(
        "metadata_modified", "NOW-1DAY", "NOW", False, False)


def test_escaped_colon_is_part_of_the_value():
    assert compiler.parse_lucene(r"url:http\://x") == Term("url", "http://x")


def test_whitespace_before_colon_still_names_a_field():
    assert compiler.parse_lucene("_query_store : true") == Term("_query_store", "true")


@pytest.mark.parametrize("q", [
    "title:(", "[1 TO", '"unclosed', "title:[a b]", "a AND", "AND b", "(a OR b", "a)", "field:",
    "{!func}sum(1,2)", "{!child of=x}y",
])
def test_malformed_queries_raise_a_readable_error(q):
    with pytest.raises(compiler.QuerySyntaxError) as err:
        compiler.parse_lucene(q)
    assert str(err.value)


def test_query_length_is_bounded():
    with pytest.raises(compiler.QuerySyntaxError, match="too long"):
        compiler.parse_lucene("a" * 10_000)
    with pytest.raises(compiler.QuerySyntaxError, match="too long"):
        compiler.parse_dismax("a " * 5_000, None)


@pytest.mark.parametrize(("spec", "optional", "required"), [
    ("2<-1 5<80%", 1, 1), ("2<-1 5<80%", 2, 2), ("2<-1 5<80%", 3, 2), ("2<-1 5<80%", 5, 4),
    ("2<-1 5<80%", 10, 8), ("100%", 4, 4), ("1", 4, 1), ("-1", 4, 3), ("50%", 3, 1),
])
def test_minimum_should_match_follows_solr(spec, optional, required):
    assert compiler.parse_mm(spec, optional) == required


def test_dismax_terms_phrases_and_signs():
    dm = compiler.parse_dismax('penduduk +banten -"kota serang" jalan', "2<-1 5<80%")
    assert [t.value for t in dm.must] == ["banten"]
    assert [t.value for t in dm.must_not] == ["kota serang"]
    assert [t.value for t in dm.should] == ["penduduk", "jalan"]
    assert dm.mm == 2


def test_date_math():
    now = datetime.datetime(2026, 12, 4, 15, 30, tzinfo=datetime.UTC)
    assert compiler.parse_date("NOW-1DAY", now) == now - datetime.timedelta(days=1)
    assert compiler.parse_date("NOW/DAY", now) == datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC)
    assert compiler.parse_date("NOW-1YEAR/MONTH", now) == datetime.datetime(
        2025, 12, 1, tzinfo=datetime.UTC)
    assert compiler.parse_date("2020-01-31T00:00:00Z+1MONTH").month == 2
    with pytest.raises(compiler.QuerySyntaxError):
        compiler.parse_date("yesterday")


def test_user_text_only_reaches_sql_as_parameters():
    sql = compiler.SQL()
    hostile = "x'); DROP TABLE package; --"
    fragment = sql.node(compiler.parse_lucene(f'title:"{hostile}" OR tags:"{hostile}"'))
    assert "DROP" not in fragment
    assert any("DROP" in str(v) for v in sql.params.values())


def test_field_names_are_validated_before_reaching_sql():
    with pytest.raises(compiler.QuerySyntaxError):
        compiler.parse_lucene("ti'tle:x")
    with pytest.raises(compiler.QuerySyntaxError):
        compiler.qf_fields("title^2 no'te")
