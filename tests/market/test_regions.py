"""Administrative divisions people read and pick: the data (GB/T 2260 codes and official names),
codes refused at input when they name no division, the grouped picker on every form that takes a
code, the names shown beside codes, and the directory's region filter (page and API)."""

from __future__ import annotations

import re

import pytest

from market import agencies, regions
from market.validation import Invalid
from tests.conftest import agency_payload, login
from tests.market.search_support import agency_factory, valid_uscc  # noqa: F401  (fixture)
from tests.market.test_agency_form import URL as AGENCY_FORM
from tests.market.test_agency_form import FormFields, form_data

UNKNOWN = "%(code)s is not an administrative division code (GB/T 2260); pick one from the list."

# --- the data --------------------------------------------------------------------------------------


def test_names_read_from_the_province_down():
    assert regions.name("220102") == "吉林省 长春市 南关区"
    assert regions.name("220100") == "吉林省 长春市"
    assert regions.name("220000") == "吉林省"
    assert regions.name("222401") == "吉林省 延边朝鲜族自治州 延吉市"
    assert regions.name("220184") == "吉林省 长春市 公主岭市"
    assert regions.name("110101") == "北京市 东城区"
    assert regions.name("710000") == "台湾省"
    assert regions.name("220199") is None
    assert regions.name(None) is None


def test_jilin_in_full_and_every_province_and_prefecture_level_city():
    jilin = regions.children("220000")
    assert [c.name for c in jilin] == [
        *("长春市", "吉林市", "四平市", "辽源市", "通化市"),
        *("白山市", "松原市", "白城市", "延边朝鲜族自治州"),
    ]
    assert [d.code for d in regions.children("220100")] == [
        *("220102", "220103", "220104", "220105", "220106", "220112"),
        *("220113", "220122", "220182", "220183", "220184"),
    ]
    assert sum(len(regions.children(c.code)) for c in jilin) == 60
    assert len(regions.provinces()) == 34
    assert len(regions.cities()) == 333


@pytest.mark.parametrize(
    ("prefix", "code"),
    [("22", "220000"), ("2201", "220100"), ("220102", "220102"), ("1101", "110000")],
)
def test_a_prefix_selects_a_province_a_city_or_a_division(prefix, code):
    assert regions.by_prefix(prefix).code == code


@pytest.mark.parametrize("prefix", ["", "2", "220", "2299", "22019", "220199", "99", "22a1"])
def test_a_prefix_that_selects_nothing(prefix):
    assert regions.by_prefix(prefix) is None


# --- validation at input ---------------------------------------------------------------------------


def test_the_service_refuses_a_code_that_names_no_division(db):
    with pytest.raises(Invalid) as raised:
        agencies.register_agency(db, agency_payload(region_code="220199"))
    [message] = raised.value.errors["region_code"]
    assert (message.msgid, message.params) == (UNKNOWN, {"code": "220199"})


def test_the_api_refuses_an_unknown_code_in_english_and_chinese(client):
    en = client.post("/api/v1/agencies?lang=en", json=agency_payload(region_code="229999"))
    assert en.status_code == 422
    assert en.get_json()["errors"] == {
        "region_code": [
            "229999 is not an administrative division code (GB/T 2260); pick one from the list."
        ]
    }
    zh = client.post("/api/v1/agencies?lang=zh", json=agency_payload(region_code="229999"))
    assert zh.status_code == 422
    assert zh.get_json()["errors"] == {
        "region_code": ["229999 不是行政区划代码（GB/T 2260），请从列表中选择。"]
    }


def test_an_operator_cannot_give_a_regulator_a_region_that_does_not_exist(app, make, client):
    login(client, make.staff("operator"))
    body = {
        "kind": "regulator",
        "name": "吉林省某局",
        "region_code": "220000",
        "region_prefixes": ["2299"],
        "user_name": "周九",
        "email": "zhou@reg.zjm",
        "password": "correct horse battery staple",
    }
    response = client.post("/api/v1/organizations?lang=en", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "region_prefixes": [
            "2299 selects no province, city or administrative division (GB/T 2260)."
        ]
    }


# --- the picker ------------------------------------------------------------------------------------


def select_html(html: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


@pytest.mark.parametrize("url", ["/register/agency?lang=en", "/register/enterprise?lang=en"])
def test_the_registration_forms_pick_a_division_grouped_by_province(client, url):
    html = client.get(url).get_data(as_text=True)
    picker = select_html(html, "region_code")
    assert '<option value="">— choose a province, city or district —</option>' in picker
    jilin = re.search(r'<optgroup label="吉林省">(.*?)</optgroup>', picker, re.S).group(1)
    assert re.findall(r'<option value="(\d{6})">', jilin)[:4] == [
        *("220000", "220100", "220102", "220103"),
    ]
    assert '<option value="220102">长春市 南关区</option>' in jilin
    assert '<option value="222400">延边朝鲜族自治州</option>' in jilin
    assert picker.count("<optgroup ") == 34
    assert "<script" not in html.split("</main>")[0].split("<main", 1)[1]


def test_a_form_shown_again_keeps_the_division_picked(client):
    response = client.post(AGENCY_FORM, data=form_data(region_code="220106", uscc="bad"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert FormFields(html).values["region_code"] == "220106"
    assert '<option selected value="220106">长春市 绿园区</option>' in html


def test_a_code_not_in_the_list_is_refused_on_the_page_and_kept(client):
    response = client.post(AGENCY_FORM, data=form_data(region_code="229999"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<ul class="errors" id="region_code-err"><li>229999 is not an administrative division '
        "code (GB/T 2260); pick one from the list.</li></ul>"
    ) in html
    assert FormFields(html).values["region_code"] == "229999"


def test_the_operator_page_picks_a_regulators_provinces_and_cities(app, make, client, db):
    login(client, make.staff("operator"))
    html = client.get("/operator/accounts?lang=en").get_data(as_text=True)
    prefixes = select_html(html, "region_prefixes")
    assert "multiple" in prefixes
    assert '<option value="22">吉林省</option>' in prefixes
    assert '<option value="2224">延边朝鲜族自治州</option>' in prefixes
    assert '<option value="220102">' not in prefixes
    assert select_html(html, "region_code").count("<optgroup ") == 34


# --- names beside codes ----------------------------------------------------------------------------


def test_the_profile_and_the_api_name_the_division(client, agency):
    agency_id = agency(region_code="222401")
    body = client.get(f"/api/v1/agencies/{agency_id}").get_json()
    assert (body["region_code"], body["region_name"]) == (
        "222401",
        "吉林省 延边朝鲜族自治州 延吉市",
    )
    html = client.get(f"/agencies/{agency_id}?lang=en").get_data(as_text=True)
    assert (
        "<dt>Administrative division</dt><dd>吉林省 延边朝鲜族自治州 延吉市 <small>(222401)</small></dd>"
        in html
    )
    listed = client.get("/agencies?lang=en").get_data(as_text=True)
    assert "吉林省 延边朝鲜族自治州 延吉市 · Unified social credit code" in listed


def test_the_openapi_document_declares_the_name_and_the_filter(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    org = spec["components"]["schemas"]["Organization"]["properties"]
    assert org["region_name"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "the division's official name, province first (吉林省 长春市 南关区)",
        "title": "Region Name",
    }
    for schema in ("AgencyIn", "EnterpriseRegistrationIn", "OperatorCreatedIn"):
        code = spec["components"]["schemas"][schema]["properties"]["region_code"]
        assert code["description"] == (
            "six-digit administrative division code of GB/T 2260 (a province 220000, a city "
            "220100, a district or county 220102); a code that names no division is refused"
        ), schema
    params = spec["paths"]["/api/v1/agencies"]["get"]["parameters"]
    [region] = [p for p in params if p["name"] == "region"]
    assert region["description"] == (
        "an administrative division's prefix: 2 digits a province, 4 a city, 6 one division "
        "(22 = 吉林省, 2201 = 长春市); anything else is refused (422)"
    )


# --- the directory's region filter -----------------------------------------------------------------


@pytest.fixture
def spread(agency):
    return {
        "nanguan": agency(region_code="220102"),
        "lvyuan": agency(region_code="220106"),
        "jilin_city": agency(region_code="220202"),
        "shenyang": agency(region_code="210102"),
    }


def page_ids(client, **params) -> tuple[int, list[int]]:
    response = client.get("/agencies", query_string={**params, "lang": "en"})
    html = response.get_data(as_text=True)
    section = html.split('<ul class="directory">', 1)[1].split("</ul>", 1)[0]
    return response.status_code, sorted(
        int(i) for i in re.findall(r'href="/agencies/(\d+)"', section)
    )


def api_ids(client, **params) -> list[int]:
    response = client.get("/api/v1/agencies", query_string={**params, "limit": 100})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return sorted(a["id"] for a in body["items"])


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("22", ["nanguan", "lvyuan", "jilin_city"]),
        ("2201", ["nanguan", "lvyuan"]),
        ("220106", ["lvyuan"]),
        ("21", ["shenyang"]),
        ("11", []),
        ("", ["nanguan", "lvyuan", "jilin_city", "shenyang"]),
    ],
)
def test_the_directory_filters_by_province_city_or_division(client, spread, region, expected):
    ids = sorted(spread[k] for k in expected)
    assert page_ids(client, region=region) == (200, ids)
    assert api_ids(client, region=region) == ids


def test_the_directory_page_shows_the_region_picked(client, spread):
    html = client.get("/agencies?region=2201&lang=en").get_data(as_text=True)
    picker = select_html(html, "region")
    assert '<option value="2201" selected>长春市</option>' in picker
    assert '<optgroup label="吉林省">' in picker


@pytest.mark.parametrize("region", ["2299", "2", "22%", "abc"])
def test_a_region_filter_that_selects_nothing_is_refused(client, spread, region):
    page = client.get("/agencies", query_string={"region": region, "lang": "en"})
    assert page.status_code == 422
    message = f"{region} selects no province, city or administrative division."
    assert f'<div class="errors-box" role="alert"><ul><li>{message}</li></ul></div>' in (
        page.get_data(as_text=True).replace("22&#37;", "22%")
    )
    api = client.get("/api/v1/agencies", query_string={"region": region, "lang": "en"})
    assert api.status_code == 422
    assert api.get_json()["errors"] == {"region": [message]}
    zh = client.get("/api/v1/agencies", query_string={"region": region, "lang": "zh"})
    assert zh.get_json()["errors"] == {"region": [f"{region} 不对应任何省、市或行政区划。"]}


# --- search ----------------------------------------------------------------------------------------


def test_search_filters_by_region_and_offers_it_as_a_facet(client, agency):
    nanguan = agency(name="南关环评公司", region_code="220102")
    yanji = agency(name="延吉环评公司", region_code="222401")
    agency(name="沈阳环评公司", region_code="210102")
    found = client.get("/api/v1/agencies?q=环评&region=22").get_json()
    assert sorted(i["id"] for i in found["items"]) == sorted([nanguan, yanji])
    assert found["facets"]["region"] == [
        {"value": "22", "count": 2},
        {"value": "2201", "count": 1},
        {"value": "220102", "count": 1},
        {"value": "2224", "count": 1},
        {"value": "222401", "count": 1},
    ]
    city = client.get("/api/v1/agencies?q=环评&region=2224").get_json()
    assert [i["id"] for i in city["items"]] == [yanji]
    refused = client.get("/api/v1/agencies?q=环评&region=2299&lang=en")
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "region": ["2299 selects no province, city or administrative division."]
    }
    html = client.get("/search?q=环评&lang=en").get_data(as_text=True)
    assert re.search(r'<a href="[^"]*region=2224[^"]*">吉林省 延边朝鲜族自治州</a> \(1\)', html)


def test_the_picker_speaks_chinese(client):
    html = client.get("/register/enterprise?lang=zh").get_data(as_text=True)
    assert '<label for="region_code">行政区划</label>' in html
    assert '<option value="">— 选择省、市或区县 —</option>' in select_html(html, "region_code")
    assert 'data-levels="省|市|区县" data-region-picker=""' in html
    directory = client.get("/agencies?lang=zh").get_data(as_text=True)
    assert '<label>地区\n    <select name="region"><option value="">' in directory
