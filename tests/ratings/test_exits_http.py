"""The exit rules through the JSON API and the pages (docs/rules.md §6): each endpoint's statuses
and messages, a refused form keeping what was typed, the public flags, a suspended agency's bid
refused with its dates, and a removed agency's USCC refused at registration (web and API)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlmodel import select

from market import clock, tasks
from market.models import Organization
from ratings import signals
from ratings.models.exits import ExitAction
from tests.bidding.helpers import task_data
from tests.conftest import agency_payload
from tests.market.test_agency_form import field_errors, form_data

API = "/api/v1"
LISTING_REFUSAL = (
    "This unified social credit code belongs to an agency removed from the platform while it "
    "is on the serious-dishonesty list, until %s: it may not register again before then."
)


def detail(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json()["detail"]


def suspend(db, org_id):
    signals.standing_changed.send(
        org_id, session=db, before=(61_000, "C"), after=(45_000, "D"), at=clock.now()
    )
    db.commit()


def list_and_confirm(world, db, days=100):
    """A removal proposed by a listing and confirmed; returns the action."""
    agency = world.agency()
    now = clock.now()
    signals.dishonesty_listed.send(
        agency.organization_id,
        session=db,
        entry=SimpleNamespace(id=3),
        starts_at=now,
        ends_at=now + timedelta(days=days),
    )
    db.commit()
    return agency, db.exec(
        select(ExitAction).where(ExitAction.agency_id == agency.organization_id)
    ).one()


def test_a_suspended_agencys_bid_is_refused_with_its_dates(world, db, as_):
    agency = world.agency()
    suspend(db, agency.organization_id)
    task = world.post_task(min_bids=1)
    body = {"price_fen": 1_000_000, "duration_days": 30, "proposal_text": "技术方案"}
    refused = as_(agency).post(f"{API}/tasks/{task.number}/bids", json=body)
    assert (refused.status_code, detail(refused)) == (
        403,
        "Your agency is suspended from bidding until 2027-05-24 24:00.",
    )
    zh = as_(agency, lang="zh").post(f"{API}/tasks/{task.number}/bids", json=body)
    assert detail(zh) == "本机构已被暂停参与选取资格，期限至 2027-05-24 24:00。"


def test_the_exit_actions_api_public_and_own(world, db, as_):
    agency = world.agency()
    org_id = agency.organization_id
    suspend(db, org_id)
    url = f"{API}/agencies/{org_id}/exit-actions"
    public = as_().get(url).get_json()
    assert public["suspended_until"] == "2027-05-24T16:00:00+00:00"
    assert public["warned_since"] == clock.now().isoformat()
    assert [(i["kind"], i["appeal_by"]) for i in public["items"]] == [  # newest first
        ("suspension", None),
        ("warning", None),
    ]
    own = as_(agency).get(url).get_json()
    assert {i["appeal_by"] for i in own["items"]} == {"2026-12-09T16:00:00+00:00"}
    assert as_().get(f"{API}/agencies/999999/exit-actions").status_code == 404


def test_the_api_appeal_and_decision(world, db, as_, make):
    agency = world.agency()
    suspend(db, agency.organization_id)
    action = db.exec(
        select(ExitAction).where(
            ExitAction.agency_id == agency.organization_id, ExitAction.kind == "suspension"
        )
    ).one()
    url = f"{API}/exit-actions/{action.id}/appeal"
    assert as_().post(url, json={"reason": "x"}).status_code == 401
    empty = as_(agency).post(url, json={"reason": ""})
    assert (empty.status_code, empty.get_json()["errors"]) == (
        422,
        {"reason": ["This field is required."]},
    )
    assert as_(world.agency()).post(url, json={"reason": "x"}).status_code == 404
    filed = as_(agency).post(url, json={"reason": "计分有误"})
    assert filed.status_code == 201, filed.get_data(as_text=True)
    appeal_id = filed.get_json()["id"]
    regulator = as_(world.regulator)
    queue = regulator.get(f"{API}/exit-queue").get_json()
    assert [a["id"] for a in queue["appeals"]] == [appeal_id]
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    assert beijing.get(f"{API}/exit-queue").get_json() == {"proposals": [], "appeals": []}
    decide = f"{API}/exit-appeals/{appeal_id}/decide"
    outside = beijing.post(decide, json={"decision": "overturned", "reason": "撤销"})
    assert (outside.status_code, detail(outside)) == (
        403,
        "Only a regulator whose jurisdiction covers this agency's region may do this.",
    )
    bad = regulator.post(decide, json={"decision": "maybe", "reason": ""})
    assert (bad.status_code, bad.get_json()["errors"]) == (
        422,
        {"decision": ["Choose a decision."], "reason": ["This field is required."]},
    )
    done = regulator.post(decide, json={"decision": "overturned", "reason": "撤销"})
    assert (done.status_code, done.get_json()["decision"]) == (200, "overturned")
    db.expire_all()
    assert db.get(Organization, agency.organization_id).suspended_until is None


def test_the_api_confirms_a_removal_and_refuses_the_uscc(world, db, as_, client):
    agency, action = list_and_confirm(world, db)
    api = as_(world.regulator)
    assert api.post(f"{API}/exit-actions/{action.id}/confirm", json={}).status_code == 422
    confirmed = api.post(f"{API}/exit-actions/{action.id}/confirm", json={"reason": "名单生效"})
    assert (confirmed.status_code, confirmed.get_json()["state"]) == (200, "confirmed")
    again = api.post(f"{API}/exit-actions/{action.id}/dismiss", json={"reason": "x"})
    assert (again.status_code, detail(again)) == (
        403,
        "Only a pending removal proposal can be confirmed or dismissed.",
    )
    uscc = db.get(Organization, agency.organization_id).uscc
    until = "2027-03-05 10:00"
    payload = agency_payload(uscc=uscc, email="again@test.zjm")
    refused = as_().post(f"{API}/agencies", json=payload)
    assert (refused.status_code, refused.get_json()["errors"]["uscc"]) == (
        422,
        [LISTING_REFUSAL % until],
    )
    page = as_().post(
        "/register/agency?lang=en", data=form_data(uscc=uscc, email="again2@test.zjm")
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert field_errors(html, "uscc") == [LISTING_REFUSAL % until]
    assert 'value="again2@test.zjm"' in html  # what was typed is kept
    # The listing lifted, the removal ends: the organization is back, and its USCC is answered
    # as any registered organization's (its accounts sign in again; no second row is made).
    signals.dishonesty_lifted.send(
        agency.organization_id, session=db, entry=SimpleNamespace(id=3), at=clock.now()
    )
    db.commit()
    after = as_().post(f"{API}/agencies", json=payload)
    assert (after.status_code, after.get_json()["errors"]["uscc"]) == (
        422,
        ["An organization with this unified social credit code is already registered."],
    )
    assert (
        as_(agency)
        .get(f"{API}/agencies/{agency.organization_id}/exit-actions")
        .get_json()["removed_at"]
        is None
    )


def test_the_licence_cancellation_api(world, db, as_):
    agency = world.agency()
    url = f"{API}/agencies/{agency.organization_id}/licence-cancellation"
    refused = as_(agency).post(url, json={"cancelled_on": "2026-11-20", "reference": "x"})
    assert (refused.status_code, detail(refused)) == (
        403,
        "Only an operator or a regulator whose jurisdiction covers this agency may do this.",
    )
    regulator = as_(world.regulator)
    bad = regulator.post(url, json={"cancelled_on": "20/11/2026", "reference": "x"})
    assert (bad.status_code, bad.get_json()["errors"]) == (
        422,
        {"cancelled_on": ["Enter a date as YYYY-MM-DD."]},
    )
    made = regulator.post(
        url, json={"cancelled_on": "2026-11-20", "reference": "吉市监注销〔2026〕1号"}
    )
    assert made.status_code == 201
    body = made.get_json()
    assert (body["kind"], body["cause"], body["state"]) == (
        "removal",
        "licence_cancelled",
        "proposed",
    )


def test_the_pages_show_flags_and_keep_a_refused_form(world, db, as_):
    agency = world.agency()
    org_id = agency.organization_id
    suspend(db, org_id)
    profile = as_().get(f"/agencies/{org_id}").get_data(as_text=True)
    assert "Suspended from selection until 2027-05-24 24:00." in profile
    assert "Credit grade D since 2026-11-25 10:00." in profile
    page = as_(agency).get(f"/agencies/{org_id}/standing")
    assert page.status_code == 200
    action = db.exec(
        select(ExitAction).where(ExitAction.agency_id == org_id, ExitAction.kind == "suspension")
    ).one()
    refused = as_(agency).post(
        f"/exit-actions/{action.id}/appeal?lang=en", data={f"ap{action.id}-reason": "x" * 2001}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "x" * 2001 in html
    filed = as_(agency).post(
        f"/exit-actions/{action.id}/appeal", data={f"ap{action.id}-reason": "计分有误"}
    )
    assert filed.status_code == 302
    queue = as_(world.regulator, lang="zh").get("/regulator/exits")
    assert queue.status_code == 200 and agency_name(db, org_id) in queue.get_data(as_text=True)


def agency_name(db, org_id) -> str:
    return db.get(Organization, org_id).name


def test_the_dashboard_lists_proposals_and_appeals_for_covering_regulators(world, db, as_, make):
    agency, removal = list_and_confirm(world, db)
    filed = as_(agency).post(f"{API}/exit-actions/{removal.id}/appeal", json={"reason": "已整改"})
    assert filed.status_code == 201

    def kinds(user):
        items = as_(user).get(f"{API}/dashboard").get_json()["items"]
        return [(i["kind"], i["due_at"]) for i in items if i["kind"].startswith("exits_")]

    assert kinds(world.regulator) == [
        ("exits_decide_appeal", filed.get_json()["decide_by"]),
        ("exits_confirm_removal", None),
    ]
    assert kinds(make.staff("regulator", region_prefixes=["11"])) == []
    assert kinds(agency) == []


def test_a_suspended_agency_cannot_be_invited_web_or_api(world, db, as_):
    suspended = world.agency()
    suspend(db, suspended.organization_id)
    expected = (
        "This agency is suspended from selection until 2027-05-24 24:00 and may not be invited "
        "before."
    )
    draft = tasks.create_draft(
        db, world.applicant, task_data("direct", invited_agency_id=suspended.organization_id)
    )
    db.commit()
    applicant = as_(world.applicant)
    refused = applicant.post(f"{API}/tasks/{draft.number}/publish", json={})
    assert (refused.status_code, detail(refused)) == (403, expected)
    # After a decline, inviting the suspended agency is refused with the same reason and dates.
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    answer = as_(invited).post(
        f"{API}/tasks/{task.number}/invitations/decline", json={"reason": "人员已满"}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    again = applicant.post(
        f"{API}/tasks/{task.number}/invitations", json={"agency_id": suspended.organization_id}
    )
    assert (again.status_code, again.get_json()["errors"]) == (422, {"agency_id": [expected]})
    page = applicant.post(
        f"/tasks/{task.number}/invitations?lang=en",
        data={"invite-agency_id": str(suspended.organization_id)},
    )
    assert page.status_code == 422
    assert expected in page.get_data(as_text=True).replace("&#39;", "'")
