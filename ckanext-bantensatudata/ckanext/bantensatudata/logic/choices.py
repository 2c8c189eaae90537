"""Code lists shared by the schemas, the validators, the seed and the helpers.

The scheming YAML in ``schemas/`` is the source of truth for labels; these
constants exist so that Python code (seed checks, index hooks) never has to
guess a value list.  A test keeps both in step.
"""
from __future__ import annotations

FREKUENSI = (
    "harian", "mingguan", "bulanan", "triwulanan", "semesteran", "tahunan",
    "lima_tahunan", "tidak_tentu",
)
# Kemendagri area codes: the province and its 8 regencies/cities.
WILAYAH = {
    "36": "Provinsi Banten",
    "36.01": "Kabupaten Pandeglang",
    "36.02": "Kabupaten Lebak",
    "36.03": "Kabupaten Tangerang",
    "36.04": "Kabupaten Serang",
    "36.71": "Kota Tangerang",
    "36.72": "Kota Cilegon",
    "36.73": "Kota Serang",
    "36.74": "Kota Tangerang Selatan",
}
JENIS_OPD = (
    "dinas", "badan", "biro", "balai", "rsud", "sekretariat", "inspektorat", "satpol_pp", "upt",
)
JENIS_APLIKASI = ("website", "aplikasi")
LOKASI_SERVER = ("kominfo", "diluar_kominfo", "tidak_diketahui")
STATUS_APLIKASI = ("aktif", "tidak_aktif")
PILAR = ("G2G", "G2E", "G2C", "G2B")
JENIS_PERATURAN = (
    "perda", "pergub", "kepgub", "instruksi_gubernur", "surat_edaran", "peraturan_dprd",
    "keputusan_dprd", "lainnya",
)
STATUS_PERATURAN = ("berlaku", "diubah", "dicabut")
# The formats the repository stores (design document, "Format File").
FORMATS = ("CSV", "JSON", "XML", "PDF", "TXT", "XLSX", "ODS", "DOCX", "ODT", "PPTX", "ODP")

YEAR_MIN = 1900
YEAR_MAX = 2100

DATASET_TYPES = ("dataset", "produk-hukum", "aplikasi")
