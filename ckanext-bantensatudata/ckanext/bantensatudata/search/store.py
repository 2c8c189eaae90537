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
# Exact-match and facet values longer than this are only kept in ``doc``: the
# short ones go to ``sdoc``, small enough to stay inline (no TOAST) and fast to scan.
SHORT_VALUE = 256
# The hottest filters and facets get real columns: (field, is a list).
COLUMNS = {
    "site_id": False, "state": False, "capacity": False, "dataset_type": False, "organization": False,
    "permission_labels": True, "groups": True, "tags": True, "res_format": True,
}

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
    sdoc jsonb NOT NULL,
    state text,
    capacity text,
    dataset_type text,
    organization text,
    permission_labels text[] NOT NULL DEFAULT '{}',
    groups text[] NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    res_format text[] NOT NULL DEFAULT '{}',
    tsv tsvector NOT NULL,
    title_tsv tsvector NOT NULL,
    autocomplete text NOT NULL DEFAULT '',
    metadata_modified timestamptz,
    metadata_created timestamptz,
    data_dict text,
    validated_data_dict text
);
CREATE INDEX IF NOT EXISTS bantensatudata_search_sdoc_idx
    ON bantensatudata_search_index USING gin (sdoc jsonb_path_ops);
CREATE INDEX IF NOT EXISTS bantensatudata_search_filter_idx
    ON bantensatudata_search_index (site_id, state, capacity);
CREATE INDEX IF NOT EXISTS bantensatudata_search_org_idx
    ON bantensatudata_search_index (organization);
CREATE INDEX IF NOT EXISTS bantensatudata_search_arrays_idx
    ON bantensatudata_search_index USING gin (permission_labels, groups, tags, res_format);
CREATE INDEX IF NOT EXISTS bantensatudata_search_title_tsv_idx
    ON bantensatudata_search_index USING gin (title_tsv);
CREATE INDEX IF NOT EXISTS bantensatudata_search_tsv_idx
    ON bantensatudata_search_index USING gin (tsv);
CREATE INDEX IF NOT EXISTS bantensatudata_search_trgm_idx
    ON bantensatudata_search_index USING gin (autocomplete gin_trgm_ops);
CREATE INDEX IF NOT EXISTS bantensatudata_search_id_idx
    ON bantensatudata_search_index (id);
CREATE INDEX IF NOT EXISTS bantensatudata_search_name_idx
    ON bantensatudata_search_index (name);
CREATE INDEX IF NOT EXISTS bantensatudata_search_modified_idx
    ON bantensatudata_search_index (metadata_modified DESC NULLS LAST, seq);
CREATE INDEX IF NOT EXISTS bantensatudata_search_created_idx
    ON bantensatudata_search_index (metadata_created DESC NULLS LAST, seq);
CREATE INDEX IF NOT EXISTS bantensatudata_search_title_idx
    ON bantensatudata_search_index ((sdoc->>'title_string') COLLATE "C");
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


MAX_POSITION = 16383  # PostgreSQL's limit for tsvector positions
VALUE_GAP = 16  # a phrase never spans two values or two fields


def tsvector_literal(weighted: Iterable[tuple[str, Iterable[str]]]) -> str:
    """A tsvector built with the same tokenizer as queries, values kept apart.

    Built here rather than by ``to_tsvector`` so that indexing and querying
    share one tokenizer (folding, splitting on punctuation) and so that phrase
    queries cannot match across the boundary between two fields."""
    positions: dict[str, list[str]] = {}
    pos = 1
    for weight, values in weighted:
        for value in values:
            for token in tokens(value):
                slots = positions.setdefault(token, [])
                if len(slots) < 256:
                    slots.append(f"{min(pos, MAX_POSITION)}{weight}")
                pos += 1
            pos += VALUE_GAP
    return " ".join(f"'{lexeme}':{','.join(p)}" for lexeme, p in positions.items())


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
    sdoc: dict[str, Any] = {}
    for key, value in doc.items():
        if is_text_field(key) or key in COLUMNS or key in URL_FIELDS:
            continue
        if isinstance(value, list):
            short = list(dict.fromkeys(v for v in value if len(v) <= SHORT_VALUE))
            if short:
                sdoc[key] = short
        elif len(value) <= SHORT_VALUE:
            sdoc[key] = value
    rest = [k for k in doc if k.startswith(("extras_", "res_extras_", "vocab_"))]
    weighted = [
        ("A", [v for f in WEIGHT_A for v in _values(doc, f)]),
        ("B", [v for f in WEIGHT_B for v in _values(doc, f)]),
        ("C", [v for f in WEIGHT_C + tuple(rest) for v in _values(doc, f)]),
        ("D", [v for f in ("license", "license_id") + URL_FIELDS for v in _values(doc, f)]),
    ]
    return {
        "index_id": str(raw["index_id"]),
        "site_id": str(raw.get("site_id") or ""),
        "id": str(raw.get("id") or ""),
        "name": raw.get("name"),
        "doc": json.dumps(doc),
        "fdoc": json.dumps(fdoc),
        "sdoc": json.dumps(sdoc),
        **{f"c_{col}": (list(dict.fromkeys(_values(doc, col))) if is_list else (_values(doc, col) or [None])[0])
           for col, is_list in COLUMNS.items() if col != "site_id"},
        "tsv": tsvector_literal(weighted),
        "title_tsv": tsvector_literal([("A", _values(doc, "title"))]),
        "autocomplete": fold(" ".join(_values(doc, "title") + _values(doc, "name"))),
        "modified": _parse_ts(doc.get("metadata_modified")),
        "created": _parse_ts(doc.get("metadata_created")),
        "data_dict": raw.get("data_dict"),
        "validated_data_dict": raw.get("validated_data_dict"),
    }


def upsert_statement() -> sa.TextClause:
    return sa.text(f"""
        INSERT INTO {TABLE} (index_id, site_id, id, name, seq, doc, fdoc, sdoc,
                             state, capacity, dataset_type, organization,
                             permission_labels, groups, tags, res_format,
                             tsv, title_tsv, autocomplete,
                             metadata_modified, metadata_created,
                             data_dict, validated_data_dict)
        VALUES (:index_id, :site_id, :id, :name, nextval('bantensatudata_search_seq'),
                CAST(:doc AS jsonb), CAST(:fdoc AS jsonb), CAST(:sdoc AS jsonb),
                :c_state, :c_capacity, :c_dataset_type, :c_organization, CAST(:c_permission_labels AS text[]),
                CAST(:c_groups AS text[]), CAST(:c_tags AS text[]), CAST(:c_res_format AS text[]),
                CAST(:tsv AS tsvector), CAST(:title_tsv AS tsvector), :autocomplete,
:modified, :created, :data_dict, :validated_data_dict)
        ON CONFLICT (index_id) DO UPDATE SET
            site_id = EXCLUDED.site_id, id = EXCLUDED.id, name = EXCLUDED.name,
            seq = EXCLUDED.seq, doc = EXCLUDED.doc, fdoc = EXCLUDED.fdoc, sdoc = EXCLUDED.sdoc,
            state = EXCLUDED.state, capacity = EXCLUDED.capacity, dataset_type = EXCLUDED.dataset_type,
            organization = EXCLUDED.organization, permission_labels = EXCLUDED.permission_labels,
            groups = EXCLUDED.groups,
            tags = EXCLUDED.tags, res_format = EXCLUDED.res_format,
            tsv = EXCLUDED.tsv, title_tsv = EXCLUDED.title_tsv,
            autocomplete = EXCLUDED.autocomplete,
            metadata_modified = EXCLUDED.metadata_modified,
            metadata_created = EXCLUDED.metadata_created,
            data_dict = EXCLUDED.data_dict, validated_data_dict = EXCLUDED.validated_data_dict
    """)


def ensure_table(connection: Any) -> None:
    """Create the index table when missing (idempotent; the migration does the same)."""
    connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    connection.execute(sa.text(DDL))
