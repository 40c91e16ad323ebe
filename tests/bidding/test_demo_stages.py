"""`seed demo` leaves a task at every stage, made by the real services with the clock moved back,
and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from bidding import awards, demo, panel, progress, selection
from bidding.contracts import delivery
from bidding.draws import records
from bidding.models import Bid, Complaint, Contract, ExplanationRequest, Objection, PanelMark
from bidding.policy import DEFAULT_POLICY
from market import attachments, audit, lifecycle, suspensions
from market.demo import load_all
from market.models import AuditEvent, Organization, Task


def by_title(db) -> dict[str, Task]:
    return {t.title: t for t in db.exec(select(Task).where(Task.title.in_(demo.TITLES)))}


def test_the_demo_has_a_task_at_every_stage(app, db, frozen):
    lines = load_all(app, db)
    db.flush()
    assert lines[1] == "demo tasks loaded (13, at every stage)"
    found = by_title(db)
    now = frozen.now()
    assert {title: lifecycle.status(t, now) for title, t in found.items()} == {
        demo.OPEN: lifecycle.OPEN,
        demo.OPENED: lifecycle.OPENED,
        demo.SCORING: lifecycle.OPENED,
        demo.PUBLICITY: lifecycle.PUBLICITY,
        demo.AVERAGE: lifecycle.PUBLICITY,
        demo.FAILED: lifecycle.FAILED,
        demo.CANCELLED: lifecycle.CANCELLED,
        demo.RANDOM: lifecycle.OPEN,
        demo.COMPLAINED: lifecycle.SUSPENDED,
        demo.AWARDED: lifecycle.AWARDED,
        demo.CONTRACTED: lifecycle.CONTRACTED,
        demo.DELIVERED: lifecycle.DELIVERED,
        demo.ACCEPTED: lifecycle.ACCEPTED,
    }
    waiting = delivery.contract_of(db, found[demo.DELIVERED])
    (pending,) = delivery.deliverables(db, waiting)
    assert pending.decided_at is None and pending.decide_by > now
    assert waiting.on_time is True
    paid = delivery.contract_of(db, found[demo.ACCEPTED])
    assert paid.accepted_at == now - timedelta(days=3) and paid.acceptance_report
    assert paid.payment_reference == "国库集中支付 2026-0417"
    assert paid.paid_at < paid.payment_due_at and paid.payment_overdue_at is None
    assert delivery.rating_ends_at(db, paid, DEFAULT_POLICY) > now

    open_task = found[demo.OPEN]
    assert open_task.published_at == now - timedelta(days=1)
    bids = db.exec(select(Bid).where(Bid.task_id == open_task.id).order_by(Bid.id)).all()
    assert len(bids) == 3
    assert lifecycle.sealed(open_task)
    # The first bidder's files: two uploaded at once, both attached, their hashes in its receipt.
    files = attachments.bid_files(db, open_task, bids[0].agency_id)
    assert [f.filename for f in files] == ["资质证明.pdf", "项目组人员表.pdf"]
    assert bids[0].attachments == sorted(f.sha256 for f in files)

    random_task = found[demo.RANDOM]
    (sign_up,) = db.exec(select(Bid).where(Bid.task_id == random_task.id))
    assert sign_up.price_fen == random_task.fixed_fee_fen

    opened = found[demo.OPENED]
    assert opened.opened_at == now - timedelta(hours=1)
    (request,) = db.exec(select(ExplanationRequest).where(ExplanationRequest.task_id == opened.id))
    assert db.get(Bid, request.bid_id).price_fen == 60_000_00
    assert request.due_at > now
    assert records.opening_of(db, opened).validity_final_at is None

    scoring = found[demo.SCORING]
    assert records.opening_of(db, scoring).validity_final_at == now - timedelta(hours=3)
    members = panel.active_members(db, scoring)
    assert len(members) == 3
    assert [m.declared_at is not None for m in members] == [True, False, False]
    (mark,) = db.exec(select(PanelMark).where(PanelMark.task_id == scoring.id))
    assert (mark.expert_org_id, mark.mark) == (members[0].expert_org_id, 82)

    (awaiting,) = db.exec(select(Contract).where(Contract.task_id == found[demo.AWARDED].id))
    assert awaiting.signed_at is None and awaiting.sign_by > now
    (signed,) = db.exec(select(Contract).where(Contract.task_id == found[demo.CONTRACTED].id))
    assert signed.signed_at == signed.applicant_signed_at > signed.agency_signed_at
    assert signed.price_fen == 168_000_00

    publicity = found[demo.PUBLICITY]
    assert publicity.publicity_at == now - timedelta(days=3)
    candidate = db.get(Bid, awards.current(db, publicity).bid_id)
    winner = db.get(Organization, candidate.agency_id)
    assert (candidate.price_fen, winner.name) == (186_000_00, "长春市精诚测绘有限公司")
    assert [e.rank for e in selection.ranking_of(db, publicity)] == [1, 2, 3]

    failed = found[demo.FAILED]
    assert failed.failed_at == now - timedelta(days=2)
    assert progress.advance(db, failed, None) == lifecycle.FAILED

    complained = found[demo.COMPLAINED]
    (objection,) = db.exec(select(Objection).where(Objection.task_id == complained.id))
    assert objection.answered_at == now - timedelta(days=1)
    (complaint,) = db.exec(select(Complaint).where(Complaint.task_id == complained.id))
    assert complaint.decided_at is None
    assert suspensions.current(db, complained).cause == f"complaint:{complaint.id}"

    cancelled = found[demo.CANCELLED]
    assert cancelled.cancelled_at == now - timedelta(days=1)
    assert cancelled.cancel_reason == "项目选址调整，原委托事项不再实施。"


def test_a_second_run_changes_nothing(app, db):
    load_all(app, db)
    db.commit()
    events = db.exec(select(func.count()).select_from(AuditEvent)).one()
    published = select(func.count()).where(AuditEvent.action == "task.publish")
    # and the direct, the surveying and the card-paid (escrow) tasks, and the honour roll demo's
    # six (five won, one scoring)
    assert db.exec(published).one() == len(demo.TITLES) + 3 + 6
    assert load_all(app, db) == [
        "demo data already loaded",
        "demo tasks already loaded",
        "card payment demo already loaded",
        "demo payments already loaded",
        "demo ratings already loaded",
        "ratings review demo already loaded",
        "exit rules demo already loaded",
        "dishonesty demo already loaded",
        "credit repair demo already loaded",
        "honour roll demo already loaded",
    ]
    db.commit()
    assert len(by_title(db)) == len(demo.TITLES)
    assert db.exec(select(func.count()).select_from(AuditEvent)).one() == events


def test_the_audit_chain_of_the_demo_verifies(app, db):
    """The past stages were recorded at the moved clock's times, and the chain still holds."""
    load_all(app, db)
    db.commit()
    assert audit.verify(db) == []
