"""The payments pages and API (docs/rules.md §7): a contract's payments to its parties and
covering regulators only (everyone else gets 404), the record → not received → correct →
confirm path on pages and API, card payments read from the ledger as the card workflow posts
them, an agency's money view, the settlement file, and no fees for agencies."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from bidding.contracts import delivery
from bidding.policy import DEFAULT_POLICY
from market import clock, ledger
from market.models import AuditEvent
from market.models.ledger import LedgerTransaction
from market.workdays import shanghai_date
from tests.bidding.contract_support import signed_contract_for_tests
from tests.bidding.helpers import new_uscc, text
from tests.bidding.test_recorded_payments import accepted_budget, post_card

API = "/api/v1"


@pytest.fixture
def escrow_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "ESCROW_ENABLED", False)


@pytest.fixture(autouse=True)
def _zero_sum(db):
    yield
    assert ledger.total(db) == 0


def today() -> str:
    return shanghai_date(clock.now()).isoformat()


def test_record_refuse_correct_and_confirm_on_the_pages_and_the_api(
    world, db, frozen, as_, escrow_off
):
    signed = signed_contract_for_tests(world, db, frozen)
    cid, price = signed.contract.id, signed.contract.price_fen
    applicant, agency = as_(signed.applicant), as_(signed.agency)
    page = text(applicant.get(f"/contracts/{cid}/payments"))
    assert "escrow is off on this platform" in page and "Record the payment" in page
    assert "Record the payment" not in text(agency.get(f"/contracts/{cid}/payments"))
    # A refused form keeps what was typed, its message next to the field.
    refused = applicant.post(
        f"/contracts/{cid}/payments/record",
        data={
            "rec-means": "bank_transfer",
            "rec-paid_on": "2099-01-01",
            "rec-reference": "农行-77",
        },
    )
    assert refused.status_code == 422
    body = text(refused)
    assert "The payment date cannot be in the future." in body and 'value="农行-77"' in body
    done = applicant.post(
        f"/contracts/{cid}/payments/record",
        data={"rec-means": "bank_transfer", "rec-paid_on": today(), "rec-reference": "农行-77"},
    )
    assert done.status_code == 302
    again = applicant.post(
        f"{API}/contracts/{cid}/payments/record",
        json={"means": "bank_transfer", "paid_on": today(), "reference": "农行-77"},
    )
    assert again.status_code == 403
    assert again.get_json()["detail"] == "The payment of this contract is already recorded."
    state = agency.get(f"{API}/contracts/{cid}/payments").get_json()
    assert (state["method"], state["why"], state["can_confirm"], state["can_record"]) == (
        "recorded",
        "escrow_off",
        True,
        False,
    )
    assert [(p["method"], p["state"], p["reference"]) for p in state["payments"]] == [
        ("recorded", "recorded", "农行-77")
    ]
    [tx] = state["transactions"]
    assert (tx["kind"], tx["entries"]) == (
        "payment.recorded",
        [
            {"account": f"paid:org:{signed.contract.applicant_org_id}", "amount_fen": -price},
            {"account": f"in_transit:contract:{cid}", "amount_fen": price},
        ],
    )
    empty = agency.post(f"{API}/contracts/{cid}/payments/not-received", json={"reason": ""})
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"reason": ["This field is required."]}
    said = agency.post(
        f"{API}/contracts/{cid}/payments/not-received", json={"reason": "未到账"}
    ).get_json()
    assert said["payments"][0]["state"] == "not_received"
    assert said["payments"][0]["not_received_reason"] == "未到账"
    page = text(applicant.get(f"/contracts/{cid}/payments"))
    assert "The agency has not received it: 未到账" in page
    assert "Correct the payment record" in page and 'value="农行-77"' in page
    fixed = applicant.post(
        f"{API}/contracts/{cid}/payments/correct",
        json={"means": "bank_transfer", "paid_on": today(), "reference": "农行-78"},
    )
    assert fixed.status_code == 200 and fixed.get_json()["payments"][0]["state"] == "recorded"
    confirmed = agency.post(f"/contracts/{cid}/payments/confirm", data={})
    assert confirmed.status_code == 302
    page = text(agency.get(f"/contracts/{cid}/payments"))
    assert "receipt confirmed by the agency" in page and "received by the agency" in page
    assert ledger.balance(db, f"received:org:{signed.contract.agency_id}") == price
    yuan = f"{price // 100:,}.00"
    assert yuan in page
    money = agency.get(f"{API}/payments/summary").get_json()
    assert (money["received_fen"], money["contracts"][0]["contract_id"]) == (price, cid)
    assert f"{yuan} yuan" in text(agency.get("/payments"))


def test_a_budget_contract_is_paid_by_the_department_and_never_asked_of_an_enterprise(
    world, db, frozen, as_, app
):
    signed = accepted_budget(world, db, frozen, app)
    cid = signed.contract.id
    department, agency = as_(signed.applicant), as_(signed.agency)
    enterprise = world.make.enterprise(uscc=new_uscc())
    state = department.get(f"{API}/contracts/{cid}/payments").get_json()
    assert (state["method"], state["why"], state["can_record"]) == ("recorded", "budget", True)
    seen = agency.get(f"{API}/contracts/{cid}/payments").get_json()
    assert (seen["can_record"], seen["can_correct"]) == (False, False)
    assert "Record the payment" not in text(agency.get(f"/contracts/{cid}/payments"))
    refused = agency.post(
        f"{API}/contracts/{cid}/payments/record",
        json={"means": "budget_code", "paid_on": today(), "reference": "T"},
    )
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == (
        "Only the department that signed the contract records its payment."
    )
    client = as_(enterprise)
    assert client.get(f"/contracts/{cid}/payments").status_code == 404
    assert (
        client.post(
            f"{API}/contracts/{cid}/payments/record",
            json={"means": "budget_code", "paid_on": today(), "reference": "T"},
        ).status_code
        == 404
    )
    assert "payments_record" not in text(client.get(f"{API}/dashboard"))
    card = department.post(
        f"{API}/contracts/{cid}/payments/record",
        json={"means": "bank_transfer", "paid_on": today(), "reference": "T"},
    )
    assert card.status_code == 422
    assert card.get_json()["errors"] == {"means": ["A budget contract is paid by budget code."]}
    paid = department.post(
        f"{API}/contracts/{cid}/payments/record", json={"paid_on": today(), "reference": "国库-1"}
    )
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json()["payments"][0]["means"] == "budget_code"
    items = agency.get(f"{API}/dashboard").get_json()
    assert "payments_confirm" in str(items)


def test_card_payments_show_on_the_page_and_the_api(world, db, frozen, as_):
    signed = signed_contract_for_tests(world, db, frozen)
    cid, price = signed.contract.id, signed.contract.price_fen
    post_card(db, signed.contract, price)
    db.commit()
    state = as_(signed.applicant).get(f"{API}/contracts/{cid}/payments").get_json()
    assert (state["method"], state["why"], state["can_record"]) == ("card", "card", False)
    assert [(p["method"], p["state"], p["amount_fen"]) for p in state["payments"]] == [
        ("card", "succeeded", price)
    ]
    assert [t["kind"] for t in state["transactions"]] == ["card.captured", "escrow.released"]
    assert state["balances"] == {
        f"escrow:contract:{cid}": 0,
        f"payable:org:{signed.contract.agency_id}": -price,
        "stripe": price,
    }
    page = text(as_(signed.agency).get(f"/contracts/{cid}/payments"))
    assert "By card on the platform" in page and "paid by card into escrow" in page
    assert "released to the agency, to pay out" in page
    money = as_(signed.agency).get(f"{API}/payments/summary").get_json()
    assert (money["held_fen"], money["released_fen"]) == (0, price)


def test_only_the_parties_and_covering_regulators_see_the_payments(world, db, frozen, as_, make):
    signed = signed_contract_for_tests(world, db, frozen)
    cid = signed.contract.id
    for user in (signed.agency, signed.applicant, world.regulator):
        client = as_(user)
        assert client.get(f"/contracts/{cid}/payments").status_code == 200
        assert client.get(f"{API}/contracts/{cid}/payments").status_code == 200
    for user in (signed.others[0], world.agency(), make.enterprise(uscc=new_uscc())):
        client = as_(user)
        for url in (f"/contracts/{cid}/payments", f"{API}/contracts/{cid}/payments"):
            assert client.get(url).status_code == 404, (user.email, url)
        for url, kwargs in (
            (f"{API}/contracts/{cid}/payments/confirm", {}),
            (f"{API}/contracts/{cid}/payments/not-received", {"json": {"reason": "x"}}),
            (f"/contracts/{cid}/payments/confirm", {"data": {}}),
        ):
            assert client.post(url, **kwargs).status_code == 404, (user.email, url)
    assert as_().get(f"{API}/contracts/{cid}/payments").status_code == 401
    assert as_().get(f"/contracts/{cid}/payments").status_code == 302
    assert as_(signed.agency).get(f"{API}/contracts/{cid + 99}/payments").status_code == 404
    assert as_(signed.applicant).get("/payments").status_code == 403
    summary = as_(signed.applicant).get(f"{API}/payments/summary")
    assert summary.status_code == 403
    assert summary.get_json()["detail"] == "Only an agency has a money summary."


def test_the_settlement_file_lists_released_amounts_per_agency(world, db, frozen, as_, make):
    first = signed_contract_for_tests(world, db, frozen)
    second = signed_contract_for_tests(world, db, frozen, bidders=[world.agency()])
    post_card(db, first.contract, first.contract.price_fen)
    post_card(db, second.contract, second.contract.price_fen, release=False)  # still held
    db.commit()
    operator = as_(make.staff("operator"))
    response = operator.get("/operator/settlement.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    org = world.org(first.agency)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    price = first.contract.price_fen
    assert rows == [
        ["agency_id", "agency_name", "uscc", "amount_fen", "amount_yuan", "contracts"],
        [
            str(org.id),
            org.name,
            org.uscc,
            str(price),
            f"{price // 100}.{price % 100:02d}",
            f"contract:{first.contract.id}",
        ],
    ]
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "payment.settlement_downloaded")
    ).all()
    assert [(e.object_id, e.data["total_fen"]) for e in events] == [("csv", price)]
    body = operator.get(f"{API}/settlement").get_json()
    assert body["total_fen"] == price
    assert body["rows"][0]["references"] == [f"contract:{first.contract.id}"]
    assert as_(first.agency).get("/operator/settlement.csv").status_code == 403
    refused = as_(first.agency).get(f"{API}/settlement")
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "Only operators read the settlement."


def test_agencies_pay_nothing_to_register_list_or_bid(world, db, frozen, as_):
    """No fees (docs/rules.md §7): registering, being listed and bidding post nothing to the
    ledger and show no payment step."""
    agency = world.agency()
    task = world.post_task("lowest_price", min_bids=1)
    world.bid(agency, task, 1_000_000)
    db.commit()
    assert db.exec(select(LedgerTransaction)).all() == []
    client = as_(agency)
    dashboard = client.get(f"{API}/dashboard").get_json()
    assert "payments_" not in str(dashboard)
    for url in (f"/tasks/{task.number}", "/payments", "/dashboard"):
        page = text(client.get(url))
        assert "Record the payment" not in page and "/payments/record" not in page
    money = client.get(f"{API}/payments/summary").get_json()
    assert money == {
        "org_id": agency.organization_id,
        "held_fen": 0,
        "released_fen": 0,
        "in_transit_fen": 0,
        "received_fen": 0,
        "clawback_fen": 0,
        "contracts": [],
    }
    assert delivery.contract_of(db, task) is None and DEFAULT_POLICY


def test_the_demo_shows_a_confirmed_budget_payment_and_a_recorded_private_one(
    app, db, frozen, bidding_keys, as_
):
    from bidding import demo
    from bidding.payments.recorded_book import recorded_payment
    from market.demo import load_all
    from market.models import Task

    assert "payments: budget payment confirmed, private payment recorded" in " ".join(
        load_all(app, db)
    )
    db.commit()
    states = {}
    for title in (demo.ACCEPTED, demo.CONTRACTED):
        task = db.exec(select(Task).where(Task.title == title)).one()
        contract = delivery.contract_of(db, task)
        states[title] = (recorded_payment(db, contract).state, task.funding)
    assert states == {
        demo.ACCEPTED: ("confirmed", "budget"),
        demo.CONTRACTED: ("recorded", "private"),
    }
    assert contract.price_fen > app.config["CARD_LIMIT_FEN"]
    assert "demo payments already loaded" in load_all(app, db)  # idempotent


def test_the_dashboards_ask_the_payer_and_the_agency_and_refused_pages_keep_the_text(
    world, db, frozen, as_, escrow_off
):
    signed = signed_contract_for_tests(world, db, frozen, "state_owned")
    cid = signed.contract.id
    applicant, agency = as_(signed.applicant), as_(signed.agency)

    def kinds(client):
        return [i["kind"] for i in client.get(f"{API}/dashboard").get_json()["items"]]

    assert "payments_record" in kinds(applicant)
    assert "payments_confirm" not in kinds(agency)
    applicant.post(
        f"{API}/contracts/{cid}/payments/record",
        json={"means": "budget_code", "paid_on": today(), "reference": "国资-9"},
    )
    assert "payments_record" not in kinds(applicant)
    assert "payments_confirm" in kinds(agency)
    refused = agency.post(f"/contracts/{cid}/payments/not-received", data={"nr-reason": "  "})
    assert refused.status_code == 422
    assert "This field is required." in text(refused)
    too_long = "未" * 2001
    refused = agency.post(f"/contracts/{cid}/payments/not-received", data={"nr-reason": too_long})
    assert refused.status_code == 422 and too_long in text(refused)
    agency.post(f"/contracts/{cid}/payments/not-received", data={"nr-reason": "查无此款"})
    assert "payments_correct" in kinds(applicant)
    assert "payments_confirm" not in kinds(agency)
    wrong = applicant.post(
        f"/contracts/{cid}/payments/correct",
        data={"cor-means": "cash", "cor-paid_on": today(), "cor-reference": "国资-10"},
    )
    assert wrong.status_code == 422
    body = text(wrong)
    assert "Choose budget code or bank transfer." in body and 'value="国资-10"' in body


def test_the_api_says_why_the_payer_cannot_record_yet_in_its_language(world, db, frozen, as_):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    url = f"{API}/contracts/{signed.contract.id}/payments"
    department = as_(signed.applicant)
    assert department.get(url).get_json()["record_refusal"] == (
        "A payment is recorded once the work is accepted."
    )
    department.get("/?lang=zh")
    assert department.get(url).get_json()["record_refusal"] == "成果验收后才能登记付款。"
    agency = as_(signed.agency).get(url).get_json()
    assert (agency["can_record"], agency["record_refusal"]) == (False, None)  # not the payer
