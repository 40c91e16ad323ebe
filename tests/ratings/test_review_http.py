"""Appeals, misconduct records and commendations through the JSON API and the pages: statuses and
messages of each refusal, a refused form keeping what was typed, and a minor record's facts on no
route for anyone but the agency and the regulators covering it (docs/rules.md §6)."""

from __future__ import annotations

import re

from sqlmodel import select

from ratings import records
from ratings.models import CreditEvent
from tests.ratings.review_support import rated_contract
from tests.ratings.test_records import proposed

API = "/api/v1"
BASIS = "《中介服务管理办法》第二十条"


def detail(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json()["detail"]


def test_the_api_appeal_and_its_voiding(world, db, frozen, as_, make):
    signed, rating = rated_contract(world, db, frozen)
    url = f"{API}/ratings/{rating.id}/appeal"
    assert as_().post(url, json={"reason": "不实"}).status_code == 401
    agency = as_(signed.agency)
    empty = agency.post(url, json={"reason": " "})
    assert (empty.status_code, empty.get_json()["errors"]) == (
        422,
        {"reason": ["This field is required."]},
    )
    wrong_type = agency.post(url, json={"reason": 5})
    assert wrong_type.status_code == 422
    other = as_(signed.applicant).post(url, json={"reason": "不实"})
    assert (other.status_code, detail(other)) == (
        403,
        "Only the rated side may appeal this rating.",
    )
    filed = agency.post(url, json={"reason": "评价与事实不符"})
    assert filed.status_code == 201, filed.get_data(as_text=True)
    body = filed.get_json()
    assert (body["rating_id"], body["reason"], body["decision"], body["overdue"]) == (
        rating.id,
        "评价与事实不符",
        None,
        False,
    )
    again = agency.post(url, json={"reason": "再次"})
    assert (again.status_code, detail(again)) == (
        403,
        "This rating has already been appealed; a rating is appealed once.",
    )
    assert agency.get(f"{API}/rating-appeals").get_json()["items"][0]["id"] == body["id"]
    missing = agency.post(f"{API}/ratings/999999/appeal", json={"reason": "不实"})
    assert missing.status_code == 404

    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    assert beijing.get(f"{API}/rating-appeals").get_json() == {
        "state": "undecided",
        "counts": {"undecided": 0, "decided": 0},
        "items": [],
    }
    decision_url = f"{API}/rating-appeals/{body['id']}/decision"
    refused = beijing.post(decision_url, json={"decision": "voided", "reason": "理由"})
    assert (refused.status_code, detail(refused)) == (
        403,
        "Only a regulator whose jurisdiction covers this rating's task may do this.",
    )
    regulator = as_(world.regulator)
    queue = regulator.get(f"{API}/rating-appeals").get_json()
    assert (queue["counts"], [i["id"] for i in queue["items"]]) == (
        {"undecided": 1, "decided": 0},
        [body["id"]],
    )
    bad = regulator.post(decision_url, json={"decision": "maybe", "reason": ""})
    assert (bad.status_code, bad.get_json()["errors"]) == (
        422,
        {"decision": ["Choose upheld or voided."], "reason": ["This field is required."]},
    )
    voided = regulator.post(decision_url, json={"decision": "voided", "reason": "延误系申请人原因"})
    assert voided.status_code == 200, voided.get_data(as_text=True)
    assert (voided.get_json()["decision"], voided.get_json()["decision_reason"]) == (
        "voided",
        "延误系申请人原因",
    )
    event = db.exec(select(CreditEvent).where(CreditEvent.source == f"rating:{rating.id}")).one()
    db.refresh(event)
    assert event.voided_at is not None
    decided = regulator.get(f"{API}/rating-appeals?state=decided").get_json()
    assert decided["counts"] == {"undecided": 0, "decided": 1}


def test_the_appeal_page_keeps_a_refused_reason_and_the_regulator_voids(world, db, frozen, as_):
    signed, rating = rated_contract(world, db, frozen)
    agency = as_(signed.agency)
    page = agency.get("/account/ratings")
    assert page.status_code == 200
    assert "服务拖延，沟通不畅" in page.get_data(as_text=True)
    too_long = "长" * 2001
    refused = agency.post(f"/ratings/{rating.id}/appeal", data={f"ap{rating.id}-reason": too_long})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "At most 2000 characters (you gave 2001)." in text
    assert too_long in text
    filed = agency.post(f"/ratings/{rating.id}/appeal", data={f"ap{rating.id}-reason": "不实"})
    assert filed.status_code == 302
    regulator = as_(world.regulator)
    queue = regulator.get("/regulator/rating-appeals").get_data(as_text=True)
    appeal_id = int(re.search(r'id="appeal-(\d+)"', queue).group(1))
    assert "To decide (1)" in queue
    empty = regulator.post(
        f"/regulator/rating-appeals/{appeal_id}/decision",
        data={"dec-decision": "voided", "dec-reason": ""},
    )
    assert empty.status_code == 422
    assert "This field is required." in empty.get_data(as_text=True)
    done = regulator.post(
        f"/regulator/rating-appeals/{appeal_id}/decision",
        data={"dec-decision": "voided", "dec-reason": "延误系申请人原因"},
    )
    assert done.status_code == 302
    mine = agency.get("/account/ratings").get_data(as_text=True)
    assert "Voided by the regulator on" in mine and "延误系申请人原因" in mine
    assert as_(signed.applicant).get(f"/regulator/rating-appeals/{appeal_id}").status_code == 403


def test_records_and_commendations_through_the_api(world, db, as_, make):
    agency = world.agency()
    org_id = agency.organization_id
    regulator = as_(world.regulator)
    missing = regulator.post(f"{API}/misconduct-records", json={"agency_id": org_id})
    assert (missing.status_code, missing.get_json()["errors"]) == (
        422,
        {
            "severity": ["This field is required."],
            "legal_basis": ["This field is required."],
            "facts": ["This field is required."],
        },
    )
    made = regulator.post(
        f"{API}/misconduct-records",
        json={
            "agency_id": org_id,
            "severity": "general",
            "legal_basis": BASIS,
            "facts": "虚假材料",
        },
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    refused = beijing.post(f"{API}/commendations", json={"agency_id": org_id, "reason": "优秀"})
    assert (refused.status_code, detail(refused)) == (
        403,
        "Only a regulator whose jurisdiction covers this agency's region may do this.",
    )
    by_agency = as_(agency).post(
        f"{API}/commendations", json={"agency_id": org_id, "reason": "自夸"}
    )
    assert (by_agency.status_code, detail(by_agency)) == (403, "Only a regulator may do this.")
    commended = regulator.post(f"{API}/commendations", json={"agency_id": org_id, "reason": "优秀"})
    assert commended.status_code == 201
    public = as_()
    assert [
        c["reason"]
        for c in public.get(f"{API}/commendations?agency_id={org_id}").get_json()["items"]
    ] == ["优秀"]
    listed = public.get(f"{API}/misconduct-records?agency_id={org_id}").get_json()["items"]
    assert [(r["severity"], r["facts"]) for r in listed] == [("general", "虚假材料")]
    no_id = public.get(f"{API}/misconduct-records")
    assert (no_id.status_code, no_id.get_json()["errors"]) == (
        422,
        {"agency_id": ["This field is required."]},
    )
    assert public.get(f"{API}/misconduct-records?agency_id=999999").status_code == 404
    assert public.get(f"{API}/commendations?agency_id=abc").status_code == 422


def test_a_minor_record_is_on_no_route_but_for_the_agency_and_its_regulators(
    world, db, app, as_, make
):
    agency = world.agency()
    org_id = agency.organization_id
    secret_basis, secret_facts = "轻微依据甲条", "轻微事实：迟交一份材料"
    records.record_misconduct(db, world.regulator, org_id, "minor", secret_basis, secret_facts)
    records.record_misconduct(db, world.regulator, org_id, "general", BASIS, "公开事实")
    db.commit()
    readers = {
        "public": as_(),
        "applicant": as_(world.applicant),
        "other agency": as_(world.agency()),
        "other regulator": as_(make.staff("regulator", region_prefixes=["11"])),
    }
    urls = [f"{API}/misconduct-records?agency_id={org_id}", f"{API}/audit"]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not rule.arguments:
            urls.append(rule.rule)
        elif rule.arguments <= {"agency_id", "org_id"}:
            urls.append(re.sub(r"<[^>]+>", str(org_id), rule.rule))
    for name, client in readers.items():
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            for secret in (secret_basis, secret_facts):
                assert secret not in body, (name, url)
        profile = client.get(f"/agencies/{org_id}").get_data(as_text=True)
        assert "公开事实" in profile, name
    for client in (as_(agency), as_(world.regulator)):
        assert secret_facts in client.get(f"/agencies/{org_id}").get_data(as_text=True)
        listed = client.get(f"{API}/misconduct-records?agency_id={org_id}").get_json()["items"]
        assert [r["severity"] for r in listed] == ["general", "minor"]


def test_the_agency_page_forms_keep_what_was_typed(world, db, as_):
    agency = world.agency()
    org_id = agency.organization_id
    regulator = as_(world.regulator)
    page = regulator.get(f"/agencies/{org_id}").get_data(as_text=True)
    assert "Record misconduct" in page and "Commend the agency" in page
    assert "Record misconduct" not in as_().get(f"/agencies/{org_id}").get_data(as_text=True)
    refused = regulator.post(
        f"/agencies/{org_id}/misconduct-records",
        data={"mis-severity": "general", "mis-legal_basis": "", "mis-facts": "打字保留的事实"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "打字保留的事实" in text and "This field is required." in text
    made = regulator.post(
        f"/agencies/{org_id}/misconduct-records",
        data={"mis-severity": "general", "mis-legal_basis": BASIS, "mis-facts": "虚假材料"},
    )
    assert made.status_code == 302
    commended = regulator.post(f"/agencies/{org_id}/commendations", data={"com-reason": "服务优秀"})
    assert commended.status_code == 302
    public = as_().get(f"/agencies/{org_id}").get_data(as_text=True)
    assert "虚假材料" in public and "服务优秀" in public
    outsider = as_(world.applicant).post(
        f"/agencies/{org_id}/commendations", data={"com-reason": "x"}
    )
    assert outsider.status_code == 403


def test_proposals_are_decided_through_the_api_and_the_queue_page(world, db, as_, make):
    proposal, agency = proposed(world, db)
    regulator = as_(world.regulator)
    queue = regulator.get(f"{API}/misconduct-proposals").get_json()
    assert (queue["counts"], [p["id"] for p in queue["items"]]) == (
        {"undecided": 1, "decided": 0},
        [proposal.id],
    )
    assert as_(agency).get(f"{API}/misconduct-proposals").status_code == 403
    url = f"{API}/misconduct-proposals/{proposal.id}/decision"
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    refused = beijing.post(url, json={"decision": "dismissed", "reason": "证据不足"})
    assert (refused.status_code, detail(refused)) == (
        403,
        "Only a regulator whose jurisdiction covers this agency's region may do this.",
    )
    page = regulator.post(
        f"/regulator/misconduct-proposals/{proposal.id}/decision",
        data={f"pr{proposal.id}-decision": "recorded", f"pr{proposal.id}-legal_basis": BASIS},
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "This field is required." in text and BASIS in text
    decided = regulator.post(
        url, json={"decision": "recorded", "severity": "general", "legal_basis": BASIS}
    )
    assert decided.status_code == 200, decided.get_data(as_text=True)
    assert (decided.get_json()["decision"], decided.get_json()["facts"]) == ("recorded", "串通属实")
    again = regulator.post(url, json={"decision": "dismissed", "reason": "x"})
    assert (again.status_code, detail(again)) == (403, "This proposal has already been decided.")
    public = as_().get(f"{API}/misconduct-records?agency_id={agency.organization_id}").get_json()
    assert [(r["severity"], r["proposal_id"]) for r in public["items"]] == [
        ("general", proposal.id)
    ]
    assert "串通属实" in regulator.get("/regulator/misconduct-proposals?state=decided").get_data(
        as_text=True
    )
