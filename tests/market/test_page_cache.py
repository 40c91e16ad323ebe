"""The public's pages kept for a moment (market/page_cache.py): who gets the copy, what ends it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from market import clock
from market.page_cache import MAX_ENTRIES, Entry, PageCache
from tests.conftest import login

DIRECTORY = "/agencies"


@pytest.fixture
def cache(app, monkeypatch):
    """The app's page cache on, for this test (the tests' configuration turns it off)."""
    kept = PageCache(2)
    monkeypatch.setitem(app.extensions, "market.page_cache", kept)
    return kept


@pytest.fixture
def agency(make):
    return make.agency(name="吉林缓存测试咨询有限公司")


def rename_elsewhere(db, organization_id: int, name: str) -> None:
    """A write this process's sessions do not see (another worker, the scheduler): plain SQL on
    the connection, which no ORM event reports."""
    db.connection().execute(
        text("UPDATE organization SET name = :name WHERE id = :id"),
        {"name": name, "id": organization_id},
    )
    db.commit()


def test_visitors_get_the_same_rendering_until_the_time_limit(cache, client, db, agency, frozen):
    first = client.get(DIRECTORY)
    assert first.status_code == 200 and "吉林缓存测试咨询有限公司" in first.get_data(as_text=True)
    assert len(cache) == 1
    rename_elsewhere(db, agency.organization_id, "吉林改名咨询有限公司")

    frozen.advance(seconds=1)
    kept = client.get(DIRECTORY)
    assert kept.get_data() == first.get_data()
    # Every header that depends on the request is set again on the copy.
    assert kept.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert kept.headers["Vary"] == "Cookie"
    assert kept.mimetype == "text/html"

    frozen.advance(seconds=1)
    renewed = client.get(DIRECTORY).get_data(as_text=True)
    assert "吉林改名咨询有限公司" in renewed and "吉林缓存测试咨询有限公司" not in renewed


def test_a_write_committed_in_this_process_ends_every_copy_at_once(cache, client, make, agency):
    assert "吉林第二缓存咨询有限公司" not in client.get(DIRECTORY).get_data(as_text=True)
    assert len(cache) == 1
    make.agency(name="吉林第二缓存咨询有限公司", uscc="91220101MA0Y4Q7ABX", email="second@test.zjm")
    assert "吉林第二缓存咨询有限公司" in client.get(DIRECTORY).get_data(as_text=True)


def test_a_logged_in_user_neither_gets_nor_leaves_a_copy(cache, app, client, db, agency):
    member = app.test_client()
    login(member, agency)  # writes (the login's time): a copy made before it would end here
    anonymous = client.get(DIRECTORY).get_data(as_text=True)
    own = member.get(DIRECTORY).get_data(as_text=True)
    assert own != anonymous
    assert len(cache) == 1  # the member's rendering was not kept
    rename_elsewhere(db, agency.organization_id, "吉林改名咨询有限公司")
    assert "吉林改名咨询有限公司" in member.get(DIRECTORY).get_data(as_text=True)
    assert "吉林改名咨询有限公司" not in client.get(DIRECTORY).get_data(as_text=True)


def test_an_api_token_request_is_never_answered_with_a_copy(cache, client, db, agency):
    from market import accounts

    client.get(DIRECTORY)
    token = accounts.create_token(db, agency, "page cache")[1]
    db.commit()
    rename_elsewhere(db, agency.organization_id, "吉林改名咨询有限公司")
    with_token = client.get(DIRECTORY, headers={"Authorization": f"Bearer {token}"})
    assert "吉林改名咨询有限公司" in with_token.get_data(as_text=True)


def test_each_language_has_its_own_copy(cache, client, app, agency):
    chinese = client.get(DIRECTORY).get_data(as_text=True)
    english_reader = app.test_client()
    chosen = english_reader.get(DIRECTORY + "?lang=en")  # writes the session: not kept
    assert len(cache) == 1
    english = english_reader.get(DIRECTORY)
    assert english.get_data() == chosen.get_data()
    assert english.get_data(as_text=True) != chinese
    assert len(cache) == 2
    assert english_reader.get(DIRECTORY).get_data() == chosen.get_data()
    assert client.get(DIRECTORY).get_data(as_text=True) == chinese


def test_a_visitor_with_a_message_waiting_gets_a_page_of_its_own(cache, client, app, agency):
    client.get(DIRECTORY)
    other = app.test_client()
    with other.session_transaction() as session:
        session["_flashes"] = [("message", "一条只给这位访客的消息")]
    assert "一条只给这位访客的消息" in other.get(DIRECTORY).get_data(as_text=True)
    assert len(cache) == 1


def test_only_successful_pages_are_kept(cache, client):
    assert client.get("/agencies/999999").status_code == 404
    assert client.get("/api/v1/health").status_code == 200
    assert len(cache) == 0


def test_the_cache_is_bounded(cache, client, agency):
    for page in range(1, MAX_ENTRIES + 5):
        assert client.get(f"{DIRECTORY}?page={page}").status_code == 200
    assert len(cache) == MAX_ENTRIES


# --- one rendering at a time ----------------------------------------------------------------------


def entry(body: bytes, generation: int = 0, seconds: float = 2) -> Entry:
    return Entry(
        body, "text/html; charset=utf-8", generation, clock.now() + timedelta(seconds=seconds)
    )


def test_while_one_thread_renders_an_expired_page_the_others_answer_with_the_last_copy(frozen):
    kept = PageCache(2)
    key = ("http", "localhost", "/agencies?", "zh")
    assert kept.claim(key, 0) == (None, True)
    kept.put(key, entry(b"first"))
    kept.release(key)
    assert kept.claim(key, 0) == (kept._entries[key], False)

    frozen.advance(seconds=3)
    assert kept.claim(key, 0) == (None, True)  # this thread renders it anew
    stale, renders = kept.claim(key, 0)  # another thread meanwhile
    assert (stale.body, renders) == (b"first", False)
    frozen.advance(seconds=10)  # past the grace: nobody answers with it any more
    kept.put(key, entry(b"second"))
    kept.release(key)
    assert kept.claim(key, 0)[0].body == b"second"
    # A write since (the next generation): the copy is dropped, never served.
    assert kept.claim(key, 1) == (None, True)
    kept.release(key)
    assert len(kept) == 0


def test_a_page_nobody_has_a_copy_of_is_rendered_once_while_others_wait(frozen):
    kept = PageCache(2)
    key = ("http", "localhost", "/tasks?", "zh")
    assert kept.claim(key, 0) == (None, True)
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(kept.claim(key, 0)))
    waiter.start()
    kept.put(key, entry(b"rendered once"))
    kept.release(key)
    waiter.join(timeout=30)
    assert not waiter.is_alive()
    ((copy, renders),) = answers
    assert (copy.body, renders) == (b"rendered once", False)
