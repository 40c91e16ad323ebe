"""The search box on every page, the results page (facets as links, highlights, sort, pages,
hostile input) and search in the JSON API (`?q=` on /agencies and /service-items, suggestions)."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask.testing import FlaskClient

from tests.market.search_support import agency_factory  # noqa: F401
from tests.market.test_search import HOSTILE


class OwnContextClient(FlaskClient):
    """Each request in its own app context, as in production (see test_directory)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return OwnContextClient(app, app.response_class, use_cookies=True)


def page(client, **params) -> str:
    response = client.get("/search", query_string={"lang": "en", **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hit_links(html: str) -> list[str]:
    section = (
        html.split('<ol class="hits">', 1)[1].split("</ol>", 1)[0]
        if '<ol class="hits">' in html
        else ""
    )
    return re.findall(r'<h2><a href="([^"]+)"', section)


@pytest.mark.parametrize("path", ["/", "/service-items", "/agencies", "/policy", "/search"])
def test_every_page_has_a_search_box_that_works_without_javascript(client, path):
    html = client.get(path).get_data(as_text=True)
    form = html.split('<form class="site-search"', 1)[1].split("</form>", 1)[0]
    assert 'method="get" action="/search"' in form and 'name="q"' in form
    assert 'data-suggest="/api/v1/search/suggest"' in form
    assert "suggest.js" in html


def test_results_page_highlights_and_links_to_each_hit(client, agency):
    agency(name="长春水土保持咨询有限公司")
    html = page(client, q="水保")
    assert "长春<mark>水土保持</mark>咨询有限公司" in html
    assert hit_links(html)[0].startswith("/agencies/")
    items = page(client, q="环评", index="service-items")
    assert set(hit_links(items)) == {
        "/service-items/EIA-REPORT",
        "/service-items/EIA-FORM",
        "/service-items/EIA-TECH-REVIEW",
    }


def test_english_readers_see_english_titles(client):
    html = page(client, q="flood", index="service-items")
    assert "<mark>Flood</mark>" in html


def test_a_facet_is_a_link_that_adds_its_filter(client, agency):
    agency(name="甲环评公司", services=["EIA-REPORT", "SWC-PLAN"])
    agency(name="乙环评公司", services=["EIA-REPORT"])
    html = page(client, q="环评")
    link = re.search(r'<a href="([^"]*service_item=SWC-PLAN[^"]*)">([^<]+)</a> \(1\)', html)
    assert link, "the SWC-PLAN facet links to the filtered results"
    assert "水土保持" in link.group(2) or "soil" in link.group(2).lower()
    filtered = client.get(html_lib.unescape(link.group(1))).get_data(as_text=True)
    assert len(hit_links(filtered)) == 1
    assert "Remove filter" in filtered


def test_a_time_state_is_offered_as_a_filter(client, agency):
    agency(name="甲环评公司")
    html = page(client, q="环评", standing="eligible")
    assert len(hit_links(html)) == 1
    assert page(client, q="环评", standing="suspended").count("Nothing found.") == 1


def test_sort_and_pages(app, client, agency, frozen):
    for n in range(3):
        agency(name=f"第{n}环评公司")
        frozen.advance(days=1)
    previous = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 2
    try:
        first = page(client, q="环评", sort="newest")
        second = page(client, q="环评", sort="newest", page=2)
    finally:
        app.config["PAGE_SIZE"] = previous
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "第2<mark>环评</mark>公司" in first and "第0<mark>环评</mark>公司" in second
    assert 'value="newest" selected' in first


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_never_an_error(client, query):
    for index in ("agencies", "service-items"):
        html = page(client, q=query, index=index)
        assert "<script>alert" not in html


def test_a_query_of_punctuation_only_says_there_is_nothing_to_look_for(client):
    assert "Your search has no words to look for" in page(client, q="！？。")


def test_unknown_index_and_silly_parameters_fall_back_to_defaults(client):
    html = page(client, q="环评", index="users", page="-3", sort="1;drop", grade="<x>")
    assert "Agencies" in html


def test_api_agency_search_with_highlights_facets_and_cursor(client, agency):
    made = [agency(name=f"第{n}环评公司") for n in range(3)]
    first = client.get("/api/v1/agencies?q=环评&limit=2&sort=newest").get_json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_cursor"] == "2"
    assert first["engine"] in ("sqlite", "postgresql") and first["fallback"] is False
    assert "<mark>环评</mark>" in first["items"][0]["highlights"]["name"]
    assert first["facets"]["service_item"] == [{"value": "EIA-REPORT", "count": 3}]
    assert "contact_phone" not in first["items"][0]  # the public serializer
    rest = client.get(
        f"/api/v1/agencies?q=环评&limit=2&sort=newest&cursor={first['next_cursor']}"
    ).get_json()
    assert rest["next_cursor"] is None
    assert {i["id"] for i in first["items"] + rest["items"]} == set(made)


def test_api_service_item_search_filters_by_category(client):
    body = client.get("/api/v1/service-items?q=评审&category=water").get_json()
    assert [i["code"] for i in body["items"]] == ["SWC-PLAN-REVIEW"]
    commissioned = client.get(
        "/api/v1/service-items?q=评估&department_commissioned=true"
    ).get_json()["items"]
    assert commissioned and all(i["department_commissioned"] for i in commissioned)


def test_api_without_q_keeps_the_plain_listing(client):
    body = client.get("/api/v1/service-items").get_json()
    assert "facets" not in body and len(body["items"]) >= 31


def test_suggestions_while_typing(client, agency):
    wanted = agency(name="吉林地质灾害评估有限公司")
    items = client.get("/api/v1/search/suggest?q=地质灾").get_json()["items"]
    by_index = {i["index"]: i for i in items}
    assert by_index["agencies"]["url"] == f"/agencies/{wanted}"
    assert "<mark>" in by_index["agencies"]["title_html"]
    assert by_index["service-items"]["url"] == "/service-items/GEO-HAZARD-ASSESS"
    assert client.get("/api/v1/search/suggest?q=").get_json() == {"items": []}
    assert client.get("/api/v1/search/suggest?q=" + '"' * 5000).status_code == 200


def test_the_search_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/search/suggest" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/agencies"]["get"]["parameters"]}
    assert {"q", "sort", "page", "service_item", "standing"} <= params
