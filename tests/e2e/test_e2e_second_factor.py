"""Logging in with a second factor, in Chromium: a regulator's account needs the authenticator's
code; without it, or with a wrong one, the login page says so (in Chinese, and in English for a
code already used) and nobody is logged in; the right code logs in, once."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect

from market import accounts, clock
from market.extensions import limiter
from tests.e2e.people import PASSWORD

pytestmark = pytest.mark.e2e

EMAIL = "inspector@totp.e2e"


def submit(page: Page, email: str, code: str | None, *, english: bool = False) -> None:
    page.get_by_label("E-mail" if english else "电子邮箱", exact=True).fill(email)
    page.get_by_label("Password" if english else "密码", exact=True).fill(PASSWORD)
    if code is not None:
        page.get_by_label("Authenticator code" if english else "动态验证码").fill(code)
    page.get_by_role("main").get_by_role("button", name="Log in" if english else "登录").click()


def test_a_regulator_logs_in_only_with_the_right_unused_authenticator_code(new_page, live_db):
    with live_db.transaction() as session:
        _user, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省第二因素登录（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "核查员",
                "email": EMAIL,
                "password": PASSWORD,
            },
            from_cli=True,
        )
    code = accounts.current_totp(secret)
    # A code of no step the server accepts (the current one and one either side of it).
    totp = pyotp.TOTP(secret)
    step = int(clock.now().timestamp()) // totp.interval
    accepted = {totp.generate_otp(s) for s in (step - 1, step, step + 1)}
    wrong = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in accepted)

    page = new_page()
    nav = page.get_by_role("navigation", name="主导航")
    try:
        page.goto("/login")
        expect(page.get_by_role("main")).to_contain_text(
            "监管部门和平台运行机构用户：请输入身份验证器应用中的6位动态验证码。"
        )
        submit(page, EMAIL, None)
        expect(page.get_by_role("alert")).to_have_text("请输入身份验证器应用中的6位动态验证码。")
        submit(page, EMAIL, wrong)
        expect(page.get_by_role("alert")).to_have_text("动态验证码错误、已过期或已被使用。")
        expect(nav.get_by_role("link", name="核查员", exact=True)).to_have_count(0)

        submit(page, EMAIL, code)
        expect(page.get_by_role("status")).to_have_text("欢迎您，核查员。")
        expect(nav.get_by_role("link", name="核查员", exact=True)).to_be_visible()

        # Someone who saw the code cannot spend it again, in any language.
        other = new_page()
        other.goto("/")
        other.get_by_role("navigation", name="主导航").get_by_role("link", name="English").click()
        other.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
        submit(other, EMAIL, code, english=True)
        expect(other.get_by_role("alert")).to_have_text(
            "The authenticator code is wrong, expired or already used."
        )
        expect(other.get_by_role("navigation", name="Main")).not_to_contain_text("核查员")
    finally:
        limiter.reset()  # the live server's failure counters, so later tests start from none
