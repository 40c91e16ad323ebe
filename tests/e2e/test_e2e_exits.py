"""A suspension appealed and overturned, in Chinese, in Chromium (docs/rules.md §6): a serious
misconduct record takes an agency's score below 50, so it is warned and suspended; its profile
shows both flags; the agency appeals the suspension from its standing page (a reason left out is
refused, then given); the regulator finds the appeal in its queue and overturns the suspension
with a reason; the profile no longer shows the suspension."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from market import accounts
from ratings import records
from tests.e2e import people

pytestmark = pytest.mark.e2e


def test_the_regulator_overturns_an_appealed_suspension(browser, base_url, live_db, new_uscc):
    with live_db.transaction() as session:
        agency = people.agency(session, new_uscc(), "agency@exits.e2e", "吉林暂停示例咨询有限公司")
        regulator, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省退出规则监管（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "监管员",
                "email": "regulator@exits.e2e",
                "password": people.PASSWORD,
            },
            from_cli=True,
        )
        records.record_misconduct(
            session, regulator, agency.organization_id, "serious", "条例第十条", "串通报价。"
        )
        agency_id = agency.organization_id

    def log_in(email: str, totp_secret: str | None = None) -> Page:
        context = browser.new_context(base_url=base_url, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("电子邮箱", exact=True).fill(email)
        page.get_by_label("密码", exact=True).fill(people.PASSWORD)
        if totp_secret:
            page.get_by_label("动态验证码").fill(accounts.current_totp(totp_secret))
        page.get_by_role("main").get_by_role("button", name="登录").click()
        expect(page.get_by_role("status")).to_contain_text("欢迎您")
        return page

    public = browser.new_context(base_url=base_url, locale="zh-CN").new_page()
    public.goto(f"/agencies/{agency_id}")
    flags = public.locator("#standing-flags")
    expect(flags).to_contain_text("暂停参与选取资格至")
    expect(flags).to_contain_text("信用等级为 D 级")

    page = log_in("agency@exits.e2e")
    page.get_by_role("link", name="信用状况与惩戒措施").first.click()
    suspension = page.locator("article.exit-action").filter(has_text="暂停参与选取资格")
    suspension.get_by_role("button", name="向监管部门申诉").click()
    suspension = page.locator("article.exit-action").filter(has_text="暂停参与选取资格")
    expect(suspension).to_contain_text("此项为必填项。")
    suspension.get_by_label("该措施有误的理由（由监管部门阅看）").fill("该记录所涉问题已整改。")
    suspension.get_by_role("button", name="向监管部门申诉").click()
    expect(page.get_by_role("status").first).to_contain_text("您的申诉已提交监管部门。")

    officer = log_in("regulator@exits.e2e", secret)
    officer.get_by_role("link", name="信用惩戒措施").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("待决定的信用惩戒措施")
    officer.get_by_role("link", name="吉林暂停示例咨询有限公司").click()
    appealed = officer.locator("article.exit-action").filter(has_text="该记录所涉问题已整改。")
    appealed.get_by_label("撤销该措施").check()
    appealed.get_by_label("书面理由").fill("经核查，记录所涉问题已整改到位。")
    appealed.get_by_role("button", name="作出处理决定").click()
    expect(officer.get_by_role("status").first).to_contain_text("决定已记录。")
    expect(officer.locator("main")).to_contain_text("经申诉撤销")

    public.reload()
    expect(public.locator("#standing-flags")).not_to_contain_text("暂停参与选取资格至")
    expect(public.locator("#standing-flags")).to_contain_text("信用等级为 D 级")
