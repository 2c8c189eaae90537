"""The OPD tree behind the tiers, and the chart rendering."""
from __future__ import annotations

from ckanext.bantensatudata.dashboard import access, charts

ORGS = {
    "a": access.Organization("a", "dinas", "Dinas", ""),
    "b": access.Organization("b", "upt", "UPT", "dinas"),
    "c": access.Organization("c", "balai", "Balai", "upt"),
    "d": access.Organization("d", "lain", "Lain", ""),
    "x": access.Organization("x", "loop1", "Loop 1", "loop2"),
    "y": access.Organization("y", "loop2", "Loop 2", "loop1"),
    "z": access.Organization("z", "self", "Self", "self"),
}


def test_subtree_follows_induk_opd_down() -> None:
    assert access.subtree(ORGS, "a") == {"a", "b", "c"}
    assert access.subtree(ORGS, "b") == {"b", "c"}
    assert access.subtree(ORGS, "d") == {"d"}


def test_subtree_survives_cycles() -> None:
    assert access.subtree(ORGS, "x") == {"x", "y"}
    assert access.subtree(ORGS, "z") == {"z"}


def test_viewer_scope_intersects_the_subtree_with_what_it_may_open() -> None:
    head = access.Viewer("u", "u", False, False, frozenset({"a", "b", "c"}), frozenset())
    assert head.scope(ORGS) == ["a", "b", "c"]
    assert head.scope(ORGS, "b") == ["b", "c"]
    admin = access.Viewer("u", "u", False, False, frozenset({"a"}), frozenset({"a"}))
    assert admin.scope(ORGS, "a") == ["a"]
    assert not access.NOBODY.has_access


def test_chart_escapes_labels_and_scales_bars() -> None:
    svg = str(charts.bar_chart([{"t": "<script>", "v": 10}, {"t": "B & C", "v": 5}, {"t": "nol", "v": 0}],
                               "t", "v", 'Judul "x"'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    assert 'width="300.0"' in svg and 'width="150.0"' in svg and 'width="0.0"' in svg
    assert "<title>Judul &#34;x&#34;</title>" in svg
