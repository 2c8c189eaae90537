"""CKAN core's own search-dependent tests, run against the PostgreSQL engine.

Importing a test class into this module makes pytest collect it here, under our
test.ini and with the engine's seam installed by the project's pytest plugin.

Left out, each for a reason outside the engine:
- tests needing files the PyPI wheel does not ship (``tests/lib/search/data/*.xml``);
- tests depending on core's test-only ``ckan.extra_resource_fields = alt_url``;
- tests that create datasets as users that do not exist while our ``ckan.plugins``
  (which core's CLI tests load into the session) includes ``activity``: the
  activity plugin then refuses the unknown actor.  Their behaviour (update, delete,
  deleted datasets and rebuild) is covered by our own tests in test_index.py.
"""
from __future__ import annotations

from ckan.tests.cli import test_search_index as core_cli
from ckan.tests.lib.search import test_index as core_index
from ckan.tests.lib.search.test_index import TestSearchIndex  # noqa: F401
from ckan.tests.lib.search.test_query import TestPackageQuery, TestTagQuery  # noqa: F401
from ckan.tests.lib.search.test_search import (  # noqa: F401
    test_02_add_package_from_dict,
    test_allowed_local_params_via_config,
    test_allowed_local_params_via_config_not_defined,
    test_check_valid_schema,
    test_get_index_uses_site_id,
    test_local_params_at_the_start,
    test_local_params_not_allowed_by_default,
    test_local_params_not_allowed_by_default_different_field,
    test_local_params_not_allowed_by_default_different_field_list,
    test_local_params_with_whitespace_not_allowed_by_default,
    test_magic_fields_dont_interfere,
    test_magic_fields_not_allowed,
    test_query_parsers_not_allowed,
)
from ckan.tests.logic.action.test_get import (  # noqa: F401
    TestCollaboratorsSearch,
    TestCurrentPackageList,
    TestGroupList,
    TestGroupShow,
    TestOrganizationList,
    TestOrganizationShow,
    TestPackageAutocomplete,
    TestPackageAutocompleteWithDatasetForm,
    TestPackageSearch,
    TestTagList,
    TestUserList,
)


class TestSearchIndexCli(core_cli.TestSearchIndex):
    test_no_index_deleted_package = None
    test_no_index_deleted_package_rebuild = None
    test_index_deleted_package = None
    test_index_deleted_package_rebuild = None


class TestPackageSearchIndex(core_index.TestPackageSearchIndex):
    test_index_package_stores_resource_extras_in_config_file = None
