"""While a task is open, in Chromium: an agency asks a question and the applicant answers it on
the task page, and the applicant amends the task through its form; the public reads the answer
(without the asker) and the change log, in Chinese and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import people

pytestmark = pytest.mark.e2e

QUESTION = "报告书是否需要包含地下水专题评价？"
ANSWER = "需要，地下水专题评价纳入报告书第六章。"
REASON = "根据技术评估意见调整最高限价和服务时限。"


def test_an_agencys_question_is_answered_by_the_applicant_and_read_by_the_public(
    new_page, live_db, new_uscc, draw_keys
):
    asker = "吉林答疑环境咨询有限公司"
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@questions.e2e", "长春答疑示例开发有限公司"
        )
        people.agency(session, new_uscc(), "asker@questions.e2e", asker)
        number = people.published_task(session, applicant, "答疑示例环评报告书编制").number

    agency = new_page()
    people.log_in(agency, "asker@questions.e2e")
    agency.goto(f"/tasks/{number}")
    questions = agency.locator("#questions")
    expect(questions).to_contain_text("暂无提问。")
    questions.get_by_label("您的问题（匿名公开）").fill(QUESTION)
    questions.get_by_role("button", name="匿名提问").click()
    expect(agency.get_by_role("status")).to_have_text("您的问题已匿名公开。")
    asked = questions.get_by_role("listitem").filter(has_text=QUESTION)
    expect(asked).to_contain_text("您的提问")
    expect(asked).to_contain_text("尚未答复。")

    # The applicant answers it in place.
    owner = new_page()
    people.log_in(owner, "owner@questions.e2e")
    owner.goto(f"/tasks/{number}")
    waiting = owner.locator("#questions").get_by_role("listitem").filter(has_text=QUESTION)
    expect(waiting).not_to_contain_text("您的提问")
    waiting.get_by_label("答复（公开）").fill(ANSWER)
    waiting.get_by_role("button", name="发布答复").click()
    expect(owner.get_by_role("status")).to_have_text("您的答复已发布。")
    expect(waiting).to_contain_text(ANSWER)
    expect(waiting.get_by_role("button", name="发布答复")).to_have_count(0)

    # The public reads both on the task page, in Chinese and in English, never the asker.
    public = new_page()
    public.goto(f"/tasks/{number}")
    answered = public.locator("#questions").get_by_role("listitem").filter(has_text=QUESTION)
    expect(answered).to_contain_text("答复")
    expect(answered).to_contain_text(ANSWER)
    assert asker not in public.content()
    public.get_by_role("navigation", name="主导航").get_by_role("link", name="English").click()
    expect(public.get_by_role("heading", name="Questions and answers")).to_be_visible()
    answered = public.locator("#questions").get_by_role("listitem").filter(has_text=QUESTION)
    expect(answered).to_contain_text("Answer")
    expect(answered).to_contain_text(ANSWER)

    # The asker sees the answer under its own question.
    agency.reload()
    expect(asked).to_contain_text(ANSWER)
    expect(asked).not_to_contain_text("尚未答复。")


def test_an_applicant_amends_an_open_task_and_the_public_reads_the_change_log(
    new_page, live_db, new_uscc, draw_keys, screenshot_dir
):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@amend.e2e", "长春变更公告示例有限公司"
        )
        number = people.published_task(session, applicant, "变更公告示例环评报告书编制").number

    owner = new_page()
    people.log_in(owner, "owner@amend.e2e")
    owner.goto(f"/tasks/{number}")
    expect(owner.get_by_role("main")).to_contain_text("暂无变更。")
    owner.get_by_text("变更本选取公告").click()
    amend = owner.locator(f"form[action='/tasks/{number}/amend']")
    expect(amend.get_by_label("最高限价（元）")).to_have_value("100000.00")
    amend.get_by_label("最高限价（元）").fill("90000")
    amend.get_by_label("服务时限（天）").fill("50")
    # Without a reason nothing is published: the form comes back open, as typed, saying why.
    amend.get_by_role("button", name="发布变更").click()
    reason = amend.get_by_label("变更理由（将予公开）")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(amend.locator("#reason-err")).to_have_text("此项为必填项。")
    expect(amend.get_by_label("最高限价（元）")).to_have_value("90000")
    expect(owner.get_by_role("main")).to_contain_text("暂无变更。")
    reason.fill(REASON)
    amend.get_by_role("button", name="发布变更").click()
    expect(owner.get_by_role("status")).to_have_text("变更内容已在变更记录中公布。")
    owner.screenshot(path=str(screenshot_dir / "amended-zh.png"), full_page=True)

    public = new_page()
    public.goto(f"/tasks/{number}")
    facts = public.locator("dl.facts")
    expect(facts).to_contain_text("90,000.00")
    expect(facts).to_contain_text("50天")
    entry = public.locator("#change-log > ol > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(REASON)
    expect(entry.locator("li")).to_have_text(
        ["最高限价（元）：100,000.00 → 90,000.00", "服务时限（天）：60 → 50"]
    )
    public.get_by_role("navigation", name="主导航").get_by_role("link", name="English").click()
    expect(public.get_by_role("heading", name="Change log")).to_be_visible()
    expect(entry.locator("li")).to_have_text(
        ["Price cap (yuan): 100,000.00 → 90,000.00", "Service time limit (days): 60 → 50"]
    )
