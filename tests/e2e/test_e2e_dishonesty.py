"""A serious-dishonesty listing in Chinese, in Chromium (docs/rules.md §6): a regulator proposed
listing an agency and the notice went out; the platform's clock is moved past the 10-working-day
statement period; the regulator finds the proposal in its queue, refused nothing, and lists the
agency with the law, the dates and the removal conditions; the public list shows it; the agency's
bid form on an open task explains why it cannot bid, with the date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from market import accounts
from ratings import dishonesty
from ratings.dishonesty_policy import DEFAULT_POLICY
from tests.e2e import people

pytestmark = pytest.mark.e2e

#: 24:00 Shanghai of Wednesday 9 December 2026: 10 working days after the frozen now.
DUE = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)
LIST_BASIS = "《吉林省社会信用条例》第三十条"


def test_a_regulator_lists_an_agency_after_the_notice_period(
    browser, base_url, live_db, new_uscc, draw_keys, frozen
):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@dishonest.e2e", "长春失信示例有限公司"
        )
        agency = people.agency(
            session, new_uscc(), "agency@dishonest.e2e", "吉林串通环境咨询有限公司"
        )
        regulator, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省信用监管（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "信用监管员",
                "email": "regulator@dishonest.e2e",
                "password": people.PASSWORD,
            },
            from_cli=True,
        )
        proposal = dishonesty.propose(
            session,
            regulator,
            agency.organization_id,
            "与其他中介机构串通报价",
            "《中介服务管理办法》第三十五条",
            "两份报价文件雷同。",
            DEFAULT_POLICY,
        )
        assert proposal.statement_due == DUE
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

    regulator_page = log_in("regulator@dishonest.e2e", secret)
    regulator_page.goto("/regulator/dishonesty-proposals?state=notice_period")
    waiting = regulator_page.locator(f"#proposal-{proposal.id}")
    expect(waiting).to_contain_text("吉林串通环境咨询有限公司")
    expect(waiting).to_contain_text("2026-12-09 24:00")

    # The statement period is over: the platform's clock moves to its end.
    frozen.set(DUE)
    with live_db.transaction() as session:
        task = people.published_task(session, applicant, "失信示例环评报告书编制")
        number = task.number

    regulator_page.get_by_role("link", name="失信名单提议").click()
    # The queue opens on the proposals to decide.
    expect(regulator_page.get_by_role("navigation", name="状态")).to_contain_text("待处理 (1)")
    section = regulator_page.locator(f"#proposal-{proposal.id}")
    expect(section).to_contain_text("已到期：请作出决定")
    section.get_by_label("列入名单").check()
    section.get_by_label("设定该名单的法律、法规依据（列入时填写）").fill(LIST_BASIS)
    section.get_by_label("起始日期（列入时填写）").fill("2026-12-10")
    section.get_by_label("截止日期（列入时填写）").fill("2025-12-10")
    section.get_by_label("移出条件（列入时填写）").fill("期满且完成整改。")
    section.get_by_role("button", name="处理").click()
    section = regulator_page.locator(f"#proposal-{proposal.id}")
    expect(section).to_contain_text("截止日期必须晚于起始日期。")
    # What was typed is kept; only the wrong date is changed.
    expect(section.get_by_label("设定该名单的法律、法规依据（列入时填写）")).to_have_value(
        LIST_BASIS
    )
    section.get_by_label("截止日期（列入时填写）").fill("2027-12-09")
    section.get_by_role("button", name="处理").click()
    expect(regulator_page.get_by_role("status")).to_contain_text("已对该建议作出决定。")

    public = browser.new_context(base_url=base_url, locale="zh-CN").new_page()
    public.goto("/lists/dishonest")
    expect(public.get_by_role("heading", name="严重失信主体名单", exact=True)).to_be_visible()
    listed = public.locator("section").filter(has_text="吉林串通环境咨询有限公司")
    expect(listed).to_contain_text(LIST_BASIS)
    expect(listed).to_contain_text("自 2026-12-10 至 2027-12-09（含）")
    public.goto(f"/agencies/{agency_id}")
    expect(public.locator("#dishonesty")).to_contain_text(
        "已列入严重失信主体名单，期限至 2027-12-09"
    )

    agency_page = log_in("agency@dishonest.e2e")
    agency_page.goto(f"/tasks/{number}")
    warning = agency_page.get_by_role("note").filter(has_text="您暂不能参与本项目报价")
    expect(warning).to_contain_text("严重失信主体名单")
    expect(warning).to_contain_text("2027-12-09")
