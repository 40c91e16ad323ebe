"""PostgreSQL: each index's documents have a GIN index of their own (migration 0029), and every
full-text statement the embedded engine runs names its index in a form the planner proves that
partial index's predicate from — or an agency search reads the tasks' posting lists too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, text

from market import clock
from market.search.embedded import EmbeddedEngine
from market.search.registry import (
    RELEVANCE,
    Condition,
    Document,
    IndexSpec,
    Query,
    SearchField,
    SortOption,
    State,
    StateOption,
    epoch,
)
from market.search.text import parse_query

#: The partial GIN index each index name reads (migration 0029); any other name, the last.
OWN_INDEX = {
    "tasks": "ix_search_document_tsv_tasks",
    "agencies": "ix_search_document_tsv_agencies",
    "service-items": "ix_search_document_tsv_service_items",
    "test-plans": "ix_search_document_tsv_other",
}


def spec(name: str) -> IndexSpec:
    return IndexSpec(
        name=name,
        build=lambda _s, _i: None,
        ids=lambda _s: [],
        searchable=(SearchField("title", "A"), SearchField("body", "D")),
        title="title",
        filters={"funding": "Funding"},
        numbers=("published_at", "deadline_at"),
        sorts={"deadline": SortOption("deadline_at", False, "Deadline")},
        states={
            "status": State(
                "Status",
                {
                    "open": StateOption(
                        "Open",
                        (
                            Condition("published_at", "before_now"),
                            Condition("deadline_at", "after_now"),
                        ),
                    )
                },
            )
        },
    )


def documents(now) -> list[Document]:
    """Three hundred documents, few of which hold the words searched for."""
    return [
        Document(
            str(n),
            {
                "title": f"{'测绘' if n % 20 == 0 else '道路'}项目第{n}号",
                "body": "依法开展环评" if n % 30 == 0 else "按规范开展工作",
            },
            {"funding": ["budget" if n % 3 else "private"]},
            {
                "published_at": epoch(now - timedelta(days=n)),
                "deadline_at": epoch(now + timedelta(days=(n % 7) - 2)),
            },
        )
        for n in range(300)
    ]


QUERIES = [
    Query(text="环评"),
    Query(text="测绘 环评", filters={"funding": ["private"]}),
    Query(text="环评", sort="deadline"),
    Query(text="测绘", filters={"status": ["open"]}, sort="deadline"),
]


@pytest.mark.parametrize("name", sorted(OWN_INDEX))
def test_every_full_text_statement_can_read_its_own_index(db, frozen, monkeypatch, name):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's partial GIN indexes")
    from market.search import embedded

    # Small limits: the walks and windows above the limit run too.
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 5)
    monkeypatch.setattr(embedded, "RANK_WINDOW", 10)
    index = spec(name)
    engine = EmbeddedEngine(db)
    engine.put_many(index, documents(clock.now()))
    statements: list[tuple[Query, str, dict]] = []
    connection = db.connection()
    asked: list[Query] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "tsv @@" in statement:
            statements.append((asked[-1], statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        for query in QUERIES:
            asked.append(query)
            found = engine.search(index, query, parse_query(query.text), clock.now())
            assert found.hits, query
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    assert {id(q) for q, _s, _p in statements} == {id(q) for q in QUERIES}
    raw = connection.connection.driver_connection
    # A few hundred rows: the planner would scan the table, or read a btree index led by
    # index_name; with those out of its way (dropped in the test's transaction, which rolls
    # back) the plan shows which GIN index the statement's conditions allow.
    connection.execute(text("DROP INDEX ix_search_document_index_id"))
    connection.execute(
        text("ALTER TABLE search_document DROP CONSTRAINT uq_search_document_index_name")
    )
    connection.execute(text("ANALYZE search_document"))
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_indexscan = off"))
    with raw.cursor() as cursor:
        for query, statement, parameters in statements:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            gin = {i for i in OWN_INDEX.values() if i in plan}
            if query.sort != RELEVANCE or query.filters.get("status"):
                # The open set, or the numbers' index in the sort's order, may drive the plan
                # (each document's row then read by primary key).
                assert gin <= {OWN_INDEX[name]}, (statement, plan)
            else:
                assert gin == {OWN_INDEX[name]}, (statement, plan)
