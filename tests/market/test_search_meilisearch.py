"""The Meilisearch adapter against a live server: same answers as the embedded engine, and the
outbox delivering only what Meilisearch confirmed. Runs only when MEILISEARCH_URL names a server
(no Meilisearch server can run on the development machines of this project)."""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from sqlmodel import select

from market import search
from market.models import SearchOutbox
from market.search import outbox
from market.search.meili import MeiliEngine
from tests.market.search_support import agency_factory, find, ids  # noqa: F401

URL = os.environ.get("MEILISEARCH_URL")


@pytest.fixture
def meilisearch(app):
    if not URL:
        pytest.skip("MEILISEARCH_URL not set: no Meilisearch server on this machine")
    prefix = f"test_{uuid.uuid4().hex[:8]}_"
    config = {
        "MEILISEARCH_URL": URL,
        "MEILISEARCH_INDEX_PREFIX": prefix,
        "MEILISEARCH_KEY": os.environ.get("MEILISEARCH_KEY", ""),
    }
    database = app.extensions["market.db"]
    saved = search.use(database, search.SearchPort.from_config(config))
    engine = MeiliEngine(URL, config["MEILISEARCH_KEY"], prefix)
    yield engine
    for name in search.REGISTRY:
        with contextlib.suppress(Exception):  # the index may never have been created
            engine._wait(engine.client.delete_index(prefix + name))
    search.use(database, saved)
    search._unavailable_until.clear()


def test_reindex_applies_settings_and_meilisearch_answers_like_the_embedded_engine(
    db, agency, meilisearch
):
    water = agency(name="长春水土保持咨询有限公司", services=["SWC-PLAN"])
    eia = agency(name="长春市某项目环境影响评价咨询有限公司", services=["EIA-REPORT"])
    for name in ("agencies", "service-items"):
        assert search.reindex(db, name).meilisearch_error is None
    settings = meilisearch.index(search.get_index("agencies")).get_settings()
    assert "service_item" in settings["filterableAttributes"]
    assert "环境影响评价" in settings["synonyms"]["环评"]

    found = find(db, "agencies", "水保")
    assert found.engine == "meilisearch" and not found.fallback
    assert ids(found) == [water]
    assert "<mark>" in found.hits[0].highlights["name"]
    assert ids(find(db, "agencies", "环评")) == [eia]
    assert ids(find(db, "agencies", "", filters={"service_item": ["SWC-PLAN"]})) == [water]
    assert dict(find(db, "agencies", "").facets["service_item"]) == {"SWC-PLAN": 1, "EIA-REPORT": 1}
    injected = find(
        db, "agencies", "", filters={"service_item": ['x" OR service_item = "EIA-REPORT']}
    )
    assert injected.total == 0 and not injected.fallback


def test_the_outbox_is_done_once_meilisearch_confirmed(db, agency, meilisearch):
    search.reindex(db, "agencies")
    wanted = agency(name="吉林地质灾害评估有限公司")
    assert outbox.deliver(db) >= 1
    db.expire_all()
    assert all(r.done_at is not None for r in db.exec(select(SearchOutbox)))
    assert ids(find(db, "agencies", "地灾")) == [wanted]
