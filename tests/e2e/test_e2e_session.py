"""An enterprise registers, logs out, logs in through /login and logs out again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.regions import pick_region

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def test_enterprise_logs_in_sees_its_name_in_the_header_and_logs_out(page: Page, new_uscc):
    nav = page.get_by_role("navigation", name="主导航")
    email = "zhaoliu@enterprise.zjm"

    page.goto("/register/enterprise")
    expect(page.get_by_role("heading", level=1)).to_have_text("企业注册")
    page.get_by_label("企业名称").fill("长春示例建设发展有限公司")
    page.get_by_label("统一社会信用代码").fill(new_uscc())
    page.get_by_label("法定代表人").fill("赵六")
    pick_region(page, "吉林省", "长春市", "绿园区")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("电子邮箱（登录账号）").fill(email)
    page.get_by_label("密码（12–128个字符）").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("企业注册成功。")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账号")
    expect(page.locator("dl.facts")).to_contain_text("长春示例建设发展有限公司 (企业)")
    nav.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")

    # A wrong password is refused with the Chinese message, and nothing is logged in.
    nav.get_by_role("link", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    page.get_by_label("电子邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill("not the password at all")
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("电子邮箱或密码错误。")
    expect(nav.get_by_role("link", name="赵六", exact=True)).to_have_count(0)

    page.get_by_label("电子邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("status")).to_have_text("欢迎您，赵六。")
    expect(nav.get_by_role("link", name="赵六", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="登录", exact=True)).to_have_count(0)

    nav.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(nav.get_by_role("link", name="赵六", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="登录", exact=True)).to_be_visible()

    # The session is really gone: the account page sends the browser back to the login page.
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("status")).to_have_text("请先登录后再访问此页面。")
