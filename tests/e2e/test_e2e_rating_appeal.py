"""A rating appealed and voided, in Chinese, in Chromium: the rated agency appeals the applicant's
published rating from its "ratings received" page; the regulator covering the task finds it in
its appeal queue and voids it with a reason; the agency's page then shows the rating voided, with
the reason (docs/rules.md §6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from bidding import awards, opening, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Contract
from bidding.policy import DEFAULT_POLICY
from market import accounts, clock
from market.attachments import AttachmentPolicy
from ratings import ratings
from ratings.models.ratings import DIMENSIONS
from tests.e2e import people

PDF = b"%PDF-1.4\n% the delivered report\n%%EOF\n"
#: The agency's score: base 80, +0.5 for the contract accepted on time, and the rating line —
#: R = (5·4 + 1·1) / (5 + 1) = 3.5, so 10 × (3.5 − 4) = −5 — until the rating is voided.
BEFORE, AFTER = "75.500", "80.500"

pytestmark = pytest.mark.e2e


def test_the_regulator_voids_an_appealed_rating(
    browser, base_url, live_app, live_db, new_uscc, draw_keys
):
    upload_dir = live_app.config["UPLOAD_DIR"]
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@appeal.e2e", "长春评价示例有限公司"
        )
        agency = people.agency(session, new_uscc(), "agency@appeal.e2e", "吉林申诉环境咨询有限公司")
        _regulator, secret = accounts.create_by_operator(
            session,
            None,
            {
                "kind": "regulator",
                "name": "吉林省评价申诉监管（测试）",
                "region_code": "220000",
                "region_prefixes": ["22"],
                "user_name": "监管员",
                "email": "regulator@appeal.e2e",
                "password": people.PASSWORD,
            },
            from_cli=True,
        )
        task = people.published_task(session, applicant, "评价申诉示例环评报告书编制")
        sealed.submit_bid(
            session,
            agency,
            task.number,
            price_fen=8_800_000,
            duration_days=45,
            proposal_text="技术方案",
            attachment_sha256s=[],
        )
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
        contract = session.exec(select(Contract).where(Contract.task_id == task.id)).one()
        # Signed, delivered on time and accepted, then rated by both sides through the services:
        # the applicant's one-star rating of the agency is published and counts.
        contracts.sign(session, agency, contract.id, DEFAULT_POLICY)
        contracts.sign(session, applicant, contract.id, DEFAULT_POLICY)
        work = delivery.deliver(
            session, agency, contract.id, "报告书", [("报告书.pdf", PDF)], upload_dir,
            AttachmentPolicy(), DEFAULT_POLICY,
        )  # fmt: skip
        delivery.accept(session, applicant, work.id, "", DEFAULT_POLICY)
        ratings.rate(
            session, applicant, contract.id, dict.fromkeys(DIMENSIONS, 1), "报告书严重延期。",
            DEFAULT_POLICY,
        )  # fmt: skip
        ratings.rate(session, agency, contract.id, dict.fromkeys(DIMENSIONS, 5), "", DEFAULT_POLICY)
        number = task.number
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

    public = browser.new_context(base_url=base_url, locale="zh-CN").new_page()
    public.goto(f"/agencies/{agency_id}/credit")
    expect(public.locator("#credit-score")).to_contain_text(BEFORE)

    page = log_in("agency@appeal.e2e")
    page.get_by_role("link", name="收到的评价").click()
    rating = page.locator("section.rating").filter(has_text=number)
    expect(rating).to_contain_text("报告书严重延期。")
    expect(rating).to_contain_text("1.0星")
    rating.get_by_role("button", name="向监管部门申诉").click()
    rating = page.locator("section.rating").filter(has_text=number)
    expect(rating).to_contain_text("此项为必填项。")
    rating.get_by_label("评价不实的理由（由监管部门阅看）").fill("延期系申请人补充资料所致。")
    rating.get_by_role("button", name="向监管部门申诉").click()
    expect(page.get_by_role("status").first).to_contain_text("您的申诉已提交监管部门。")

    officer = log_in("regulator@appeal.e2e", secret)
    officer.get_by_role("link", name="评价申诉").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("评价申诉")
    officer.get_by_role("row").filter(has_text=number).get_by_role("link", name=number).click()
    expect(officer.locator("main")).to_contain_text("延期系申请人补充资料所致。")
    officer.get_by_label("撤销该评价").check()
    officer.get_by_label("书面理由").fill("经核查，延期系申请人原因，评价与事实不符。")
    officer.get_by_role("button", name="作出处理决定").click()
    expect(officer.get_by_role("status").first).to_contain_text("决定已记录。")
    expect(officer.locator("main")).to_contain_text("决定：已撤销。")

    page.reload()
    voided = page.locator("section.rating").filter(has_text=number)
    expect(voided).to_contain_text("已撤销")
    expect(voided).to_contain_text("经核查，延期系申请人原因，评价与事实不符。")
    expect(voided.get_by_role("button", name="向监管部门申诉")).to_have_count(0)

    # The public credit file: the voided rating no longer counts, and the score is back up.
    public.reload()
    expect(public.locator("#credit-score")).to_contain_text(AFTER)
    expect(public.locator("#credit-voided")).to_contain_text("因申诉被撤销")
