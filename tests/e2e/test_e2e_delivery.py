"""Delivery and acceptance in Chinese, in Chromium: on a signed contract, the agency follows the
task page's link to the delivery section, sends the form without a file and gets its note back
with the message, then delivers a PDF; the applicant downloads nothing it may not, sees the
delivery and accepts it; the section then shows the acceptance to both."""

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
from market import clock
from market.models import Task
from tests.e2e import people

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% the delivered report\n%%EOF\n"


def signed_task(live_db, new_uscc) -> str:
    """A private task whose contract both sides signed (through the services: the live server
    runs on the real clock, and signing is not what this test drives)."""
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@delivery.e2e", "长春交付示例有限公司"
        )
        agency = people.agency(
            session, new_uscc(), "agency@delivery.e2e", "吉林交付环境咨询有限公司"
        )
        number = people.published_task(session, applicant, "交付验收示例环评报告书编制").number
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
        contracts.sign(session, applicant, contract.id, DEFAULT_POLICY)
    return number


def test_the_agency_delivers_and_the_applicant_accepts(
    new_page, live_db, new_uscc, draw_keys, tmp_path, screenshot_dir
):
    number = signed_task(live_db, new_uscc)
    report = tmp_path / "环评报告书.pdf"
    report.write_bytes(PDF)

    agency = new_page()
    people.log_in(agency, "agency@delivery.e2e")
    agency.goto(f"/tasks/{number}")
    agency.locator("#delivery-link").get_by_role("link", name="成果交付与验收").click()
    section = agency.locator("#delivery")
    expect(section).to_contain_text("尚未交付成果。")
    note = section.get_by_label("交付内容说明（项目业主和监管部门可见）")
    note.fill("环评报告书终稿及附图")
    section.get_by_role("button", name="提交服务成果").click()
    section = agency.locator("#delivery")
    expect(section).to_contain_text("请至少附上一个成果文件。")
    expect(section.get_by_label("交付内容说明（项目业主和监管部门可见）")).to_have_value(
        "环评报告书终稿及附图"
    )
    section.locator("#delivery-file").set_input_files(str(report))
    section.get_by_role("button", name="提交服务成果").click()
    expect(agency.get_by_role("status")).to_contain_text("服务成果已提交")
    row = agency.locator("table.deliverables tbody tr")
    expect(row).to_contain_text("环评报告书.pdf")
    expect(row).to_contain_text("等待项目业主决定")

    owner = new_page()
    people.log_in(owner, "owner@delivery.e2e")
    owner.goto(f"/tasks/{number}")
    owner.locator("#delivery-link").get_by_role("link", name="成果交付与验收").click()
    section = owner.locator("#delivery")
    expect(section).to_contain_text("环评报告书终稿及附图")
    with owner.expect_download() as download:
        section.get_by_role("link", name="环评报告书.pdf").click()
    assert download.value.suggested_filename == "环评报告书.pdf"
    owner.screenshot(path=str(screenshot_dir / "delivery-applicant-zh.png"), full_page=True)
    section.get_by_role("button", name="验收通过").click()
    expect(owner.get_by_role("status")).to_contain_text("成果已验收通过。")
    expect(owner.locator("#delivery-accepted")).not_to_be_empty()

    agency.reload()
    expect(agency.locator("#delivery table.deliverables")).to_contain_text("验收通过")
