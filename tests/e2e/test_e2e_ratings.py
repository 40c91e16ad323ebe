"""Ratings in Chinese, in Chromium: on an accepted contract the agency rates the applicant from the
contract page's ratings section (a star left out is refused with its message and the comment kept),
the applicant then sees only that it was rated, not how; it rates too, and both ratings appear to
both sides and on the agency's public profile only then (double-blind)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bidding import awards, opening, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Award
from bidding.policy import DEFAULT_POLICY
from market import attachments, clock
from market.models import Task
from tests.e2e import people

pytestmark = pytest.mark.e2e

DIMENSIONS = ("quality", "timeliness", "attitude", "fees", "conduct")


PDF = b"%PDF-1.4\n% the delivered report\n%%EOF\n"


def accepted_contract(live_db, new_uscc, upload_dir) -> tuple[int, int]:
    """(the contract's id, the agency's organization id) of a private contract signed and
    accepted through the services (the live server runs on the real clock, and neither is what
    this test drives)."""
    with live_db.transaction() as session:
        owner = people.enterprise(session, new_uscc(), "owner@ratings.e2e", "长春评价示例有限公司")
        agency = people.agency(
            session, new_uscc(), "agency@ratings.e2e", "吉林评价环境咨询有限公司"
        )
        number = people.published_task(session, owner, "服务评价示例环评报告书编制").number
    with live_db.transaction() as session:
        sealed.submit_bid(
            session, agency, number, price_fen=8_800_000, duration_days=30, proposal_text="技术方案"
        )
    with live_db.transaction() as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        task.deadline_at = clock.now() - timedelta(seconds=1)
        session.add(task)
        session.flush()
        assert opening.open_if_due(session, task, DEFAULT_POLICY)
    with live_db.transaction() as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        award = session.exec(select(Award).where(Award.task_id == task.id)).one()
        past = clock.now() - timedelta(seconds=1)
        award.publicity_ends_at = award.objections_until = task.publicity_ends_at = past
        session.add(award)
        session.add(task)
        session.flush()
        assert awards.finalize_if_due(session, task, DEFAULT_POLICY)
        contract = delivery.contract_of(session, task)
        contracts.sign(session, agency, contract.id, DEFAULT_POLICY)
        contracts.sign(session, owner, contract.id, DEFAULT_POLICY)
        row = delivery.deliver(
            session, agency, contract.id, "报告书", [("报告书.pdf", PDF)], upload_dir,
            attachments.AttachmentPolicy(), DEFAULT_POLICY,
        )  # fmt: skip
        delivery.accept(session, owner, row.id, "", DEFAULT_POLICY)
        return contract.id, contract.agency_id


def rate(page, stars: dict[str, str], comment: str) -> None:
    for name, value in stars.items():
        page.locator(f"#rt-{name}").get_by_label(value, exact=True).check()
    page.get_by_label("评语（选填，最多 2000 字）").fill(comment)
    page.get_by_role("button", name="提交评价").click()


def test_both_sides_rate_and_the_ratings_appear_only_after_both(
    new_page, live_db, live_app, new_uscc, draw_keys
):
    contract_id, agency_org = accepted_contract(live_db, new_uscc, live_app.config["UPLOAD_DIR"])
    agency = new_page()
    people.log_in(agency, "agency@ratings.e2e")
    agency.goto(f"/contracts/{contract_id}")
    agency.locator("#ratings").get_by_role("link", name="评价对方").click()
    rate(agency, {d: "5" for d in DIMENSIONS[:4]}, "付款及时，配合良好")
    expect(agency.locator("#rt-conduct")).to_contain_text("请给出 1 至 5 星（整数）。")
    expect(agency.get_by_label("评语（选填，最多 2000 字）")).to_have_value("付款及时，配合良好")
    rate(agency, {d: "5" for d in DIMENSIONS}, "付款及时，配合良好")
    expect(agency.get_by_role("status")).to_contain_text("评价已记录")
    expect(agency.locator("article.rating")).to_contain_text("尚未公开：仅贵单位可见")

    owner = new_page()
    people.log_in(owner, "owner@ratings.e2e")
    owner.goto(f"/contracts/{contract_id}")
    section = owner.locator("#ratings")
    expect(section).to_contain_text("对方已评价")
    expect(section).not_to_contain_text("付款及时，配合良好")
    section.get_by_role("link", name="评价对方").click()
    rate(owner, {d: "4" for d in DIMENSIONS}, "报告质量较好")
    expect(owner.get_by_role("status")).to_contain_text("评价已记录")
    expect(owner.locator("main")).to_contain_text("付款及时，配合良好")
    expect(owner.locator("main")).to_contain_text("报告质量较好")

    agency.goto(f"/contracts/{contract_id}")
    expect(agency.locator("#ratings")).to_contain_text("报告质量较好")
    public = new_page()
    public.goto(f"/agencies/{agency_org}?lang=zh")
    expect(public.locator("#ratings")).to_contain_text("报告质量较好")
    expect(public.locator("#ratings")).not_to_contain_text("付款及时，配合良好")
