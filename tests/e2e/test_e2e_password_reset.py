"""A forgotten password, in Chromium: the login page leads to the reset form, the mail arrives at
a real SMTP server, its link opens the form for a new password (a refused one is said under its
field), the new password logs in, and the link does not work a second time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from market import mail
from market.extensions import limiter
from tests.e2e import people
from tests.mail_support import reset_link, smtp_server

pytestmark = pytest.mark.e2e

EMAIL = "forgetful@reset.e2e"
NEW_PASSWORD = "a brand new passphrase for the e2e"


@pytest.fixture
def inbox(live_app):
    with smtp_server() as server:
        previous = live_app.extensions[mail.EXTENSION]
        live_app.extensions[mail.EXTENSION] = mail.SmtpMailer(server.host, server.port)
        try:
            yield server
        finally:
            live_app.extensions[mail.EXTENSION] = previous


def test_a_mailed_reset_link_sets_a_new_password_once(new_page, live_db, inbox):
    with live_db.transaction() as session:
        people.enterprise(session, "91220106MA15RT3T41", EMAIL, "吉林忘记密码测试有限公司")
    page = new_page()
    try:
        page.goto("/login")
        page.get_by_role("link", name="忘记密码？").click()
        page.get_by_label("电子邮箱", exact=True).fill(EMAIL)
        page.get_by_role("button", name="发送重置链接").click()
        expect(page.get_by_role("status")).to_have_text(
            "如果该电子邮箱有对应账号，重置链接已发往该邮箱。链接只能使用一次，有效期 60 分钟。"
        )
        [message] = inbox.messages
        assert message["Subject"] == "重置密码"
        link = reset_link(message)

        page.goto(link)
        page.get_by_label("新密码（12–128个字符）").fill("short")
        page.get_by_role("button", name="设置新密码").click()
        expect(page.locator("#password-err")).to_have_text("密码至少需要12个字符。")
        page.get_by_label("新密码（12–128个字符）").fill(NEW_PASSWORD)
        page.get_by_role("button", name="设置新密码").click()
        expect(page.get_by_role("status")).to_have_text("密码已修改，您已登录。")
        expect(page.get_by_role("heading", name="我的账号")).to_be_visible()

        other = new_page()
        other.goto(link)
        expect(other.get_by_role("alert")).to_have_text(
            "该重置链接无效、已过期或已被使用，请重新申请。"
        )
        expect(other.get_by_role("link", name="重新申请重置链接")).to_be_visible()
    finally:
        limiter.reset()
