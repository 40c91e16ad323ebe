"""The public agency directory: the page /agencies, the profile, and GET /api/v1/agencies.

Filters by service item, qualification (part of its name) and agency name (part of it, whatever the
case, on SQLite and PostgreSQL alike); pages of PAGE_SIZE on the page and cursor pages in the API;
an agency removed from the platform (清退) is no longer listed.
"""

from __future__ import annotations

import re

import pytest

from market.models import Organization
from tests.conftest import FROZEN_AT
from tests.market.search_support import agency_factory, valid_uscc  # noqa: F401  (fixture)


def listed_ids(html: str) -> list[int]:
    """Agency ids in the directory list, in the order shown."""
    section = html.split('<ul class="directory">', 1)[1].split("</ul>", 1)[0]
    return [int(i) for i in re.findall(r'href="/agencies/(\d+)"', section)]


def api_ids(client, **params) -> list[int]:
    response = client.get("/api/v1/agencies", query_string={**params, "limit": 100})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return [a["id"] for a in body["items"]]


def page_ids(client, **params) -> list[int]:
    response = client.get("/agencies", query_string=params)
    assert response.status_code == 200
    return listed_ids(response.get_data(as_text=True))


# --- filters ----------------------------------------------------------------------------------------


def test_filter_by_service_item(client, agency):
    eia = agency(services=["EIA-REPORT"])
    both = agency(services=["EIA-REPORT", "SWC-PLAN"])
    swc = agency(services=["SWC-PLAN"])
    assert sorted(page_ids(client, service_item="SWC-PLAN")) == sorted([both, swc])
    assert sorted(api_ids(client, service_item="SWC-PLAN")) == sorted([both, swc])
    assert sorted(api_ids(client, service_item="EIA-REPORT")) == sorted([eia, both])
    assert api_ids(client, service_item="FLOOD-IMPACT") == []
    html = client.get("/agencies?service_item=FLOOD-IMPACT&lang=en").get_data(as_text=True)
    assert "No agency matches these filters." in html
    assert sorted(page_ids(client)) == sorted([eia, both, swc])


def test_filter_by_part_of_a_qualification_name(client, agency):
    surveying = agency(qualifications=["甲级测绘资质证书"])
    drawing = agency(qualifications=["施工图审查机构认定书", "乙级测绘资质证书"])
    english = agency(qualifications=["Grade A Surveying Licence"])
    agency(qualifications=[])
    assert sorted(page_ids(client, qualification="测绘资质")) == sorted([surveying, drawing])
    assert sorted(api_ids(client, qualification="测绘资质")) == sorted([surveying, drawing])
    assert api_ids(client, qualification="施工图") == [drawing]
    assert api_ids(client, qualification="surveying") == [english]
    assert api_ids(client, qualification="SURVEYING LIC") == [english]
    assert api_ids(client, qualification="造价") == []


@pytest.mark.parametrize("typed", ["acme", "ACME", "Acme Env", "environmental", "ENVIRONMENTAL CO"])
def test_filter_by_part_of_the_name_ignores_case(client, agency, typed):
    acme = agency(name="Acme Environmental Co., Ltd. 长春")
    agency(name="Zenith Surveying 有限公司")
    assert page_ids(client, name=typed) == [acme]
    assert api_ids(client, name=typed) == [acme]


def test_filter_by_part_of_a_chinese_name(client, agency):
    changchun = agency(name="长春市绿源环境咨询有限公司")
    agency(name="吉林市测绘院有限公司")
    assert api_ids(client, name="绿源") == [changchun]
    assert page_ids(client, name=" 绿源环境 ") == [changchun]


def test_like_wildcards_in_a_filter_match_themselves(client, agency):
    percent = agency(name="百分百100%环保有限公司")
    agency(name="普通环保有限公司")
    underscore = agency(qualifications=["资质_A"])
    assert api_ids(client, name="%") == [percent]
    assert api_ids(client, name="_") == []
    assert api_ids(client, qualification="_") == [underscore]
    assert page_ids(client, name="%") == [percent]


def test_filters_combine(client, agency):
    target = agency(
        name="Acme 测绘", services=["SURVEYING-MAPPING"], qualifications=["甲级测绘资质"]
    )
    agency(name="Acme 环评", services=["EIA-REPORT"], qualifications=["甲级测绘资质"])
    agency(name="Other 测绘", services=["SURVEYING-MAPPING"], qualifications=["甲级测绘资质"])
    params = {"service_item": "SURVEYING-MAPPING", "qualification": "测绘", "name": "acme"}
    assert api_ids(client, **params) == [target]
    assert page_ids(client, **params) == [target]


def test_unknown_service_item_filter_lists_nothing_rather_than_failing(client, agency):
    agency()
    assert page_ids(client, service_item="NOPE") == []
    assert api_ids(client, service_item="NOPE") == []


# --- pages and cursors --------------------------------------------------------------------------------


def test_directory_pages_hold_page_size_agencies(client, agency, app):
    per_page = app.config["PAGE_SIZE"]
    ids = [agency() for _ in range(per_page + 5)]
    first = client.get("/agencies?lang=en").get_data(as_text=True)
    assert f"{per_page + 5} agencies" in first
    assert "Page 1 of 2" in first
    page1 = listed_ids(first)
    page2 = page_ids(client, page=2)
    assert len(page1) == per_page and len(page2) == 5
    assert sorted(page1 + page2) == sorted(ids)
    # Newest first (all listed at the same frozen instant: the later registration first).
    assert page1 == sorted(page1, reverse=True) and page1[-1] > page2[0]
    assert page_ids(client, page=3) == []
    # A nonsense page number shows the first page.
    assert page_ids(client, page="abc") == page1
    assert page_ids(client, page=0) == page1


def test_pager_links_keep_the_filters(client, agency, app):
    per_page = app.config["PAGE_SIZE"]
    for _ in range(per_page + 1):
        agency(services=["SWC-PLAN"])
    agency(services=["EIA-REPORT"])
    html = client.get("/agencies?service_item=SWC-PLAN&lang=en").get_data(as_text=True)
    link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert "service_item=SWC-PLAN" in link and "page=2" in link
    assert len(page_ids(client, service_item="SWC-PLAN", page=2)) == 1


def test_api_cursor_pages_cover_every_agency_once(client, agency):
    ids = [agency() for _ in range(23)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/agencies", query_string=params).get_json()
        assert body["total"] == 23
        assert len(body["items"]) <= 10
        seen += [a["id"] for a in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(ids, reverse=True)


def test_api_cursor_pages_respect_filters(client, agency):
    wanted = [agency(services=["SWC-PLAN"]) for _ in range(5)]
    for _ in range(5):
        agency(services=["EIA-REPORT"])
    body = client.get("/api/v1/agencies?service_item=SWC-PLAN&limit=3").get_json()
    assert body["total"] == 5 and body["next_cursor"]
    rest = client.get(
        f"/api/v1/agencies?service_item=SWC-PLAN&limit=3&cursor={body['next_cursor']}"
    ).get_json()
    assert rest["next_cursor"] is None
    assert [a["id"] for a in body["items"] + rest["items"]] == sorted(wanted, reverse=True)


def test_api_limit_is_bounded(client, agency):
    for _ in range(3):
        agency()
    assert len(client.get("/api/v1/agencies?limit=0").get_json()["items"]) == 1
    assert len(client.get("/api/v1/agencies?limit=-5").get_json()["items"]) == 1
    assert len(client.get("/api/v1/agencies?limit=abc").get_json()["items"]) == 3
    last = client.get("/api/v1/agencies?limit=3").get_json()
    assert last["next_cursor"] is None


# --- removed agencies ------------------------------------------------------------------------------


def test_removed_agency_is_not_listed(client, agency, db):
    kept = agency(name="Kept 咨询", qualifications=["甲级测绘资质"])
    removed = agency(name="Removed 咨询", qualifications=["甲级测绘资质"])
    org = db.get(Organization, removed)
    org.removed_at = FROZEN_AT
    db.add(org)
    db.commit()
    assert page_ids(client) == [kept]
    assert api_ids(client) == [kept]
    assert api_ids(client, qualification="测绘") == [kept]
    assert api_ids(client, name="removed") == []
    assert "1 agencies" in client.get("/agencies?lang=en").get_data(as_text=True)
    assert client.get("/api/v1/agencies").get_json()["total"] == 1


# --- profiles ---------------------------------------------------------------------------------------


def test_profile_shows_services_prices_and_commitment(client, agency):
    agency_id = agency(
        name="长春市绿源环境咨询有限公司", services=["EIA-REPORT"], qualifications=["甲级测绘资质"]
    )
    html = client.get(f"/agencies/{agency_id}?lang=en").get_data(as_text=True)
    assert "长春市绿源环境咨询有限公司" in html
    assert valid_uscc(1) in html
    assert "1,000.00 – 5,000.00" in html
    # A free-text name stating a type and its grade is shown as that type and grade.
    assert "Surveying and mapping qualification grade A" in html and "self-declared" in html
    assert "signed 2026-11-25 10:00" in html  # shown in Shanghai time


def test_profile_keeps_personal_data_private(client, agency):
    agency_id = agency()
    html = client.get(f"/agencies/{agency_id}").get_data(as_text=True)
    assert "0431-88888888" not in html  # contact phone
    assert "220102199001011239" not in html  # a professional's ID number
    body = client.get(f"/api/v1/agencies/{agency_id}").get_json()
    assert "contact_phone" not in body
    assert all("id_number" not in p for p in body["professionals"])


def test_profile_is_404_for_ids_that_are_not_listed_agencies(client, make):
    enterprise = make.enterprise()
    operator = make.staff("operator")
    for org_id in (enterprise.organization_id, operator.organization_id, 999999):
        assert client.get(f"/agencies/{org_id}").status_code == 404
        response = client.get(f"/api/v1/agencies/{org_id}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_directory_page_escapes_what_agencies_declared(client, agency):
    agency_id = agency(description='He said "hi" & <b>left</b>', name="Acme")
    html = client.get(f"/agencies/{agency_id}").get_data(as_text=True)
    assert "<b>left</b>" not in html
    assert "&lt;b&gt;left&lt;/b&gt;" in html
