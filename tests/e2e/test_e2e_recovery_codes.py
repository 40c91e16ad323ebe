"""The second factor of an enterprise account, in Chromium: turned on from the account page with
the authenticator's code (a wrong code keeps the key on the page), the recovery codes shown once,
and one of them logging in instead of a code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from market import accounts
from market.extensions import limiter
from tests.e2e import people

pytestmark = pytest.mark.e2e

EMAIL = "careful@totp-on.e2e"


def test_an_enterprise_turns_its_second_factor_on_and_logs_in_with_a_recovery_code(
    new_page, live_db
):
    with live_db.transaction() as session:
        people.enterprise(session, "91220106MA15TQ3W4C", EMAIL, "吉林第二因素测试有限公司")
    page = new_page()
    try:
        people.log_in(page, EMAIL)
        page.goto("/account/")
        page.get_by_role("link", name="管理").click()
        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("动态验证码").fill("")
        page.get_by_role("button", name="开启第二因素").click()
        expect(page.locator("#code-err")).to_have_text("请输入身份验证器应用中的6位动态验证码。")
        expect(page.locator("#totp-secret")).to_have_text(secret)
        page.get_by_label("动态验证码").fill(accounts.current_totp(secret))
        page.get_by_role("button", name="开启第二因素").click()
        codes = page.locator("#recovery-codes code").all_inner_texts()
        assert len(codes) == 10

        other = new_page()
        other.goto("/login")
        other.get_by_label("电子邮箱", exact=True).fill(EMAIL)
        other.get_by_label("密码", exact=True).fill(people.PASSWORD)
        other.get_by_label("动态验证码").fill(codes[0])
        other.get_by_role("main").get_by_role("button", name="登录").click()
        expect(other.get_by_role("status")).to_contain_text("欢迎您")
        other.goto("/account/second-factor")
        expect(other.get_by_role("main")).to_contain_text("剩余恢复码：9 个。")
    finally:
        limiter.reset()
