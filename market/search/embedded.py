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
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session

from market.search.registry import (
    RELEVANCE,
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
#: FTS5 bm25 column weights (ix, f, a, b, c, d), mirroring PostgreSQL's ts_rank weights for A–D.
BM25 = "bm25(search_fts, 0.0, 0.0, 1.0, 0.4, 0.2, 0.1)"
_FIELD_SEP, _VALUE_SEP = "\x1e", "\x1f"


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


def _multi_values(template: str, rows: list[dict]) -> tuple[str, dict]:
    """`(:a, :b), (:a, :b)…` with the parameters of each row renamed `a_0`, `b_0`…"""
    groups, params = [], {}
    for i, row in enumerate(rows):
        groups.append(re.sub(r":(\w+)", rf":\1_{i}", template))
        params.update({f"{k}_{i}": v for k, v in row.items()})
    return ", ".join(groups), params


def _condition_sql(c: Condition, key: str, i: int) -> tuple[str, dict]:
    sub = f"SELECT 1 FROM search_number n WHERE n.document_id = {key} AND n.field = :cf{i}"
    sql = {
        "before_now": f"EXISTS ({sub} AND n.value <= :now)",
        "after_now": f"EXISTS ({sub} AND n.value > :now)",
        "missing": f"NOT EXISTS ({sub})",
        "missing_or_before_now": f"NOT EXISTS ({sub} AND n.value > :now)",
        "missing_or_after_now": f"NOT EXISTS ({sub} AND n.value <= :now)",
    }[c.op]
    return sql, {f"cf{i}": c.field}


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

    def put(self, spec: IndexSpec, doc: Document) -> None:
        self.put_many(spec, [doc])

    def put_many(self, spec: IndexSpec, docs: list[Document]) -> None:
        docs = list({d.id: d for d in docs}.values())  # one upsert may touch a row only once
        for start in range(0, len(docs), BATCH):
            self._put_batch(spec, docs[start : start + BATCH])

    def _put_batch(self, spec: IndexSpec, docs: list[Document]) -> None:
        if not docs:
            return
        execute = self.session.execute
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
        # One multi-row upsert that returns the ids (no second look-up, no executemany).
        sql, params = _multi_values(values, rows)
        ids = dict(
            execute(
                text(
                    f"INSERT INTO search_document ({columns}) VALUES {sql} "
                    f"ON CONFLICT (index_name, doc_id) DO UPDATE SET data = excluded.data, "
                    f"facets = excluded.facets{tsv} RETURNING doc_id, id"
                ),
                params,
            ).all()
        )
        self._delete_rows(list(ids.values()), documents=False)
        if self.sqlite:
            fts_rows = []
            for d in docs:
                row = {
                    "rowid": ids[d.id],
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
            sql, params = _multi_values("(:rowid, :ix, :f, :a, :b, :c, :d)", fts_rows)
            execute(text(f"INSERT INTO search_fts (rowid, ix, f, a, b, c, d) VALUES {sql}"), params)
        numbers = [
            {"id": ids[d.id], "ix": spec.name, "f": name, "v": int(d.numbers[name])}
            for d in docs
            for name in spec.numbers
            if d.numbers.get(name) is not None
        ]
        for start in range(0, len(numbers), BATCH):
            sql, params = _multi_values("(:id, :ix, :f, :v)", numbers[start : start + BATCH])
            execute(
                text(
                    "INSERT INTO search_number (document_id, index_name, field, value) "
                    f"VALUES {sql}"
                ),
                params,
            )

    def _delete_rows(self, ids: list[int], documents: bool) -> None:
        if not ids:
            return
        statements = ["DELETE FROM search_number WHERE document_id IN :ids"]
        if self.sqlite:
            statements.append("DELETE FROM search_fts WHERE rowid IN :ids")
        if documents:
            statements.append("DELETE FROM search_document WHERE id IN :ids")
        for sql in statements:
            self.session.execute(
                text(sql).bindparams(bindparam("ids", expanding=True)), {"ids": ids}
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
        self._delete_rows(list(ids), documents=True)

    def clear(self, spec: IndexSpec) -> None:
        execute = self.session.execute
        params = {"ix": spec.name}
        execute(text("DELETE FROM search_number WHERE index_name = :ix"), params)
        if self.sqlite:
            execute(
                text(
                    "DELETE FROM search_fts WHERE rowid IN "
                    "(SELECT id FROM search_document WHERE index_name = :ix)"
                ),
                params,
            )
        execute(text("DELETE FROM search_document WHERE index_name = :ix"), params)

    # --- querying --------------------------------------------------------------------------------

    def _matched(
        self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime
    ) -> tuple[str, str, str, dict]:
        """The matching documents: FROM, WHERE, the expression of their search_document.id,
        and the parameters."""
        params: dict = {"ix": spec.name, "now": epoch(now)}
        keyword = [
            [filter_token(name, v) for v in values]
            for name, values in sorted(query.filters.items())
            if name not in spec.states
        ]
        if self.sqlite:
            # Always through the full-text index: the index marker, then filters, then words.
            match = [f"ix : {fts5_string(index_token(spec.name))}"]
            match += [
                "f : (" + " OR ".join(fts5_string(t) for t in group) + ")" for group in keyword
            ]
            if not parsed.empty:
                match.append(f"{{a b c d}} : ({fts5_text(parsed)})")
            params["match"] = " AND ".join(match)
            source, key, where = "search_fts", "search_fts.rowid", ["search_fts MATCH :match"]
        else:
            source, key, where = "search_document d", "d.id", ["d.index_name = :ix"]
            clauses = [
                "(" + " | ".join(tsquery_lexeme("~" + t) for t in group) + ")" for group in keyword
            ]
            if not parsed.empty:
                params["words"] = pg_tsquery(parsed)
                clauses.append("(" + params["words"] + ")")
            if clauses:
                where.append("d.tsv @@ CAST(:tsq AS tsquery)")
                params["tsq"] = " & ".join(clauses)
        n = 0
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
                options.append("(" + " AND ".join(parts or ["1 = 1"]) + ")")
            where.append("(" + " OR ".join(options) + ")")
        for c in spec.always:
            sql, p = _condition_sql(c, key, n)
            n += 1
            where.append(sql)
            params.update(p)
        return source, " AND ".join(where), key, params

    def search(self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime) -> Results:
        source, where, key, params = self._matched(spec, query, parsed, now)
        score, order, python_order = self._order(spec, query, parsed, key, params)
        params.update(limit=query.per_page, offset=(query.page - 1) * query.per_page)
        join = f" {self.join} search_document d ON d.id = {key}" if self.sqlite else ""
        facets_sql = "d.facets"
        if not query.facets:  # then no need to read the documents' rows at all
            join, facets_sql = "", "CAST(NULL AS TEXT)"
        # One pass over the matches: each document's facet values (one group per combination)
        # give the total and every facet count; the same rows, ranked, give the page.
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {key} AS rid, {facets_sql} AS facets, "
            f"{score} AS score FROM {source}{join} WHERE {where}) "
            f"SELECT 0, facets, count(*), CAST(NULL AS INTEGER), "
            f"CAST(NULL AS DOUBLE PRECISION) FROM m GROUP BY facets "
            f"UNION ALL SELECT * FROM (SELECT 1, CAST(NULL AS TEXT), CAST(NULL AS BIGINT), "
            f"rid, CAST(score AS DOUBLE PRECISION) FROM m "
            f"ORDER BY {order.format(score='score', rid='rid')} "
            f"LIMIT :limit OFFSET :offset) p"
        )
        counts: Counter = Counter()
        total, page = 0, []
        for part, facets, count, rid, rank in self.session.execute(text(sql), params):
            if part == 1:
                page.append((rid, rank))
                continue
            total += count
            if not facets:
                continue
            if count == 1:  # the common case for multi-valued fields: Counter's C loop
                counts.update(facets.split(_FIELD_SEP))
            else:
                for pair in facets.split(_FIELD_SEP):
                    counts[pair] += count
        facet_counts: dict[str, dict[str, int]] = {name: {} for name in spec.filters}
        for pair, count in counts.items():
            name, _sep, value = pair.partition(_VALUE_SEP)
            if name in facet_counts:
                facet_counts[name][value] = count
        page.sort(key=python_order)
        rows = {}
        if page:
            rows = {
                rid: (doc_id, data)
                for rid, doc_id, data in self.session.execute(
                    text(
                        "SELECT id, doc_id, data FROM search_document WHERE id IN :ids"
                    ).bindparams(bindparam("ids", expanding=True)),
                    {"ids": [r for r, _s in page]},
                )
            }
        marks = parsed.marks()
        hits = [
            self._hit(spec, str(rows[rid][0]), json.loads(rows[rid][1]), marks)
            for rid, _score in page
            if rid in rows
        ]
        return Results(
            hits, total, query.page, query.per_page, sorted_facets(facet_counts), engine=self.name
        )

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
