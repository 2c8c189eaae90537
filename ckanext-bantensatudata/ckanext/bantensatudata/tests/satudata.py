"""Builders for the catalogue's tests: sectors, OPD and Satu Data datasets via real actions."""
from __future__ import annotations

import re
from typing import Any

from ckan.tests import factories
from ckan.tests.helpers import call_action


def sector(name: str = "pelayanan", urutan: int = 4, pilar: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    return factories.Group(name=name, title=kw.pop("title", name.replace("-", " ").title()), urutan=str(urutan),
                           pilar=pilar or ["G2C"], ikon=kw.pop("ikon", "star"), **kw)


def opd(name: str = "dinkes", kode: str = "DIN-04", **kw: Any) -> dict[str, Any]:
    return factories.Organization(name=name, title=kw.pop("title", "Dinas Kesehatan"), kode_opd=kode,
                                  singkatan=kw.pop("singkatan", "Dinkes"), jenis_opd=kw.pop("jenis_opd", "dinas"),
                                  **kw)


def dataset_fields(org: dict[str, Any], group: dict[str, Any], **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "jumlah-penduduk", "title": "Jumlah Penduduk Menurut Kabupaten/Kota",
        "notes": "Jumlah penduduk Provinsi Banten menurut kabupaten/kota.",
        "owner_org": org["id"], "groups": [{"name": group["name"]}],
        "frekuensi": "tahunan", "periode_awal": "2019", "periode_akhir": "2023", "cakupan_wilayah": "36.71",
        "satuan": "jiwa", "walidata": "Diskominfo", "sumber_data": "Dukcapil",
        "konsep": "Penduduk", "definisi": "Orang yang berdomisili", "metodologi": "Registrasi",
        "interpretasi": "Makin besar makin banyak", "data_prioritas": "true", "tahun_prioritas": "2024",
        "kontak_nama": "Seksi Data", "kontak_email": "data@bantenprov.go.id",
    }
    fields.update(kw)
    return fields


def create_dataset(org: dict[str, Any], group: dict[str, Any], user: str, **kw: Any) -> dict[str, Any]:
    return call_action("package_create", {"user": user}, **dataset_fields(org, group, **kw))


def csrf_token(html: str) -> str:
    m = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="_csrf_token"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)
