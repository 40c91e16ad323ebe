"""The embedded engine: SQLite FTS5 or PostgreSQL full-text (tsvector + GIN), in the application's
own database and transaction.

Storage (migration 0002):
- `search_document`: one row per document — index, document id, its text fields as JSON (for
  highlighting), its keyword values as one `facets` string (counted with one GROUP BY), and on
  PostgreSQL the weighted `tsv`;
- `search_fts` (SQLite): column `ix` holds the index's marker, `f` one token per keyword value,
  `a`–`d` the segmented text by weight; rowid = search_document.id;
- `search_number`: numbers and timestamps, for sorting and for conditions on the clock.

A keyword filter is a full-text term too (a hashed token in `f`, or a lexeme in `tsv` that no
word can produce), so the full-text index intersects words and filters at once. Text reaches the
engines only as quoted jieba tokens; values, field names and times are bound parameters; the SQL
itself is built from constants only.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session

from market.search.registry import (
    RELEVANCE,
    WEIGHTS,
    Condition,
    Document,
    Hit,
    IndexSpec,
    Query,
    Results,
    epoch,
    sorted_facets,
)
from market.search.text import (
    ParsedQuery,
    fts5_string,
    fts5_text,
    index_tokens,
    pg_tsquery,
    pg_tsvector,
    tsquery_lexeme,
)

BATCH = 500
#: Matches counted exactly (and their facet values); a search matching more says "more than
#: COUNT_LIMIT" and counts its facets over its first COUNT_LIMIT + 1 matches (docs/rules.md §8).
COUNT_LIMIT = 1000
#: A sorted search matching more than COUNT_LIMIT walks the sort's index this many rows at a
#: time, and gives up for the full sort after WALK_LIMIT rows (a sparse match).
WALK_CHUNK, WALK_LIMIT = 256, 20_000
#: A search by relevance matching more than COUNT_LIMIT ranks its newest RANK_WINDOW matches
#: (paging reaches COUNT_LIMIT results: the window holds all of them).
RANK_WINDOW = COUNT_LIMIT
#: FTS5 bm25 column weights (ix, f, a, b, c, d), mirroring PostgreSQL's ts_rank weights for A–D.
BM25 = "bm25(search_fts, 0.0, 0.0, 1.0, 0.4, 0.2, 0.1)"
_FIELD_SEP, _VALUE_SEP = "\x1e", "\x1f"


#: Each index's rows of search_fts have rowids base + search_document.id, its own range, so a
#: query reads one index's part of the full-text index as a rowid range (FTS5 restricts its
#: scans to it), instead of intersecting every word with a marker every document holds.
_ROWID_BITS = 40
_bases: dict[int, str] = {}


def rowid_base(name: str) -> int:
    """The start of index `name`'s rowid range in search_fts (stable: from the name)."""
    slot = zlib.crc32(name.encode()) & 0x3FFFFF
    if _bases.setdefault(slot, name) != name:
        raise ValueError(f"indexes {name} and {_bases[slot]} share a full-text rowid range")
    return slot << _ROWID_BITS


def index_token(name: str) -> str:
    """The marker of an index in FTS5 column ix (letters only, so no other index shares it)."""
    return "ix" + re.sub(r"[^a-z0-9]", "", name.lower())


def filter_token(field: str, value: str) -> str:
    """The token of one keyword value: hashed, so any value is one plain token; on PostgreSQL
    it starts with '~', which no searched word can contain."""
    return "f" + hashlib.sha1(f"{field}{_VALUE_SEP}{value}".encode()).hexdigest()[:24]


def _facets_string(spec: IndexSpec, doc: Document) -> str:
    pairs = sorted(
        {
            (name, str(v).replace(_FIELD_SEP, " ").replace(_VALUE_SEP, " "))
            for name in spec.filters
            for v in doc.terms.get(name) or []
            if v not in (None, "")
        }
    )
    return _FIELD_SEP.join(f"{n}{_VALUE_SEP}{v}" for n, v in pairs)


def _condition_sql(c: Condition, key: str, i: int) -> tuple[str, dict]:
    """A condition on the clock. Those whose exceptions are few — "after now" (open until a
    future moment), "missing or before/after now" (not suspended or removed now, an optional
    timestamp) — test membership of one set read once from the numbers' index; the others look
    each document's number up."""
    sub = f"SELECT 1 FROM search_number n WHERE n.document_id = {key} AND n.field = :cf{i}"
    later = (
        "SELECT n.document_id FROM search_number n WHERE n.index_name = :ix "
        f"AND n.field = :cf{i} AND n.value > :now"
    )
    earlier = later.replace("n.value > :now", "n.value <= :now")
    sql = {
        "before_now": f"EXISTS ({sub} AND n.value <= :now)",
        "after_now": f"{key} IN ({later})",
        "missing": f"NOT EXISTS ({sub})",
        "missing_or_before_now": f"{key} NOT IN ({later})",
        "missing_or_after_now": f"{key} NOT IN ({earlier})",
    }[c.op]
    return sql, {f"cf{i}": c.field}


_ACCENTED = re.compile("[\u0080-\u1fff]")


def _fold(text: str) -> str:
    """Text as FTS5's unicode61 tokenizer (remove_diacritics 2) compares it."""
    text = text.lower()
    if not _ACCENTED.search(text):
        return text
    return "".join(
        c
        for c in unicodedata.normalize("NFD", text)
        if not (unicodedata.combining(c) and ord(c) < 0x2000)
    )


class _RowTest:
    """Whether one document's indexed columns (f, a, b, c, d of search_fts: tokens joined by
    spaces) match a query — the MATCH expression of `EmbeddedEngine._fts_where` evaluated on
    the text: " token " is a token, " token" the start of one (the word being typed)."""

    def __init__(self, parsed: ParsedQuery, keyword: list[list[str]]):
        self.keyword = [[f" {t} " for t in group] for group in keyword]
        self.terms = [
            [
                [f" {_fold(t)}" + ("" if term.is_prefix(f, k) else " ") for k, t in enumerate(form)]
                for f, form in enumerate(term.forms)
            ]
            for term in parsed.terms
        ]

    def __call__(self, f: str, *columns: str) -> bool:
        if self.keyword:
            held = f" {f} "
            if not all(any(t in held for t in group) for group in self.keyword):
                return False
        return self.words(f" {_fold(' '.join(columns))} ")

    def words(self, text: str) -> bool:
        return all(any(all(t in text for t in form) for form in forms) for forms in self.terms)


class EmbeddedEngine:
    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.sqlite = self.dialect == "sqlite"
        # SQLite reads CROSS JOIN as "keep this order" (the full-text index first).
        self.join = "CROSS JOIN" if self.sqlite else "JOIN"

    @property
    def name(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    # --- writing ---------------------------------------------------------------------------------

    def _executemany(self, sql: str, rows: list[dict]) -> None:
        """`sql` (named parameters, `:name`) once for each row, straight through the driver's
        executemany: SQLAlchemy's per-row parameter processing cost as much as the insert."""
        if not rows:
            return
        if not self.sqlite:  # psycopg's named style
            sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)
        self.session.connection().exec_driver_sql(sql, rows)

    def put(self, spec: IndexSpec, doc: Document) -> None:
        self.put_many(spec, [doc])

    def put_many(
        self,
        spec: IndexSpec,
        docs: list[Document],
        fresh: bool = False,
        weighted: dict[str, list[tuple[str, list[str]]]] | None = None,
    ) -> None:
        """Write `docs` (replacing what the index held of them); `fresh`: the index was just
        cleared in this transaction, so there is nothing of theirs to delete first; `weighted`:
        their tokens already cut (`market.search.segmenting`), by document id."""
        docs = list({d.id: d for d in docs}.values())  # one upsert may touch a row only once
        for start in range(0, len(docs), BATCH):
            self._put_batch(spec, docs[start : start + BATCH], fresh, weighted)

    def _put_batch(
        self,
        spec: IndexSpec,
        docs: list[Document],
        fresh: bool = False,
        weighted: dict[str, list[tuple[str, list[str]]]] | None = None,
    ) -> None:
        if not docs:
            return
        execute = self.session.execute
        if weighted is None:
            weighted = {
                d.id: [(f.weight, index_tokens(d.text.get(f.name) or "")) for f in spec.searchable]
                for d in docs
            }
        filters = {
            d.id: [
                filter_token(name, str(v))
                for name in spec.filters
                for v in dict.fromkeys(d.terms.get(name) or [])
                if v not in (None, "")
            ]
            for d in docs
        }
        rows = [
            {
                "ix": spec.name,
                "doc_id": d.id,
                "facets": _facets_string(spec, d),
                "data": json.dumps(d.text, ensure_ascii=False),
            }
            for d in docs
        ]
        if self.sqlite:
            columns, values, tsv = (
                "index_name, doc_id, data, facets",
                "(:ix, :doc_id, :data, :facets)",
                "",
            )
        else:
            for row in rows:
                row["tsv"] = pg_tsvector(
                    weighted[row["doc_id"]] + [("D", ["~" + t for t in filters[row["doc_id"]]])]
                )
            columns, values, tsv = (
                "index_name, doc_id, data, facets, tsv",
                "(:ix, :doc_id, :data, :facets, CAST(:tsv AS tsvector))",
                ", tsv = excluded.tsv",
            )
        # executemany: one statement prepared once (SQLite's loop is in C; psycopg pipelines);
        # then one look-up of the ids.
        self._executemany(
            f"INSERT INTO search_document ({columns}) VALUES {values} "
            f"ON CONFLICT (index_name, doc_id) DO UPDATE SET data = excluded.data, "
            f"facets = excluded.facets{tsv}",
            rows,
        )
        ids = dict(
            execute(
                text(
                    "SELECT doc_id, id FROM search_document "
                    "WHERE index_name = :ix AND doc_id IN :doc_ids"
                ).bindparams(bindparam("doc_ids", expanding=True)),
                {"ix": spec.name, "doc_ids": [d.id for d in docs]},
            ).all()
        )
        if not fresh:
            self._delete_rows(spec, list(ids.values()), documents=False)
        if self.sqlite:
            base, fts_rows = rowid_base(spec.name), []
            for d in docs:
                row = {
                    "rowid": base + ids[d.id],
                    "ix": index_token(spec.name),
                    "f": " ".join(filters[d.id]),
                    "a": "",
                    "b": "",
                    "c": "",
                    "d": "",
                }
                for weight, tokens in weighted[d.id]:
                    key = weight.lower()
                    row[key] = (row[key] + " " + " ".join(tokens)).strip()
                fts_rows.append(row)
            self._executemany(
                "INSERT INTO search_fts (rowid, ix, f, a, b, c, d) "
                "VALUES (:rowid, :ix, :f, :a, :b, :c, :d)",
                fts_rows,
            )
        numbers = [
            {"id": ids[d.id], "ix": spec.name, "f": name, "v": int(d.numbers[name])}
            for d in docs
            for name in spec.numbers
            if d.numbers.get(name) is not None
        ]
        self._executemany(
            "INSERT INTO search_number (document_id, index_name, field, value) "
            "VALUES (:id, :ix, :f, :v)",
            numbers,
        )

    def _delete_rows(self, spec: IndexSpec, ids: list[int], documents: bool) -> None:
        if not ids:
            return
        execute = self.session.execute
        statements = ["DELETE FROM search_number WHERE document_id IN :ids"]
        if documents:
            statements.append("DELETE FROM search_document WHERE id IN :ids")
        for sql in statements:
            execute(text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": ids})
        if self.sqlite:
            base = rowid_base(spec.name)
            execute(
                text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": [base + i for i in ids]},
            )

    def delete(self, spec: IndexSpec, doc_id: str) -> None:
        ids = (
            self.session.execute(
                text("SELECT id FROM search_document WHERE index_name = :ix AND doc_id = :doc_id"),
                {"ix": spec.name, "doc_id": doc_id},
            )
            .scalars()
            .all()
        )
        self._delete_rows(spec, list(ids), documents=True)

    def clear(self, spec: IndexSpec) -> None:
        execute = self.session.execute
        params = {"ix": spec.name}
        execute(text("DELETE FROM search_number WHERE index_name = :ix"), params)
        if self.sqlite:
            base = rowid_base(spec.name)
            execute(
                text("DELETE FROM search_fts WHERE rowid BETWEEN :lo AND :hi"),
                {"lo": base, "hi": base + (1 << _ROWID_BITS) - 1},
            )
        execute(text("DELETE FROM search_document WHERE index_name = :ix"), params)

    # --- querying --------------------------------------------------------------------------------

    def _matched(
        self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime
    ) -> tuple[str, str, str, dict]:
        """The matching documents: FROM, WHERE, the expression of their search_document.id,
        and the parameters."""
        params: dict = {"ix": spec.name, "now": epoch(now)}
        if self.sqlite:
            source, key, where = (
                "search_fts",
                "(search_fts.rowid - :base)",
                self._fts_where(spec, query, parsed, params),
            )
        else:
            source, key, where = "search_document d", "d.id", ["d.index_name = :ix"]
            tsq = self._tsquery(spec, query, parsed, params)
            if tsq:
                where.append("d.tsv @@ CAST(:tsq AS tsquery)")
                params["tsq"] = tsq
        where += self._conditions(spec, query, key, params)
        return source, " AND ".join(where), key, params

    @staticmethod
    def _keyword_tokens(spec: IndexSpec, query: Query) -> list[list[str]]:
        return [
            [filter_token(name, v) for v in values]
            for name, values in sorted(query.filters.items())
            if name not in spec.states
        ]

    def _fts_where(
        self,
        spec: IndexSpec,
        query: Query,
        parsed: ParsedQuery,
        params: dict,
        words: str | None = None,
    ) -> list[str]:
        """The index's rowid range, and the FTS5 MATCH of filters and words (`words`: the words'
        own expression instead of every column's), if any."""
        base = rowid_base(spec.name)
        params.update(base=base, lo=base, hi=base + (1 << _ROWID_BITS) - 1)
        where = ["search_fts.rowid BETWEEN :lo AND :hi"]
        match = [
            "f : (" + " OR ".join(fts5_string(t) for t in group) + ")"
            for group in self._keyword_tokens(spec, query)
        ]
        if words is not None:
            match.append(words)
        elif not parsed.empty:
            match.append(f"{{a b c d}} : ({fts5_text(parsed)})")
        if match:
            params["match"] = " AND ".join(match)
            where.append("search_fts MATCH :match")
        return where

    def _tsquery(
        self, spec: IndexSpec, query: Query, parsed: ParsedQuery, params: dict, weights: str = ""
    ) -> str:
        clauses = [
            "(" + " | ".join(tsquery_lexeme("~" + t) for t in group) + ")"
            for group in self._keyword_tokens(spec, query)
        ]
        if not parsed.empty:
            params["words"] = pg_tsquery(parsed)
            clauses.append("(" + pg_tsquery(parsed, weights) + ")")
        return " & ".join(clauses)

    @staticmethod
    def _conditions(spec: IndexSpec, query: Query, key: str, params: dict) -> list[str]:
        """The states asked for and the index's standing conditions, on the clock."""
        where, n = [], 0
        for name, values in sorted(query.filters.items()):
            if name not in spec.states:
                continue
            options = []
            for value in values:
                parts = []
                for c in spec.states[name].options[value].conditions:
                    sql, p = _condition_sql(c, key, n)
                    n += 1
                    parts.append(sql)
                    params.update(p)
                parts.sort(key=lambda sql: "EXISTS" in sql)
                options.append("(" + " AND ".join(parts or ["1 = 1"]) + ")")
            where.append("(" + " OR ".join(options) + ")")
        for c in spec.always:
            sql, p = _condition_sql(c, key, n)
            n += 1
            where.append(sql)
            params.update(p)
        # The set-membership tests first: SQLite evaluates its terms in the order written.
        return sorted(where, key=lambda sql: "EXISTS" in sql)

    def search(self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime) -> Results:
        if not self.sqlite:
            # psycopg prepares a statement run five times; PostgreSQL's generic plan for it
            # cannot see how many documents a tsquery matches and reads every match (a bitmap
            # scan, then a sort) where the walk of an index stops after a page. Plan each time.
            self.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        source, where, key, params = self._matched(spec, query, parsed, now)
        # 1. Count the matches, and their facet values, up to COUNT_LIMIT + 1: one bounded pass
        #    (like Elasticsearch's track_total_hits). Up to the limit both are exact; beyond it
        #    they are what the COUNT_LIMIT + 1 matches read hold: lower bounds.
        params["cap"] = COUNT_LIMIT + 1
        # SQLite, by relevance: the newest matches, which are the relevance window above the
        # limit (FTS5 reads a list backwards by loading it: once, not for the count and again).
        newest = self.sqlite and query.sort == RELEVANCE and not parsed.empty
        limit = "ORDER BY search_fts.rowid DESC LIMIT :cap" if newest else "LIMIT :cap"
        if query.facets and not self.sqlite:  # the matches are search_document's own rows
            sql = f"SELECT d.id, d.facets FROM {source} WHERE {where} LIMIT :cap"
        elif query.facets:
            sql = (
                f"SELECT m.rid, d.facets FROM (SELECT {key} AS rid FROM {source} "
                f"WHERE {where} {limit}) m {self.join} search_document d ON d.id = m.rid"
            )
        else:
            sql = f"SELECT {key}, CAST(NULL AS TEXT) FROM {source} WHERE {where} {limit}"
        # The matches' ids come back too: when they are all there (at most COUNT_LIMIT), a page
        # sorted by a number or newest first is sorted from them, not found by a second search.
        window = None
        if not self.sqlite and query.sort == RELEVANCE and not parsed.empty:
            # PostgreSQL: one read of the newest matches gives the count, the facets and, when
            # there are more than COUNT_LIMIT, the relevance window's buckets — not two reads
            # of the same full-text index.
            params["w"] = max(COUNT_LIMIT + 1, RANK_WINDOW)
            newest_where, order = self._newest_first(where, key)
            facets = "d.facets" if query.facets else "CAST(NULL AS TEXT)"
            rows = self.session.execute(
                text(
                    f"SELECT {key}, {facets}, {self._pg_bucket(parsed, params)} FROM {source} "
                    f"WHERE {newest_where} ORDER BY {order} LIMIT :w"
                ),
                params,
            ).all()
            found = [(rid, f) for rid, f, _bucket in rows[: COUNT_LIMIT + 1]]
            window = [(bucket, -rid) for rid, _f, bucket in rows[:RANK_WINDOW]]
        else:
            found = self.session.execute(text(sql), params).all()
        matches = [rid for rid, _facets in found]
        counts: Counter = Counter()
        # Many matches share their facet values: count each distinct string once (C loops).
        for facets, count in Counter(facets for _rid, facets in found).items():
            if not facets:
                continue
            if count == 1:  # the common case for multi-valued fields
                counts.update(facets.split(_FIELD_SEP))
            else:
                for pair in facets.split(_FIELD_SEP):
                    counts[pair] += count
        total = len(matches)
        estimated = total > COUNT_LIMIT
        if estimated:
            total = COUNT_LIMIT
        facet_counts: dict[str, dict[str, int]] = {name: {} for name in spec.filters}
        for pair, count in counts.items():
            name, _sep, value = pair.partition(_VALUE_SEP)
            if name in facet_counts:
                facet_counts[name][value] = count
        # 2. The page. Few matches: rank them all. Many: take the page in an order an index
        #    gives and stop once it is filled.
        offset = (query.page - 1) * query.per_page
        page = None
        if estimated:
            if query.sort != RELEVANCE:
                page = self._page_by_number(spec, query, parsed, now, offset)
            elif window is not None:
                window.sort()
                page = [-negative for _b, negative in window[offset : offset + query.per_page]]
            elif not parsed.empty:
                known = sorted(matches, reverse=True)[:RANK_WINDOW] if newest else None
                page = self._page_by_tiers(
                    spec, query, parsed, source, where, key, params, offset, known
                )
            else:
                page = self._page_newest(source, where, key, params, query.per_page, offset)
        elif query.sort != RELEVANCE or parsed.empty:
            page = self._page_sorted(spec, query, matches, offset)
        if page is None:
            page = self._page_ranked(spec, query, parsed, source, where, key, params, offset)
        rows = {}
        if page:
            rows = {
                rid: (doc_id, data)
                for rid, doc_id, data in self.session.execute(
                    text(
                        "SELECT id, doc_id, data FROM search_document WHERE id IN :ids"
                    ).bindparams(bindparam("ids", expanding=True)),
                    {"ids": page},
                )
            }
        marks = parsed.marks()
        hits = [
            self._hit(spec, str(rows[rid][0]), json.loads(rows[rid][1]), marks)
            for rid in page
            if rid in rows
        ]
        return Results(
            hits,
            total,
            query.page,
            query.per_page,
            sorted_facets(facet_counts),
            engine=self.name,
            estimated=estimated,
        )

    def _page_ranked(
        self,
        spec: IndexSpec,
        query: Query,
        parsed: ParsedQuery,
        source: str,
        where: str,
        key: str,
        params: dict,
        offset: int,
    ) -> list[int]:
        """Every match scored and sorted (bm25 or ts_rank, or the sort's number): the page."""
        score, order, python_order = self._order(spec, query, parsed, key, params)
        sql = (
            f"SELECT rid, score FROM (SELECT {key} AS rid, CAST({score} AS DOUBLE PRECISION) "
            f"AS score FROM {source} WHERE {where}) m "
            f"ORDER BY {order.format(score='score', rid='rid')} LIMIT :limit OFFSET :offset"
        )
        found = self.session.execute(
            text(sql), {**params, "limit": query.per_page, "offset": offset}
        ).all()
        return [rid for rid, _score in sorted(found, key=python_order)]

    def _page_sorted(
        self, spec: IndexSpec, query: Query, matches: list[int], offset: int
    ) -> list[int]:
        """Every match known (at most COUNT_LIMIT): the page in the sort's order — a number's
        (documents without it last), or newest first — without searching again."""
        if query.sort == RELEVANCE:
            ordered = sorted(matches, reverse=True)
        else:
            option = spec.sorts[query.sort]
            values: dict[int, int] = {}
            for start in range(0, len(matches), 500):
                values.update(
                    self.session.execute(
                        text(
                            "SELECT document_id, value FROM search_number "
                            "WHERE field = :f AND document_id IN :ids"
                        ).bindparams(bindparam("ids", expanding=True)),
                        {"f": option.field, "ids": matches[start : start + 500]},
                    ).all()
                )
            sign = -1 if option.descending else 1
            ordered = sorted(
                matches,
                key=lambda rid: (rid not in values, sign * values.get(rid, 0), -rid),
            )
        return ordered[offset : offset + query.per_page]

    def _page_newest(
        self, source: str, where: str, key: str, params: dict, limit: int, offset: int
    ) -> list[int]:
        where, order = self._newest_first(where, key)
        sql = f"SELECT {key} FROM {source} WHERE {where} ORDER BY {order} LIMIT :l OFFSET :o"
        return list(self.session.execute(text(sql), {**params, "l": limit, "o": offset}).scalars())

    def _newest_first(self, where: str, key: str) -> tuple[str, str]:
        """WHERE and ORDER BY reading matches newest first in the order an index has them:
        FTS5's rowids (base + id); on PostgreSQL the (index_name, id) index — its name given as
        a range, or the planner, taking it for a constant, walks the primary key over every
        other index's documents."""
        if self.sqlite:
            return where, "search_fts.rowid DESC"
        where = where.replace("d.index_name = :ix", "d.index_name BETWEEN :ix AND :ix", 1)
        return where, "d.index_name DESC, d.id DESC"

    def _page_by_tiers(
        self,
        spec: IndexSpec,
        query: Query,
        parsed: ParsedQuery,
        source: str,
        where: str,
        key: str,
        params: dict,
        offset: int,
        known: list[int] | None = None,
    ) -> list[int]:
        """Relevance when too many documents match to score them all. The newest RANK_WINDOW
        matches (read in id order from the full-text index, which stops there) are bucket-sorted
        as by Meilisearch's "attribute" rule: first those whose every word is in a weight-A field,
        then A or B, then A–C, then anywhere; newest first within a bucket. Only COUNT_LIMIT
        results are reachable by paging, so the window holds all that can be shown."""
        order = "search_fts.rowid"
        window = {**params, "w": RANK_WINDOW}
        if self.sqlite:
            # The window's oldest rowid, then each bucket read inside the window by the
            # full-text index itself (column filters), newest first, until the page is full.
            newest = [params["base"] + rid for rid in known or ()]
            if len(newest) < RANK_WINDOW:  # not read by the count (or COUNT_LIMIT < RANK_WINDOW)
                newest = (
                    self.session.execute(
                        text(
                            f"SELECT {order} FROM {source} WHERE {where} ORDER BY {order} DESC LIMIT :w"
                        ),
                        window,
                    )
                    .scalars()
                    .all()
                )
            if not newest:
                return []
            floor = newest[-1]
            wanted, ranked = offset + query.per_page, []
            words = fts5_text(parsed)
            for i in range(len(WEIGHTS)):
                if i == len(WEIGHTS) - 1:
                    # The last bucket, anywhere, is the rest of the window: no query.
                    base = params["base"]
                    rest = {rowid - base for rowid in newest}.difference(ranked)
                    ranked += sorted(rest, reverse=True)
                    break
                columns = " ".join(w.lower() for w in WEIGHTS[: i + 1])
                bucket = f"{{{columns}}} : ({words})"
                if i:
                    earlier = " ".join(w.lower() for w in WEIGHTS[:i])
                    bucket = f"({bucket} NOT {{{earlier}}} : ({words}))"
                tier: dict = {"now": params["now"], "ix": spec.name}
                fts = self._fts_where(spec, query, parsed, tier, bucket)
                fts[0] = "search_fts.rowid BETWEEN :floor AND :hi"
                tier["floor"] = floor
                conditions = self._conditions(spec, query, key, tier)
                # Ascending: FTS5 reads a list backwards only by loading all of it.
                found = self.session.execute(
                    text(f"SELECT {key} FROM search_fts WHERE {' AND '.join(fts + conditions)}"),
                    tier,
                ).scalars()
                ranked += sorted(found, reverse=True)
                if len(ranked) >= wanted:
                    break
            return ranked[offset:wanted]
        where, order = self._newest_first(where, key)
        sql = (
            f"SELECT {key}, {self._pg_bucket(parsed, window)} "
            f"FROM {source} WHERE {where} ORDER BY {order} LIMIT :w"
        )
        ranked = [(tier, -rid) for rid, tier in self.session.execute(text(sql), window)]
        ranked.sort()
        return [-negative for _tier, negative in ranked[offset : offset + query.per_page]]

    @staticmethod
    def _pg_bucket(parsed: ParsedQuery, params: dict) -> str:
        """A match's relevance bucket (0: every word in a weight-A field, … last: anywhere)."""
        cases = []
        for i in range(len(WEIGHTS) - 1):
            params[f"t{i}"] = pg_tsquery(parsed, "".join(WEIGHTS[: i + 1]))
            cases.append(f"WHEN d.tsv @@ CAST(:t{i} AS tsquery) THEN {i}")
        return f"CASE {' '.join(cases)} ELSE {len(WEIGHTS) - 1} END"

    def _page_by_number(
        self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime, offset: int
    ) -> list[int] | None:
        """A sort on a number when many documents match: walk the numbers' index in the sort's
        order, keeping the matching documents, until the page is full (ties complete, then in
        the full sort's order). None when the walk runs out or grows too long first (documents
        without the number come last: the full sort places them)."""
        option = spec.sorts[query.sort]
        params: dict = {"ix": spec.name, "now": epoch(now), "sort_field": option.field}
        where = ["n.index_name = :ix", "n.field = :sort_field"]
        direction = "DESC" if option.descending else "ASC"
        wanted = offset + query.per_page
        if not self.sqlite:
            tsq = self._tsquery(spec, query, parsed, params)
            if tsq:
                # The index named for the planner: its own partial GIN index (migration 0029).
                where += ["d.index_name = :ix", "d.tsv @@ CAST(:tsq AS tsquery)"]
                params["tsq"] = tsq
            where += self._conditions(spec, query, "n.document_id", params)
            sql = (
                "SELECT n.document_id FROM search_number n JOIN search_document d "
                f"ON d.id = n.document_id WHERE {' AND '.join(where)} "
                f"ORDER BY n.value {direction}, n.document_id DESC LIMIT :l OFFSET :o"
            )
            page = list(
                self.session.execute(
                    text(sql), {**params, "l": query.per_page, "o": offset}
                ).scalars()
            )
            return page if len(page) == query.per_page else None
        # SQLite: FTS5 sets a query up anew for each lookup of one rowid (a prefix word merges
        # every matching token's list), so the walk reads the candidates' indexed tokens by
        # rowid, a chunk at a time, and tests them here, exactly as MATCH would.
        where += self._conditions(spec, query, "n.document_id", params)
        test = _RowTest(parsed, self._keyword_tokens(spec, query))
        base = rowid_base(spec.name)
        result = self.session.execute(
            text(
                f"SELECT n.document_id, n.value FROM search_number n "
                f"WHERE {' AND '.join(where)} ORDER BY n.value {direction}"
            ),
            params,
        )
        found: list[tuple[int, int]] = []
        seen = 0
        # A word in most documents fills the page from the first few candidates: start with a
        # chunk of twice the page and grow it fourfold up to WALK_CHUNK for sparser matches.
        size = min(WALK_CHUNK, 2 * wanted)
        try:
            while True:
                chunk = result.fetchmany(size)
                size = min(WALK_CHUNK, 4 * size)
                if not chunk:
                    return None
                seen += len(chunk)
                rows = self.session.execute(
                    text(
                        "SELECT rowid, f, a, b, c, d FROM search_fts WHERE rowid IN :ids"
                    ).bindparams(bindparam("ids", expanding=True)),
                    {"ids": [base + doc for doc, _v in chunk]},
                ).all()
                ok = {rowid - base for rowid, *columns in rows if test(*columns)}
                for doc, value in chunk:
                    if len(found) >= wanted and value != found[wanted - 1][1]:
                        sign = -1 if option.descending else 1
                        found.sort(key=lambda r: (sign * r[1], -r[0]))
                        return [doc for doc, _v in found[offset:wanted]]
                    if doc in ok:
                        found.append((doc, value))
                if seen >= WALK_LIMIT:
                    return None
        finally:
            result.close()

    def _order(
        self, spec: IndexSpec, query: Query, parsed: ParsedQuery, key: str, params: dict
    ) -> tuple[str, str, Callable]:
        """The score expression, the ORDER BY template ({score}, {rid}), and the same order as
        a sort key of (rid, score) pairs."""
        if query.sort != RELEVANCE:
            option = spec.sorts[query.sort]
            params["sort_field"] = option.field
            score = (
                f"(SELECT n.value FROM search_number n WHERE n.document_id = {key} "
                f"AND n.field = :sort_field)"
            )
            sign = -1 if option.descending else 1
            return (
                score,
                f"({{score}} IS NULL), {{score}} {'DESC' if sign < 0 else 'ASC'}, {{rid}} DESC",
                lambda r: (r[1] is None, sign * (r[1] or 0), -r[0]),
            )
        if parsed.empty:
            return "0", "{rid} DESC", lambda r: -r[0]
        if self.sqlite:  # bm25: lower is better
            return BM25, "{score}, {rid} DESC", lambda r: (r[1], -r[0])
        return (
            "ts_rank(d.tsv, CAST(:words AS tsquery))",
            "{score} DESC, {rid} DESC",
            lambda r: (-r[1], -r[0]),
        )

    @staticmethod
    def _hit(spec: IndexSpec, doc_id: str, data: dict, marks: set[str]) -> Hit:
        return Hit(doc_id, data, spec.highlights(data, marks))
