"""A direct selection in Chinese, in Chromium: the invited agency finds the invitation under
My invitations, offers a price above the cap and gets the form back as typed with the message,
then accepts within the cap; the task page shows it as the award candidate, publicly too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from market import tasks
from tests.e2e import people

pytestmark = pytest.mark.e2e


def test_the_invited_agency_accepts_and_the_task_shows_the_award_candidate(
    new_page, live_db, new_uscc, draw_keys
):
    agency_name = "吉林直选环境咨询有限公司"
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@invite.e2e", "长春直选示例有限公司"
        )
        invited = people.agency(session, new_uscc(), "invited@invite.e2e", agency_name)
        draft = tasks.create_draft(
            session,
            applicant,
            {
                "service_item": "EIA-REPORT",
                "title": "直接选取示例环评报告书编制",
                "description": "编制环境影响报告书。",
                "funding": "private",
                "method": "direct",
                "price_cap_fen": 10_000_000,
                "invited_agency_id": invited.organization_id,
                "service_days": 60,
                "bidding_wd": 3,
            },
        )
        number = tasks.publish(session, applicant, draft.number).number

    page = new_page()
    people.log_in(page, "invited@invite.e2e")
    page.get_by_role("link", name="我的邀请").click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("待答复")
    row.get_by_role("link", name=number).click()

    section = page.locator("#invitation")
    expect(section).to_contain_text("贵机构受邀参与本项目。最高限价：100,000.00 元")
    section.get_by_label("报价（元）", exact=True).fill("100000.01")
    section.get_by_label("服务期限（天）", exact=True).fill("45")
    section.get_by_role("button", name="接受邀请").click()
    section = page.locator("#invitation")
    expect(section).to_contain_text("报价高于该项目的最高限价 ¥100,000.00。")
    expect(section.get_by_label("报价（元）", exact=True)).to_have_value("100000.01")
    expect(section.get_by_label("服务期限（天）", exact=True)).to_have_value("45")

    section.get_by_label("报价（元）", exact=True).fill("88000")
    section.get_by_role("button", name="接受邀请").click()
    expect(page.get_by_role("status")).to_contain_text("您已接受邀请：贵机构为中选候选人。")
    expect(page.locator("#invitation")).to_contain_text("88,000.00 元，45 天")

    public = new_page()
    public.goto(f"/tasks/{number}")
    candidate = public.locator("tr.candidate")
    expect(candidate).to_contain_text(agency_name)
    expect(candidate).to_contain_text("中选候选人")
