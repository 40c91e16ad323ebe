"""Meilisearch consistency: the change and its outbox row commit together; the sweep retries with
exponential back-off while Meilisearch is down and loses nothing; rows are done only when the
engine confirmed; and the site keeps serving from the embedded index, saying so.

No Meilisearch server runs here: "down" is a local port that was bound and closed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlmodel import select

from market import clock, create_core_app, search, tasks
from market.models import SearchOutbox
from market.search import outbox
from market.search.meili import EngineFailed
from tests.conftest import Accounts, app_config
from tests.market.search_support import (  # noqa: F401
    agency_factory,
    closed_port_url,
    find,
    ids,
    meilisearch_configured_but_down,
)
from tests.market.test_tasks import task_data


class OwnContextClient(FlaskClient):
    """Each request in its own app context, as in production (see test_directory)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return OwnContextClient(app, app.response_class, use_cookies=True)


def rows(db) -> list[SearchOutbox]:
    db.expire_all()
    return list(db.exec(select(SearchOutbox).order_by(SearchOutbox.id)))


def test_without_meilisearch_nothing_is_queued(db, agency):
    agency(name="甲环评公司")
    assert rows(db) == []
    assert outbox.deliver(db) == 0


def test_the_outbox_row_commits_or_rolls_back_with_the_change(db, agency, meilisearch_down):
    first = agency(name="甲环评公司")
    assert [(r.index_name, r.doc_id, r.attempts, r.done_at) for r in rows(db)] == [
        ("agencies", str(first), 0, None)
    ]
    nested = db.begin_nested()
    search.index(db, "agencies", first)
    nested.rollback()
    assert len(rows(db)) == 1


def test_a_down_engine_loses_nothing_and_is_retried_with_back_off(
    db, agency, frozen, meilisearch_down
):
    agency(name="甲环评公司")
    assert outbox.deliver(db) == 0
    [row] = rows(db)
    assert row.attempts == 1 and row.done_at is None
    assert "Meilisearch" in row.last_error or "Connection" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(seconds=10)

    assert outbox.deliver(db) == 0  # not due yet: untouched
    assert rows(db)[0].attempts == 1

    frozen.advance(seconds=10)
    outbox.deliver(db)
    [row] = rows(db)
    assert row.attempts == 2 and row.next_attempt_at == clock.now() + timedelta(seconds=20)
    frozen.advance(seconds=20)
    outbox.deliver(db)
    assert rows(db)[0].next_attempt_at == clock.now() + timedelta(seconds=40)


def test_back_off_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert outbox.backoff(30) == timedelta(hours=1)


class StubEngine:
    """Our adapter's interface with a scripted outcome — not an imitation of the server."""

    def __init__(self, fail: bool):
        self.fail, self.sent, self.deleted = fail, [], []

    def ensure_settings(self, spec):
        pass

    def put_many(self, spec, docs):
        if self.fail:
            raise EngineFailed("task 7 failed: invalid_document_id")
        self.sent += [(spec.name, d.id) for d in docs]

    def delete_many(self, spec, doc_ids):
        self.deleted += [(spec.name, i) for i in doc_ids]


@pytest.fixture
def stub(monkeypatch, meilisearch_down):
    holder = {"engine": StubEngine(fail=False)}
    monkeypatch.setattr(search.MeiliConfig, "engine", lambda self: holder["engine"])
    return holder


def test_rows_are_done_only_when_the_engine_confirmed(db, agency, frozen, stub):
    stub["engine"] = StubEngine(fail=True)
    first = agency(name="甲环评公司")
    assert outbox.deliver(db) == 0
    assert rows(db)[0].done_at is None and "invalid_document_id" in rows(db)[0].last_error

    stub["engine"] = StubEngine(fail=False)
    frozen.advance(seconds=10)
    assert outbox.deliver(db) == 1
    [row] = rows(db)
    assert row.done_at is not None and row.last_error is None
    assert stub["engine"].sent == [("agencies", str(first))]


def test_duplicate_rows_are_sent_once_and_a_vanished_record_is_deleted(db, agency, stub):
    first = agency(name="甲环评公司")
    search.index(db, "agencies", first)
    search.index(db, "agencies", 999_999)  # no such agency: remove it from Meilisearch
    assert outbox.deliver(db) == 3
    assert stub["engine"].sent == [("agencies", str(first))]
    assert stub["engine"].deleted == [("agencies", "999999")]


def test_search_falls_back_to_the_embedded_index(db, agency, meilisearch_down):
    wanted = agency(name="甲环评公司")
    found = find(db, "agencies", "环评")
    assert found.fallback and ids(found) == [wanted]
    assert found.engine == db.get_bind().dialect.name
    again = find(db, "agencies", "环评")  # the breaker skips the dead engine now
    assert again.fallback and ids(again) == [wanted]


def test_the_results_page_says_it_fell_back(db, agency, client, meilisearch_down):
    agency(name="甲环评公司")
    response = client.get("/search?q=环评&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The search service is unavailable right now" in html
    assert "甲<mark>环评</mark>公司" in html


def test_the_api_and_suggestions_keep_answering(db, agency, client, meilisearch_down):
    wanted = agency(name="甲环评公司")
    body = client.get("/api/v1/agencies?q=环评").get_json()
    assert body["fallback"] is True and [i["id"] for i in body["items"]] == [wanted]
    suggestions = client.get("/api/v1/search/suggest?q=甲环").get_json()["items"]
    assert [s["id"] for s in suggestions if s["index"] == "agencies"] == [str(wanted)]


def test_reindex_rebuilds_the_embedded_index_and_reports_meilisearch(
    app, db, agency, meilisearch_down
):
    agency(name="甲环评公司")
    db.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex", "agencies"])
    assert result.exit_code == 1
    assert "agencies: 1 documents indexed (embedded)" in result.output
    assert "Meilisearch was not updated" in result.output
    assert find(db, "agencies", "环评").total == 1


@pytest.fixture
def configured_db(app, database_url):
    """The session factory of an app composed with MEILISEARCH_URL set (the engine down), on the
    test's connection — and no application context anywhere, as in a sweep or a script."""
    other = create_core_app(app_config(database_url, MEILISEARCH_URL=closed_port_url()))
    database = other.extensions["market.db"]
    database.bind = app.extensions["market.db"].bind
    yield database
    search._unavailable_until.clear()


def test_a_write_outside_any_app_context_still_feeds_the_outbox(configured_db):
    assert not has_app_context()
    with configured_db.session() as session:
        applicant = Accounts(None, session).enterprise()
        task = tasks.create_draft(session, applicant, task_data(title="水土保持方案编制"))
        tasks.publish(session, applicant, task.number)
        assert [(r.index_name, r.doc_id) for r in rows(session)] == [("tasks", str(task.id))]
        # The sweep, run the same way, reads the configuration too: it tries and backs off.
        assert outbox.deliver(session) == 0
        [row] = rows(session)
        assert row.attempts == 1 and row.last_error
