"""The public's pages, kept for a moment (docs/architecture.md, "Page cache").

A page an anonymous visitor reads is the same for every anonymous visitor reading it in the same
language at the same moment, so each web process keeps the HTML of the last rendering of each
such page for `PUBLIC_PAGE_CACHE_SECONDS` (2 by default; 0 turns the cache off, as the tests do)
and answers the next visitors with it: the micro-caching a reverse proxy would do, kept inside
the app so that it knows who is anonymous. What is kept and served:

- only GET requests with no `Authorization` header, no `?lang=` (it writes the session) and no
  session beyond the chosen language — a logged-in user, a pending flash message or a CSRF token
  means the page is somebody's own and is neither served from nor stored in the cache;
- only `200 text/html` answers that set no cookie and left the session's content as it was (a
  flash message or a CSRF token added makes the page the visitor's own); the stored copy
  is the body and its content type, so every header that depends on the request (security
  headers, rate-limit headers) is set again on each answer, and the rate limits still count;
- keyed by scheme, host, the full path with its query string, and the language.

A page is never older than the time limit; and any transaction that writes and commits in a
process empties that process's cache at once (SQLAlchemy session events), so a single-process
server (`make run`) always shows its own writes, and several processes (gunicorn) show another
process's writes or a scheduler's sweep within the time limit. Nothing is kept but what the
public may already read: an older copy is a page that was public when it was rendered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlmodel import Session

from market import clock

#: Pages kept per process (the oldest goes first): a bound on memory, about 2 MB at 20 kB a page.
MAX_ENTRIES = 100
#: How long after its time limit a copy may still answer while one thread renders the page anew.
STALE_GRACE = timedelta(seconds=10)
#: How long a request waits for another thread's first rendering of a page before its own.
RENDER_WAIT = timedelta(seconds=5)
#: Session keys an anonymous visitor may carry and still be served the public's copy.
ANONYMOUS_SESSION_KEYS = frozenset({"lang"})


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    generation: int
    expires: datetime


class PageCache:
    """The copies of one process, and which pages a thread of it is rendering right now.

    One thread renders a page at a time: while it does, the others answer with the copy that
    has just expired (for at most `STALE_GRACE`) or, when there is none, wait for its rendering
    (at most `RENDER_WAIT`) instead of rendering the same page side by side — as a reverse proxy's
    cache lock and stale-while-revalidate do. A copy of an older generation (a write since) is
    never served."""

    def __init__(self, seconds: float):
        self.lifetime = timedelta(seconds=seconds)
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._rendering: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def claim(self, key: tuple, generation: int) -> tuple[Entry | None, bool]:
        """(the copy to answer with, or None; whether the caller renders for the cache)."""
        with self._lock:
            entry = self._usable(key, generation)
            now = clock.now()
            if entry is not None and (
                entry.expires > now
                or (key in self._rendering and entry.expires + STALE_GRACE > now)
            ):
                return entry, False
            rendering = self._rendering.get(key)
            if rendering is None:
                self._rendering[key] = threading.Event()
                return None, True
        rendering.wait(RENDER_WAIT.total_seconds())
        with self._lock:
            entry = self._usable(key, generation)
            if entry is not None and entry.expires > clock.now():
                return entry, False
        return None, False

    def _usable(self, key: tuple, generation: int) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.generation != generation:
            del self._entries[key]
            return None
        return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def release(self, key: tuple) -> None:
        """The rendering of `key` is over (kept or not): the threads waiting for it go on."""
        with self._lock:
            rendering = self._rendering.pop(key, None)
        if rendering is not None:
            rendering.set()

    def __len__(self) -> int:
        return len(self._entries)


# --- writes end every copy of this process --------------------------------------------------------

#: Counts the committed writing transactions of this process; a copy rendered before the last one
#: is not served.
_generation = 0
_generation_lock = threading.Lock()
_WROTE = "market.page_cache.wrote"


def _mark_written(session: Session, *_args) -> None:
    session.info[_WROTE] = True


def _mark_dml(orm_execute_state) -> None:
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info[_WROTE] = True


def _after_commit(session: Session) -> None:
    global _generation
    if session.info.pop(_WROTE, False):
        with _generation_lock:
            _generation += 1


def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)


def _listen_once() -> None:
    for name, handler in (
        ("after_flush", _mark_written),
        ("do_orm_execute", _mark_dml),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)


# --- the request hooks ----------------------------------------------------------------------------


def _key() -> tuple | None:
    """The request's key if the public's copy may answer it, else None."""
    if request.method != "GET" or "Authorization" in request.headers or "lang" in request.args:
        return None
    if current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies:
        return None
    if not session.keys() <= ANONYMOUS_SESSION_KEYS:
        return None
    language = session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]
    return (request.scheme, request.host, request.full_path, language)


def serve_cached() -> Response | None:
    cache: PageCache | None = current_app.extensions["market.page_cache"]
    if cache is None:
        return None
    key = _key()
    if key is None:
        return None
    # Taken before the page is rendered: a write committed meanwhile makes the copy stale at once.
    seen = _generation
    entry, renders = cache.claim(key, seen)
    if entry is not None:
        return Response(entry.body, content_type=entry.content_type, headers={"Vary": "Cookie"})
    if renders:
        g.page_cache_key = (key, seen, dict(session))
    return None


def keep(response: Response) -> Response:
    pending = g.get("page_cache_key")
    if (
        pending is None
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or not response.is_sequence
        or "Set-Cookie" in response.headers
        or current_user.is_authenticated
    ):
        return response
    key, seen, before = pending
    # Flask-Login's strong session protection marks a session without a login (the language
    # alone) `_remember: clear` on every request, and removes the mark before the cookie is
    # written: only another change (a flash message, a CSRF token) makes the page the visitor's.
    after = {k: v for k, v in session.items() if k != "_remember"}
    if after != before:
        return response
    cache: PageCache = current_app.extensions["market.page_cache"]
    cache.put(
        key,
        Entry(
            body=response.get_data(),
            content_type=response.content_type,
            generation=seen,
            expires=clock.now() + cache.lifetime,
        ),
    )
    return response


def release(_exc: BaseException | None = None) -> None:
    """At the end of every request that rendered for the cache, kept or not, error or not."""
    pending = g.pop("page_cache_key", None)
    if pending is not None:
        current_app.extensions["market.page_cache"].release(pending[0])


def init_app(app: Flask) -> None:
    """After the rate limiter and the logins are set up: its before-request hook runs after
    theirs, so a copy is served only once the limits have counted the request."""
    seconds = float(app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 0))
    app.config.setdefault("REMEMBER_COOKIE_NAME", "remember_token")
    app.extensions["market.page_cache"] = PageCache(seconds) if seconds > 0 else None
    _listen_once()
    app.before_request(serve_cached)
    app.after_request(keep)
    app.teardown_request(release)
