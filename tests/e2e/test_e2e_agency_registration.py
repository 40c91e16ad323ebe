"""An agency registers through the Chinese form, is listed at once, and is found in the directory
by the service item it offers; a wrong USCC is named precisely and nothing typed is lost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.regions import pick_region

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
EIA_REPORT = "EIA-REPORT"  # 建设项目环境影响报告书编制
SWC_PLAN = "SWC-PLAN"  # 生产建设项目水土保持方案编制
BAD_CHECKSUM = "The check character of this unified social credit code is wrong"
USCC_CHECKSUM_ERROR = "统一社会信用代码校验码错误，请对照营业执照重新填写。"
REPRESENTATIVE_ID = "11010519491231002X"


def fill_agency_form(page: Page, *, name: str, uscc: str, email: str) -> None:
    """Fill every required field of /register/agency the way a user would, by visible label."""
    page.get_by_label("机构名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_label("法定代表人", exact=True).fill("王五")
    pick_region(page, "吉林省", "长春市", "南关区")
    page.get_by_label("联系人", exact=True).fill("王五")
    page.get_by_label("联系电话（不公开）").fill("0431-88888888")

    service = page.locator("#service-0")
    service.get_by_label("中介服务事项").select_option(EIA_REPORT)
    service.get_by_label("承诺时限（天）").fill("30")
    service.get_by_label("承诺服务范围").fill("环境影响报告书编制及技术咨询")
    service.get_by_label("最低价格（元）").fill("50000")
    service.get_by_label("最高价格（元）").fill("200000.50")

    page.get_by_label("本机构已阅读并签署上述承诺书。").check()

    account = page.locator("fieldset").filter(has=page.locator("legend", has_text="管理员账号"))
    account.get_by_label("姓名").fill("王五")
    account.get_by_label("电子邮箱（登录账号）").fill(email)
    account.get_by_label("密码（12–128个字符）").fill(PASSWORD)


def test_agency_registers_in_chinese_and_is_found_in_the_directory_by_service_item(
    page: Page, live_db, new_uscc, screenshot_dir
):
    from market import agencies

    # Another listed agency that offers a different service item: the filter must hide it.
    other_name = "吉林水保方案编制有限公司"
    with live_db.transaction() as session:
        agencies.register_agency(
            session,
            {
                "name": other_name,
                "uscc": new_uscc(),
                "legal_representative": "赵六",
                "region_code": "220104",
                "contact_name": "赵六",
                "contact_phone": "0431-86666666",
                "services": [
                    {
                        "service_item": SWC_PLAN,
                        "commitment_days": 20,
                        "commitment_scope": "水土保持方案报告书编制",
                        "price_min_fen": 1_000_000,
                        "price_max_fen": 5_000_000,
                    }
                ],
                "commitment": True,
                "user_name": "赵六",
                "email": "swc-agency@e2e.zjm",
                "password": PASSWORD,
            },
        )

    name = "吉林绿源环境咨询有限公司"
    page.goto("/register/agency")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("中介服务机构注册")
    fill_agency_form(page, name=name, uscc="91220101MA0Y4Q6X33", email="lvyuan@e2e.zjm")
    page.get_by_role("button", name="提交注册并入驻").click()

    # Listed at once: the browser lands on the agency's public profile, logged in.
    expect(page).to_have_url(re.compile(r"/agencies/\d+$"))
    expect(page.get_by_role("status")).to_have_text("中介服务机构注册成功，已列入机构名录。")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("91220101MA0Y4Q6X33")
    expect(facts).to_contain_text("220102")
    services = page.locator("table.list").first
    expect(services).to_contain_text("建设项目环境影响报告书编制")
    expect(services).to_contain_text("30天")
    expect(services).to_contain_text("50,000.00 – 200,000.50")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="王五", exact=True)).to_be_visible()  # logged in
    page.screenshot(path=str(screenshot_dir / "agency-registered-zh.png"), full_page=True)

    # The directory lists both agencies until it is filtered by the service item.
    nav.get_by_role("link", name="中介服务机构", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("中介服务机构")
    directory = page.locator("ul.directory")
    expect(directory.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(directory.get_by_role("link", name=other_name, exact=True)).to_be_visible()

    filters = page.get_by_role("main").get_by_role("search")
    filters.get_by_label("中介服务事项").select_option(EIA_REPORT)
    filters.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(rf"service_item={EIA_REPORT}"))
    expect(page.get_by_text("共1家中介服务机构")).to_be_visible()
    expect(directory.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(directory.get_by_role("link", name=other_name, exact=True)).to_have_count(0)

    directory.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_bad_uscc_is_named_inline_in_chinese_and_the_other_values_are_kept(page: Page, new_uscc):
    wrong = "91220101MA0Y4Q6X34"  # one character off: the check character no longer matches
    page.goto("/register/agency")
    fill_agency_form(page, name="吉林校验测试咨询有限公司", uscc=wrong, email="checksum@e2e.zjm")
    id_number = page.get_by_label("证件号码（选填，不会显示）")
    id_number.fill(REPRESENTATIVE_ID)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="提交注册并入驻").click()
    assert posted.value.status == 422

    expect(page).to_have_url(re.compile(r"/register/agency$"))
    uscc = page.get_by_label("统一社会信用代码")
    expect(uscc).to_have_attribute("aria-invalid", "true")
    expect(uscc).to_have_accessible_description(USCC_CHECKSUM_ERROR)
    expect(page.locator("#uscc-err")).to_have_text(USCC_CHECKSUM_ERROR)
    expect(page.get_by_text(BAD_CHECKSUM)).to_have_count(0)  # translated, not the msgid
    expect(page.locator(".has-error")).to_have_count(1)  # only the code is wrong

    expect(uscc).to_have_value(wrong)
    expect(page.get_by_label("机构名称")).to_have_value("吉林校验测试咨询有限公司")
    expect(page.get_by_label("法定代表人", exact=True)).to_have_value("王五")
    expect(page.get_by_label("区县", exact=True)).to_have_value("220102")
    expect(page.locator("select[name=region_code]")).to_have_value("220102")
    expect(page.get_by_label("联系电话（不公开）")).to_have_value("0431-88888888")
    service = page.locator("#service-0")
    expect(service.get_by_label("中介服务事项")).to_have_value(EIA_REPORT)
    expect(service.get_by_label("承诺时限（天）")).to_have_value("30")
    expect(service.get_by_label("承诺服务范围")).to_have_value("环境影响报告书编制及技术咨询")
    expect(service.get_by_label("最低价格（元）")).to_have_value("50000")
    expect(service.get_by_label("最高价格（元）")).to_have_value("200000.50")
    expect(page.get_by_label("本机构已阅读并签署上述承诺书。")).to_be_checked()
    expect(page.get_by_label("电子邮箱（登录账号）")).to_have_value("checksum@e2e.zjm")
    # Like the password, the identity number is never sent back, not even to who typed it.
    expect(id_number).to_have_value("")
    assert REPRESENTATIVE_ID not in page.content()

    # Corrected, the same form goes through retyping only the password and the identity number.
    uscc.fill(new_uscc())
    page.get_by_label("密码（12–128个字符）").fill(PASSWORD)
    id_number.fill(REPRESENTATIVE_ID)
    page.get_by_role("button", name="提交注册并入驻").click()
    expect(page).to_have_url(re.compile(r"/agencies/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("吉林校验测试咨询有限公司")
    assert REPRESENTATIVE_ID not in page.content()
