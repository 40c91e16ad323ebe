"""Bidding's JSON API: submitting, changing and withdrawing sealed bids with signed receipts, each
refusal with its message, the per-audience views after opening, explanations of abnormally low
prices, the draw record, the result with its numbers, and the experts' panel (docs/rules.md §5, §10)."""

from __future__ import annotations

import io
from datetime import timedelta
from fractions import Fraction

import pytest
from sqlmodel import select

from bidding import receipts
from bidding.draws import spec
from bidding.models import Bid
from market import clock
from tests.bidding.helpers import EIA_NAME, EIA_QUALIFICATION
from tests.conftest import login

API = "/api/v1"


@pytest.fixture
def as_(app):
    """as_(user) → a test client logged in as `user` (None: the public), reading English."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.get("/?lang=en")  # the page translates, which stores the choice
        return client

    return make


def bid_body(price_fen=1_000_000, **extra):
    return {"price_fen": price_fen, "duration_days": 30, "proposal_text": "技术方案", **extra}


def problem(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json().get("detail", "")


# --- submitting ------------------------------------------------------------------------------------


def test_an_agency_submits_a_bid_and_gets_a_receipt_it_can_recompute_and_verify(world, as_):
    task = world.post_task()
    agency = as_(world.agency())
    files = [
        agency.post(
            f"{API}/tasks/{task.number}/bids/mine/attachments",
            data={"file": (io.BytesIO(b"%PDF-" + n), f"{n.decode()}.pdf")},
            content_type="multipart/form-data",
        ).get_json()["items"][0]["sha256"]
        for n in (b"b", b"a")
    ]
    response = agency.post(
        f"{API}/tasks/{task.number}/bids",
        json=bid_body(1_234_500, attachment_sha256s=files),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {
        "content",
        "receipt",
        "signature",
        "public_key_pem",
        "version",
        "submitted_at",
    }
    assert body["content"]["price_fen"] == 1_234_500
    assert body["content"]["attachments"] == sorted(files)
    assert body["version"] == 1
    assert receipts.receipt(body["content"]) == body["receipt"]
    key = as_().get(f"{API}/receipts/public-key").get_json()
    assert key["algorithm"] == "Ed25519" and key["public_key_pem"] == body["public_key_pem"]
    assert receipts.verify_receipt_signature(
        key["public_key_pem"], body["receipt"], body["signature"]
    )


def test_a_change_gives_a_new_receipt_and_mine_lists_every_signed_version(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    first = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body()).get_json()
    changed = client.put(
        f"{API}/tasks/{task.number}/bids/mine", json=bid_body(900_000, proposal_text="改进方案")
    )
    assert changed.status_code == 200
    second = changed.get_json()
    assert second["version"] == 2 and second["receipt"] != first["receipt"]
    mine = client.get(f"{API}/tasks/{task.number}/bids/mine").get_json()
    assert mine["bid"]["price_fen"] == 900_000 and mine["bid"]["receipt"] == second["receipt"]
    assert [r["receipt"] for r in mine["receipts"]] == [first["receipt"], second["receipt"]]
    for r in mine["receipts"]:
        assert receipts.receipt(r["content"]) == r["receipt"]
        assert receipts.jcs(r["content"]).decode() == r["jcs"]
        assert receipts.verify_receipt_signature(
            mine["public_key_pem"], r["receipt"], r["signature"]
        )
    assert (mine["can_bid"], mine["can_change"], mine["can_withdraw"]) == (False, True, True)


def test_a_withdrawn_bid_can_be_submitted_again_with_the_version_counting_on(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    first = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body()).get_json()
    gone = client.delete(f"{API}/tasks/{task.number}/bids/mine")
    assert gone.status_code == 200 and gone.get_json()["receipt"] == first["receipt"]
    mine = client.get(f"{API}/tasks/{task.number}/bids/mine").get_json()
    assert mine["bid"]["withdrawn_at"] is not None and mine["can_bid"] is True
    again = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
    assert again.status_code == 201 and again.get_json()["version"] == 2
    assert client.delete(f"{API}/tasks/{task.number}/bids/mine").status_code == 200
    refused = client.delete(f"{API}/tasks/{task.number}/bids/mine")
    assert refused.status_code == 403
    assert "no bid on this task to withdraw" in problem(refused)


def test_a_random_task_takes_sign_ups_at_the_fixed_fee(world, as_):
    task = world.post_task("random")
    client = as_(world.agency())
    response = client.post(f"{API}/tasks/{task.number}/bids", json={"duration_days": 20})
    assert response.status_code == 201
    assert response.get_json()["content"]["price_fen"] == task.fixed_fee_fen
    other = as_(world.agency()).post(
        f"{API}/tasks/{task.number}/bids", json={"price_fen": 5, "duration_days": 20}
    )
    assert other.status_code == 422
    assert "fixed fee" in other.get_json()["errors"]["price_fen"][0]


# --- refusals, each with its message ----------------------------------------------------------------


def test_a_bid_after_the_deadline_is_refused(world, db, as_):
    task = world.post_task()
    client = as_(world.agency())
    task.deadline_at = clock.now() - timedelta(seconds=1)
    db.add(task)
    db.commit()
    response = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
    assert response.status_code == 403
    assert problem(response) == "The deadline for bids on this task has passed."


def test_a_price_over_the_cap_is_refused_on_its_field(world, as_):
    task = world.post_task(price_cap_fen=2_000_000)
    response = as_(world.agency()).post(f"{API}/tasks/{task.number}/bids", json=bid_body(2_000_001))
    assert response.status_code == 422
    assert response.get_json()["errors"]["price_fen"] == [
        "The price is above the task's price cap of 2000000 fen."
    ]


def test_an_agency_without_the_required_qualification_is_refused_and_told_why(world, as_):
    task = world.post_task(required_qualifications=[EIA_QUALIFICATION])
    client = as_(world.agency())
    response = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
    assert response.status_code == 403
    assert EIA_NAME in problem(response) and "not declared" in problem(response)
    mine = client.get(f"{API}/tasks/{task.number}/bids/mine").get_json()
    assert mine["can_bid"] is False
    assert [r["text"] for r in mine["reasons"]] == [problem(response)]
    qualified = as_(world.qualified_agency())
    assert qualified.get(f"{API}/tasks/{task.number}/bids/mine").get_json()["can_bid"] is True


def test_only_agencies_bid(world, as_, make):
    task = world.post_task()
    for user in (world.applicant, make.staff("regulator"), make.staff("expert")):
        response = as_(user).post(f"{API}/tasks/{task.number}/bids", json=bid_body())
        assert response.status_code == 403
        assert problem(response) == "Your organization's kind may not do this."
    anonymous = as_().post(f"{API}/tasks/{task.number}/bids", json=bid_body())
    assert anonymous.status_code == 401 and problem(anonymous) == "Please log in first."
    mine = as_(world.applicant).get(f"{API}/tasks/{task.number}/bids/mine")
    assert mine.status_code == 403


def test_a_second_bid_and_malformed_bodies_are_refused(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    assert client.post(f"{API}/tasks/{task.number}/bids", json=bid_body()).status_code == 201
    again = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
    assert again.status_code == 403 and "change it instead" in problem(again)
    wrong = client.put(f"{API}/tasks/{task.number}/bids/mine", json={"price_fen": "many"})
    assert wrong.status_code == 422 and "price_fen" in wrong.get_json()["errors"]
    extra = client.put(f"{API}/tasks/{task.number}/bids/mine", json={**bid_body(), "x": 1})
    assert extra.status_code == 422
    long_days = client.put(
        f"{API}/tasks/{task.number}/bids/mine", json=bid_body(duration_days=task.service_days + 1)
    )
    assert long_days.status_code == 422 and "duration_days" in long_days.get_json()["errors"]
    missing = as_(world.agency()).post(f"{API}/tasks/NO-SUCH/bids", json=bid_body())
    assert missing.status_code == 404


# --- reading after opening ---------------------------------------------------------------------------


@pytest.fixture
def flagged(world, db):
    """An opened lowest-price task: one abnormally low bid pending among three."""
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    low, a, b = world.agency(), world.agency(), world.agency()
    world.bid(low, task, 500_000, proposal="低价方案 LOW-MARKER")
    world.bid(a, task, 1_500_000, proposal="方案A")
    world.bid(b, task, 1_600_000, proposal="方案B")
    world.shift_to(task, "opened")
    receipt = db.exec(select(Bid).where(Bid.agency_id == low.organization_id)).one().receipt
    return task, low, a, receipt


def test_after_opening_each_audience_sees_what_it_is_entitled_to(world, as_, make, flagged):
    task, low, _a, receipt = flagged
    url = f"{API}/tasks/{task.number}/bids"
    public = as_().get(url).get_json()
    assert public["sealed"] is False and len(public["items"]) == 3
    for item in public["items"]:
        assert item["id"] == item["receipt"] and len(item["receipt"]) == 64
        assert item["agency"]["uscc"] and item["validity"]["state"] in ("valid", "pending")
        assert "price_fen" not in item and "proposal_text" not in item
    low_entry = next(i for i in public["items"] if i["receipt"] == receipt)
    assert low_entry["validity"]["state"] == "pending"
    assert low_entry["explanation"]["explained"] is False
    assert "tests" not in low_entry["explanation"]  # its thresholds would tell the prices
    for user in (world.applicant, make.staff("regulator")):
        items = as_(user).get(url).get_json()["items"]
        assert sorted(i["price_fen"] for i in items) == [500_000, 1_500_000, 1_600_000]
        assert any("LOW-MARKER" in i["proposal_text"] for i in items)
    operator = as_(make.staff("operator")).get(url).get_json()
    assert operator["items"] == public["items"]
    as_bidder = as_(low).get(url).get_json()["items"]
    own = [i for i in as_bidder if i["own"]]
    assert len(own) == 1 and own[0]["price_fen"] == 500_000
    assert all("price_fen" not in i for i in as_bidder if not i["own"])


def test_my_bid_after_opening_carries_its_own_validity_and_explanation(world, as_, flagged):
    task, low, a, receipt = flagged
    public = as_().get(f"{API}/tasks/{task.number}/bids").get_json()["items"]
    states = {i["receipt"]: i["validity"]["state"] for i in public}
    mine = as_(low).get(f"{API}/tasks/{task.number}/bids/mine").get_json()["bid"]
    assert mine["receipt"] == receipt
    assert mine["validity"]["state"] == states[receipt] == "pending"
    assert mine["explanation"]["explained"] is False
    other = as_(a).get(f"{API}/tasks/{task.number}/bids/mine").get_json()["bid"]
    assert other["explanation"] is None
    assert other["validity"]["state"] == states[other["receipt"]]


def test_an_abnormally_low_bid_is_explained_and_decided_then_prices_are_published(
    world, as_, flagged
):
    task, low, a, receipt = flagged
    other = as_(a).post(f"{API}/bids/{receipt}/explanation", json={"explanation": "x"})
    assert other.status_code == 403 and problem(other) == "Only the bidder may explain its price."
    early = as_(world.applicant).post(
        f"{API}/bids/{receipt}/validity", json={"accept": False, "reason": "太低"}
    )
    assert early.status_code == 403 and "still has time" in problem(early)
    explained = as_(low).post(
        f"{API}/bids/{receipt}/explanation", json={"explanation": "已有区域监测数据，成本较低。"}
    )
    assert explained.status_code == 200
    assert explained.get_json()["explanation"]["explanation"] == "已有区域监测数据，成本较低。"
    no_reason = as_(world.applicant).post(f"{API}/bids/{receipt}/validity", json={"accept": True})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    decided = as_(world.applicant).post(
        f"{API}/bids/{receipt}/validity", json={"accept": True, "reason": "解释合理。"}
    )
    assert decided.status_code == 200
    assert decided.get_json()["validity"]["state"] == "valid"
    public = as_().get(f"{API}/tasks/{task.number}/bids").get_json()
    assert public["prices_public"] is True
    assert sorted(i["price_fen"] for i in public["items"]) == [500_000, 1_500_000, 1_600_000]
    low_entry = next(i for i in public["items"] if i["receipt"] == receipt)
    assert low_entry["explanation"]["decision_reason"] == "解释合理。"
    assert "explanation" not in low_entry["explanation"]  # the bidder's text is not public
    award = as_().get(f"{API}/tasks/{task.number}/award").get_json()
    assert award["award_candidate"]["receipt"] == receipt


def test_before_opening_a_bid_cannot_be_addressed_even_by_its_bidder(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    receipt = client.post(f"{API}/tasks/{task.number}/bids", json=bid_body()).get_json()["receipt"]
    for ref in (receipt, "0" * 64, "1"):
        response = client.post(f"{API}/bids/{ref}/explanation", json={"explanation": "x"})
        assert response.status_code == 404
        assert response.get_json() == {"type": "about:blank", "title": "Not found", "status": 404}


def test_the_result_has_every_number_needed_to_recompute_it(world, as_, db):
    task = world.post_task("average_price", min_bids=3, price_cap_fen=2_000_000)
    for price in (1_000_000, 1_100_000, 1_200_000):
        world.bid(world.agency(), task, price)
    world.shift_to(task, "opened")
    result = as_().get(f"{API}/tasks/{task.number}/award").get_json()
    assert result["published"] is True and result["status"] == "publicity"
    ranking = result["ranking"]
    factor = Fraction(ranking[0]["numbers"]["factor"])
    reference = Fraction(3_300_000, 3) * factor
    assert Fraction(ranking[0]["numbers"]["reference_fen"]) == reference
    distances = [abs(Fraction(r["price_fen"]) - reference) for r in ranking]
    assert distances == sorted(distances)
    assert ranking[0]["award_candidate"] and result["award_candidate"]["rank"] == 1
    record = as_().get(f"{API}/tasks/{task.number}/draw").get_json()
    assert spec.verify_record(record) == []
    assert [d["purpose"] for d in record["draws"]] == ["factor"]
    assert Fraction(int(record["draws"][0]["picks"][0]), 100) == factor


def test_a_random_draw_is_published_with_its_full_order(world, as_):
    task = world.post_task("random", min_bids=2)
    before = as_().get(f"{API}/tasks/{task.number}/draw").get_json()
    assert before == {
        "task_number": task.number,
        "commitment": before["commitment"],
        "receipts": [],
        "draws": [],
    }
    for _ in range(3):
        world.bid(world.agency(), task, None)
    world.shift_to(task, "opened")
    record = as_().get(f"{API}/tasks/{task.number}/draw").get_json()
    assert record["commitment"] == before["commitment"]
    assert spec.verify_record(record) == []
    (award_draw,) = record["draws"]
    assert award_draw["purpose"] == "award" and len(award_draw["picks"]) == 3
    result = as_().get(f"{API}/tasks/{task.number}/award").get_json()
    assert [r["receipt"] for r in result["ranking"]] == award_draw["picks"]


def test_my_bids_lists_an_agencys_bids_across_tasks(world, as_):
    first, second = world.post_task(), world.post_task()
    user = world.agency()
    world.bid(user, first, 1_000_000)
    world.bid(user, second, 1_100_000)
    world.shift_to(first, "opened")
    items = as_(user).get(f"{API}/bids/mine").get_json()["items"]
    by_task = {i["task"]: i for i in items}
    assert by_task[first.number]["rank"] == 1 and by_task[first.number]["award_candidate"]
    assert by_task[second.number]["validity"] is None and by_task[second.number]["rank"] is None
    assert as_(world.applicant).get(f"{API}/bids/mine").status_code == 403


def test_every_bidding_endpoint_is_in_the_openapi_document(as_):
    paths = as_().get(f"{API}/openapi.json").get_json()["paths"]
    for path, method in [
        ("/tasks/{number}/bids", "post"),
        ("/tasks/{number}/bids", "get"),
        ("/tasks/{number}/bids/mine", "put"),
        ("/tasks/{number}/bids/mine", "delete"),
        ("/tasks/{number}/bids/mine", "get"),
        ("/bids/mine", "get"),
        ("/bids/{bid_ref}/explanation", "post"),
        ("/bids/{bid_ref}/validity", "post"),
        ("/tasks/{number}/draw", "get"),
        ("/tasks/{number}/award", "get"),
        ("/receipts/public-key", "get"),
        ("/experts/panels", "get"),
        ("/tasks/{number}/panel/declaration", "post"),
        ("/tasks/{number}/panel/recusal", "post"),
        ("/tasks/{number}/panel/marks", "post"),
    ]:
        assert method in paths[API + path], (path, method)


# --- experts -----------------------------------------------------------------------------------------


@pytest.fixture
def scoring(world, make, db):
    experts = [make.staff("expert", categories=["environment"]) for _ in range(4)]
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
    from bidding import panel

    by_org = {e.organization_id: e for e in experts}
    members = [by_org[m.expert_org_id] for m in panel.active_members(db, task)]
    spare = next(e for e in experts if e not in members)
    return task, members, spare


def test_panellists_declare_mark_and_the_last_mark_publishes_the_result(as_, scoring):
    task, members, spare = scoring
    assert as_(spare).get(f"{API}/experts/panels").get_json()["items"] == []
    first = as_(members[0])
    (mine,) = first.get(f"{API}/experts/panels").get_json()["items"]
    assert mine["can_declare"] and mine["bids"] == []  # no proposal before the declaration
    public = as_().get(f"{API}/tasks/{task.number}/bids").get_json()["items"]
    assert mine["bidders"] == sorted(
        (b["agency"] for b in public), key=lambda a: (a["name"], a["id"])
    )  # but the bidders it declares about
    receipt = as_().get(f"{API}/tasks/{task.number}/bids").get_json()["items"][0]["receipt"]
    early = first.post(
        f"{API}/tasks/{task.number}/panel/marks", json={"bid_id": receipt, "mark": 80}
    )
    assert early.status_code == 403 and "Declare" in problem(early)
    for n, expert in enumerate(members):
        client = as_(expert)
        declared = client.post(f"{API}/tasks/{task.number}/panel/declaration", json={})
        assert declared.status_code == 200 and declared.get_json()["can_mark"]
        bids = declared.get_json()["bids"]
        assert {b["proposal_text"] for b in bids} == {"方案甲", "方案乙"}
        out_of_range = client.post(
            f"{API}/tasks/{task.number}/panel/marks", json={"bid_id": bids[0]["id"], "mark": 101}
        )
        assert out_of_range.status_code == 422
        unknown = client.post(
            f"{API}/tasks/{task.number}/panel/marks", json={"bid_id": "f" * 64, "mark": 50}
        )
        assert unknown.status_code == 403 and "not a valid bid" in problem(unknown)
        for b in bids:
            given = client.post(
                f"{API}/tasks/{task.number}/panel/marks",
                json={"bid_id": b["id"], "mark": 70 + n, "comment": "可行"},
            )
            assert given.status_code == 201, given.get_json()
    result = as_().get(f"{API}/tasks/{task.number}/award").get_json()
    assert result["published"] is True
    assert {m["expert"]["id"] for m in result["panel"]} == {e.organization_id for e in members}
    assert all(len(m["marks"]) == 2 for m in result["panel"])
    top = result["ranking"][0]["numbers"]
    assert Fraction(top["total"]) == (
        Fraction(top["price_score"])
        + Fraction(top["credit_score"])
        + Fraction(top["quality_score"])
    )


def test_a_recusal_calls_the_next_expert(as_, scoring):
    task, members, spare = scoring
    refused = as_(spare).post(f"{API}/tasks/{task.number}/panel/recusal", json={"statement": "x"})
    assert refused.status_code == 403 and "not on this task's panel" in problem(refused)
    no_statement = as_(members[0]).post(f"{API}/tasks/{task.number}/panel/recusal", json={})
    assert no_statement.status_code == 422
    recused = as_(members[0]).post(
        f"{API}/tasks/{task.number}/panel/recusal", json={"statement": "我曾为其中一家机构工作。"}
    )
    assert recused.status_code == 200 and recused.get_json()["recused_at"] is not None
    (called,) = as_(spare).get(f"{API}/experts/panels").get_json()["items"]
    assert called["task"] == task.number and called["can_declare"]
    assert as_().get(f"{API}/experts/panels").status_code == 401
