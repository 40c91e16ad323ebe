"""Chinese is the default language; the header link switches to English and back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_language_link_switches_between_chinese_and_english(page: Page):
    nav = page.get_by_role("navigation", name="主导航")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("中介服务网上交易平台")
    expect(page).to_have_title(re.compile("中介超市"))

    nav.get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Intermediary Services Marketplace")
    nav_en = page.get_by_role("navigation", name="Main")
    expect(nav_en.get_by_role("link", name="Service catalog", exact=True)).to_be_visible()
    expect(nav_en.get_by_role("link", name="Log in", exact=True)).to_be_visible()

    # The choice sticks for the rest of the visit, including labels stored as codes.
    nav_en.get_by_role("link", name="Service catalog", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service catalog")
    filters = page.get_by_role("main").get_by_role("search")
    expect(filters.get_by_label("Category")).to_contain_text("environment")

    nav_en.get_by_role("link", name="中文", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("中介服务事项清单")
    expect(filters.get_by_label("类别")).to_contain_text("生态环境")
    expect(page.locator("table.list")).to_contain_text("生态环境")
