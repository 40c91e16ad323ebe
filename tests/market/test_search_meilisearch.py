"""The Meilisearch adapter against a live server: same answers as the embedded engine, and the
outbox delivering only what Meilisearch confirmed. Runs only when MEILISEARCH_URL names a server
(no Meilisearch server can run on the development machines of this project)."""

from __future__ import annotations

import contextlib
import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from market import search
from market.models import SearchOutbox
from market.search import outbox
from market.search.meili import ORIGINAL, MeiliEngine
from market.search.registry import Document
from market.search.text import parse_query
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


def test_traditional_and_simplified_find_each_other_on_meilisearch_too(db, agency, meilisearch):
    simplified = agency(name="吉林测绘有限公司", services=["SURVEYING-MAPPING"])
    traditional = agency(name="長春環評諮詢有限公司")
    assert search.reindex(db, "agencies").meilisearch_error is None
    assert ids(find(db, "agencies", "測繪")) == [simplified]
    found = find(db, "agencies", "环评")
    assert found.engine == "meilisearch" and ids(found) == [traditional]
    assert found.hits[0].highlights["name"] == "長春<mark>環評</mark>諮詢有限公司"


def test_the_outbox_is_done_once_meilisearch_confirmed(db, agency, meilisearch):
    search.reindex(db, "agencies")
    wanted = agency(name="吉林地质灾害评估有限公司")
    assert outbox.deliver(db) >= 1
    db.expire_all()
    assert all(r.done_at is not None for r in db.exec(select(SearchOutbox)))
    assert ids(find(db, "agencies", "地灾")) == [wanted]


# --- without a server: what is sent and how a hit is read ------------------------------------


def test_meilisearch_gets_simplified_text_to_search_and_the_text_as_written_to_show():
    spec = search.get_index("agencies")
    written = {
        "name": "長春環評諮詢有限公司",
        "services_zh": "測繪",
        "services_en": "Surveying",
        "qualifications": "",
        "description": "",
    }
    body = MeiliEngine.document(spec, Document(id="7", text=written))
    assert body["name"] == "长春环评咨询有限公司" and body["services_zh"] == "测绘"
    assert body[ORIGINAL] == written


def test_a_meilisearch_hit_shows_the_text_as_written_with_the_embedded_engines_highlights():
    spec = search.get_index("agencies")
    written = {"name": "長春環評諮詢有限公司", "services_zh": "工程測繪", "qualifications": ""}
    found = {"id": 7, ORIGINAL: written, "name": "长春环评咨询有限公司", "services_zh": "工程测绘"}
    hit = MeiliEngine.hit(spec, found, parse_query("环评 測繪").marks())
    assert hit.id == "7" and hit.data["name"] == "長春環評諮詢有限公司"
    assert hit.highlights["name"] == "長春<mark>環評</mark>諮詢有限公司"
    assert hit.highlights["services_zh"] == "工程<mark>測繪</mark>"
    # A document sent before the text as written was kept shows what it has.
    old = MeiliEngine.hit(spec, {"id": 8, "name": "吉林测绘有限公司"}, parse_query("测绘").marks())
    assert old.highlights["name"] == "吉林<mark>测绘</mark>有限公司"


@pytest.mark.parametrize(
    "answer, total, estimated",
    [
        ({"totalHits": 1234}, 1234, False),  # page/hitsPerPage: counted exhaustively
        ({"estimatedTotalHits": 1000}, 1000, True),  # offset/limit: Meilisearch's estimate
    ],
)
def test_meilisearch_says_when_its_count_is_an_estimate(monkeypatch, answer, total, estimated):
    spec = search.get_index("agencies")

    class Index:
        def search(self, words, params):
            return {"hits": [], "facetDistribution": {}, **answer}

    engine = MeiliEngine("http://127.0.0.1:9")
    monkeypatch.setattr(engine, "index", lambda _spec: Index())
    query = search.Query(text="环评").cleaned(spec)
    found = engine.search(spec, query, parse_query("环评"), datetime.now(UTC))
    assert (found.total, found.estimated) == (total, estimated)
