"""A contract signed in Chinese, in Chromium: the awarded agency finds it under My contracts,
reads the document's hash and confirms; the applicant confirms on the same page; the task's page
then shows everyone that it was signed, with the price and the parties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bidding import awards, opening, sealed
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import clock
from tests.e2e import people

pytestmark = pytest.mark.e2e


def test_both_sides_sign_the_contract(new_page, live_db, new_uscc, draw_keys):
    agency_name = "吉林签约环境咨询有限公司"
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@contract.e2e", "长春签约示例有限公司"
        )
        agency = people.agency(session, new_uscc(), "agency@contract.e2e", agency_name)
        task = people.published_task(session, applicant, "合同签订示例环评报告书编制")
        sealed.submit_bid(
            session,
            agency,
            task.number,
            price_fen=8_800_000,
            duration_days=45,
            proposal_text="技术方案",
            attachment_sha256s=[],
        )
        # The deadline passed, the task opened, its publicity over: the award is final.
        now = clock.now()
        task.published_at, task.deadline_at = now - timedelta(days=20), now - timedelta(days=10)
        session.add(task)
        session.flush()
        assert opening.open_if_due(session, task, DEFAULT_POLICY)
        award = awards.current(session, task)
        award.publicity_ends_at = award.objections_until = task.publicity_ends_at = now
        session.add_all([award, task])
        session.flush()
        assert awards.finalize_if_due(session, task, DEFAULT_POLICY)
        contract_id = session.exec(select(Contract.id).where(Contract.task_id == task.id)).one()
        number = task.number

    page = new_page()
    people.log_in(page, "agency@contract.e2e")
    page.get_by_role("link", name="我的合同").click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("待签订")
    row.get_by_role("link", name=number).click()
    expect(page).to_have_url(f"{page.url.split('/contracts')[0]}/contracts/{contract_id}")
    expect(page.locator("#terms")).to_contain_text("88,000.00 元（中选价格，不可更改）")
    sha = page.locator("#document-sha256").inner_text()
    assert len(sha) == 64
    page.get_by_role("link", name="阅读并打印").click()
    expect(page.locator("pre.contract-document")).to_contain_text("捌万捌仟元整")
    expect(page.locator("#document-sha256")).to_have_text(sha)
    page.go_back()
    page.get_by_role("button", name="确认合同").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "您方已确认合同，对方确认后合同即签订。"
    )
    expect(page.locator("#applicant-confirmed")).to_have_text("尚未确认")

    owner = new_page()
    people.log_in(owner, "owner@contract.e2e")
    owner.goto(f"/contracts/{contract_id}")
    owner.get_by_role("button", name="确认合同").click()
    expect(owner.get_by_role("status").first).to_contain_text("合同已由双方签订。")
    expect(owner.locator("#signed")).to_contain_text("已于")

    public = new_page()
    public.goto(f"/tasks/{number}")
    signed = public.locator("#contracts")
    expect(signed).to_contain_text(agency_name)
    expect(signed).to_contain_text("长春签约示例有限公司")
    expect(signed).to_contain_text("88,000.00")
    expect(public.get_by_role("link", name="合同")).to_have_count(0)
