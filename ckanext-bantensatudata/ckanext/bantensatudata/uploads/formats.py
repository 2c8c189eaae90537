"""The formats the repository may store, and how each one is recognised.

Only formats listed here can be allowed by configuration: for each one we know
its file extensions, the MIME type we serve it with, and which content check
(:mod:`.detect`) proves that a file really is of that format.
"""
from __future__ import annotations

import dataclasses

#: the design document's list (its "ODF" document format is ODT)
DEFAULT_ALLOWED = ("ODT", "DOCX", "ODS", "XLSX", "ODP", "PPTX", "CSV", "JSON", "XML", "PDF", "TXT")

# content check families
ODF = "odf"
OOXML = "ooxml"
PDF = "pdf"
TEXT = "text"

ZIP_MIMETYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/octet-stream"})


@dataclasses.dataclass(frozen=True)
class FormatSpec:
    name: str
    extensions: tuple[str, ...]
    mimetype: str
    family: str
    #: OOXML: the content type of the package's main part
    main_part: str = ""


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("ODT", ("odt",), "application/vnd.oasis.opendocument.text", ODF),
        FormatSpec("ODS", ("ods",), "application/vnd.oasis.opendocument.spreadsheet", ODF),
        FormatSpec("ODP", ("odp",), "application/vnd.oasis.opendocument.presentation", ODF),
        FormatSpec(
            "DOCX", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", OOXML,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        FormatSpec(
            "XLSX", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OOXML,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
        FormatSpec(
            "PPTX", ("pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation", OOXML,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        ),
        FormatSpec("PDF", ("pdf",), "application/pdf", PDF),
        FormatSpec("CSV", ("csv",), "text/csv", TEXT),
        FormatSpec("JSON", ("json",), "application/json", TEXT),
        FormatSpec("XML", ("xml",), "application/xml", TEXT),
        FormatSpec("TXT", ("txt",), "text/plain", TEXT),
    )
}

BY_EXTENSION: dict[str, FormatSpec] = {ext: spec for spec in FORMATS.values() for ext in spec.extensions}

#: names people use for the same thing (the design document says "ODF")
ALIASES = {
    "ODF": "ODT",
    "TEXT": "TXT",
    "PLAIN": "TXT",
    "TEXT/PLAIN": "TXT",
    "TEXT/CSV": "CSV",
    "APPLICATION/JSON": "JSON",
    "APPLICATION/XML": "XML",
    "TEXT/XML": "XML",
    "APPLICATION/PDF": "PDF",
    **{spec.mimetype.upper(): spec.name for spec in FORMATS.values()},
}


def normalise(value: str) -> str:
    """``" .xlsx"`` / ``"Excel"``-free canonical name: ``"XLSX"`` (unknown values upper-cased)."""
    name = (value or "").strip().lstrip(".").upper()
    return ALIASES.get(name, name)


def extension_of(filename: str) -> str:
    """Lower-case extension without the dot (``""`` when there is none)."""
    base = filename.rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].lower()
