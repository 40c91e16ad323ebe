"""The region picker: with its script, three selects (province, city, district) that fill each
other and set the one submitted field; without it, the grouped select alone does the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.regions import pick_region

pytestmark = pytest.mark.e2e


def test_the_picker_cascades_and_sets_the_submitted_code(page: Page):
    page.goto("/register/enterprise")
    submitted = page.locator("select[name=region_code]")
    expect(submitted).to_be_hidden()
    city, district = page.get_by_label("市", exact=True), page.get_by_label("区县", exact=True)
    expect(city).to_be_hidden()

    pick_region(page, "吉林省", None, None)
    expect(submitted).to_have_value("220000")
    expect(city.locator("option")).to_have_text(
        [
            "— 市 —",
            "长春市",
            "吉林市",
            "四平市",
            "辽源市",
            "通化市",
            "白山市",
            "松原市",
            "白城市",
            "延边朝鲜族自治州",
        ]
    )
    pick_region(page, "吉林省", "延边朝鲜族自治州", "延吉市")
    expect(submitted).to_have_value("222401")
    city.select_option(label="长春市")
    expect(submitted).to_have_value("220100")
    expect(district).to_have_value("")

    # A municipality has no city level: its districts follow the province.
    pick_region(page, "北京市", None, None)
    expect(city).to_be_hidden()
    district.select_option(label="东城区")
    expect(submitted).to_have_value("110101")


def test_without_javascript_the_grouped_select_is_the_picker(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/register/enterprise")
        picker = page.get_by_label("行政区划", exact=True)
        expect(picker).to_be_visible()
        picker.select_option(label="长春市 南关区")
        expect(picker).to_have_value("220102")
        expect(page.get_by_label("区县", exact=True)).to_have_count(0)
    finally:
        context.close()
