from __future__ import annotations

import pytest
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_create_and_find():
    factories.Dataset(title="Jumlah Penduduk Kabupaten Serang", notes="Data kependudukan")
    factories.Dataset(title="Panjang Jalan Provinsi")
    res = helpers.call_action("package_search", q="penduduk")
    assert res["count"] == 1
    assert res["results"][0]["title"] == "Jumlah Penduduk Kabupaten Serang"
    assert helpers.call_action("package_search")["count"] == 2
