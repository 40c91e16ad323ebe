"""Helpers shared by the search tests (imported, not a conftest)."""

from __future__ import annotations

import socket

import pytest
from stdnum.cn import uscc as stdnum_uscc

from market import search


def valid_uscc(n: int) -> str:
    first17 = f"91220188{n:09d}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


def offer(code: str) -> dict:
    return {
        "service_item": code,
        "commitment_days": 20,
        "commitment_scope": "全部",
        "price_min_fen": 100000,
        "price_max_fen": 500000,
    }


def qual(name: str) -> dict:
    return {
        "name": name,
        "certificate_no": "Q-1",
        "issuer": "自然资源部",
        "valid_until": "2030-01-01",
    }


class Agencies:
    """Registers agencies with distinct codes through the real service; returns their ids."""

    def __init__(self, make):
        self.make, self.n = make, 0

    def __call__(
        self, name: str | None = None, services=("EIA-REPORT",), qualifications=(), **extra
    ) -> int:
        self.n += 1
        extra.setdefault("description", "")  # the payload's default mentions 环评 and 水保
        user = self.make.agency(
            name=name or f"测试咨询第{self.n}有限公司",
            uscc=valid_uscc(self.n),
            services=[offer(c) for c in services],
            qualifications=[qual(q) for q in qualifications],
            **extra,
        )
        return user.organization_id


@pytest.fixture(name="agency")
def agency_factory(make):
    return Agencies(make)


def closed_port_url() -> str:
    """The URL of a local port that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(name="meilisearch_down")
def meilisearch_configured_but_down(app):
    """The app's search port, as `init_app` builds it from a MEILISEARCH_URL that points at a
    closed port, for this test; the app's own port is put back afterwards.

    No application context is needed: the port is reached through the session's database.
    """
    url = closed_port_url()
    database = app.extensions["market.db"]
    previous = search.use(database, search.SearchPort.from_config({"MEILISEARCH_URL": url}))
    try:
        yield url
    finally:
        search.use(database, previous)
        search._unavailable_until.clear()


def ids(results) -> list[int]:
    return [int(h.id) for h in results.hits]


def find(db, index: str, text: str = "", **kwargs):
    return search.search(db, index, search.Query(text=text, **kwargs))
