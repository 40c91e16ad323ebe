"""Contracts: who reads them, the document, signing, the signing limit, termination and the
applicant's record (docs/rules.md §4)."""

from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import awards, signals
from bidding.contracts import document
from bidding.contracts import services as contracts
from bidding.models import ApplicantRecord, Award, Bid, Complaint, Objection
from bidding.models.contracts import LATE_SIGNING
from bidding.models.results import ABANDONED
from bidding.policy import DEFAULT_POLICY
from market import attachments, clock, holidays, lifecycle, suspensions
from market.models import AuditEvent
from market.models.attachments import Attachment
from market.validation import Forbidden, Invalid, Message, NotFound
from tests.bidding.contract_support import awarded, finalize_now
from tests.bidding.helpers import new_uscc
from tests.conftest import login


def test_the_contract_page_is_for_its_parties_and_the_regulators(app, world, db, make):
    task, agencies, contract = awarded(world)
    url = f"/contracts/{contract.id}"
    for user in (agencies[0], world.applicant, world.regulator):
        client = app.test_client()
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200, user.email
        assert task.number in response.get_data(as_text=True)
    for user in (agencies[1], make.enterprise(uscc=new_uscc()), None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        assert client.get(url).status_code == 404
    assert app.test_client().get("/contracts/999999").status_code == 404


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
def test_my_contracts_lists_each_party_its_own(app, world, db, funding):
    task, agencies, contract = awarded(world, funding)
    applicant = world.department if funding == "budget" else world.applicant
    for user in (agencies[0], applicant):
        client = app.test_client()
        login(client, user)
        page = client.get("/contracts").get_data(as_text=True)
        assert f"/contracts/{contract.id}" in page
    client = app.test_client()
    login(client, agencies[1])
    assert f"/contracts/{contract.id}" not in client.get("/contracts").get_data(as_text=True)


# --- signing ---------------------------------------------------------------------------------------


@contextmanager
def caught(signal):
    """What `signal` sends meanwhile: (sender, keyword arguments) each."""
    got = []

    def on(sender, **kwargs):
        got.append((sender, kwargs))

    signal.connect(on, weak=False)
    try:
        yield got
    finally:
        signal.disconnect(on)


def applicant_of(world, funding: str):
    return world.department if funding == "budget" else world.applicant


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
@pytest.mark.parametrize("first", ["agency", "applicant"])
def test_both_sides_sign_in_either_order(world, db, frozen, funding, first):
    task, agencies, contract = awarded(world, funding)
    people = {"agency": agencies[0], "applicant": applicant_of(world, funding)}
    second = "applicant" if first == "agency" else "agency"
    contracts.sign(db, people[first], contract.id, DEFAULT_POLICY)
    db.commit()
    assert getattr(contract, f"{first}_signed_at") == clock.now()
    assert contract.signed_at is None and lifecycle.status(task) == lifecycle.AWARDED
    # Confirming twice changes nothing.
    frozen.advance(hours=1)
    contracts.sign(db, people[first], contract.id, DEFAULT_POLICY)
    assert getattr(contract, f"{first}_signed_at") == clock.now() - timedelta(hours=1)
    frozen.advance(days=2)
    with caught(signals.contract_signed) as received:
        contracts.sign(db, people[second], contract.id, DEFAULT_POLICY)
        db.commit()
    assert received == [(contract, {"session": db})]
    assert contract.signed_at == clock.now() == getattr(contract, f"{second}_signed_at")
    assert contract.due_at == holidays.load(db).add_calendar_days(clock.now(), 30)
    assert contract.price_fen == 1_000_000
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.CONTRACTED
    assert task.contracted_at == contract.signed_at
    generated = document.generate(db, contract, DEFAULT_POLICY)
    assert contract.document_sha256 == generated.sha256
    actions = [e.action for e in audit_events(db, "contract", contract.id)]
    assert actions == ["contract.confirmed", "contract.confirmed"]


def audit_events(db, object_type, object_id):
    db.flush()
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        )
    )


def refusal(call) -> str:
    with pytest.raises(Forbidden) as caught:
        call()
    return caught.value.message.msgid


def test_nobody_signs_while_a_complaint_is_pending(world, db):
    task, agencies, contract = awarded(world)
    bid = db.exec(select(Bid).where(Bid.agency_id == agencies[1].organization_id)).one()
    objection = Objection(
        task_id=task.id,
        award_id=contract.award_id,
        bid_id=bid.id,
        agency_id=agencies[1].organization_id,
        kind="objection",
        grounds="价格异常",
        filed_at=clock.now(),
        filed_by_user_id=agencies[1].id,
        answer_due_at=clock.now(),
        answered_at=clock.now(),
        answer="已核实",
    )
    db.add(objection)
    db.flush()
    complaint = Complaint(
        task_id=task.id,
        objection_id=objection.id,
        agency_id=agencies[1].organization_id,
        grounds="答复不成立",
        filed_at=clock.now(),
        filed_by_user_id=agencies[1].id,
        decide_by=clock.now() + timedelta(days=30),
    )
    db.add(complaint)
    db.commit()
    assert refusal(lambda: contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)) == (
        contracts.COMPLAINT
    )
    complaint.withdrawn_at = clock.now()
    db.add(complaint)
    db.commit()
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    assert contract.agency_signed_at == clock.now()


def test_nobody_signs_while_the_task_is_suspended(world, db):
    task, agencies, contract = awarded(world)
    suspensions.suspend(db, task, world.regulator, "调查投诉")
    db.commit()
    assert refusal(lambda: contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY)) == (
        contracts.SUSPENDED
    )
    suspensions.resume(db, task, world.regulator, "调查结束")
    db.commit()
    contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY)
    assert contract.applicant_signed_at == clock.now()


def test_after_the_signing_limit_only_the_applicant_may_still_confirm(world, db, frozen):
    task, agencies, contract = awarded(world)
    frozen.set(contract.sign_by)
    with pytest.raises(Forbidden) as caught:
        contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY)
    assert caught.value.message == Message(
        contracts.TOO_LATE, {"at": contracts.shanghai_text(contract.sign_by)}
    )
    assert refusal(lambda: contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)) == (
        contracts.TOO_LATE
    )
    frozen.set(contract.sign_by - timedelta(seconds=1))
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    frozen.set(contract.sign_by + timedelta(days=1))
    contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY)
    db.commit()
    assert contract.signed_at == clock.now()
    records = db.exec(select(ApplicantRecord)).all()
    assert [(r.kind, r.org_id, r.contract_id) for r in records] == [
        (LATE_SIGNING, world.applicant.organization_id, contract.id)
    ]


def test_someone_elses_contract_is_not_found_and_a_regulator_does_not_sign(world, db, make):
    task, agencies, contract = awarded(world)
    with pytest.raises(NotFound):
        contracts.sign(db, agencies[1], contract.id, DEFAULT_POLICY)
    with pytest.raises(NotFound):
        contracts.sign(db, make.enterprise(uscc=new_uscc()), contract.id, DEFAULT_POLICY)
    assert refusal(lambda: contracts.sign(db, world.regulator, contract.id, DEFAULT_POLICY)) == (
        contracts.ONLY_PARTIES
    )


# --- the document ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% contract\n%%EOF\n"


def test_a_new_document_clears_the_confirmation_given_to_the_old_one(world, db, tmp_path):
    task, agencies, contract = awarded(world)
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    generated = contract.document_sha256
    contracts.upload_document(
        db, world.applicant, contract.id, "../合同<1>.pdf", PDF, tmp_path, DEFAULT_POLICY
    )
    db.commit()
    digest = hashlib.sha256(PDF).hexdigest()
    assert contract.agency_signed_at is None and contract.document_sha256 is None
    row = db.get(Attachment, contract.document_attachment_id)
    assert (row.sha256, row.filename, row.owner_kind) == (digest, "合同_1_.pdf", "contract")
    events = audit_events(db, "contract", contract.id)
    assert [e.action for e in events] == [
        "contract.confirmed",
        "contract.confirmation_cleared",
        "contract.document_changed",
    ]
    assert events[1].data["sides"] == ["agency"]
    assert events[1].data["confirmed_sha256"] == generated
    # Signing the old document is refused; the new one is signed.
    with pytest.raises(Invalid) as caught:
        contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY, document_sha256=generated)
    assert caught.value.errors == {"document_sha256": [Message(contracts.DOCUMENT_CHANGED)]}
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY, document_sha256=digest)
    contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY, document_sha256=digest)
    db.commit()
    assert contract.document_sha256 == digest and contract.signed_at == clock.now()
    assert refusal(
        lambda: contracts.use_generated_document(db, world.applicant, contract.id, DEFAULT_POLICY)
    ) == (contracts.CLOSED_SIGNED)


def test_the_same_document_again_clears_nothing_and_the_generated_one_comes_back(
    world, db, tmp_path
):
    task, agencies, contract = awarded(world)
    contracts.upload_document(
        db, world.applicant, contract.id, "c.pdf", PDF, tmp_path, DEFAULT_POLICY
    )
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    contracts.upload_document(
        db, world.applicant, contract.id, "c.pdf", PDF, tmp_path, DEFAULT_POLICY
    )
    assert contract.agency_signed_at == clock.now()
    contracts.use_generated_document(db, world.applicant, contract.id, DEFAULT_POLICY)
    db.commit()
    assert contract.document_attachment_id is None and contract.agency_signed_at is None


def test_only_the_applicant_uploads_and_only_a_pdf(world, db, tmp_path):
    task, agencies, contract = awarded(world)
    assert refusal(
        lambda: contracts.upload_document(
            db, agencies[0], contract.id, "c.pdf", PDF, tmp_path, DEFAULT_POLICY
        )
    ) == (contracts.ONLY_APPLICANT_DOCUMENT)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 10
    with pytest.raises(Invalid) as caught:
        contracts.upload_document(
            db, world.applicant, contract.id, "c.png", png, tmp_path, DEFAULT_POLICY
        )
    assert caught.value.errors == {"file": [Message(contracts.NOT_PDF)]}
    with pytest.raises(Invalid) as caught:
        contracts.upload_document(
            db, world.applicant, contract.id, "c.pdf", b"", tmp_path, DEFAULT_POLICY
        )
    assert caught.value.errors == {"file": [Message(attachments.EMPTY)]}


def test_the_generated_document_names_the_parties_price_and_notice(world, db):
    task, agencies, contract = awarded(world, "budget")
    text = document.generate(db, contract, DEFAULT_POLICY).text
    agency = world.org(agencies[0])
    award = db.get(Award, contract.award_id)
    for part in (
        agency.name,
        agency.uscc,
        world.org(world.department).name,
        task.number,
        task.title,
        "10,000.00",
        "壹万元整",
        "30 个日历日",
        award.notice_number,
        "书面验收报告",
        "30 日内支付",
    ):
        assert part in text, part


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (1_000_000, "壹万元整"),
        (123_456_789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (100_100, "壹仟零壹元整"),
        (1_000_010_00, "壹佰万零壹拾元整"),
        (10_000_000_000, "壹亿元整"),
        (10_001_000_000, "壹亿零壹万元整"),
        (105, "壹元零伍分"),
        (150, "壹元伍角整"),
        (7, "柒分"),
        (0, "零元整"),
    ],
)
def test_amounts_in_chinese_capitals(fen, capitals):
    assert document.yuan_in_capitals(fen) == capitals


# --- the signing limit -----------------------------------------------------------------------------

SWEEP = contracts.enforce_signing_limits


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
@pytest.mark.parametrize("applicant_confirmed", [False, True])
def test_an_agency_that_did_not_sign_abandons_the_award_to_the_next_in_line(
    world, db, frozen, funding, applicant_confirmed
):
    task, agencies, contract = awarded(world, funding)
    if applicant_confirmed:
        contracts.sign(db, applicant_of(world, funding), contract.id, DEFAULT_POLICY)
        db.commit()
    frozen.set(contract.sign_by - timedelta(microseconds=1))
    assert SWEEP(db, DEFAULT_POLICY) == 0
    frozen.set(contract.sign_by)
    with caught(signals.award_abandoned) as abandoned:
        assert SWEEP(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    db.refresh(contract)
    assert contract.abandoned_at == clock.now()
    first = db.get(Award, contract.award_id)
    assert abandoned == [(first, {"session": db})]
    assert first.revoked_because == ABANDONED
    assert first.revoked_reason == contracts.ABANDONED_REASON % contracts.shanghai_text(
        contract.sign_by
    )
    successor = awards.current(db, task)
    assert successor.rank == 2
    assert db.get(Bid, successor.bid_id).agency_id == agencies[1].organization_id
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert db.exec(select(ApplicantRecord)).all() == []
    # Twice, or a day late, changes nothing more.
    assert SWEEP(db, DEFAULT_POLICY) == 0
    frozen.advance(days=1)
    assert SWEEP(db, DEFAULT_POLICY) == 0
    assert refusal(lambda: contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)) == (
        contracts.CLOSED_ABANDONED
    )
    # The next in line's award becomes final with a contract of its own.
    next_contract = finalize_now(world, task)
    assert next_contract.id != contract.id
    assert next_contract.agency_id == agencies[1].organization_id
    assert next_contract.price_fen == 1_010_000


def test_with_no_one_left_in_line_the_selection_fails(world, db, frozen):
    task, agencies, contract = awarded(world, bids=1)
    frozen.set(contract.sign_by + timedelta(days=1))
    assert SWEEP(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.FAILED
    assert lifecycle.allowed(task, "repost")
    assert SWEEP(db, DEFAULT_POLICY) == 0


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
def test_an_applicant_that_did_not_sign_is_recorded_once_and_may_still_sign(
    world, db, frozen, funding
):
    task, agencies, contract = awarded(world, funding)
    applicant = applicant_of(world, funding)
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    frozen.set(contract.sign_by)
    with caught(signals.applicant_recorded) as recorded:
        assert SWEEP(db, DEFAULT_POLICY) == 1
        assert SWEEP(db, DEFAULT_POLICY) == 0
        frozen.advance(days=1)
        assert SWEEP(db, DEFAULT_POLICY) == 0
    rows = db.exec(select(ApplicantRecord)).all()
    assert [(r.kind, r.org_id, r.task_id, r.contract_id, r.at) for r in rows] == [
        (LATE_SIGNING, applicant.organization_id, task.id, contract.id, contract.sign_by)
    ]
    assert recorded == [(rows[0], {"session": db})]
    assert contract.abandoned_at is None
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.AWARDED
    contracts.sign(db, applicant, contract.id, DEFAULT_POLICY)
    db.commit()
    assert contract.signed_at == clock.now()
    assert len(db.exec(select(ApplicantRecord)).all()) == 1


def test_the_signing_limit_waits_while_the_task_is_suspended(world, db, frozen):
    task, agencies, contract = awarded(world)
    suspensions.suspend(db, task, world.regulator, "调查投诉")
    db.commit()
    frozen.set(contract.sign_by + timedelta(days=1))
    assert SWEEP(db, DEFAULT_POLICY) == 0
    assert contract.abandoned_at is None
    suspensions.resume(db, task, world.regulator, "调查结束")
    db.commit()
    assert SWEEP(db, DEFAULT_POLICY) == 1


# --- termination -----------------------------------------------------------------------------------


def signed(world, funding="private"):
    task, agencies, contract = awarded(world, funding)
    contracts.sign(world.db, agencies[0], contract.id, DEFAULT_POLICY)
    contracts.sign(world.db, applicant_of(world, funding), contract.id, DEFAULT_POLICY)
    world.db.commit()
    return task, agencies, contract


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
@pytest.mark.parametrize("proposer", ["agency", "applicant"])
def test_both_parties_agree_to_end_the_contract(world, db, funding, proposer):
    task, agencies, contract = signed(world, funding)
    people = {"agency": agencies[0], "applicant": applicant_of(world, funding)}
    other = "applicant" if proposer == "agency" else "agency"
    contracts.propose_termination(db, people[proposer], contract.id, "  项目取消  ")
    db.commit()
    assert contract.termination_proposed_side == proposer
    assert contract.termination_proposal_reason == "项目取消"
    assert contract.terminated_at is None
    assert refusal(lambda: contracts.confirm_termination(db, people[proposer], contract.id)) == (
        contracts.OWN_PROPOSAL
    )
    assert refusal(
        lambda: contracts.propose_termination(db, people[other], contract.id, "另一理由")
    ) == (contracts.OTHER_PROPOSED)
    with caught(signals.terminated) as terminated:
        contracts.confirm_termination(db, people[other], contract.id)
        db.commit()
    assert terminated == [(contract, {"session": db, "fault_party": "neither"})]
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.TERMINATED
    assert (contract.terminated_at, contract.fault_party, contract.termination_reason) == (
        clock.now(),
        "neither",
        "项目取消",
    )
    assert audit_events(db, "contract", contract.id)[-1].data == {
        "task": task.number,
        "by": "agreement",
        "fault_party": "neither",
        "reason": "项目取消",
    }


def test_a_proposal_is_withdrawn_by_its_side_only(world, db):
    task, agencies, contract = signed(world)
    assert refusal(lambda: contracts.withdraw_termination(db, agencies[0], contract.id)) == (
        contracts.NO_PROPOSAL
    )
    contracts.propose_termination(db, agencies[0], contract.id, "无法履约")
    assert refusal(lambda: contracts.withdraw_termination(db, world.applicant, contract.id)) == (
        contracts.OTHER_PROPOSED
    )
    contracts.withdraw_termination(db, agencies[0], contract.id)
    assert contract.termination_proposed_at is None
    assert refusal(lambda: contracts.confirm_termination(db, world.applicant, contract.id)) == (
        contracts.NO_PROPOSAL
    )


def test_an_unsigned_contract_is_not_terminated(world, db):
    task, agencies, contract = awarded(world)
    assert refusal(lambda: contracts.propose_termination(db, agencies[0], contract.id, "理由")) == (
        contracts.NOT_TERMINABLE
    )
    assert refusal(
        lambda: contracts.terminate_by_regulator(db, world.regulator, contract.id, "理由", "agency")
    ) == (contracts.NOT_TERMINABLE)


@pytest.mark.parametrize("fault", ["agency", "applicant", "neither"])
def test_a_regulator_terminates_naming_the_party_at_fault(world, db, fault):
    task, agencies, contract = signed(world)
    with caught(signals.terminated) as terminated:
        contracts.terminate_by_regulator(db, world.regulator, contract.id, "严重违约", fault)
        db.commit()
    assert terminated == [(contract, {"session": db, "fault_party": fault})]
    assert (contract.fault_party, contract.terminated_by_user_id) == (fault, world.regulator.id)
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.TERMINATED


def test_a_party_never_terminates_alone_and_a_regulator_names_the_fault(world, db, make):
    task, agencies, contract = signed(world)
    for party in (agencies[0], world.applicant):
        assert refusal(
            lambda p=party: contracts.terminate_by_regulator(
                db, p, contract.id, "对方违约", "agency"
            )
        ) == (contracts.ONLY_REGULATOR)
    with pytest.raises(Invalid) as caught_:
        contracts.terminate_by_regulator(db, world.regulator, contract.id, "", "everyone")
    assert set(caught_.value.errors) == {"reason", "fault_party"}
    assert caught_.value.errors["fault_party"] == [Message(contracts.BAD_FAULT)]
    elsewhere = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(NotFound):
        contracts.terminate_by_regulator(db, elsewhere, contract.id, "理由", "agency")
    assert contract.terminated_at is None


# --- the pages -------------------------------------------------------------------------------------


def client_of(app, user):
    """A client logged in as `user`, reading English."""
    client = app.test_client()
    login(client, user)
    client.get("/?lang=en")
    return client


def test_both_sides_sign_on_the_page(app, world, db):
    task, agencies, contract = awarded(world)
    agency, applicant = client_of(app, agencies[0]), client_of(app, world.applicant)
    page = agency.get(f"/contracts/{contract.id}").get_data(as_text=True)
    sha = document.generate(db, contract, DEFAULT_POLICY).sha256
    assert f'value="{sha}"' in page
    assert "10,000.00" in page
    response = agency.post(
        f"/contracts/{contract.id}/sign", data={"sign-document_sha256": sha}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Your side confirmed the contract; it is signed once the other does." in (
        response.get_data(as_text=True)
    )
    response = applicant.post(
        f"/contracts/{contract.id}/sign", data={"sign-document_sha256": sha}, follow_redirects=True
    )
    assert "The contract is signed by both sides." in response.get_data(as_text=True)
    db.refresh(contract)
    assert contract.signed_at == clock.now()


def test_a_refused_confirmation_says_why_on_the_page(app, world, db, frozen):
    task, agencies, contract = awarded(world)
    frozen.set(contract.sign_by)
    response = client_of(app, agencies[0]).post(
        f"/contracts/{contract.id}/sign", data={"sign-document_sha256": "0" * 64}
    )
    assert response.status_code == 422
    assert "The contract document changed since you read it: read it again before you confirm." in (
        response.get_data(as_text=True)
    )
    response = client_of(app, agencies[0]).post(f"/contracts/{contract.id}/sign", data={})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    text = f"The time to sign this contract ended at {contracts.shanghai_text(contract.sign_by)}."
    assert page.count(text) == 2  # the form's failure, and the reason the page gives


def test_the_applicant_uploads_a_pdf_on_the_page_and_both_download_it(app, world, db):
    task, agencies, contract = awarded(world)
    applicant = client_of(app, world.applicant)
    response = applicant.post(
        f"/contracts/{contract.id}/document",
        data={"file": (io.BytesIO(b"not a pdf"), "合同.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Only PDF, PNG and JPEG files are accepted" in response.get_data(as_text=True)
    response = applicant.post(
        f"/contracts/{contract.id}/document",
        data={"file": (io.BytesIO(PDF), "合同.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "The contract document is uploaded." in response.get_data(as_text=True)
    assert hashlib.sha256(PDF).hexdigest() in response.get_data(as_text=True)
    for client in (applicant, client_of(app, agencies[0]), client_of(app, world.regulator)):
        download = client.get(f"/contracts/{contract.id}/document/file")
        assert (download.status_code, download.data) == (200, PDF)
    assert app.test_client().get(f"/contracts/{contract.id}/document/file").status_code == 404
    assert client_of(app, agencies[1]).get(f"/contracts/{contract.id}/document").status_code == 404


def test_termination_on_the_pages(app, world, db):
    task, agencies, contract = signed(world)
    agency, applicant = client_of(app, agencies[0]), client_of(app, world.applicant)
    response = agency.post(f"/contracts/{contract.id}/termination", data={"propose-reason": ""})
    assert response.status_code == 422
    response = agency.post(
        f"/contracts/{contract.id}/termination",
        data={"propose-reason": "项目取消"},
        follow_redirects=True,
    )
    assert "awaits the other side" in response.get_data(as_text=True)
    response = applicant.post(
        f"/contracts/{contract.id}/termination/confirm", data={}, follow_redirects=True
    )
    assert "The contract is terminated by agreement." in response.get_data(as_text=True)
    db.refresh(contract)
    assert contract.fault_party == "neither"


def test_a_regulator_terminates_on_the_page_and_a_missing_fault_keeps_the_reason(app, world, db):
    task, agencies, contract = signed(world)
    regulator = client_of(app, world.regulator)
    response = regulator.post(
        f"/contracts/{contract.id}/termination/regulator", data={"terminate-reason": "严重违约"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say which party is at fault: the agency, the applicant or neither." in page
    assert "严重违约</textarea>" in page
    response = regulator.post(
        f"/contracts/{contract.id}/termination/regulator",
        data={"terminate-reason": "严重违约", "terminate-fault_party": "agency"},
        follow_redirects=True,
    )
    assert "The contract is terminated." in response.get_data(as_text=True)
    db.refresh(contract)
    assert (contract.fault_party, contract.termination_reason) == ("agency", "严重违约")


# --- the API ---------------------------------------------------------------------------------------


def api_client(app, user):
    client = app.test_client()
    login(client, user)
    return client


@pytest.mark.parametrize("funding", ["private", "state_owned", "budget"])
def test_both_sides_sign_through_the_api(app, world, db, funding):
    task, agencies, contract = awarded(world, funding)
    agency = api_client(app, agencies[0])
    applicant = api_client(app, applicant_of(world, funding))
    shown = agency.get(f"/api/v1/contracts/{contract.id}").get_json()
    assert shown["state"] == "awaiting_signatures"
    assert shown["my_side"] == "agency"
    assert shown["actions"]["sign"] is True
    assert shown["price_fen"] == 1_000_000
    sha = shown["document"]["sha256"]
    response = agency.post(f"/api/v1/contracts/{contract.id}/sign", json={"document_sha256": sha})
    assert response.status_code == 200
    assert response.get_json()["agency_signed_at"] == clock.now().isoformat()
    assert response.get_json()["actions"]["sign"] is False
    response = applicant.post(f"/api/v1/contracts/{contract.id}/sign", json={})
    body = response.get_json()
    assert (response.status_code, body["state"]) == (200, "signed")
    assert body["signed_document_sha256"] == sha
    assert [r["id"] for r in agency.get("/api/v1/contracts").get_json()["items"]] == [contract.id]
    assert applicant.get("/api/v1/contracts").get_json()["items"][0]["my_side"] == "applicant"


def test_the_api_answers_problems_with_exact_messages(app, world, db, tmp_path):
    task, agencies, contract = awarded(world)
    other = api_client(app, agencies[1])
    other.get("/?lang=en")
    response = other.get(f"/api/v1/contracts/{contract.id}")
    assert response.status_code == 404
    assert other.get("/api/v1/contracts").get_json() == {"items": []}
    assert app.test_client().post(f"/api/v1/contracts/{contract.id}/sign", json={}).status_code == (
        401
    )
    agency = api_client(app, agencies[0])
    agency.get("/?lang=en")
    response = agency.post(f"/api/v1/contracts/{contract.id}/sign", json={"document_sha256": "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "document_sha256": [
            "The contract document changed since you read it: read it again before you confirm."
        ]
    }
    response = agency.post(
        f"/api/v1/contracts/{contract.id}/document",
        data={"file": (io.BytesIO(PDF), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only the applicant provides the contract document."
    response = agency.post(f"/api/v1/contracts/{contract.id}/termination", json={"reason": "x"})
    assert response.status_code == 403
    assert response.get_json()["detail"] == (
        "Only a signed contract whose work is not yet accepted can be terminated."
    )


def test_upload_and_termination_through_the_api(app, world, db):
    task, agencies, contract = awarded(world)
    applicant, agency = api_client(app, world.applicant), api_client(app, agencies[0])
    response = applicant.post(
        f"/api/v1/contracts/{contract.id}/document",
        data={"file": (io.BytesIO(PDF), "合同.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.get_json()["document"] == {
        "source": "uploaded",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "filename": "合同.pdf",
        "size": len(PDF),
    }
    agency.post(f"/api/v1/contracts/{contract.id}/sign", json={})
    applicant.post(f"/api/v1/contracts/{contract.id}/sign", json={})
    response = applicant.post(
        f"/api/v1/contracts/{contract.id}/termination", json={"reason": "项目取消"}
    )
    assert response.get_json()["termination_proposal"]["side"] == "applicant"
    assert response.get_json()["actions"]["withdraw_termination"] is True
    response = agency.post(f"/api/v1/contracts/{contract.id}/termination/confirm")
    assert (response.status_code, response.get_json()["state"]) == (200, "terminated")
    assert response.get_json()["fault_party"] == "neither"


def test_a_regulator_terminates_through_the_api(app, world, db):
    task, agencies, contract = signed(world)
    regulator = api_client(app, world.regulator)
    shown = regulator.get(f"/api/v1/contracts/{contract.id}").get_json()
    assert shown["my_side"] is None and shown["actions"]["terminate"] is True
    response = regulator.post(
        f"/api/v1/contracts/{contract.id}/termination/regulator",
        json={"reason": "严重违约", "fault_party": "applicant"},
    )
    assert (response.status_code, response.get_json()["fault_party"]) == (200, "applicant")


# --- the applicant's record ------------------------------------------------------------------------


def test_a_late_signing_is_on_the_applicants_public_record(app, world, db, frozen):
    task, agencies, contract = awarded(world)
    org_id = world.applicant.organization_id
    assert app.test_client().get(f"/api/v1/organizations/{org_id}/record").get_json() == {
        "organization": {
            "id": org_id,
            "name": "测试企业有限公司",
            "uscc": world.org(world.applicant).uscc,
        },
        "items": [],
    }
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    frozen.set(contract.sign_by + timedelta(hours=3))
    assert SWEEP(db, DEFAULT_POLICY) == 1
    public = app.test_client()
    public.get("/?lang=en")
    text = (
        f"Did not confirm the contract for task {task.number} by its signing limit "
        f"({contracts.shanghai_text(contract.sign_by)})."
    )
    assert public.get(f"/api/v1/organizations/{org_id}/record").get_json()["items"] == [
        {"kind": "late_signing", "at": clock.now().isoformat(), "task": task.number, "text": text}
    ]
    page = public.get(f"/organizations/{org_id}")
    assert page.status_code == 200
    assert text in page.get_data(as_text=True)
    # Regulators and operators have no such page.
    assert public.get(f"/organizations/{world.regulator.organization_id}").status_code == 404
    assert (
        public.get(f"/api/v1/organizations/{world.regulator.organization_id}/record").status_code
        == 404
    )


def test_everyone_sees_that_a_contract_was_signed_and_nothing_before(app, world, db):
    task, agencies, contract = awarded(world)
    public = app.test_client()
    public.get("/?lang=en")
    assert public.get(f"/api/v1/tasks/{task.number}/contracts").get_json() == {
        "task": task.number,
        "items": [],
    }
    assert f"/contracts/{contract.id}" not in public.get(f"/tasks/{task.number}").get_data(
        as_text=True
    )
    assert f"/contracts/{contract.id}" in client_of(app, agencies[0]).get(
        f"/tasks/{task.number}"
    ).get_data(as_text=True)
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    contracts.sign(db, world.applicant, contract.id, DEFAULT_POLICY)
    db.commit()
    items = public.get(f"/api/v1/tasks/{task.number}/contracts").get_json()["items"]
    assert items == [
        {
            "signed_at": clock.now().isoformat(),
            "price_fen": 1_000_000,
            "agency": {
                "id": agencies[0].organization_id,
                "name": world.org(agencies[0]).name,
                "uscc": world.org(agencies[0]).uscc,
            },
            "applicant": {
                "id": world.applicant.organization_id,
                "name": "测试企业有限公司",
                "uscc": world.org(world.applicant).uscc,
            },
            "terminated_at": None,
        }
    ]
    for url in (f"/tasks/{task.number}/award", f"/tasks/{task.number}"):
        page = public.get(url).get_data(as_text=True)
        assert world.org(agencies[0]).name in page and "10,000.00" in page, url
        assert f"/organizations/{world.applicant.organization_id}" in page, url
        assert f"/contracts/{contract.id}" not in page, url


def test_a_category_with_its_own_template_uses_it_and_others_the_default(world, db):
    task, agencies, contract = awarded(world)  # an EIA report: the environment category
    generated = document.generate(db, contract, DEFAULT_POLICY)
    assert generated.template == "environment.txt"
    assert "环境影响评价技术导则" in generated.text
    assert generated.sha256 == hashlib.sha256(generated.text.encode("utf-8")).hexdigest()
    other, _, other_contract = awarded(world, service_item="SWC-PLAN", bids=1)
    generated = document.generate(db, other_contract, DEFAULT_POLICY)
    assert generated.template == "default.txt"
    assert "环境影响评价技术导则" not in generated.text
    assert "第四条 验收" in generated.text and "第五条 合同的解除" in generated.text


def test_the_document_stays_as_it_is_after_the_signing_limit(world, db, frozen, tmp_path):
    task, agencies, contract = awarded(world)
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    frozen.set(contract.sign_by)
    with pytest.raises(Forbidden) as caught:
        contracts.upload_document(
            db, world.applicant, contract.id, "c.pdf", PDF, tmp_path, DEFAULT_POLICY
        )
    assert caught.value.message == Message(
        contracts.DOCUMENT_LATE, {"at": contracts.shanghai_text(contract.sign_by)}
    )
    assert contract.agency_signed_at is not None


def test_a_delivered_contract_may_be_terminated_and_an_accepted_one_not(world, db):
    task, agencies, contract = signed(world)
    lifecycle.transition(db, task, "deliver")
    contracts.propose_termination(db, agencies[0], contract.id, "无法继续")
    lifecycle.transition(db, task, "accept")
    assert refusal(lambda: contracts.confirm_termination(db, world.applicant, contract.id)) == (
        contracts.NOT_TERMINABLE
    )


def test_a_signed_contract_stays_signed_when_the_generated_text_would_read_otherwise(world, db):
    task, agencies, contract = signed(world)
    sha = contract.document_sha256
    agency = world.org(agencies[0])
    agency.name = "吉林更名后咨询有限公司"  # the generated text names the parties
    db.add(agency)
    db.commit()
    assert document.generate(db, contract, DEFAULT_POLICY).sha256 != sha
    contracts.sign(db, agencies[0], contract.id, DEFAULT_POLICY)
    db.commit()
    assert (contract.document_sha256, contract.agency_signed_at) == (sha, contract.signed_at)
    assert contract.applicant_signed_at is not None


def test_only_parties_have_a_list_of_contracts(app, world):
    regulator = client_of(app, world.regulator)
    assert regulator.get("/contracts").status_code == 403
    response = regulator.get("/api/v1/contracts")
    assert (response.status_code, response.get_json()["detail"]) == (
        403,
        "Only agencies, enterprises and departments are parties to contracts.",
    )
    assert app.test_client().get("/api/v1/contracts").status_code == 401
    assert app.test_client().get("/contracts").status_code == 302  # to the login page
