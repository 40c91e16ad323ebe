"""An attacker's wrong passwords slow down new devices, but the owner's browser, which logged in
before, still logs in; a new browser is told in Chinese how many seconds to wait."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from market.accounts import Policy
from market.extensions import limiter
from tests.e2e.regions import pick_region

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def register(page: Page, email: str, uscc: str) -> None:
    page.goto("/register/enterprise")
    page.get_by_label("企业名称").fill("长春设备记忆测试有限公司")
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_label("法定代表人").fill("孙八")
    pick_region(page, "吉林省", "长春市", "绿园区")
    page.get_by_label("姓名").fill("孙八")
    page.get_by_label("电子邮箱（登录账号）").fill(email)
    page.get_by_label("密码（12–128个字符）").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("企业注册成功。")


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("电子邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def test_the_owners_browser_logs_in_while_new_ones_wait(
    page: Page, browser: Browser, base_url: str, new_uscc
):
    email = "sunba@device.zjm"
    nav = page.get_by_role("navigation", name="主导航")
    register(page, email, new_uscc())
    nav.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")

    attacker = browser.new_context(base_url=base_url)
    stranger = browser.new_context(base_url=base_url, locale="zh-CN")
    try:
        # Every browser here shares one address, so the attacker stops at the account's
        # allowance: the address's is left for the other tests.
        token = attacker.request.get("/api/v1/session").json()["csrf_token"]
        for _ in range(Policy().login_account_per_minute):
            response = attacker.request.post(
                "/api/v1/session",
                data={"email": email, "password": "not the password at all"},
                headers={"X-CSRFToken": token},
            )
            assert response.status == 401

        # A browser that never logged in waits, and is told how long.
        new_page = stranger.new_page()
        log_in(new_page, email)
        expect(new_page.get_by_role("alert")).to_have_text(
            re.compile(r"登录失败次数过多。请等待 \d+ 秒后再试。")
        )

        # The owner's browser remembers that it logged in, and goes straight in.
        log_in(page, email)
        expect(page.get_by_role("status")).to_have_text("欢迎您，孙八。")
    finally:
        attacker.close()
        stranger.close()
        limiter.reset()  # the live server's counters, so later tests start from none
