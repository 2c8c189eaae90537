"""bantensatudata_resource_download_count: validated, as private as the resource, zero before any download."""
from __future__ import annotations

import pytest
from ckan import logic
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.bantensatudata.uploads import downloads

from .. import samples
from ..conftest import file_storage, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins")


def _resource(steward, dataset_id=None):
    return call_action("resource_create", steward.context, package_id=dataset_id or steward.dataset["id"],
                       name="Data", upload=file_storage(samples.csv_bytes(), "penduduk.csv"))


def test_counts_recorded_downloads(steward):
    res = _resource(steward)
    assert call_action("bantensatudata_resource_download_count", id=res["id"])["downloads"] == 0
    for _ in range(3):
        downloads.record(res["id"], res["package_id"])
    result = call_action("bantensatudata_resource_download_count", resource_id=res["id"])
    assert result["resource_id"] == res["id"]
    assert result["downloads"] == 3
    assert result["last_download"]


def test_missing_id_is_a_validation_error(steward):
    with pytest.raises(logic.ValidationError) as err:
        call_action("bantensatudata_resource_download_count")
    assert "id" in err.value.error_dict


def test_unknown_resource_is_not_found(steward):
    with pytest.raises(logic.NotFound):
        call_action("bantensatudata_resource_download_count", id="tidak-ada-sumber-daya")


def test_private_dataset_count_needs_access(steward):
    private = make_dataset(steward.organization["id"], steward.user["name"], private=True)
    res = _resource(steward, private["id"])
    outsider = factories.User()
    with pytest.raises(logic.NotAuthorized):
        call_auth("bantensatudata_resource_download_count", {"user": outsider["name"]}, id=res["id"])
    with pytest.raises(logic.NotAuthorized):
        call_action("bantensatudata_resource_download_count", {"user": outsider["name"], "ignore_auth": False},
                    id=res["id"])
    assert call_auth("bantensatudata_resource_download_count", {"user": steward.user["name"]}, id=res["id"])


def test_public_count_is_open_to_anonymous(steward):
    res = _resource(steward)
    assert call_auth("bantensatudata_resource_download_count", {"user": ""}, id=res["id"])
