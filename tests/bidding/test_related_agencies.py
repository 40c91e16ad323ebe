"""Related agencies (docs/rules.md §5): decided at opening only, on identity or on a relation a
regulator recorded; nothing at submission depends on another agency's bid, and a self-declared,
unverified relation only flags a pair for the applicant and the regulators to review."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from bidding import progress
from bidding.models import Bid, RelationFlag
from market import identity, relations, signals
from market.models import AuditEvent, DeclarationFinding, RepresentativeIdentity
from market.validation import Forbidden, Invalid
from tests.bidding.helpers import resident_id
from tests.conftest import login

API = "/api/v1"
RIVAL_REPRESENTATIVE = "赵六"
RIVAL_ID = resident_id(66)
_CSRF = re.compile(r'((?:name="csrf_token"(?: type="hidden")? value=")|(?:"csrf_token": ?"))[^"]+')


@pytest.fixture
def as_(app):
    """as_(user) → a test client logged in as `user` (None: the public), reading English."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.get("/?lang=en")
        return client

    return make


def bid_body(price_fen=1_000_000):
    return {"price_fen": price_fen, "duration_days": 30, "proposal_text": "技术方案"}


def same_for_both_tasks(text: str, task) -> str:
    """`text` with what differs between two tasks posted alike (their numbers, CSRF tokens)
    blanked, so that two answers about two such tasks can be compared byte for byte."""
    return _CSRF.sub(r"\1…", text.replace(task.number, "TASK"))


def validity_by_agency(db, task) -> dict[int, tuple[bool | None, str]]:
    return {
        db.get(Bid, d.bid_id).agency_id: (d.valid, d.ground)
        for d in progress.decisions_of(db, task)
    }


def flags_of(db, task) -> list[tuple[set[int], str]]:
    return [
        ({db.get(Bid, f.first_bid_id).agency_id, db.get(Bid, f.second_bid_id).agency_id}, f.ground)
        for f in db.exec(select(RelationFlag).where(RelationFlag.task_id == task.id))
    ]


# --- nothing at submission ------------------------------------------------------------------------


@pytest.mark.parametrize("borrowed", ["name", "name_and_identity"])
def test_a_shell_with_a_rivals_representative_learns_nothing_at_submission(world, as_, borrowed):
    """The "can I bid?" answer, the task page and the submission itself are the same whether
    or not the rival bid: none may tell the shell that the rival bids, nor refuse it for that."""
    rival = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    shell_user = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    shell = as_(shell_user)
    if borrowed == "name_and_identity":
        world.verify_identity(rival, RIVAL_ID)
        declared = shell.put(
            f"{API}/agencies/{shell_user.organization_id}/representative-identity",
            json={"document_type": "resident_id", "number": RIVAL_ID},
        )
        assert declared.status_code == 200, declared.get_json()
    with_rival, without_rival = world.post_task(), world.post_task()
    world.bid(rival, with_rival)

    def answers(task) -> list[tuple]:
        out = []
        for response in (
            shell.get(f"{API}/tasks/{task.number}/bids/mine"),
            shell.get(f"/tasks/{task.number}"),
        ):
            out.append((response.status_code, same_for_both_tasks(response.get_data(True), task)))
        submitted = shell.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
        body = submitted.get_json()
        out.append((submitted.status_code, sorted(body), body.get("version")))
        return out

    seen_with, seen_without = answers(with_rival), answers(without_rival)
    assert seen_with == seen_without
    assert seen_with[-1][0] == 201


# --- at opening: what is established invalidates ---------------------------------------------------


def test_a_shared_representative_name_decides_nothing_at_opening(world, db):
    """A name is not an identity, and anyone may type a rival's: it neither invalidates nor flags."""
    task = world.post_task(min_bids=1)
    rival = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    shell = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    world.bid(rival, task)
    world.bid(shell, task)
    world.shift_to(task, "opened")
    assert validity_by_agency(db, task) == {
        rival.organization_id: (True, "eligible"),
        shell.organization_id: (True, "eligible"),
    }
    assert flags_of(db, task) == []


def test_a_shell_borrowing_a_rivals_identity_cannot_get_the_rivals_bid_invalidated(world, db):
    """The rival's identity is verified, the shell declares the same number (and the same name):
    the match is not verified for both, so it is only flagged, and both bids stand."""
    task = world.post_task(min_bids=1)
    rival = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    world.verify_identity(rival, RIVAL_ID)
    shell = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    world.declare_identity(shell, RIVAL_ID)
    world.bid(rival, task)
    world.bid(shell, task)
    world.shift_to(task, "opened")
    pair = {rival.organization_id, shell.organization_id}
    assert validity_by_agency(db, task) == {a: (True, "eligible") for a in pair}
    assert flags_of(db, task) == [(pair, "identity_unverified")]
    (flag,) = db.exec(select(RelationFlag)).all()
    assert flag.messages[0]["params"]["verified"] == world.org(rival).name


def test_the_shell_cannot_get_its_borrowed_identity_verified(world):
    """A regulator verifies by entering the number from the shell's own documents, which is not the
    rival's number the shell declared."""
    shell = world.agency()
    world.declare_identity(shell, RIVAL_ID)
    with pytest.raises(Invalid, match="not the identity document the agency declared"):
        world.verify_identity(shell, resident_id(67))


def test_two_agencies_with_the_same_verified_identity_have_both_bids_invalid_with_the_reason(
    world, db, as_
):
    task = world.post_task(min_bids=1)
    first, second, other = world.agency(), world.agency(), world.agency()
    for agency in (first, second):
        world.declare_identity(agency, RIVAL_ID)
        world.verify_identity(agency, RIVAL_ID)
    for agency in (first, second, other):
        world.bid(agency, task)
    world.shift_to(task, "opened")
    related = (False, "related_legal_representative")
    assert validity_by_agency(db, task) == {
        first.organization_id: related,
        second.organization_id: related,
        other.organization_id: (True, "eligible"),
    }
    published = as_().get(f"{API}/tasks/{task.number}/bids").get_json()
    reasons = {
        item["agency"]["id"]: item["validity"]["messages"][0]["text"]
        for item in published["items"]
        if item["validity"]["state"] == "invalid"
    }
    names = (world.org(first).name, world.org(second).name)
    assert set(reasons) == {first.organization_id, second.organization_id}
    for text in reasons.values():
        assert all(name in text for name in names)
        assert "same legal representative" in text and "both bids are invalid" in text
    assert flags_of(db, task) == []


def test_identities_verified_by_the_regulator_without_a_declaration_count_too(world, db):
    """An agency cannot escape the rule by declaring nothing: a regulator records it verified."""
    task = world.post_task(min_bids=1)
    first, second = world.agency(), world.agency()
    world.verify_identity(first, RIVAL_ID)
    world.verify_identity(second, RIVAL_ID)
    assert relations.identity_of(db, second.organization_id).source == "regulator"
    world.bid(first, task)
    world.bid(second, task)
    world.shift_to(task, "opened")
    assert {v for v in validity_by_agency(db, task).values()} == {
        (False, "related_legal_representative")
    }


def test_a_regulator_recorded_control_relation_invalidates_both_bids(world, db, as_):
    task = world.post_task(min_bids=1)
    parent, subsidiary, other = world.agency(), world.agency(), world.agency()
    world.relate(parent, subsidiary, "holding")
    for agency in (parent, subsidiary, other):
        world.bid(agency, task)
    world.shift_to(task, "opened")
    control = (False, "related_by_control")
    assert validity_by_agency(db, task) == {
        parent.organization_id: control,
        subsidiary.organization_id: control,
        other.organization_id: (True, "eligible"),
    }
    published = as_().get(f"{API}/tasks/{task.number}/bids").get_json()
    (text,) = {
        item["validity"]["messages"][0]["text"]
        for item in published["items"]
        if item["validity"]["state"] == "invalid"
    }
    assert "A regulator recorded that" in text and "holds a controlling share in" in text
    assert "持股 70%" in text  # the basis is published with the reason


def test_a_relation_taken_off_the_record_no_longer_invalidates(world, db):
    task = world.post_task(min_bids=1)
    parent, subsidiary = world.agency(), world.agency()
    relation = world.relate(parent, subsidiary, "management")
    relations.revoke_relation(db, world.regulator, relation.id, "股权已于 2026 年转让")
    db.commit()
    world.bid(parent, task)
    world.bid(subsidiary, task)
    world.shift_to(task, "opened")
    assert set(validity_by_agency(db, task).values()) == {(True, "eligible")}


# --- at opening: what is only declared flags -------------------------------------------------------


def test_an_unverified_identity_match_is_only_flagged_and_both_bids_stand(world, db):
    task = world.post_task(min_bids=1)
    first, second = world.agency(), world.agency()
    world.declare_identity(first, RIVAL_ID)
    world.declare_identity(second, RIVAL_ID)
    world.bid(first, task)
    world.bid(second, task)
    world.shift_to(task, "opened")
    pair = {first.organization_id, second.organization_id}
    assert validity_by_agency(db, task) == {a: (True, "eligible") for a in pair}
    assert flags_of(db, task) == [(pair, "identity_unverified")]


def test_a_self_declared_relation_is_only_flagged_and_both_bids_stand(world, db):
    task = world.post_task(min_bids=1)
    shell, rival = world.agency(), world.agency()
    world.relate(rival, shell, "holding", by=shell)  # "the rival controls us", says the shell
    world.bid(shell, task)
    world.bid(rival, task)
    world.shift_to(task, "opened")
    pair = {shell.organization_id, rival.organization_id}
    assert validity_by_agency(db, task) == {a: (True, "eligible") for a in pair}
    assert flags_of(db, task) == [(pair, "declared_relation")]


def test_an_agency_declares_only_relations_of_its_own(world):
    a, b, c = world.agency(), world.agency(), world.agency()
    with pytest.raises(Forbidden, match="one of the two must be yours"):
        world.relate(a, b, by=c)


def test_flags_are_shown_to_the_applicant_and_the_regulators_of_the_jurisdiction_only(
    world, make, as_
):
    task = world.post_task(min_bids=1)
    first, second = world.agency(), world.agency()
    world.declare_identity(first, RIVAL_ID)
    world.declare_identity(second, RIVAL_ID)
    world.bid(first, task)
    world.bid(second, task)
    url = f"{API}/tasks/{task.number}/relation-flags"
    applicant = as_(world.applicant)
    before = applicant.get(url)
    assert before.status_code == 200
    assert before.get_json() == {"task": task.number, "sealed": True, "items": []}
    world.shift_to(task, "opened")
    elsewhere = make.staff("regulator", region_prefixes=["11"])  # Beijing only
    for user in (first, second, world.agency(), elsewhere, make.staff("operator"), None):
        response = as_(user).get(url)
        assert response.status_code == (401 if user is None else 403), user
    for user in (world.applicant, make.staff("regulator", region_prefixes=["22"])):
        body = as_(user).get(url).get_json()
        assert body["sealed"] is False and [i["ground"] for i in body["items"]] == [
            "identity_unverified"
        ]
        assert {b["agency"]["id"] for b in body["items"][0]["bids"]} == {
            first.organization_id,
            second.organization_id,
        }
    page = applicant.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert "Possibly related bidders, for review" in page
    bidder_page = as_(first).get(f"/tasks/{task.number}").get_data(as_text=True)
    assert "Possibly related bidders" not in bidder_page


# --- identity: declared, verified, never shown ---------------------------------------------------


def test_a_regulator_verifies_only_agencies_of_its_jurisdiction(world, make, db):
    agency = world.agency()
    world.declare_identity(agency, RIVAL_ID)
    elsewhere = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden, match="outside your jurisdiction"):
        relations.verify_identity(
            db, elsewhere, agency.organization_id, "resident_id", RIVAL_ID, "核对身份证"
        )
    with pytest.raises(Invalid, match="Do not write the identity number here"):
        relations.verify_identity(
            db, world.regulator, agency.organization_id, "resident_id", RIVAL_ID, RIVAL_ID
        )


def test_declaring_another_document_needs_verifying_again(world, db):
    agency = world.agency()
    world.verify_identity(agency, RIVAL_ID)
    world.declare_identity(agency, RIVAL_ID)  # the same: still verified
    assert relations.identity_of(db, agency.organization_id).verified_at is not None
    world.declare_identity(agency, resident_id(5))
    assert relations.identity_of(db, agency.organization_id).verified_at is None


def test_only_the_agency_itself_declares_its_identity(world, as_):
    agency, other = world.agency(), world.agency()
    response = as_(other).put(
        f"{API}/agencies/{agency.organization_id}/representative-identity",
        json={"number": RIVAL_ID},
    )
    assert response.status_code == 403


def test_the_identity_number_is_stored_only_as_its_keyed_hash(world, db, identity_key):
    agency = world.agency()
    world.declare_identity(agency, RIVAL_ID.lower())  # a lowercase x is the same number
    row = relations.identity_of(db, agency.organization_id)
    document = identity.Document("resident_id", RIVAL_ID)
    assert row.digest == identity_key.digest(document)
    assert RIVAL_ID not in repr(document)
    columns = [getattr(row, c) for c in RepresentativeIdentity.model_fields]
    assert not any(RIVAL_ID in str(value) for value in columns)


def test_the_identity_number_never_appears_in_any_page_or_api_response(world, db, make, as_):
    number = resident_id(321)
    digest = identity.digest(identity.Document("resident_id", number))
    registering = as_()
    failed_page = registering.post(
        "/register/agency",
        data={"representative_id_number": number, "name": "", "commitment": "y"},
    )
    assert failed_page.status_code == 422
    assert number not in failed_page.get_data(as_text=True)
    failed_api = registering.post(
        f"{API}/agencies", json={"representative_id_number": number + "1", "name": "x"}
    )
    assert failed_api.status_code == 422
    assert number not in failed_api.get_data(as_text=True)
    agency = world.agency(representative_id_number=number)
    twin = world.agency()
    world.declare_identity(twin, number)
    world.verify_identity(twin, number)
    task = world.post_task(min_bids=1)
    world.bid(agency, task)
    world.bid(twin, task)
    world.shift_to(task, "opened")
    regulator = world.regulator
    clients = {
        "public": as_(),
        "agency": as_(agency),
        "applicant": as_(world.applicant),
        "regulator": as_(regulator),
        "operator": as_(make.staff("operator")),
    }
    agency_id = agency.organization_id
    urls = [
        f"/agencies/{agency_id}",
        "/agencies",
        f"{API}/agencies",
        f"{API}/agencies/{agency_id}",
        f"{API}/organizations/{agency_id}",
        f"{API}/agencies/{agency_id}/representative-identity",
        f"{API}/relations",
        f"{API}/session",
        "/account/",
        "/account/related",
        "/regulator/related",
        f"{API}/audit?limit=100",
        f"/tasks/{task.number}",
        f"{API}/tasks/{task.number}/bids",
        f"{API}/tasks/{task.number}/relation-flags",
        f"{API}/tasks/{task.number}/draw",
    ]
    answered = set()
    for role, client in clients.items():
        for url in urls:
            response = client.get(url)
            body = response.get_data(as_text=True)
            assert number not in body and digest not in body, (role, url)
            if response.status_code == 200:
                answered.add((role, url))
    assert {
        ("agency", "/account/related"),
        ("agency", f"{API}/agencies/{agency_id}/representative-identity"),
        ("regulator", "/regulator/related"),
        ("regulator", f"{API}/agencies/{agency_id}/representative-identity"),
        ("regulator", f"{API}/audit?limit=100"),
        ("applicant", f"{API}/tasks/{task.number}/relation-flags"),
        ("public", f"/agencies/{agency_id}"),
        ("public", f"{API}/tasks/{task.number}/bids"),
    } <= answered
    audit = clients["regulator"].get(f"{API}/audit?limit=100").get_json()["items"]
    actions = {e["action"] for e in audit}
    assert {
        "agency.representative_identity_declared",
        "agency.representative_identity_verified",
    } <= actions
    assert number not in json.dumps(audit) and digest not in json.dumps(audit)


# --- declarations found false: the hook for ratings --------------------------------------------------


def test_a_regulator_records_a_false_declaration_and_ratings_is_told(world, db, as_):
    """Through the API: a finding with audit, the signal ratings will connect to, and the borrowed
    identity stops counting (no more flags)."""
    rival, shell = world.agency(), world.agency()
    world.verify_identity(rival, RIVAL_ID)
    world.declare_identity(shell, RIVAL_ID)
    heard = []

    def hear(finding, session, **_):
        heard.append((finding.organization_id, finding.declaration))

    signals.declaration_found_false.connect(hear)
    try:
        response = as_(world.regulator).post(
            f"{API}/agencies/{shell.organization_id}/false-declarations",
            json={
                "declaration": "representative_identity",
                "statement": "申报的法定代表人身份证号码属于另一机构的法定代表人。",
            },
        )
    finally:
        signals.declaration_found_false.disconnect(hear)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["declaration"] == "representative_identity"
    assert heard == [(shell.organization_id, "representative_identity")]
    task = world.post_task(min_bids=1)
    world.bid(rival, task)
    world.bid(shell, task)
    world.shift_to(task, "opened")
    assert flags_of(db, task) == []
    listed = as_(shell).get(f"{API}/agencies/{shell.organization_id}/false-declarations")
    assert [f["declaration"] for f in listed.get_json()["items"]] == ["representative_identity"]


def test_a_false_relation_is_recorded_through_the_regulators_page(world, db, as_):
    shell, rival = world.agency(), world.agency()
    relation = world.relate(rival, shell, "management", by=shell)
    page = as_(world.regulator)
    assert "Declarations found false" in page.get("/regulator/related").get_data(as_text=True)
    response = page.post(
        "/regulator/related/false-declarations",
        data={
            "finding-uscc": world.org(shell).uscc,
            "finding-declaration": "relation",
            "finding-relation_id": str(relation.id),
            "finding-statement": "两机构无任何股权或管理关系。",
        },
    )
    assert response.status_code == 302
    (finding,) = db.exec(select(DeclarationFinding)).all()
    assert (finding.organization_id, finding.relation_id) == (shell.organization_id, relation.id)
    db.refresh(relation)
    assert relation.revoked_at is not None  # a false relation stops counting at once


# --- the API --------------------------------------------------------------------------------------


def test_relations_are_recorded_declared_listed_and_withdrawn_through_the_api(world, make, as_):
    parent, subsidiary = world.agency(), world.agency()
    body = {
        "kind": "holding",
        "first_uscc": world.org(parent).uscc,
        "second_uscc": world.org(subsidiary).uscc,
        "basis": "登记机关股东信息",
    }
    regulator = as_(world.regulator)
    recorded = regulator.post(f"{API}/relations", json=body)
    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["established"] is True
    assert regulator.post(f"{API}/relations", json=body).status_code == 422  # already on record
    elsewhere = as_(make.staff("regulator", region_prefixes=["11"]))
    assert elsewhere.post(f"{API}/relations", json=body).status_code == 403
    assert elsewhere.get(f"{API}/relations").get_json()["items"] == []

    child = as_(subsidiary)
    declared = child.post(f"{API}/relations", json={**body, "basis": "我公司的控股股东"})
    assert declared.status_code == 201 and declared.get_json()["established"] is False
    listed = child.get(f"{API}/relations").get_json()["items"]
    assert [(r["source"], r["established"]) for r in listed] == [
        ("declared", False),
        ("regulator", True),
    ]
    assert (
        child.post(
            f"{API}/relations/{recorded.get_json()['id']}/revoke", json={"reason": "不是我们的"}
        ).status_code
        == 403
    )  # an agency withdraws only its own declarations
    withdrawn = child.post(
        f"{API}/relations/{declared.get_json()['id']}/revoke", json={"reason": "申报有误"}
    )
    assert withdrawn.status_code == 200 and withdrawn.get_json()["revoked_reason"] == "申报有误"
    assert as_().get(f"{API}/relations").status_code == 401


def test_an_identity_is_declared_read_and_verified_through_the_api(world, as_):
    agency = world.agency()
    url = f"{API}/agencies/{agency.organization_id}/representative-identity"
    own = as_(agency)
    assert own.get(url).get_json()["declared"] is False
    declared = own.put(url, json={"number": RIVAL_ID})
    assert declared.get_json()["verification"] == "self_declared"
    assert as_().get(url).status_code == 401 and as_(world.agency()).get(url).status_code == 403
    regulator = as_(world.regulator)
    wrong = resident_id(68)
    mismatch = regulator.post(f"{url}/verify", json={"number": wrong, "basis": "身份证原件"})
    assert mismatch.status_code == 422 and wrong not in mismatch.get_data(as_text=True)
    verified = regulator.post(f"{url}/verify", json={"number": RIVAL_ID, "basis": "身份证原件"})
    assert verified.status_code == 200
    assert verified.get_json()["verification"] == "verified"
    assert verified.get_json()["verification_basis"] == "身份证原件"


def test_after_a_false_identity_a_regulator_records_the_true_one_verified(world, db):
    shell = world.agency()
    world.declare_identity(shell, RIVAL_ID)
    world.verify_identity(shell, RIVAL_ID)  # wrongly verified at first
    relations.record_false_declaration(
        db,
        world.regulator,
        shell.organization_id,
        {"declaration": "representative_identity", "statement": "身份证系借用他人"},
    )
    db.commit()
    assert relations.identity_of(db, shell.organization_id).found_false_at is not None
    world.verify_identity(shell, resident_id(70))
    row = relations.identity_of(db, shell.organization_id)
    assert (row.source, row.found_false_at) == ("regulator", None)
    assert row.digest == identity.digest(identity.Document("resident_id", resident_id(70)))
    events = [
        e.action
        for e in db.exec(select(AuditEvent).where(AuditEvent.object_id == str(row.organization_id)))
    ]
    assert events.count("agency.representative_identity_verified") == 2
