"""Lucene / dismax subset -> parameterised SQL over the index table.

Only the syntax CKAN and its users send is understood: ``field:value``, quoted
phrases, ``(a OR b)``, ``+``/``-``/``NOT``/``!``, ``AND``/``OR``/``&&``/``||``,
parentheses, ``*:*``, ``field:*``, ``abc*`` and ``a?c`` wildcards, ranges
``[a TO b]`` / ``{a TO b}`` with ``*`` and ``NOW`` date math, boosts (ignored),
and dismax free text with ``mm``.  Anything else raises
:class:`QuerySyntaxError`; user text only ever reaches PostgreSQL as bound
parameters.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Union

from . import store

MAX_QUERY_LENGTH = 5000
MAX_CLAUSES = 256
FIELD_RE = re.compile(r"^[A-Za-z_][\w.\-]*$")


class QuerySyntaxError(ValueError):
    """A query CKAN would also have refused (Solr answers 400 on these)."""


# --------------------------------------------------------------------------- AST
@dataclass
class Term:
    field: str | None
    value: str
    phrase: bool = False
    wildcard: str | None = None  # LIKE pattern when the word had unescaped * or ?


@dataclass
class Range:
    field: str | None
    low: str | None
    high: str | None
    include_low: bool
    include_high: bool


@dataclass
class MatchAll:
    pass


@dataclass
class BoolQuery:
    must: list["Node"] = dc_field(default_factory=list)
    should: list["Node"] = dc_field(default_factory=list)
    must_not: list["Node"] = dc_field(default_factory=list)


Node = Union[Term, Range, MatchAll, BoolQuery]  # noqa: UP007 (runtime alias)


# --------------------------------------------------------------------- tokenizer
@dataclass
class Tok:
    kind: str  # ( ) AND OR NOT + - FIELD TERM PHRASE RANGE
    text: str = ""
    wildcard: str | None = None
    extra: tuple[Any, ...] = ()


_SPECIAL = set('()"[]{}:^~ \t\r\n')


def _like_escape(ch: str) -> str:
    return "\\" + ch if ch in "%_\\" else ch


def tokenize(q: str) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            toks.append(Tok(c))
            i += 1
            continue
        if c in "+-!" and (not toks or toks[-1].kind in ("(", "AND", "OR", "NOT", "+", "-")
                           or q[i - 1].isspace() or q[i - 1] == "("):
            toks.append(Tok({"+": "+", "-": "NOT", "!": "NOT"}[c]))
            i += 1
            continue
        if q.startswith("&&", i):
            toks.append(Tok("AND"))
            i += 2
            continue
        if q.startswith("||", i):
            toks.append(Tok("OR"))
            i += 2
            continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and q[j] != '"':
                if q[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(q[j])
                j += 1
            if j >= n:
                raise QuerySyntaxError("unclosed quotation mark")
            toks.append(Tok("PHRASE", "".join(buf)))
            i = _skip_modifiers(q, j + 1)
            continue
        if c in "[{":
            j = i + 1
            while j < n and q[j] not in "]}":
                j += 1
            if j >= n:
                raise QuerySyntaxError("unclosed range: expected ']' or '}'")
            body = q[i + 1:j].strip()
            parts = re.split(r"\s+TO\s+", body)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise QuerySyntaxError(f"malformed range {q[i:j + 1]!r}: expected [a TO b]")
            toks.append(Tok("RANGE", extra=(_unquote(parts[0]), _unquote(parts[1]),
                                            c == "[", q[j] == "]")))
            i = _skip_modifiers(q, j + 1)
            continue
        if c in ")]}^~:":
            raise QuerySyntaxError(f"unexpected {c!r} at position {i}")
        # a word, with backslash escapes
        j, buf, pattern, wild = i, [], [], False
        while j < n and q[j] not in _SPECIAL:
            ch = q[j]
            if ch == "\\" and j + 1 < n:
                j += 1
                buf.append(q[j])
                pattern.append(_like_escape(q[j]))
            elif ch in "*?":
                wild = True
                buf.append(ch)
                pattern.append("%" if ch == "*" else "_")
            else:
                buf.append(ch)
                pattern.append(_like_escape(ch))
            j += 1
        word = "".join(buf)
        k = j
        while k < n and q[k] in " \t":
            k += 1
        if word and k < n and q[k] == ":":
            toks.append(Tok("FIELD", word))
            i = k + 1
            continue
        if word in ("AND", "OR", "NOT"):
            toks.append(Tok(word))
        else:
            toks.append(Tok("TERM", word, "".join(pattern) if wild else None))
        i = _skip_modifiers(q, j)
    return toks


def _skip_modifiers(q: str, i: int) -> int:
    """Boosts (^2) and fuzziness/proximity (~1) change scoring only: skip them."""
    while i < len(q) and q[i] in "^~":
        i += 1
        while i < len(q) and (q[i].isdigit() or q[i] == "."):
            i += 1
    return i


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1]
    return v


# ------------------------------------------------------------------------ parser
class _Parser:
    def __init__(self, toks: list[Tok], default_and: bool):
        self.toks = toks
        self.pos = 0
        self.default_and = default_and
        self.clauses = 0

    def peek(self) -> Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> Tok:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("unexpected end of query")
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr(None)
        if self.peek() is not None:
            raise QuerySyntaxError(f"unexpected {self.peek().kind!r}")  # type: ignore[union-attr]
        return node

    def or_expr(self, fld: str | None) -> Node:
        groups = [self.and_seq(fld)]
        while self.peek() is not None and self.peek().kind == "OR":  # type: ignore[union-attr]
            self.take()
            groups.append(self.and_seq(fld))
        if len(groups) == 1:
            return groups[0]
        return BoolQuery(should=groups)

    def and_seq(self, fld: str | None) -> Node:
        bq = BoolQuery()
        default = "must" if self.default_and else "should"
        first = True
        while True:
            tok = self.peek()
            if tok is None or tok.kind in (")", "OR"):
                break
            if tok.kind == "AND":
                if first:
                    raise QuerySyntaxError("AND without a left operand")
                self.take()
                tok = self.peek()
                if tok is None or tok.kind in (")", "OR", "AND"):
                    raise QuerySyntaxError("AND without a right operand")
                # "a AND b": both required
                if bq.should:
                    bq.must.extend(bq.should)
                    bq.should = []
                occur = "must"
            else:
                occur = default
            occur, node = self.clause(fld, occur)
            getattr(bq, occur).append(node)
            first = False
            self.clauses += 1
            if self.clauses > MAX_CLAUSES:
                raise QuerySyntaxError(f"too many clauses (more than {MAX_CLAUSES})")
        if first:
            raise QuerySyntaxError("empty query or group")
        if len(bq.must) == 1 and not bq.should and not bq.must_not:
            return bq.must[0]
        if len(bq.should) == 1 and not bq.must and not bq.must_not:
            return bq.should[0]
        return bq

    def clause(self, fld: str | None, occur: str) -> tuple[str, Node]:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "+":
            self.take()
            return "must", self.clause(fld, "must")[1]
        if tok.kind == "NOT":
            self.take()
            inner_occur, node = self.clause(fld, "must")
            if inner_occur == "must_not":  # double negation
                return "must", node
            return "must_not", node
        return occur, self.primary(fld)

    def primary(self, fld: str | None) -> Node:
        tok = self.take()
        if tok.kind == "(":
            node = self.or_expr(fld)
            if self.peek() is None or self.take().kind != ")":
                raise QuerySyntaxError("missing closing parenthesis")
            return node
        if tok.kind == "FIELD":
            if fld is not None:
                raise QuerySyntaxError("nested field in a field group")
            name = tok.text
            if name != "*" and not FIELD_RE.match(name):
                raise QuerySyntaxError(f"invalid field name {name!r}")
            nxt = self.peek()
            if nxt is None:
                raise QuerySyntaxError(f"missing value for field {name!r}")
            if name == "*":
                value = self.take()
                if value.kind == "TERM" and value.text == "*":
                    return MatchAll()
                raise QuerySyntaxError("only *:* may use the * field")
            if nxt.kind in ("+", "NOT"):
                return self._field_clause(name)
            return self.primary(name)
        if tok.kind == "TERM":
            if tok.text == "*" and fld is None:
                return MatchAll()
            return Term(fld, tok.text, wildcard=tok.wildcard)
        if tok.kind == "PHRASE":
            return Term(fld, tok.text, phrase=True)
        if tok.kind == "RANGE":
            low, high, il, ih = tok.extra
            return Range(fld, None if low == "*" else low, None if high == "*" else high, il, ih)
        raise QuerySyntaxError(f"unexpected {tok.kind!r}")

    def _field_clause(self, name: str) -> Node:
        occur, node = self.clause(name, "must")
        return BoolQuery(**{occur: [node]})


LOCAL_PARAMS_RE = re.compile(r"^\s*\{!([^}]*)\}(.*)$", re.S)
LOCAL_PARAM_RE = re.compile(r"""([\w.]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|(\S+)""")


def _local_params(q: str) -> tuple[str, dict[str, list[str]], str]:
    """Split ``{!parser k=v ...}rest`` (core only lets allowed parsers through)."""
    m = LOCAL_PARAMS_RE.match(q)
    if not m:
        raise QuerySyntaxError("local parameters must be defined at the beginning of the query")
    params: dict[str, list[str]] = {}
    parser = None
    for pm in LOCAL_PARAM_RE.finditer(m.group(1)):
        if pm.group(5):
            parser = pm.group(5)
            continue
        value = next(v for v in (pm.group(2), pm.group(3), pm.group(4)) if v is not None)
        params.setdefault(pm.group(1), []).append(value)
    parser = parser or (params.pop("type", ["lucene"])[0])
    return parser, params, m.group(2)


def parse_lucene(q: str, default_and: bool = True) -> Node:
    if len(q) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query too long ({len(q)} characters, at most {MAX_QUERY_LENGTH})")
    if "{!" in q:
        parser, params, rest = _local_params(q)
        if "{!" in rest:
            raise QuerySyntaxError("only one set of local parameters is supported")
        if parser == "lucene":
            op = (params.get("q.op") or ["AND" if default_and else "OR"])[0].upper()
            return parse_lucene(rest, op != "OR")
        if parser == "bool":
            bq = BoolQuery()
            for key, occur in (("must", "must"), ("filter", "must"), ("should", "should"),
                               ("must_not", "must_not")):
                for value in params.get(key, []):
                    getattr(bq, occur).append(parse_lucene(value, default_and))
            if not (bq.must or bq.should or bq.must_not):
                raise QuerySyntaxError("the bool query parser needs must, should, filter or must_not")
            return bq
        raise QuerySyntaxError(f"the query parser {parser!r} is not supported by the PostgreSQL search engine")
    toks = tokenize(q)
    if not toks:
        return MatchAll()
    return _Parser(toks, default_and).parse()


# ----------------------------------------------------------------------- dismax
def parse_mm(spec: str | None, optional: int) -> int:
    """Solr's minimum-should-match, e.g. ``2<-1 5<80%`` (CKAN's default)."""
    if optional == 0:
        return 0
    spec = (spec or "100%").strip()

    def apply(part: str) -> int:
        part = part.strip()
        try:
            if part.endswith("%"):
                pct = int(part[:-1])
                value = (optional * pct) // 100 if pct >= 0 else optional - (optional * -pct) // 100
            else:
                num = int(part)
                value = num if num >= 0 else optional + num
        except ValueError as exc:
            raise QuerySyntaxError(f"invalid mm {spec!r}") from exc
        return value

    if "<" not in spec:
        required = apply(spec)
    else:
        required = optional
        for cond in spec.split():
            left, _, right = cond.partition("<")
            try:
                limit = int(left)
            except ValueError as exc:
                raise QuerySyntaxError(f"invalid mm {spec!r}") from exc
            if optional > limit:
                required = apply(right)
    return max(1, min(optional, required))


def _check_balanced(q: str) -> None:
    """Free text is lenient, but half a phrase or range is a mistake worth saying."""
    unescaped = re.sub(r"\\.", "", q)
    if unescaped.count('"') % 2:
        raise QuerySyntaxError("unclosed quotation mark")
    for opening, closing in (("(", ")"), ("[", "]"), ("{", "}")):
        if unescaped.count(opening) != unescaped.count(closing):
            raise QuerySyntaxError(f"unbalanced {opening}{closing}")


@dataclass
class Dismax:
    must: list[Term]
    should: list[Term]
    must_not: list[Term]
    mm: int


def parse_dismax(q: str, mm_spec: str | None) -> Dismax:
    if len(q) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query too long ({len(q)} characters, at most {MAX_QUERY_LENGTH})")
    _check_balanced(q)
    must: list[Term] = []
    should: list[Term] = []
    must_not: list[Term] = []
    any_or = False
    for m in re.finditer(r'([+\-!]?)(?:"([^"]*)"?|(\S+))', q):
        sign, phrase, word = m.group(1), m.group(2), m.group(3)
        if word in ("AND", "&&"):
            continue
        if word in ("OR", "||"):
            any_or = True
            continue
        if word == "NOT":
            sign = "-"
            continue
        term = Term("text", phrase if phrase is not None else (word or ""), phrase=phrase is not None)
        if not store.tokens(term.value):
            continue
        if sign == "+":
            must.append(term)
        elif sign in ("-", "!"):
            must_not.append(term)
        else:
            should.append(term)
        if len(must) + len(should) + len(must_not) > MAX_CLAUSES:
            raise QuerySyntaxError(f"too many terms (more than {MAX_CLAUSES})")
    mm = 1 if any_or and should else parse_mm(mm_spec, len(should))
    if not must:
        mm = max(mm, 1) if should else 0
    return Dismax(must, should, must_not, mm)


# --------------------------------------------------------------------- date math
_DATE_MATH = re.compile(
    r"([+-])(\d+)(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?)"
    r"|/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)"
)


def parse_date(value: str, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or datetime.datetime.now(datetime.UTC)
    text = value.strip()
    if text.startswith("NOW"):
        base, rest = now, text[3:]
    else:
        m = re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?Z?", text)
        if not m:
            raise QuerySyntaxError(f"invalid date {value!r}")
        stamp = m.group(0)
        try:
            base = datetime.datetime.fromisoformat(stamp.rstrip("Z"))
        except ValueError as exc:
            raise QuerySyntaxError(f"invalid date {value!r}") from exc
        if base.tzinfo is None:
            base = base.replace(tzinfo=datetime.UTC)
        rest = text[len(stamp):]
    pos = 0
    while pos < len(rest):
        m = _DATE_MATH.match(rest, pos)
        if not m:
            raise QuerySyntaxError(f"invalid date math {value!r}")
        if m.group(4):
            unit = m.group(4)
            fields = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
            keep = fields.index(unit)
            repl: dict[str, int] = {"microsecond": 0}
            for idx, name in enumerate(["month", "day", "hour", "minute", "second"], start=1):
                if idx > keep:
                    repl[name] = 1 if name in ("month", "day") else 0
            base = base.replace(**repl)
        else:
            amount = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
            unit = m.group(3).rstrip("S")
            if unit in ("DAY", "DATE"):
                base += datetime.timedelta(days=amount)
            elif unit == "HOUR":
                base += datetime.timedelta(hours=amount)
            elif unit == "MINUTE":
                base += datetime.timedelta(minutes=amount)
            elif unit == "SECOND":
                base += datetime.timedelta(seconds=amount)
            else:
                months = base.month - 1 + amount * (12 if unit == "YEAR" else 1)
                year, month = base.year + months // 12, months % 12 + 1
                day = min(base.day, 28)
                base = base.replace(year=year, month=month, day=day)
        pos = m.end()
    return base


# ---------------------------------------------------------------------- to SQL
class SQL:
    """Collects bound parameters while fragments are generated."""

    def __init__(self, text_config: str = "simple"):
        self.params: dict[str, Any] = {}
        self.cfg = re.sub(r"[^\w]", "", text_config) or "simple"
        self.rank_queries: list[str] = []
        self._substrings: set[str] = set()

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # -- leaves -------------------------------------------------------------
    def _array(self, fld: str, column: str = "doc") -> str:
        f = self.bind(fld)
        return (f"jsonb_array_elements_text(CASE jsonb_typeof({column}->{f}) WHEN 'array' "
                f"THEN {column}->{f} ELSE jsonb_build_array({column}->{f}) END)")

    def _vector(self, fld: str) -> str:
        if fld == "text":
            return "tsv"
        if fld == "title":
            return "title_tsv"
        return (f"to_tsvector('{self.cfg}', coalesce((SELECT string_agg(x, ' ') "
                f"FROM {self._array(fld, 'fdoc')} x), ''))")

    def tsquery(self, term: Term, prefix_all: bool = False) -> str | None:
        words = store.tokens(term.value.replace("*", " ").replace("?", " ")
                             if term.wildcard else term.value)
        if not words:
            return None
        quoted = [f"'{w}'" for w in words]
        wildcard_prefix = bool(term.wildcard) and term.value.endswith("*")
        if wildcard_prefix or (prefix_all and not term.phrase and len(words[-1]) >= 2):
            quoted[-1] += ":*"
        return " <-> ".join(quoted)

    def text_match(self, fld: str, term: Term, prefix_all: bool = False) -> str:
        if term.wildcard and term.value.strip("*?") == "":
            return self.exists(fld)
        tsq = self.tsquery(term, prefix_all)
        if tsq is None:
            return "FALSE"
        bound = self.bind(tsq)
        if fld == "text":
            self.rank_queries.append(bound)
        return f"({self._vector(fld)} @@ to_tsquery('{self.cfg}', {bound}))"

    def substring_match(self, term: Term) -> str:
        """Solr's ``name_ngram``/``title_ngram``: any part of a name or title (trigram index)."""
        needle = store.fold(term.value).strip()
        if not needle:
            return "FALSE"
        pattern = "%" + "".join(_like_escape(ch) for ch in needle) + "%"
        if pattern in self._substrings:  # name_ngram and title_ngram share one column
            return "FALSE"
        self._substrings.add(pattern)
        return f"(autocomplete LIKE {self.bind(pattern)})"

    def exists(self, fld: str) -> str:
        if fld in store.COLUMNS:
            return f"(cardinality({fld}) > 0)" if store.COLUMNS[fld] else f"({fld} IS NOT NULL)"
        column = "fdoc" if store.is_text_field(fld) else "sdoc"
        return f"jsonb_exists({column}, {self.bind(fld)})"

    def string_match(self, fld: str, term: Term) -> str:
        if term.wildcard:
            if term.value.strip("*") == "":
                return self.exists(fld)
            pattern = self.bind(term.wildcard)
            if fld in store.COLUMNS:
                source = f"unnest({fld})" if store.COLUMNS[fld] else f"(SELECT {fld})"
                return f"EXISTS (SELECT 1 FROM {source} x WHERE x LIKE {pattern})"
            return f"EXISTS (SELECT 1 FROM {self._array(fld, 'sdoc')} x WHERE x LIKE {pattern})"
        if fld in store.COLUMNS:
            value = self.bind(term.value)
            if store.COLUMNS[fld]:
                return f"({fld} @> ARRAY[CAST({value} AS text)])"
            return f"({fld} = {value})"
        # a value longer than SHORT_VALUE can only be in ``doc`` (slow path, rare)
        column = "sdoc" if len(term.value) <= store.SHORT_VALUE else "doc"
        one = self.bind(json.dumps({fld: term.value}))
        many = self.bind(json.dumps({fld: [term.value]}))
        return f"({column} @> CAST({one} AS jsonb) OR {column} @> CAST({many} AS jsonb))"

    def range_match(self, fld: str, rng: Range) -> str:
        lo_op = ">=" if rng.include_low else ">"
        hi_op = "<=" if rng.include_high else "<"
        if store.is_date_field(fld):
            column = {"metadata_modified": "metadata_modified",
                      "metadata_created": "metadata_created"}.get(fld)
            expr = column or ("(CASE WHEN x ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' "
                              "THEN CAST(x AS timestamptz) END)")
            conds = []
            if rng.low is not None:
                conds.append(f"{expr} {lo_op} {self.bind(parse_date(rng.low))}")
            if rng.high is not None:
                conds.append(f"{expr} {hi_op} {self.bind(parse_date(rng.high))}")
            if not conds:
                return self.exists(fld)
            if column:
                return "(" + " AND ".join(conds) + ")"
            return f"EXISTS (SELECT 1 FROM {self._array(fld, 'sdoc')} x WHERE {' AND '.join(conds)})"
        numeric = fld in store.NUMERIC_FIELDS or all(
            b is None or re.fullmatch(r"-?\d+(\.\d+)?", b) for b in (rng.low, rng.high))
        if numeric:
            expr = "(CASE WHEN x ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN CAST(x AS numeric) END)"
            conv: Any = float
        else:
            expr = 'x COLLATE "C"'
            conv = str
        conds = []
        try:
            if rng.low is not None:
                conds.append(f"{expr} {lo_op} {self.bind(conv(rng.low))}")
            if rng.high is not None:
                conds.append(f"{expr} {hi_op} {self.bind(conv(rng.high))}")
        except ValueError as exc:
            raise QuerySyntaxError(f"invalid range bound for {fld}") from exc
        if not conds:
            return self.exists(fld)
        return f"EXISTS (SELECT 1 FROM {self._array(fld, 'sdoc')} x WHERE {' AND '.join(conds)})"

    # -- tree ----------------------------------------------------------------
    def node(self, node: Node, default_field: str = "text") -> str:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, Term):
            fld = node.field or default_field
            if fld.endswith("_ngram"):
                return self.substring_match(node)
            if store.is_text_field(fld):
                return self.text_match(fld, node)
            return self.string_match(fld, node)
        if isinstance(node, Range):
            return self.range_match(node.field or default_field, node)
        parts: list[str] = []
        if node.must:
            parts.extend(self.node(n, default_field) for n in node.must)
        if node.should:
            ors = " OR ".join(self.node(n, default_field) for n in node.should)
            if node.must:
                pass  # optional clauses only change scoring next to required ones
            else:
                parts.append(f"({ors})")
        for n in node.must_not:
            parts.append(f"NOT {self.node(n, default_field)}")
        if not node.must and not node.should:
            parts.insert(0, "TRUE")
        return "(" + " AND ".join(parts) + ")"

    def dismax(self, dm: Dismax, fields: list[str]) -> str:
        def one(term: Term) -> str:
            alts = [self.text_match(f, term, prefix_all=True) for f in fields]
            return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"

        parts = [one(t) for t in dm.must]
        if dm.should:
            matches = [one(t) for t in dm.should]
            if dm.mm >= len(matches):
                parts.extend(matches)
            elif dm.mm <= 1:
                parts.append("(" + " OR ".join(matches) + ")")
            else:
                total = " + ".join(f"({m})::int" for m in matches)
                parts.append(f"(({' OR '.join(matches)}) AND ({total}) >= {int(dm.mm)})")
        for t in dm.must_not:
            parts.append(f"NOT {one(t)}")
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"

    def rank(self) -> str:
        if not self.rank_queries:
            return "1.0"
        joined = " || ".join(f"to_tsquery('{self.cfg}', {b})" for b in self.rank_queries)
        return f"ts_rank('{{0.1, 0.3, 0.6, 1.0}}', tsv, {joined})"


def qf_fields(qf: str | None) -> list[str]:
    """Field names of a dismax ``qf`` (boosts dropped); ``text`` covers every field."""
    names = [part.split("^")[0] for part in (qf or "").split()]
    for name in names:
        if not FIELD_RE.match(name):
            raise QuerySyntaxError(f"invalid field name {name!r} in qf")
    if not names or "text" in names or set(names) <= {"name", "title", "tags", "groups", "text"}:
        return ["text"]
    return names
