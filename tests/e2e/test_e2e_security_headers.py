"""The Content-Security-Policy in a real browser: it is enforced (an injected inline script does not
run, and the violation is seen), and the main pages — home, the task list, a task page with the
bid form as an agency, search with its suggestions, registration, the policy — load without any
violation while their scripts and forms still work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import watch_csp

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture
def draw_keys(live_app):
    """The live app's keys (publishing makes a draw seed), kept out of the repository."""
    from bidding import keys

    previous = keys.use(
        keys.Keys(
            draw_seed_key="e2e draw seed key", signing_key_path=live_app.config["SIGNING_KEY_PATH"]
        )
    )
    yield
    keys.use(previous)


@pytest.fixture
def open_task(live_db, new_uscc, draw_keys) -> tuple[str, str]:
    """A published lowest-price task, and the e-mail of an agency that may bid on it."""
    from market import accounts, agencies, tasks

    applicant_email, agency_email = "owner@csp.e2e", "bidder@csp.e2e"
    with live_db.transaction() as session:
        applicant = accounts.register_enterprise(
            session,
            {
                "name": "长春安全头测试开发有限公司",
                "uscc": new_uscc(),
                "legal_representative": "钱十",
                "region_code": "220106",
                "user_name": "钱十",
                "email": applicant_email,
                "password": PASSWORD,
            },
        )
        agencies.register_agency(
            session,
            {
                "name": "吉林策略环境咨询有限公司",
                "uscc": new_uscc(),
                "legal_representative": "郑十一",
                "region_code": "220102",
                "contact_name": "郑十一",
                "contact_phone": "0431-88881111",
                "commitment": True,
                "services": [
                    {
                        "service_item": "EIA-REPORT",
                        "commitment_days": 30,
                        "commitment_scope": "报告书编制",
                        "price_min_fen": 5_000_000,
                        "price_max_fen": 20_000_000,
                    }
                ],
                "user_name": "郑十一",
                "email": agency_email,
                "password": PASSWORD,
            },
        )
        draft = tasks.create_draft(
            session,
            applicant,
            {
                "service_item": "EIA-REPORT",
                "title": "安全头测试项目环境影响报告书编制",
                "description": "编制环境影响报告书。",
                "funding": "private",
                "method": "lowest_price",
                "price_cap_fen": 10_000_000,
                "min_bids": 1,
                "service_days": 60,
                "bidding_wd": 2,
            },
        )
        number = tasks.publish(session, applicant, draft.number).number
    return number, agency_email


def test_the_policy_is_enforced_and_a_violation_is_seen(browser, base_url):
    """The check every other test relies on: an inline script injected into a page is refused,
    and `watch_csp` reports it."""
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    try:
        page = context.new_page()
        violations = watch_csp(page)
        page.goto("/")
        page.evaluate(
            """() => {
                const s = document.createElement("script");
                s.textContent = "window.injectedRan = true;";
                document.body.appendChild(s);
            }"""
        )
        for _ in range(50):  # the report reaches the console asynchronously
            if violations:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("() => window.injectedRan === true") is False
        assert any("script-src" in v for v in violations), violations
    finally:
        context.close()


def test_main_pages_load_without_violations_and_their_scripts_and_forms_work(
    page: Page, open_task, screenshot_dir
):
    number, agency_email = open_task

    # Home, and the search box's suggestions (market/static/suggest.js asking the API).
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    box = page.get_by_role("banner").get_by_role("combobox", name="搜索")
    box.press_sequentially("水保", delay=50)
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option").first).to_be_visible()
    expect(suggestions.locator("mark").first).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索")

    # The task list, registration (its "add a service" button posts the form back), the policy.
    page.goto("/tasks?status=open")
    expect(page.get_by_role("main")).to_contain_text(number)
    page.goto("/register")
    expect(page.get_by_role("main").get_by_role("link").first).to_be_visible()
    page.goto("/register/agency")
    expect(page.locator("#service-1")).to_have_count(0)
    page.get_by_role("button", name="添加服务事项").click()
    expect(page.locator("#service-1")).to_have_count(1)
    page.goto("/policy")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # An agency logs in and bids through the task page's form.
    page.goto("/login")
    page.get_by_label("电子邮箱", exact=True).fill(agency_email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("status")).to_contain_text("欢迎您")
    page.goto(f"/tasks/{number}")
    my_bid = page.locator("#my-bid")
    my_bid.get_by_label("报价（元）", exact=True).fill("66000.00")
    my_bid.get_by_label("服务期限（天）", exact=True).fill("40")
    my_bid.get_by_label("技术方案", exact=True).fill("现状调查与预测评价。")
    my_bid.get_by_role("button", name="提交密封报价").click()
    expect(page.get_by_role("status")).to_contain_text("您的密封报价已收到。回执：")
    page.get_by_text("回执所确认的内容（RFC 8785 JSON）").click()  # a <details>, no script
    expect(page.locator("table.receipts pre code").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "csp-task-page-agency-zh.png"), full_page=True)
    # The `page` fixture fails the test on any violation met along the way.
