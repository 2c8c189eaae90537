"""Real sample files of every allowed format, and hostile ones, made by well-kept libraries.

Every sample is built on the fly (openpyxl, python-docx, python-pptx, odfpy,
the standard library), so the tests exercise what stewards actually upload.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile

import docx
import pptx
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

ROWS = [
    ("kode_wilayah", "kabupaten_kota", "jumlah_penduduk"),
    ("36.01", "Kabupaten Pandeglang", 1272687),
    ("36.02", "Kabupaten Lebak", 1386793),
    ("36.71", "Kota Tangerang", 1895486),
]


def _saved(obj: object) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def xlsx() -> bytes:
    wb = Workbook()
    for row in ROWS:
        wb.active.append(list(row))
    return _saved(wb)


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Jumlah Penduduk Provinsi Banten", level=1)
    document.add_paragraph("Sumber: Dinas Kependudukan dan Pencatatan Sipil.")
    return _saved(document)


def pptx_bytes() -> bytes:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "Banten Satu Data"
    return _saved(deck)


def odt() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(P(text="Jumlah Penduduk Provinsi Banten"))
    return _saved(document)


def ods() -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Penduduk")
    for row in ROWS:
        tr = TableRow()
        for value in row:
            cell = TableCell()
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    document.spreadsheet.addElement(table)
    return _saved(document)


def odp() -> bytes:
    return _saved(OpenDocumentPresentation())


def pdf() -> bytes:
    """A minimal one-page PDF written by hand, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def csv_text() -> str:
    return "".join(",".join(str(v) for v in row) + "\n" for row in ROWS)


def csv_bytes(encoding: str = "utf-8") -> bytes:
    return ("kode,nama\n36.01,Pandeglang\n36.73,Kota Serang — ibu kota, \u00e9\n").encode(encoding) \
        if encoding != "utf-8" else csv_text().encode("utf-8")


def json_bytes() -> bytes:
    return json.dumps({"data": [dict(zip(ROWS[0], row, strict=True)) for row in ROWS[1:]]}).encode("utf-8")


def xml_bytes() -> bytes:
    items = "".join(f'<wilayah kode="{row[0]}"><nama>{row[1]}</nama></wilayah>' for row in ROWS[1:])
    return f'<?xml version="1.0" encoding="UTF-8"?><data>{items}</data>'.encode()


def txt_bytes() -> bytes:
    return b"Data penduduk Provinsi Banten.\nDiperbarui setiap tahun.\n"


#: name -> (file name, bytes, expected format, expected mimetype)
def allowed_samples() -> dict[str, tuple[str, bytes, str, str]]:
    return {
        "xlsx": ("penduduk.xlsx", xlsx(), "XLSX",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "docx": ("laporan.docx", docx_bytes(), "DOCX",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "pptx": ("paparan.pptx", pptx_bytes(), "PPTX",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        "odt": ("laporan.odt", odt(), "ODT", "application/vnd.oasis.opendocument.text"),
        "ods": ("penduduk.ods", ods(), "ODS", "application/vnd.oasis.opendocument.spreadsheet"),
        "odp": ("paparan.odp", odp(), "ODP", "application/vnd.oasis.opendocument.presentation"),
        "pdf": ("pergub-47-2016.pdf", pdf(), "PDF", "application/pdf"),
        "csv": ("penduduk.csv", csv_bytes(), "CSV", "text/csv"),
        "json": ("penduduk.json", json_bytes(), "JSON", "application/json"),
        "xml": ("penduduk.xml", xml_bytes(), "XML", "application/xml"),
        "txt": ("catatan.txt", txt_bytes(), "TXT", "text/plain"),
    }


# --- hostile files -------------------------------------------------------------------

def executable() -> bytes:
    with open(shutil.which("true") or "/bin/true", "rb") as f:
        return f.read()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", csv_text())
    return buf.getvalue()


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def html_fragment() -> bytes:
    """libmagic does not always call this HTML; our own check must."""
    return b"<script>fetch('/api/3/action/user_list')</script>\nkode,nama\n"


def svg_as_xml() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def docx_with_content_type(content_type: str) -> bytes:
    """A real DOCX whose [Content_Types].xml declares another main part type."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    content_type.encode(),
                )
            zf.writestr(info, data)
    return out.getvalue()


def invalid_json() -> bytes:
    return b'{"kode": "36.01", "nama": "Pandeglang",}'


def invalid_xml() -> bytes:
    return b'<?xml version="1.0"?><data><wilayah>Lebak</data>'


def entity_bomb_xml() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )


def binary_noise() -> bytes:
    return bytes(range(256)) * 64
