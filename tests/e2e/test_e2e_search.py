"""The header's search box: suggestions appear while typing (suggest.js), the keyboard picks one,
and submitting the box without choosing one opens the results page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_typing_in_the_search_box_suggests_and_the_keyboard_opens_a_suggestion(page: Page):
    page.goto("/")
    box = page.get_by_role("banner").get_by_role("combobox", name="搜索")
    box.press_sequentially("水保", delay=50)
    suggestions = page.get_by_role("listbox")
    expect(suggestions).to_contain_text("生产建设项目水土保持方案编制")  # a synonym, highlighted
    expect(suggestions.locator("mark").first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    first = suggestions.get_by_role("option").first.get_by_role("link").get_attribute("href")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(first) + "$"))


def test_submitting_the_box_opens_the_results_with_highlights(page: Page):
    page.goto("/")
    box = page.get_by_role("banner").get_by_role("combobox", name="搜索")
    box.fill("环评")
    box.press("Enter")  # no suggestion chosen: the form is submitted
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索")
    page.get_by_role("navigation", name="搜索范围").get_by_role(
        "link", name="中介服务事项清单"
    ).click()
    expect(page.locator("ol.hits mark").first).to_be_visible()
    expect(page.locator("ol.hits")).to_contain_text("环境影响")
