"""Index writes: transactional with the dataset, durable from the CLI, cache-coherent."""
from __future__ import annotations

import ckan.lib.search as search
import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories, helpers
from sqlalchemy import event

from ckanext.bantensatudata.search import facets, store


def _index_rows(**where):
    sql = f"SELECT name FROM {store.TABLE}"
    return sorted(r[0] for r in model.Session.execute(sa.text(sql)))


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestTransactions:
    def test_index_row_is_committed_with_the_dataset(self):
        factories.Dataset(name="committed")
        assert _index_rows() == ["committed"]

    def test_failed_commit_leaves_neither_dataset_nor_index_row(self):
        def boom(session):
            raise RuntimeError("disk full")

        # runs after CKAN's own before_commit hook, which indexes the dataset
        event.listen(model.Session, "before_commit", boom)
        try:
            with pytest.raises(RuntimeError):
                helpers.call_action("package_create", name="never-saved")
        finally:
            event.remove(model.Session, "before_commit", boom)
            model.Session.rollback()
        assert model.Package.get("never-saved") is None
        assert _index_rows() == []
        assert helpers.call_action("package_search", q="never")["count"] == 0

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_update_and_delete_are_reflected(self):
        ds = factories.Dataset(name="berubah", title="Judul Lama")
        helpers.call_action("package_patch", id=ds["id"], title="Judul Baru")
        assert helpers.call_action("package_search", q="baru")["count"] == 1
        assert helpers.call_action("package_search", q="lama")["count"] == 0
        helpers.call_action("package_delete", id=ds["id"])
        assert helpers.call_action("package_search", q="baru")["count"] == 0
        found = helpers.call_action("package_search", q="baru", include_deleted=True,
                                    context={"ignore_auth": True})
        assert found["count"] == 1

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", True)
    def test_deleted_datasets_can_be_removed_from_the_index(self):
        ds = factories.Dataset(name="dihapus")
        helpers.call_action("package_delete", id=ds["id"])
        assert _index_rows() == []

    def test_stored_result_needs_no_package_show(self):
        factories.Dataset(name="tersimpan", title="Tersimpan", notes="catatan")
        result = helpers.call_action("package_search", q="tersimpan")["results"][0]
        assert result["notes"] == "catatan"
        assert result["organization"] is None or isinstance(result["organization"], dict)

    def test_facet_cache_is_invalidated_by_writes(self):
        factories.Dataset(name="satu", tags=[{"name": "pajak"}])
        first = helpers.call_action("package_search", **{"facet.field": ["tags"]})["facets"]["tags"]
        assert first == {"pajak": 1}
        generation = facets.generation()
        factories.Dataset(name="dua", tags=[{"name": "pajak"}])
        assert facets.generation() != generation
        second = helpers.call_action("package_search", **{"facet.field": ["tags"]})["facets"]["tags"]
        assert second == {"pajak": 2}


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestSearchIndexCli:
    def test_rebuild_clear_check_show(self, cli):
        ds = factories.Dataset(name="indeks-cli", title="Indeks CLI")
        search.clear_all()
        assert helpers.call_action("package_search", q="indeks")["count"] == 0

        result = cli.invoke(_ckan(), ["search-index", "check"])
        assert "Packages not indexed = 1 out of 1" in result.output

        result = cli.invoke(_ckan(), ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert helpers.call_action("package_search", q="indeks")["count"] == 1

        result = cli.invoke(_ckan(), ["search-index", "show", ds["id"]])
        assert result.exit_code == 0, result.output
        assert "indeks-cli" in result.output

        result = cli.invoke(_ckan(), ["search-index", "clear", ds["id"]])
        assert result.exit_code == 0, result.output
        assert helpers.call_action("package_search", q="indeks")["count"] == 0

        result = cli.invoke(_ckan(), ["search-index", "rebuild-fast"])
        assert result.exit_code == 0, result.output
        assert helpers.call_action("package_search", q="indeks")["count"] == 1


def _ckan():
    from ckan.cli.cli import ckan

    return ckan
