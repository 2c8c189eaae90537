"""The index table and its writes.

A document is what core hands to Solr's ``add``: a flat dict of scalars and
lists.  We keep it whole (``doc``, values normalised to strings so that
``field:value`` means what it means in Solr's string fields), a folded copy of
its text fields (``fdoc``, lower-case without accents, for tokenised matching),
a weighted ``tsvector`` and the two JSON blobs core returns as results.
"""
from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

TABLE = "bantensatudata_search_index"

# Solr's schema: fields not listed here behave as exact-match strings.
TEXT_FIELDS = frozenset({
    "text", "title", "notes", "author", "maintainer", "res_name", "res_description",
    "urls", "license", "url",
})
TEXT_PREFIXES = ("extras_", "res_extras_")
NUMERIC_FIELDS = frozenset({"num_resources", "num_tags", "ratings_count", "ratings_average"})
DATE_FIELDS = frozenset({"metadata_created", "metadata_modified", "indexed_ts"})
BOOLEAN_FIELDS = frozenset({"private", "isopen"})
STORED_BLOBS = ("data_dict", "validated_data_dict")

# Weighted full text: A the names, B the groupings, C the descriptions, D the rest.
WEIGHT_A = ("name", "title")
WEIGHT_B = ("tags", "groups", "organization")
WEIGHT_C = ("notes", "res_name", "res_description", "author", "maintainer", "text")
URL_FIELDS = ("url", "res_url", "ckan_url", "download_url")

DDL = """
CREATE SEQUENCE IF NOT EXISTS bantensatudata_search_seq;
CREATE TABLE IF NOT EXISTS bantensatudata_search_index (
    index_id text PRIMARY KEY,
    site_id text NOT NULL,
    id text NOT NULL,
    name text,
    seq bigint NOT NULL DEFAULT nextval('bantensatudata_search_seq'),
    doc jsonb NOT NULL,
    fdoc jsonb NOT NULL,
    tsv tsvector NOT NULL,
    autocomplete text NOT NULL DEFAULT '',
    metadata_modified timestamptz,
    metadata_created timestamptz,
    data_dict text,
    validated_data_dict text
);
CREATE INDEX IF NOT EXISTS bantensatudata_search_doc_idx
    ON bantensatudata_search_index USING gin (doc jsonb_path_ops);
CREATE INDEX IF NOT EXISTS bantensatudata_search_tsv_idx
    ON bantensatudata_search_index USING gin (tsv);
CREATE INDEX IF NOT EXISTS bantensatudata_search_trgm_idx
    ON bantensatudata_search_index USING gin (autocomplete gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bantensatudata_search_id_idx
    ON bantensatudata_search_index (id);
CREATE INDEX IF NOT EXISTS bantensatudata_search_name_idx
    ON bantensatudata_search_index (name);
CREATE INDEX IF NOT EXISTS bantensatudata_search_modified_idx
    ON bantensatudata_search_index (metadata_modified DESC);
CREATE INDEX IF NOT EXISTS bantensatudata_search_created_idx
    ON bantensatudata_search_index (metadata_created DESC);
CREATE INDEX IF NOT EXISTS bantensatudata_search_state_idx
    ON bantensatudata_search_index ((doc->>'state'), (doc->>'capacity'));
CREATE INDEX IF NOT EXISTS bantensatudata_search_title_idx
    ON bantensatudata_search_index ((doc->>'title_string') COLLATE "C");
"""

_SOLR_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def is_text_field(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def is_date_field(field: str) -> bool:
    return field in DATE_FIELDS or field.endswith("_date")


def fold(value: str) -> str:
    """Lower case without accents: how Indonesian and English text is matched."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(value: str) -> list[str]:
    return _TOKEN_RE.findall(fold(value))


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    text = str(value)
    return text if text != "" else None


def normalise(value: Any) -> str | list[str] | None:
    """Solr-like value: a string, or a list of strings for multi-valued fields."""
    if isinstance(value, (list, tuple, set)):
        items = [s for s in (_scalar(v) for v in value) if s is not None]
        return items or None
    return _scalar(value)


def _values(doc: dict[str, Any], field: str) -> list[str]:
    value = doc.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text_of(doc: dict[str, Any], fields: Iterable[str]) -> str:
    return " ".join(v for f in fields for v in _values(doc, f))


def _parse_ts(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def solr_date(value: Any) -> Any:
    """Dates as Solr stores them: UTC, to the millisecond, without trailing zeros."""
    if not isinstance(value, str) or not _SOLR_DATE_RE.match(value):
        return value
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    millis = f"{parsed.microsecond // 1000:03d}".rstrip("0")
    return parsed.strftime("%Y-%m-%dT%H:%M:%S") + (f".{millis}" if millis else "") + "Z"


def prepare(raw: dict[str, Any]) -> dict[str, Any]:
    """Turn one core document into the row we store."""
    doc: dict[str, Any] = {}
    for key, value in raw.items():
        if key in STORED_BLOBS:
            continue
        if is_date_field(key):
            value = solr_date(value)
        norm = normalise(value)
        if norm is not None:
            doc[key] = norm
    fdoc = {
        k: ([fold(x) for x in v] if isinstance(v, list) else fold(v))
        for k, v in doc.items() if is_text_field(k)
    }
    rest = [k for k in doc if k.startswith(("extras_", "res_extras_", "vocab_"))]
    weighted = {
        "A": _text_of(doc, WEIGHT_A),
        "B": _text_of(doc, WEIGHT_B),
        "C": _text_of(doc, WEIGHT_C + tuple(rest)),
        "D": _text_of(doc, ("license", "license_id") + URL_FIELDS),
    }
    return {
        "index_id": str(raw["index_id"]),
        "site_id": str(raw.get("site_id") or ""),
        "id": str(raw.get("id") or ""),
        "name": raw.get("name"),
        "doc": json.dumps(doc),
        "fdoc": json.dumps(fdoc),
        "wa": fold(weighted["A"]),
        "wb": fold(weighted["B"]),
        "wc": fold(weighted["C"]),
        "wd": fold(weighted["D"]),
        "autocomplete": fold(" ".join(_values(doc, "title") + _values(doc, "name"))),
        "modified": _parse_ts(doc.get("metadata_modified")),
        "created": _parse_ts(doc.get("metadata_created")),
        "data_dict": raw.get("data_dict"),
        "validated_data_dict": raw.get("validated_data_dict"),
    }


def upsert_statement(text_config: str) -> sa.TextClause:
    cfg = text_config.replace("'", "")
    vector = " || ".join(
        f"setweight(to_tsvector('{cfg}', :w{w.lower()}), '{w}')" for w in "ABCD"
    )
    return sa.text(f"""
        INSERT INTO {TABLE} (index_id, site_id, id, name, seq, doc, fdoc, tsv, autocomplete,
                             metadata_modified, metadata_created,
                             data_dict, validated_data_dict)
        VALUES (:index_id, :site_id, :id, :name, nextval('bantensatudata_search_seq'),
                CAST(:doc AS jsonb), CAST(:fdoc AS jsonb), {vector}, :autocomplete,
:modified, :created, :data_dict, :validated_data_dict)
        ON CONFLICT (index_id) DO UPDATE SET
            site_id = EXCLUDED.site_id, id = EXCLUDED.id, name = EXCLUDED.name,
            seq = EXCLUDED.seq, doc = EXCLUDED.doc, fdoc = EXCLUDED.fdoc, tsv = EXCLUDED.tsv,
            autocomplete = EXCLUDED.autocomplete,
            metadata_modified = EXCLUDED.metadata_modified,
            metadata_created = EXCLUDED.metadata_created,
            data_dict = EXCLUDED.data_dict, validated_data_dict = EXCLUDED.validated_data_dict
    """)


def ensure_table(connection: Any) -> None:
    """Create the index table when missing (idempotent; the migration does the same)."""
    connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    connection.execute(sa.text(DDL))
