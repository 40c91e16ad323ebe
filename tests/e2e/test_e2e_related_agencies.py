"""Related agencies in Chinese, in Chromium: a regulator verifies an agency's declared legal
representative identity and records a relation of control through its page; the agency reads both
on its own page, and the number it declared is shown nowhere (docs/rules.md §5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
REPRESENTATIVE_ID = "11010519491231002X"
BASIS = "国家企业信用信息公示系统股东信息：持股 60%"


def agency_data(name: str, uscc: str, email: str, **extra) -> dict:
    return {
        "name": name,
        "uscc": uscc,
        "legal_representative": "郑九",
        "region_code": "220102",
        "contact_name": "郑九",
        "contact_phone": "0431-88880000",
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
        "user_name": "郑九",
        "email": email,
        "password": PASSWORD,
        **extra,
    }


def test_a_regulator_verifies_an_identity_and_records_a_relation_the_agency_then_reads(
    browser, base_url, live_db, new_uscc, screenshot_dir
):
    from market import accounts, agencies

    parent_uscc, subsidiary_uscc = new_uscc(), new_uscc()
    with live_db.transaction() as session:
        regulator, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省关联关系监管（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "监管员",
                "email": "regulator@related.e2e",
                "password": PASSWORD,
            },
            from_cli=True,
        )
        agencies.register_agency(
            session,
            agency_data(
                "吉林关联母公司咨询有限公司",
                parent_uscc,
                "parent@related.e2e",
                representative_id_number=REPRESENTATIVE_ID,
            ),
        )
        agencies.register_agency(
            session, agency_data("吉林关联子公司咨询有限公司", subsidiary_uscc, "child@related.e2e")
        )

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

    page = log_in("regulator@related.e2e", secret)
    page.goto("/regulator/related")
    expect(page.get_by_role("heading", level=1)).to_have_text("关联机构")

    pending = page.get_by_role("row").filter(has_text="吉林关联母公司咨询有限公司")
    expect(pending).to_contain_text("居民身份证")
    pending.get_by_role("link", name="核验").click()
    verify = page.locator("#verify")
    expect(verify.get_by_label("该机构的统一社会信用代码")).to_have_value(parent_uscc)
    verify.get_by_label("证件号码", exact=True).fill(REPRESENTATIVE_ID.lower())
    verify.get_by_label("核验依据（将被保存和显示；请勿填写证件号码）").fill(
        "营业执照与身份证原件核对一致"
    )
    verify.get_by_role("button", name="核验").click()
    expect(page.get_by_role("status")).to_contain_text("法定代表人身份已核验。")

    relation = page.locator("#relations")
    relation.get_by_label("控股或管理方机构的统一社会信用代码").fill(parent_uscc)
    relation.get_by_label("关系", exact=True).select_option("holding")
    relation.get_by_label("被控股或被管理方机构的统一社会信用代码").fill(subsidiary_uscc)
    relation.get_by_label("依据或来源（据此认定报价无效时一并公布）").fill(BASIS)
    relation.get_by_role("button", name="记录关联关系").click()
    expect(page.get_by_role("status")).to_contain_text("关联关系已记录")
    row = page.locator("#relations").get_by_role("row").filter(has_text=BASIS)
    expect(row).to_contain_text("吉林关联母公司咨询有限公司 控股 吉林关联子公司咨询有限公司")
    expect(row).to_contain_text("监管部门记录")
    assert REPRESENTATIVE_ID not in page.content()
    page.screenshot(path=str(screenshot_dir / "regulator-related.png"), full_page=True)

    agency = log_in("parent@related.e2e")
    agency.goto("/account/related")
    expect(agency.locator("#identity")).to_contain_text("经监管部门核验")
    expect(agency.locator("#relations")).to_contain_text(BASIS)
    assert REPRESENTATIVE_ID not in agency.content()
