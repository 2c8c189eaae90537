"""What a file really is: libmagic plus a format-specific check.

A stored file must be what its name says: the extension picks the claimed
format, libmagic must agree with it, and a check of the format's own structure
must pass (ODF ``mimetype`` entry, OOXML ``[Content_Types].xml``, text in a
declared or detected encoding, JSON and XML that parse).  Everything here reads
the spooled file in bounded chunks, so memory stays flat whatever the size, and
nothing here knows CKAN: a :class:`Rejected` carries a reason code, and the
caller turns it into a translated message.
"""
from __future__ import annotations

import codecs
import dataclasses
import re
import unicodedata
import xml.sax
import zipfile
from collections.abc import Iterable, Iterator

import defusedxml.ElementTree as safe_etree
import defusedxml.sax
import ijson
import magic
from defusedxml.common import DefusedXmlException

from . import formats

CHUNK = 1024 * 1024
#: C0 controls that never occur in text files (tab, LF, FF and CR are allowed)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Unicode "other" categories that have no place in a file name
_NAME_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
#: content that browsers would run if it were ever rendered
_ACTIVE_MIMETYPES = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
    "application/javascript", "application/x-javascript", "application/ecmascript", "text/ecmascript",
})
_ACTIVE_PREFIXES = ("<!doctype html", "<html", "<head", "<body", "<script", "<svg", "<iframe", "<?php")
_ACTIVE_ROOTS = frozenset({"html", "svg", "script"})
_TEXTUAL_APPLICATION = frozenset({"application/json", "application/xml", "application/csv", "application/x-ndjson"})
#: [Content_Types].xml is small; a larger one is not an office document (or is a bomb)
_MAX_CONTENT_TYPES_SIZE = 2 * 1024 * 1024
MAX_NAME_LENGTH = 180


class Rejected(Exception):
    """The file is refused; ``reason`` is a code the caller translates."""

    def __init__(self, reason: str, detected: str = "", **params: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detected = detected
        self.params = params


@dataclasses.dataclass(frozen=True)
class Detected:
    format: str
    mimetype: str
    magic_mimetype: str
    encoding: str | None = None


# --- file names ------------------------------------------------------------------

def display_name(filename: str | None) -> str:
    """A printable form of any client-supplied name, for error messages."""
    text = "".join(
        "\ufffd" if unicodedata.category(ch) in _NAME_FORBIDDEN_CATEGORIES else ch for ch in (filename or "")
    )
    return text if len(text) <= MAX_NAME_LENGTH else text[: MAX_NAME_LENGTH - 1] + "\u2026"


def clean_name(filename: str | None) -> str:
    """The name we store and serve, or :class:`Rejected` (``name``).

    Path separators, ``.``/``..`` and control characters are refused rather
    than silently rewritten: the steward should see that the name was wrong.
    """
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if not name:
        raise Rejected("name_missing")
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(unicodedata.category(ch) in _NAME_FORBIDDEN_CATEGORIES for ch in name)
    ):
        raise Rejected("name")
    name = " ".join(name.split()).lstrip(".")
    if not name:
        raise Rejected("name")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep_ext = bool(dot) and len(ext) <= 10
        name = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext if keep_ext else name[:MAX_NAME_LENGTH]
    return name


# --- the checks -------------------------------------------------------------------

def sniff(path: str) -> str:
    """libmagic's MIME type of the file (only its head is read)."""
    try:
        return magic.from_file(path, mime=True) or "application/octet-stream"
    except magic.MagicException:
        return "application/octet-stream"


def sniff_buffer(head: bytes) -> str:
    """libmagic's MIME type for the first bytes of a stream."""
    try:
        return magic.from_buffer(head, mime=True) or "application/octet-stream"
    except magic.MagicException:
        return "application/octet-stream"


def detect(
    path: str, filename: str, allowed: Iterable[str], declared_charset: str | None = None, size: int | None = None
) -> Detected:
    """Check the spooled file at ``path`` named ``filename``; return what it is or raise :class:`Rejected`."""
    allowed = list(allowed)
    ext = formats.extension_of(filename)
    spec = formats.BY_EXTENSION.get(ext)
    if size == 0:
        raise Rejected("empty", "inode/x-empty")
    mime = sniff(path)
    if mime == "inode/x-empty":
        raise Rejected("empty", mime)
    if spec is None or spec.name not in allowed:
        raise Rejected("extension", mime, extension=ext.upper() or "-")

    if spec.family == formats.PDF:
        if mime != spec.mimetype:
            raise Rejected("mismatch", mime, format=spec.name)
        return Detected(spec.name, spec.mimetype, mime)
    if spec.family == formats.OOXML:
        if mime not in formats.ZIP_MIMETYPES and mime != spec.mimetype:
            raise Rejected("mismatch", mime, format=spec.name)
        _check_ooxml(path, spec)
        return Detected(spec.name, spec.mimetype, mime)
    if spec.family == formats.ODF:
        if mime not in formats.ZIP_MIMETYPES and mime != spec.mimetype:
            raise Rejected("mismatch", mime, format=spec.name)
        _check_odf(path, spec)
        return Detected(spec.name, spec.mimetype, mime)

    # text formats
    if mime in _ACTIVE_MIMETYPES:
        raise Rejected("active", mime, format=spec.name)
    if not (mime.startswith("text/") or mime in _TEXTUAL_APPLICATION):
        raise Rejected("mismatch", mime, format=spec.name)
    if spec.name == "XML":
        _check_xml(path, mime)
        return Detected(spec.name, spec.mimetype, mime)
    encoding = _text_encoding(path, mime, declared_charset)
    _check_not_markup(path, encoding, mime, spec.name)
    if spec.name == "JSON":
        _check_json(path, encoding, mime)
    return Detected(spec.name, spec.mimetype, mime, encoding)


def _open_zip(path: str, mime: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise Rejected("container", mime) from err


def _check_ooxml(path: str, spec: formats.FormatSpec) -> None:
    """The package must declare ``spec``'s main part, and no macros."""
    with _open_zip(path, "application/zip") as zf:
        try:
            info = zf.getinfo("[Content_Types].xml")
        except KeyError as err:
            raise Rejected("container", "application/zip", format=spec.name) from err
        if info.file_size > _MAX_CONTENT_TYPES_SIZE:
            raise Rejected("container", "application/zip", format=spec.name)
        try:
            root = safe_etree.fromstring(zf.read(info), forbid_dtd=True)
        except (safe_etree.ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, ValueError) as err:
            raise Rejected("container", "application/zip", format=spec.name) from err
        content_types = {
            (el.get("ContentType") or "").strip().lower()
            for el in root.iter()
            if el.tag.rsplit("}", 1)[-1] in ("Override", "Default")
        }
    if any("macroenabled" in ct or "vbaproject" in ct for ct in content_types):
        raise Rejected("macro", _main_part(content_types) or "application/zip", format=spec.name)
    if spec.main_part not in content_types:
        raise Rejected("container", _main_part(content_types) or "application/zip", format=spec.name)


def _main_part(content_types: set[str]) -> str:
    """The most telling declared content type, to report what the package really is."""
    for ct in sorted(content_types):
        if ct.endswith(".main+xml"):
            return ct
    return ""


def _check_odf(path: str, spec: formats.FormatSpec) -> None:
    """ODF packages start with an uncompressed ``mimetype`` entry naming their type."""
    with _open_zip(path, "application/zip") as zf:
        infos = zf.infolist()
        if not infos or infos[0].filename != "mimetype" or infos[0].file_size > 256:
            raise Rejected("container", "application/zip", format=spec.name)
        try:
            declared = zf.read(infos[0]).decode("ascii").strip()
        except (UnicodeDecodeError, zipfile.BadZipFile, OSError, ValueError) as err:
            raise Rejected("container", "application/zip", format=spec.name) from err
        names = set(zf.namelist())
    if declared != spec.mimetype:
        raise Rejected("container", declared or "application/zip", format=spec.name)
    if "META-INF/manifest.xml" not in names:
        raise Rejected("container", declared, format=spec.name)


def _read_chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _decodes(path: str, encoding: str) -> bool:
    """Whole file decodes strictly and has no control characters."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        for chunk in _read_chunks(path):
            if _CONTROL.search(decoder.decode(chunk)):
                return False
        return not _CONTROL.search(decoder.decode(b"", final=True))
    except (UnicodeDecodeError, LookupError):
        return False


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _text_encoding(path: str, mime: str, declared: str | None) -> str:
    """The encoding the file is written in: BOM, then the declared charset, then UTF-8, then detection."""
    with open(path, "rb") as f:
        head = f.read(4)
    candidates: list[str] = []
    bom = _bom_encoding(head)
    if bom:
        candidates.append(bom)
    else:
        if declared:
            try:
                candidates.append(codecs.lookup(declared.strip().strip('"')).name)
            except LookupError:
                pass
        candidates.append("utf-8")
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    if bom:
        raise Rejected("encoding", mime)
    guess = _guess_encoding(path)
    if guess and _decodes(path, guess):
        return guess
    raise Rejected("encoding", mime)


def _guess_encoding(path: str) -> str | None:
    from charset_normalizer import from_path

    best = from_path(path).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None


def _head_text(path: str, encoding: str, size: int = 4096) -> str:
    with open(path, "rb") as f:
        raw = f.read(size)
    return raw.decode(encoding, errors="ignore")


def _check_not_markup(path: str, encoding: str, mime: str, format_name: str) -> None:
    """Text served from our domain must not be an HTML/SVG page in disguise (libmagic misses some)."""
    head = _head_text(path, encoding).lstrip("\ufeff \t\r\n").lower()
    if head.startswith(_ACTIVE_PREFIXES):
        raise Rejected("active", "text/html", format=format_name)


class _TextReader:
    """A read()-able view of the file decoded from ``encoding`` (for non-UTF-8 JSON)."""

    def __init__(self, path: str, encoding: str) -> None:
        self._f = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by close()

    def read(self, n: int = -1) -> str:
        return self._f.read(n)

    def close(self) -> None:
        self._f.close()


def _check_json(path: str, encoding: str, mime: str) -> None:
    """Parse the whole document as a stream (yajl): one valid JSON value, nothing after it."""
    utf8 = encoding in ("utf-8", "utf-8-sig", "ascii")
    source = open(path, "rb") if utf8 else _TextReader(path, encoding)  # noqa: SIM115
    try:
        if encoding == "utf-8-sig":
            source.read(3)  # type: ignore[call-arg]
        for _event in ijson.basic_parse(source, buf_size=CHUNK):
            pass
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, ValueError) as err:
        raise Rejected("json", mime) from err
    finally:
        source.close()


class _RootWatcher(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: str | None = None

    def startElementNS(self, name, qname, attrs):
        if self.root is None:
            self.root = (name[1] or "").lower()
            if self.root in _ACTIVE_ROOTS:
                raise Rejected("active", "image/svg+xml" if self.root == "svg" else "text/html", format="XML")

    def startElement(self, name, attrs):
        self.startElementNS((None, name.rsplit(":", 1)[-1]), name, attrs)


def _check_xml(path: str, mime: str) -> None:
    """Well-formed XML, parsed as a stream by expat with entity declarations and external references refused.

    The XML declaration (or BOM) states the encoding; expat enforces it.
    """
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    watcher = _RootWatcher()
    parser.setContentHandler(watcher)
    try:
        for chunk in _read_chunks(path):
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException as err:
        raise Rejected("xml_entities", mime) from err
    except (xml.sax.SAXException, ValueError) as err:
        raise Rejected("xml", mime) from err
    if watcher.root is None:
        raise Rejected("xml", mime)
