"""An objection to a result in Chinese, in Chromium: a bidder objects to the award candidate on the
result page, an empty submission comes back with the message, the applicant answers, and the
objector reads the answer with the complaint form under it; the public sees neither text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bidding import opening, sealed
from bidding.policy import DEFAULT_POLICY
from market import clock
from market.models import Task
from tests.e2e import people

pytestmark = pytest.mark.e2e

GROUNDS = "中选候选人报价明显低于成本，请核实其报价构成。"
ANSWER = "经核实，中选候选人已书面说明报价构成，异议理由不成立。"


def test_a_bidder_objects_and_the_applicant_answers(new_page, live_db, new_uscc, draw_keys):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@objection.e2e", "长春异议示例有限公司"
        )
        objector = people.agency(
            session, new_uscc(), "objector@objection.e2e", "吉林异议咨询有限公司"
        )
        candidate = people.agency(
            session, new_uscc(), "candidate@objection.e2e", "吉林中选咨询有限公司"
        )
        number = people.published_task(session, applicant, "异议示例环评报告书编制").number
        for agency, price in ((candidate, 8_000_000), (objector, 9_000_000)):
            sealed.submit_bid(
                session, agency, number, price_fen=price, duration_days=45, proposal_text="方案"
            )
    # The deadline passes (moved in the database: the live server runs on the real clock) and
    # the task opens: the lower price is the award candidate, in publicity.
    with live_db.transaction() as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        task.deadline_at = clock.now() - timedelta(seconds=1)
        session.add(task)
        session.flush()
        opening.open_if_due(session, task, DEFAULT_POLICY)

    page = new_page()
    people.log_in(page, "objector@objection.e2e")
    page.goto(f"/tasks/{number}/award")
    section = page.locator("#objections")
    expect(section.get_by_role("heading", level=2)).to_have_text("异议")
    section.get_by_role("button", name="提出异议").click()
    section = page.locator("#objections")
    expect(section).to_contain_text("此项为必填项。")
    section.get_by_label("理由（申请人和监管部门可见，不公开）").fill(GROUNDS)
    section.get_by_role("button", name="提出异议").click()
    expect(page.locator("p.flash")).to_contain_text("异议已提交，等待申请人答复。")
    expect(page.locator("#objections")).to_contain_text(GROUNDS)
    expect(page.locator("#objections")).to_contain_text("待答复")

    owner = new_page()
    people.log_in(owner, "owner@objection.e2e")
    owner.goto(f"/tasks/{number}/award")
    section = owner.locator("#objections")
    expect(section).to_contain_text("吉林异议咨询有限公司")
    expect(section).to_contain_text(GROUNDS)
    section.get_by_label("答复（异议人和监管部门可见）").fill(ANSWER)
    section.get_by_role("button", name="提交答复").click()
    expect(owner.locator("p.flash")).to_contain_text("答复已提交。")
    expect(owner.locator("#objections")).to_contain_text(ANSWER)

    page.reload()
    section = page.locator("#objections")
    expect(section).to_contain_text("已答复")
    expect(section).to_contain_text(ANSWER)
    expect(section.get_by_role("button", name="向监管部门投诉")).to_be_visible()

    public = new_page()
    public.goto(f"/tasks/{number}/award")
    content = public.content()
    assert GROUNDS not in content and ANSWER not in content
