"""Bidding's pages: the bids section of the task page for each role, bidding in yuan with inline
errors, receipts and how to verify them, explanations decided by the applicant, the result and
draw pages, an agency's bids and an expert's panels, in Chinese by default and in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import panel
from bidding.models import Bid
from market import clock
from market.models import Organization
from tests.bidding.helpers import EIA_NAME, EIA_QUALIFICATION, text
from tests.market.test_agency_form import required_marks


def bid_form(price="12345.67", days="30", proposal="我们的技术方案"):
    return {"bid-price": price, "bid-duration_days": days, "bid-proposal_text": proposal}


def test_before_opening_the_task_page_says_bids_are_sealed_and_offers_agencies_a_form(world, as_):
    task = world.post_task()
    public = text(as_().get(f"/tasks/{task.number}"))
    assert "Bids are sealed until they are opened after the deadline" in public
    assert 'name="bid-price"' not in public
    agency = text(as_(world.agency()).get(f"/tasks/{task.number}"))
    assert 'name="bid-price"' in agency and "Submit the sealed bid" in agency
    applicant = text(as_(world.applicant).get(f"/tasks/{task.number}"))
    assert 'name="bid-price"' not in applicant and "My bid" not in applicant


def test_an_agency_bids_in_yuan_and_sees_its_signed_receipt_with_how_to_verify_it(world, as_, db):
    task = world.post_task()
    user = world.agency()
    client = as_(user)
    response = client.post(f"/tasks/{task.number}/bid", data=bid_form())
    assert response.status_code == 302 and response.location.endswith("#my-bid")
    bid = db.exec(select(Bid).where(Bid.agency_id == user.organization_id)).one()
    assert bid.price_fen == 1_234_567
    page = text(client.get(f"/tasks/{task.number}"))
    assert f"Your sealed bid is received. Receipt: {bid.receipt}" in page
    assert "12,345.67" in page and bid.receipt in page
    assert "How to verify a receipt" in page and "openssl pkeyutl -verify" in page
    assert "BEGIN PUBLIC KEY" in page and "Change my bid" in page and "Withdraw my bid" in page
    assert re.search(r'class="signature">[A-Za-z0-9+/=]{88}<', page)


def test_a_price_over_the_cap_is_shown_on_its_field_and_nothing_typed_is_lost(world, as_):
    task = world.post_task(price_cap_fen=2_000_000)
    client = as_(world.agency())
    response = client.post(
        f"/tasks/{task.number}/bid", data=bid_form(price="20000.01", proposal="保留的方案文字")
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(
        r'id="bid-price-err"><li>The price is above the task\'s price cap of '
        r"2000000 fen.",
        page,
    )
    assert 'value="20000.01"' in page and "保留的方案文字" in page
    bad = text(client.post(f"/tasks/{task.number}/bid", data=bid_form(price="12.345", days="x")))
    assert "bid-price-err" in bad and "At most two decimals" in bad


def test_a_late_bid_through_the_page_is_refused_with_its_message(world, as_, db):
    task = world.post_task()
    client = as_(world.agency())
    task.deadline_at = clock.now() + timedelta(seconds=1)
    db.add(task)
    db.commit()
    world.frozen.advance(seconds=2)
    response = client.post(f"/tasks/{task.number}/bid", data=bid_form())
    assert response.status_code == 403
    assert "The deadline for bids on this task has passed." in text(response)


def test_an_ineligible_agency_is_told_why_and_gets_no_form(world, as_, make):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    page = text(as_(world.agency()).get(f"/tasks/{task.number}"))
    assert "You cannot bid on this task:" in page
    assert f"has not declared the qualification this task requires: {EIA_NAME}" in page
    assert 'name="bid-price"' not in page
    qualified = text(as_(world.qualified_agency()).get(f"/tasks/{task.number}"))
    assert 'name="bid-price"' in qualified
    enterprise = as_(world.applicant).post(f"/tasks/{task.number}/bid", data=bid_form())
    assert enterprise.status_code == 403
    assert "Your organization's kind may not do this." in text(enterprise)


def test_a_random_task_offers_a_sign_up_at_the_fixed_fee(world, as_, db):
    task = world.post_task("random")
    user = world.agency()
    client = as_(user)
    page = text(client.get(f"/tasks/{task.number}"))
    assert "you sign up at the fixed fee of 10,000.00 yuan" in page
    assert 'name="bid-price"' not in page and "Sign up at the fixed fee" in page
    response = client.post(
        f"/tasks/{task.number}/bid", data={"bid-duration_days": "20", "bid-proposal_text": ""}
    )
    assert response.status_code == 302
    bid = db.exec(select(Bid).where(Bid.agency_id == user.organization_id)).one()
    assert bid.price_fen == task.fixed_fee_fen
    page = text(client.get(f"/tasks/{task.number}"))
    assert "My sign-up" in page
    # Confirmed as a sign-up at the fixed fee, never as a sealed price.
    assert f"Your sign-up for the random draw is received. Receipt: {bid.receipt}" in page
    assert "sealed bid" not in page.lower() and "Price (yuan)" not in page
    assert "<dt>Fixed fee (yuan)</dt><dd>10,000.00</dd>" in page
    assert "Withdraw my sign-up" in page and "Withdraw my bid" not in page
    assert (
        "Yes, withdraw my sign-up: it will not count unless I sign up again before the deadline."
        in page
    )
    withdrawn = client.post(
        f"/tasks/{task.number}/bid/withdraw", data={"withdraw-confirm": "y"}, follow_redirects=True
    )
    assert f"Your sign-up {bid.receipt} is withdrawn." in text(withdrawn)
    assert "You withdrew your sign-up on" in text(withdrawn)
    zh = text(as_(user, lang="zh").get(f"/tasks/{task.number}"))
    assert "您已于" in zh and "撤回报名。" in zh


def test_a_bid_is_changed_and_withdrawn_through_the_page(world, as_, db):
    task = world.post_task()
    user = world.agency()
    client = as_(user)
    client.post(f"/tasks/{task.number}/bid", data=bid_form())
    changed = client.post(f"/tasks/{task.number}/bid/change", data=bid_form(price="11000"))
    assert changed.status_code == 302
    bid = db.exec(select(Bid).where(Bid.agency_id == user.organization_id)).one()
    db.refresh(bid)
    assert (bid.price_fen, bid.version) == (1_100_000, 2)
    page = text(client.get(f"/tasks/{task.number}"))
    assert "Your bid is changed (version 2)" in page and 'value="11000.00"' in page
    assert page.count('class="receipt"') == 2
    gone = client.post(f"/tasks/{task.number}/bid/withdraw", data={"withdraw-confirm": "y"})
    assert gone.status_code == 302
    page = text(client.get(f"/tasks/{task.number}"))
    assert "You withdrew your bid on" in page and "Submit the sealed bid" in page
    again = client.post(f"/tasks/{task.number}/bid/withdraw", data={"withdraw-confirm": "y"})
    assert again.status_code == 403


def test_withdrawing_a_bid_asks_for_confirmation_apart_from_the_files(world, as_, db):
    task = world.post_task()
    user = world.agency()
    client = as_(user)
    client.post(f"/tasks/{task.number}/bid", data=bid_form())
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    section = re.search(r'<section id="withdraw-bid".*?</section>', page, re.S).group(0)
    assert 'name="withdraw-confirm"' in section and 'type="checkbox"' in section
    assert 'name="file"' not in section  # the upload form is elsewhere
    unconfirmed = client.post(f"/tasks/{task.number}/bid/withdraw", data={})
    assert unconfirmed.status_code == 422
    answer = text(unconfirmed)
    errors = re.search(r'<ul class="errors" id="withdraw-confirm-err">(.*?)</ul>', answer, re.S)
    assert re.sub(r"<[^>]+>", "", errors.group(1)).strip() == (
        "Tick the box to confirm that you withdraw your bid."
    )
    bid = db.exec(select(Bid).where(Bid.agency_id == user.organization_id)).one()
    db.refresh(bid)
    assert bid.withdrawn_at is None
    zh = as_(user, lang="zh").post(f"/tasks/{task.number}/bid/withdraw", data={})
    assert "请勾选确认框，确认撤回报价。" in text(zh)


@pytest.fixture
def flagged(world, db):
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    low, a, b = world.agency(), world.agency(), world.agency()
    world.bid(low, task, 500_000, proposal="低价方案")
    world.bid(a, task, 1_500_000)
    world.bid(b, task, 1_600_000)
    world.shift_to(task, "opened")
    bid = db.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one()
    return task, low, bid


def test_the_explanation_flow_runs_through_the_task_page(world, as_, flagged):
    task, low, bid = flagged
    key = bid.receipt[:16]
    public = text(as_().get(f"/tasks/{task.number}"))
    assert bid.receipt in public and "Abnormally low price" in public
    assert "5,000.00" not in public and "Not explained yet." in public
    bidder = as_(low)
    page = text(bidder.get(f"/tasks/{task.number}"))
    assert f'name="x{key}-explanation"' in page
    empty = bidder.post(f"/bids/{bid.receipt}/explain", data={f"x{key}-explanation": ""})
    assert empty.status_code == 422 and "This field is required." in text(empty)
    sent = bidder.post(
        f"/bids/{bid.receipt}/explain", data={f"x{key}-explanation": "已有监测数据，成本较低。"}
    )
    assert sent.status_code == 302
    applicant = as_(world.applicant)
    page = text(applicant.get(f"/tasks/{task.number}"))
    assert "已有监测数据，成本较低。" in page and f'name="v{key}-decision"' in page
    assert "5,000.00" in page  # the applicant sees prices after opening
    undecided = applicant.post(f"/bids/{bid.receipt}/decide", data={f"v{key}-reason": "x"})
    assert undecided.status_code == 422 and "Choose a decision." in text(undecided)
    decided = applicant.post(
        f"/bids/{bid.receipt}/decide",
        data={f"v{key}-decision": "accept", f"v{key}-reason": "解释合理。"},
    )
    assert decided.status_code == 302
    public = text(as_().get(f"/tasks/{task.number}"))
    assert "解释合理。" in public and "award candidate" in public and "5,000.00" in public
    assert "已有监测数据" not in public  # the explanation itself is the parties' alone


def test_an_unknown_or_sealed_bid_cannot_be_explained_through_a_page(world, as_):
    task = world.post_task()
    user = world.agency()
    ack = world.bid(user, task)
    client = as_(user)
    assert client.post(f"/bids/{ack.receipt}/explain", data={}).status_code == 404
    assert client.post(f"/bids/{'0' * 64}/decide", data={}).status_code == 404


def test_the_result_and_draw_pages_show_every_number(world, as_):
    task = world.post_task("average_price", min_bids=3)
    for price in (1_000_000, 1_100_000, 1_200_000):
        world.bid(world.agency(), task, price)
    before = text(as_().get(f"/tasks/{task.number}/draw"))
    assert (
        "not revealed yet" in before
        and "Receipts are published when the bids are opened." in before
    )
    assert "No result has been published" in text(as_().get(f"/tasks/{task.number}/award"))
    world.shift_to(task, "opened")
    result = text(as_().get(f"/tasks/{task.number}/award"))
    assert "Award candidate:" in result and "reference price (yuan)" in result
    assert "drawn factor" in result and "10,000.00" in result
    record = text(as_().get(f"/tasks/{task.number}/draw"))
    assert "factor" in record and 'id="seed"' in record and "verify_draw_standalone.py" in record
    page = text(as_().get(f"/tasks/{task.number}"))
    assert "Ranking" in page and "The result with every number" in page


def test_my_bids_are_grouped_by_stage_on_the_page_and_in_the_api(world, as_, db):
    user = world.agency()
    sealed_task, withdrawn_task, decided_task = (world.post_task() for _ in range(3))
    review_task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    world.bid(user, sealed_task, 1_500_000)
    world.bid(user, withdrawn_task, 1_500_000)
    world.bid(user, decided_task, 1_500_000)
    world.bid(user, review_task, 500_000)  # abnormally low: its explanation is awaited
    world.bid(world.agency(), review_task, 1_500_000)
    world.bid(world.agency(), review_task, 1_600_000)
    client = as_(user)
    assert client.delete(f"/api/v1/tasks/{withdrawn_task.number}/bids/mine").status_code == 200
    world.shift_to(decided_task, "opened")
    world.shift_to(review_task, "opened")
    page = text(client.get("/my/bids"))
    groups = re.findall(r'<section class="bid-stage" id="stage-(\w+)">(.*?)</section>', page, re.S)
    assert [
        (stage, list(dict.fromkeys(re.findall(r"ZJ-\d{4}-\d{6}", body)))) for stage, body in groups
    ] == [
        ("sealed", [sealed_task.number]),
        ("review", [review_task.number]),
        ("decided", [decided_task.number]),
        ("withdrawn", [withdrawn_task.number]),
    ]
    headings = re.findall(r'<h2 id="stage-\w+-h">(.*?) \((\d+)\)</h2>', page)
    assert headings == [
        ("Sealed, before opening", "1"),
        ("Opened, under review", "1"),
        ("Decided", "1"),
        ("Withdrawn", "1"),
    ]
    zh = text(as_(user, lang="zh").get("/my/bids"))
    assert "密封中，尚未开启 (1)" in zh and "已开启，评审中 (1)" in zh
    items = client.get("/api/v1/bids/mine").get_json()["items"]
    assert {i["task"]: i["bid_stage"] for i in items} == {
        sealed_task.number: "sealed",
        review_task.number: "review",
        decided_task.number: "decided",
        withdrawn_task.number: "withdrawn",
    }


def test_an_agency_lists_its_bids_and_others_may_not(world, as_):
    task = world.post_task()
    user = world.agency()
    world.bid(user, task, 1_500_000)
    page = text(as_(user).get("/my/bids"))
    assert task.number in page and "15,000.00 yuan, 30 days, version 1" in page
    assert "My bids" in text(as_(user).get("/"))  # the header links the page
    assert as_(world.applicant).get("/my/bids").status_code == 403
    assert as_().get("/my/bids").status_code == 302  # to the login page


def test_an_expert_declares_and_marks_through_the_panels_page(world, as_, make, db):
    experts = [make.staff("expert", categories=["environment"]) for _ in range(3)]
    task = world.post_task(
        "scoring",
        min_bids=2,
        price_cap_fen=200_000,
        weight_price=30,
        weight_credit=10,
        weight_quality=60,
        panel_size=3,
    )
    world.bid(world.agency(), task, 100_000, proposal="方案甲")
    world.bid(world.agency(), task, 150_000, proposal="方案乙")
    world.shift_to(task, "opened")
    by_org = {e.organization_id: e for e in experts}
    members = [by_org[m.expert_org_id] for m in panel.active_members(db, task)]
    client = as_(members[0])
    page = text(client.get("/expert/panels"))
    assert task.number in page and "I declare no conflict of interest" in page
    assert "方案甲" not in page
    # Before declaring, the expert reads whom it declares about: the bidding agencies, by name.
    bidders = re.search(r'<ul class="bidders">(.*?)</ul>', page, re.S).group(1)
    names = sorted(
        db.get(Organization, b.agency_id).name
        for b in db.exec(select(Bid).where(Bid.task_id == task.id))
    )
    assert [
        re.sub(r"<[^>]+>|\s+", " ", li).split(" (")[0].strip()
        for li in re.findall(r"<li>(.*?)</li>", bidders, re.S)
    ] == names
    assert "The bidders whose proposals you would mark:" in page
    assert "My panels" in page
    task_page = text(client.get(f"/tasks/{task.number}"))
    assert "You are on this task's panel" in task_page
    declared = client.post(
        f"/expert/panels/{task.number}/declare", data={f"d{task.number}-statement": ""}
    )
    assert declared.status_code == 302
    page = text(client.get("/expert/panels"))
    assert "方案甲" in page and "方案乙" in page
    receipt = db.exec(select(Bid).where(Bid.task_id == task.id)).first().receipt
    prefix = f"m{receipt[:16]}"
    bad = client.post(
        f"/expert/panels/{task.number}/mark/{receipt}",
        data={f"{prefix}-bid": receipt, f"{prefix}-mark": "101"},
    )
    assert bad.status_code == 422 and "Must be at most 100." in text(bad)
    good = client.post(
        f"/expert/panels/{task.number}/mark/{receipt}",
        data={f"{prefix}-bid": receipt, f"{prefix}-mark": "85", f"{prefix}-comment": "思路清晰"},
    )
    assert good.status_code == 302
    assert "Your mark: 85" in text(client.get("/expert/panels"))
    assert as_(world.agency()).get("/expert/panels").status_code == 403


def test_the_bidding_pages_are_chinese_by_default_and_english_on_request(world, as_):
    task = world.post_task()
    zh = text(as_(world.agency(), lang="zh").get(f"/tasks/{task.number}"))
    assert "报价在截止后开启报价前一律密封" in zh and "提交密封报价" in zh
    en = text(as_(world.agency()).get(f"/tasks/{task.number}"))
    assert "Submit the sealed bid" in en
    assert "我的报价" in zh  # the header link
    draw_zh = text(as_(lang="zh").get(f"/tasks/{task.number}/draw"))
    assert "<h1>随机抽取记录" in draw_zh and "尚未公开" in draw_zh
    refused = text(
        as_(world.agency(), lang="zh").post(
            f"/tasks/{task.number}/bid", data=bid_form(price="99999")
        )
    )
    assert "报价高于选取公告的最高限价2000000分。" in refused


def test_the_bid_form_marks_the_price_and_the_days_as_required(world, as_):
    task = world.post_task()
    html = as_(world.agency()).get(f"/tasks/{task.number}").get_data(as_text=True)
    assert {"bid-price", "bid-duration_days"} <= required_marks(html)
    assert "bid-proposal_text" not in required_marks(html)
