"""Searches matching more documents than the embedded engine counts (`COUNT_LIMIT`, made small
here): the count and the facet counts become lower bounds and say so (results page and API, zh
and en); exact below the limit; sorted pages taken by walking the sort's index are exactly the
pages of the full sort; relevance buckets the newest matches by the fields they match in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market import clock, search
from market.search import embedded
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
from tests.market.search_support import agency_factory, find  # noqa: F401
from tests.market.test_search_web import OwnContextClient, page

RECORDS: dict[str, dict] = {}


def build(_session, doc_id: str) -> Document | None:
    r = RECORDS.get(doc_id)
    if r is None:
        return None
    return Document(
        id=doc_id,
        text={"title": r["title"], "body": r.get("body", "")},
        terms={"funding": [r["funding"]]},
        numbers={
            "published_at": epoch(r["published_at"]),
            "deadline_at": epoch(r["deadline_at"]),
            "price_cap_fen": r.get("price_cap_fen"),
        },
    )


SPEC = IndexSpec(
    name="test-estimates",
    build=build,
    ids=lambda _s: list(RECORDS),
    searchable=(SearchField("title", "A"), SearchField("body", "D")),
    title="title",
    filters={"funding": "Funding"},
    numbers=("published_at", "deadline_at", "price_cap_fen"),
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
                    ),
                ),
            },
        )
    },
    browse_sort="newest",
)


@pytest.fixture(name="client")
def own_context_client(app):
    return OwnContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture(autouse=True)
def estimates_index():
    search.register_index(SPEC)
    RECORDS.clear()
    yield
    RECORDS.clear()
    REGISTRY.pop(SPEC.name, None)


@pytest.fixture
def limit(monkeypatch):
    """Count up to 5 matches, rank windows of 10, walk sorts 4 rows at a time."""

    def set_limit(n: int) -> None:
        monkeypatch.setattr(embedded, "COUNT_LIMIT", n)
        monkeypatch.setattr(embedded, "RANK_WINDOW", 2 * n)
        monkeypatch.setattr(embedded, "WALK_CHUNK", 4)

    set_limit(5)
    return set_limit


def add(db, doc_id: str, **record) -> None:
    now = clock.now()
    record.setdefault("published_at", now)
    record.setdefault("deadline_at", now + timedelta(days=5))
    record.setdefault("funding", "private")
    RECORDS[doc_id] = record
    search.index(db, SPEC.name, doc_id)


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_counts_are_exact_up_to_the_limit_then_lower_bounds(db, limit):
    for n in range(5):
        add(db, str(n), title="测绘项目", funding="budget" if n < 2 else "private")
    found = find(db, SPEC.name, "测绘")
    assert (found.total, found.estimated) == (5, False)
    assert found.facets["funding"] == [("private", 3), ("budget", 2)]
    add(db, "5", title="测绘项目")
    add(db, "6", title="测绘项目")
    found = find(db, SPEC.name, "测绘")
    assert (found.total, found.estimated, found.pages) == (5, True, 1)
    # Counted over the first six matches only: each count is at least what it says.
    assert sum(n for _v, n in found.facets["funding"]) == 6
    assert len(found.hits) == 7  # the page itself is not cut at the count
    narrow = find(db, SPEC.name, "测绘", filters={"funding": ["budget"]})
    assert (narrow.total, narrow.estimated) == (2, False)
    assert find(db, SPEC.name, "地灾").estimated is False


def _records(db, frozen) -> None:
    """Thirty records: words in titles or bodies, prices with ties and gaps, some closed."""
    for n in range(30):
        frozen.advance(minutes=7 * (n % 4) + 1)
        add(
            db,
            str(n),
            title=("环境影响评价报告" if n % 3 else "水土保持方案") + f"第{n}号",
            body="涉及环评审批" if n % 3 == 0 else "按规范开展工作",
            funding=("budget", "private", "state_owned")[n % 3],
            price_cap_fen=None if n % 7 == 0 else (n % 5) * 1000_00,
            deadline_at=clock.now() + timedelta(days=(n % 6) - 2),
        )


@pytest.mark.parametrize("sort", ["newest", "deadline", "price_cap"])
@pytest.mark.parametrize(
    "words, filters",
    [
        ("环评", {}),
        ("环境", {}),  # a prefix of the word being typed
        ("", {}),
        ("环评", {"funding": ["private", "budget"]}),
        ("环境影响评价", {"status": ["open"]}),
    ],
)
def test_sorted_pages_above_the_limit_are_the_full_sorts_pages(
    db, frozen, limit, sort, words, filters
):
    _records(db, frozen)
    limit(1000)
    exact = [
        ids(find(db, SPEC.name, words, filters=filters, sort=sort, page=p, per_page=4))
        for p in range(1, 9)
    ]
    limit(5)
    walked = [
        find(db, SPEC.name, words, filters=filters, sort=sort, page=p, per_page=4)
        for p in range(1, 9)
    ]
    assert walked[0].estimated is True
    assert [ids(r) for r in walked] == exact


def test_relevance_above_the_limit_puts_title_matches_first_newest_first(db, frozen, limit):
    add(db, "1", title="道路工程", body="需开展环评")
    frozen.advance(hours=1)
    add(db, "2", title="环评报告编制")
    frozen.advance(hours=1)
    for n in range(3, 8):
        add(db, str(n), title="厂房建设", body="依法开展环评")
        frozen.advance(hours=1)
    add(db, "8", title="环评报告编制")
    found = find(db, SPEC.name, "环评", per_page=4)
    assert found.estimated is True
    # Bucket A (the word in the title), newest first; then the body matches, newest first.
    assert ids(found) == ["8", "2", "7", "6"]
    assert ids(find(db, SPEC.name, "环评", per_page=4, page=2)) == ["5", "4", "3", "1"]


def test_the_results_page_and_the_api_say_the_count_is_a_lower_bound(
    app, client, agency, monkeypatch
):
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 2)
    made = [agency(name=f"第{n}环评公司") for n in range(3)]
    html = page(client, q="环评")
    assert "More than 2 results: the count stops there" in html
    assert "(3+)" in html  # the facet's count, counted over the first matches
    zh = client.get("/search", query_string={"lang": "zh", "q": "环评"}).get_data(as_text=True)
    assert "超过2条结果：计数到此为止" in zh
    body = client.get("/api/v1/agencies?q=环评&limit=2").get_json()
    assert (body["total"], body["total_estimated"]) == (2, True)
    assert {i["id"] for i in body["items"]} <= set(made)
    monkeypatch.setattr(embedded, "COUNT_LIMIT", 3)
    exact = client.get("/api/v1/agencies?q=环评&limit=2").get_json()
    assert (exact["total"], exact["total_estimated"]) == (3, False)
    assert "3 results" in page(client, q="环评")
