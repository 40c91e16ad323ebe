"""Structured qualifications in Chinese, in Chromium: an agency whose old free-text declaration
states no grade cannot bid on a task requiring 测绘资质 甲级; it chooses the type and grade on its
own page, a regulator verifies the changed qualification from its queue, and the agency then bids
on the task (docs/rules.md §5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
AGENCY = "长春北斗测绘工程有限公司"


def test_an_agency_fixes_its_qualification_a_regulator_verifies_it_and_the_agency_bids(
    browser, base_url, live_db, new_uscc, draw_keys, screenshot_dir
):
    from market import accounts, agencies, tasks

    with live_db.transaction() as session:
        _regulator, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省资质监管（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "资质监管员",
                "email": "regulator@qualifications.e2e",
                "password": PASSWORD,
            },
            from_cli=True,
        )
        applicant = accounts.register_enterprise(
            session,
            {
                "name": "长春示例物流园开发有限公司",
                "uscc": new_uscc(),
                "legal_representative": "陈一",
                "region_code": "220106",
                "user_name": "陈一",
                "email": "owner@qualifications.e2e",
                "password": PASSWORD,
            },
        )
        agencies.register_agency(
            session,
            {
                "name": AGENCY,
                "uscc": new_uscc(),
                "legal_representative": "林二",
                "region_code": "220103",
                "contact_name": "林二",
                "contact_phone": "0431-88880000",
                "commitment": True,
                "services": [
                    {
                        "service_item": "SURVEYING-MAPPING",
                        "commitment_days": 10,
                        "commitment_scope": "工程测量",
                        "price_min_fen": 1_000_000,
                        "price_max_fen": 20_000_000,
                    }
                ],
                # Declared as free text: the type is recognised, the grade is not stated.
                "qualifications": [
                    {
                        "name": "测绘资质证书",
                        "certificate_no": "甲测资字22100099",
                        "issuer": "自然资源部",
                        "valid_until": "2030-12-31",
                    }
                ],
                "user_name": "林二",
                "email": "surveyor@qualifications.e2e",
                "password": PASSWORD,
            },
        )
        draft = tasks.create_draft(
            session,
            applicant,
            {
                "service_item": "SURVEYING-MAPPING",
                "title": "物流园 1:500 地形图测绘",
                "description": "约 20 公顷 1:500 数字地形图测绘。",
                "funding": "private",
                "method": "lowest_price",
                "price_cap_fen": 10_000_000,
                "min_bids": 1,
                "service_days": 20,
                "bidding_wd": 5,
                "required_qualifications": ["surveying:A"],
            },
        )
        number = tasks.publish(session, applicant, draft.number).number

    def log_in(email: str, totp_secret: str | None = None) -> Page:
        context = browser.new_context(base_url=base_url, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("电子邮箱", exact=True).fill(email)
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        if totp_secret:
            page.get_by_label("动态验证码").fill(accounts.current_totp(totp_secret))
        page.get_by_role("main").get_by_role("button", name="登录").click()
        expect(page.get_by_role("status")).to_contain_text("欢迎您")
        return page

    # Without a grade the task's minimum is not met, and the agency is told so.
    agency = log_in("surveyor@qualifications.e2e")
    agency.goto(f"/tasks/{number}")
    expect(agency.locator("main")).to_contain_text("测绘资质（甲级及以上）")
    expect(agency.locator("main")).to_contain_text("贵机构申报的资质等级未达到要求")
    expect(agency.locator("#my-bid form")).to_have_count(0)

    # On its own page the declaration is flagged; the agency chooses the type and the grade.
    agency.goto("/account/qualifications")
    row = agency.locator("tbody tr").filter(has_text="甲测资字22100099")
    expect(row).to_contain_text("请选择资质类型")
    row.get_by_role("link", name="修改").click()
    expect(agency.get_by_label("证书编号")).to_have_value("甲测资字22100099")
    agency.get_by_label("资质类型").select_option("surveying")
    agency.get_by_label("等级或类别（该类资质分级时）").select_option("A")
    agency.get_by_label("专业类别或业务范围（按证书填写）").fill("工程测量、不动产测绘")
    agency.get_by_label("有效期起（YYYY-MM-DD）").fill("2025-12-31")
    agency.get_by_role("button", name="保存资质").click()
    expect(agency.get_by_role("status")).to_contain_text("修改后的资质在重新核验之前显示为")
    row = agency.locator("tbody tr").filter(has_text="甲测资字22100099")
    expect(row).to_contain_text("测绘资质 甲级")
    expect(row).to_contain_text("自行申报")

    # The regulator finds it waiting in its queue, with the count, and verifies it.
    regulator = log_in("regulator@qualifications.e2e", secret)
    regulator.goto("/regulator/qualifications")
    expect(regulator.locator("nav.tabs")).to_contain_text("待核验 (1)")
    queued = regulator.locator("tbody tr").filter(has_text=AGENCY)
    expect(queued).to_contain_text("测绘资质 甲级")
    expect(queued).to_contain_text("工程测量、不动产测绘")
    queued.get_by_role("button", name="标记为已核验").click()
    expect(regulator.get_by_role("status")).to_contain_text("已标记为核验通过。")
    expect(regulator.locator("nav.tabs")).to_contain_text("已核验 (1)")

    # The agency sees it verified and bids on the task that requires it.
    agency.goto("/account/qualifications")
    expect(agency.locator("tbody tr").filter(has_text="甲测资字22100099")).to_contain_text("已核验")
    agency.goto(f"/tasks/{number}")
    my_bid = agency.locator("#my-bid")
    my_bid.get_by_label("报价（元）", exact=True).fill("76000.00")
    my_bid.get_by_label("服务期限（天）", exact=True).fill("15")
    my_bid.get_by_label("技术方案", exact=True).fill("RTK 控制测量与全站仪碎部测量。")
    my_bid.get_by_role("button", name="提交密封报价").click()
    expect(agency.get_by_role("status")).to_contain_text("您的密封报价已收到。回执：")
    agency.screenshot(path=str(screenshot_dir / "qualified-bid-zh.png"), full_page=True)
