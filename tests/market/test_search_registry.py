"""An index added by registering a document builder (as the tasks index will be): public fields,
keyword filters and facets, number sorts, and open/closed decided from timestamps when the query
runs — never from a stored flag — and highlights that escape the text before marking it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market import clock, search
from market.search.registry import (
    REGISTRY,
    Condition,
    Document,
    IndexSpec,
    SearchField,
    SortOption,
    State,
    StateOption,
    epoch,
)
from market.search.text import highlight
from tests.market.search_support import find

#: The "database" of the test index: id → record.
NOTICES: dict[str, dict] = {}


def build_notice(_session, doc_id: str) -> Document | None:
    n = NOTICES.get(doc_id)
    if n is None:
        return None
    return Document(
        id=doc_id,
        text={"title": n["title"], "body": n.get("body", "")},
        terms={"funding": [n["funding"]]},
        numbers={
            "published_at": epoch(n["published_at"]),
            "deadline_at": epoch(n["deadline_at"]),
            "price_cap_fen": n.get("price_cap_fen"),
            "cancelled_at": epoch(n.get("cancelled_at")),
        },
    )


SPEC = IndexSpec(
    name="test-notices",
    build=build_notice,
    ids=lambda _s: list(NOTICES),
    searchable=(SearchField("title", "A"), SearchField("body", "D")),
    title="title",
    snippets=("body",),
    filters={"funding": "Funding"},
    numbers=("published_at", "deadline_at", "price_cap_fen", "cancelled_at"),
    sorts={
        "newest": SortOption("published_at", True, "Newest"),
        "deadline": SortOption("deadline_at", False, "Deadline"),
        "price_cap": SortOption("price_cap_fen", True, "Price cap"),
    },
    states={
        "status": State(
            "Status",
            {
                "open": StateOption(
                    "Open",
                    (
                        Condition("published_at", "before_now"),
                        Condition("deadline_at", "after_now"),
                        Condition("cancelled_at", "missing"),
                    ),
                ),
                "closed": StateOption("Closed", (Condition("deadline_at", "before_now"),)),
            },
        )
    },
    browse_sort="newest",
)


@pytest.fixture(autouse=True)
def notices_index():
    search.register_index(SPEC)
    NOTICES.clear()
    yield
    NOTICES.clear()
    REGISTRY.pop(SPEC.name, None)


def add(db, doc_id: str, **record) -> None:
    now = clock.now()
    record.setdefault("published_at", now)
    record.setdefault("deadline_at", now + timedelta(days=5))
    record.setdefault("funding", "private")
    NOTICES[doc_id] = record
    search.index(db, SPEC.name, doc_id)


def hit_ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_open_and_closed_follow_the_clock_without_reindexing(db, frozen):
    add(db, "1", title="长春市某项目环境影响评价", deadline_at=clock.now() + timedelta(days=1))
    add(db, "2", title="吉林市某项目环境影响评价", deadline_at=clock.now() + timedelta(days=3))
    assert hit_ids(find(db, SPEC.name, "环评", filters={"status": ["open"]}, sort="deadline")) == [
        "1",
        "2",
    ]
    frozen.advance(days=2)
    assert hit_ids(find(db, SPEC.name, "环评", filters={"status": ["open"]})) == ["2"]
    assert hit_ids(find(db, SPEC.name, "环评", filters={"status": ["closed"]})) == ["1"]
    assert len(find(db, SPEC.name, "环评", filters={"status": ["open", "closed"]}).hits) == 2


def test_a_cancelled_or_not_yet_published_record_is_not_open(db, frozen):
    add(db, "1", title="水保方案", cancelled_at=clock.now())
    add(db, "2", title="水保方案", published_at=clock.now() + timedelta(hours=1))
    add(db, "3", title="水保方案")
    assert hit_ids(find(db, SPEC.name, "水保", filters={"status": ["open"]})) == ["3"]


def test_sorts_by_price_cap_and_newest_with_missing_values_last(db, frozen):
    add(db, "1", title="测绘", price_cap_fen=5_000_00)
    frozen.advance(hours=1)
    add(db, "2", title="测绘", price_cap_fen=9_000_00)
    frozen.advance(hours=1)
    add(db, "3", title="测绘")
    assert hit_ids(find(db, SPEC.name, "测绘", sort="price_cap")) == ["2", "1", "3"]
    assert hit_ids(find(db, SPEC.name, "测绘", sort="newest")) == ["3", "2", "1"]
    assert hit_ids(find(db, SPEC.name)) == ["3", "2", "1"]  # no words: newest first


def test_filters_and_facets_of_a_registered_index(db):
    add(db, "1", title="地灾评估", funding="budget")
    add(db, "2", title="地灾评估", funding="private")
    add(db, "3", title="地质灾害危险性评估", funding="private")
    found = find(db, SPEC.name, "地灾")
    assert found.facets["funding"] == [("private", 2), ("budget", 1)]
    assert hit_ids(find(db, SPEC.name, "地灾", filters={"funding": ["budget"]})) == ["1"]


def test_a_record_whose_builder_returns_nothing_leaves_the_index(db):
    add(db, "1", title="洪评报告")
    del NOTICES["1"]
    search.index(db, SPEC.name, "1")
    assert find(db, SPEC.name, "洪评").total == 0


def test_highlights_escape_the_text_before_marking(db):
    add(db, "1", title="<b>环评</b> & 水保", body="<script>alert('环评')</script>")
    hit = find(db, SPEC.name, "环评").hits[0]
    assert hit.highlights["title"] == "&lt;b&gt;<mark>环评</mark>&lt;/b&gt; &amp; 水保"
    assert "<script>" not in hit.highlights["body"]
    assert "&lt;script&gt;alert(&#39;<mark>环评</mark>&#39;)" in hit.highlights["body"]


def test_long_snippets_are_cropped_around_the_first_match():
    text = "甲" * 300 + "环境影响评价" + "乙" * 300
    html = highlight(text, {"环境影响评价"}, crop=80)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>环境影响评价</mark>" in html and len(html) < 120


def test_a_spec_with_a_condition_on_an_unknown_field_is_refused():
    bad = IndexSpec(
        name="bad",
        build=build_notice,
        ids=lambda _s: [],
        searchable=(SearchField("title", "A"),),
        title="title",
        states={"s": State("S", {"x": StateOption("X", (Condition("nowhere", "after_now"),))})},
    )
    with pytest.raises(ValueError):
        search.register_index(bad)
    assert "bad" not in REGISTRY
