"""Paying a contract by card into escrow, in Chinese, in Chromium (docs/rules.md §7): the
applicant follows the contract page's link to the card page, whose card form is localstripe's
Stripe.js (the page's policy opened for it alone); a declined card is refused with its message
and nothing is held; a good card pays, and the page shows the price held in escrow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from bidding import awards, opening, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Award
from bidding.payments import escrow
from bidding.policy import DEFAULT_POLICY
from market import clock, ledger
from market.models import Task
from market.payments.adapter import Gateway
from tests.e2e import people

pytestmark = pytest.mark.e2e

PRICE_FEN = 4_800_000  # under the card limit, and not abnormally low against the cap


@pytest.fixture
def live_gateway(live_app):
    previous = escrow.use(Gateway.from_config(live_app.config))
    yield
    escrow.use(previous)


def signed_contract(live_db, new_uscc) -> int:
    """A private task whose contract both sides signed, at a price under the card limit."""
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@escrow.e2e", "长春托管示例有限公司"
        )
        agency = people.agency(session, new_uscc(), "agency@escrow.e2e", "吉林托管环境咨询有限公司")
        number = people.published_task(session, applicant, "托管支付示例环评报告书编制").number
    with live_db.transaction() as session:
        sealed.submit_bid(
            session, agency, number, price_fen=PRICE_FEN, duration_days=30, proposal_text="技术方案"
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
        return contract.id


def fill_card(page, number: str) -> None:
    """localstripe's card Element: one input per field, named by its placeholder."""
    element = page.locator("#card-element")
    element.get_by_placeholder("number").fill(number)
    element.get_by_placeholder("exp_month").fill("12")
    element.get_by_placeholder("exp_year").fill("30")
    element.get_by_placeholder("cvc").fill("123")
    element.get_by_placeholder("postal_code").fill("130000")


def test_the_applicant_pays_by_card_into_escrow(
    new_page, live_db, new_uscc, draw_keys, live_gateway, screenshot_dir
):
    contract_id = signed_contract(live_db, new_uscc)
    page = new_page()
    people.log_in(page, "owner@escrow.e2e")
    page.goto(f"/contracts/{contract_id}")
    page.locator("#card-payment").get_by_role("link", name="银行卡支付 48,000.00 元").click()
    expect(page.get_by_role("heading", name="银行卡支付", exact=True)).to_be_visible()
    expect(page.locator("#held")).to_have_text("0.00元")

    fill_card(page, "4000000000000002")
    page.get_by_role("button", name="支付 48,000.00 元").click()
    expect(page.locator("#card-errors")).to_have_text(
        "银行卡被拒绝，未扣任何款项，请换一张银行卡。"
    )
    with live_db.transaction() as session:
        assert ledger.balances(session, reference=f"contract:{contract_id}") == {}

    page.reload()
    expect(page.locator("#attempts")).to_contain_text("失败：未扣款")
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="支付 48,000.00 元").click()
    expect(page.get_by_role("status").filter(has_text="支付成功")).to_have_text(
        "支付成功：平台托管合同价款，直至成果验收通过。"
    )
    expect(page.locator("#held")).to_have_text("48,000.00元")
    expect(page.locator("#escrow-pay")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "escrow-paid.png"), full_page=True)
    with live_db.transaction() as session:
        assert ledger.balances(session, reference=f"contract:{contract_id}") == {
            f"escrow:contract:{contract_id}": -PRICE_FEN,
            "stripe": PRICE_FEN,
        }
        assert ledger.total(session) == 0
