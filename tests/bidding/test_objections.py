"""Objections to an award candidate, answers, complaints, suspensions and decisions
(docs/rules.md §4): the rules of `bidding.objections.services`, under the frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import awards, notifying, signals
from bidding.models import Bid, Complaint, Objection
from bidding.models.objections import CHALLENGE, DISMISSED, UPHELD
from bidding.models.results import COMPLAINT_UPHELD
from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY
from market import clock, holidays, lifecycle, suspensions
from market.models import AuditEvent, Notification, Task, TaskSuspension
from market.validation import Forbidden, Invalid
from market.workdays import shanghai_date
from tests.bidding.test_awards import in_publicity

P = DEFAULT_POLICY
SWEEP = objections.record_lapsed_objections


def message_of(excinfo) -> str:
    return excinfo.value.message.msgid % dict(excinfo.value.message.params)


def actions(db, number: str) -> list[str]:
    """The task's audit actions so far (events are written when the session commits)."""
    db.commit()
    return [
        e.action
        for e in db.exec(
            select(AuditEvent).where(AuditEvent.object_id == number).order_by(AuditEvent.id)
        )
    ]


def objected(world, db, **publicity):
    """A task in publicity with 3 bidders; the second objects to the candidate (the first)."""
    task, agencies = in_publicity(world, **publicity)
    row = objections.file_objection(db, agencies[1], task.number, "中选价格低于成本", P)
    db.commit()
    return task, agencies, row


def complained(world, db, **publicity):
    task, agencies, row = objected(world, db, **publicity)
    objections.answer_objection(db, world.applicant_of(task), row.id, "价格经核实合理", P)
    db.commit()
    complaint = objections.file_complaint(db, agencies[1], row.id, "答复未回应成本问题", P)
    db.commit()
    return task, agencies, row, complaint


@pytest.fixture(autouse=True)
def _applicant_of(world, monkeypatch):
    """`world.applicant_of(task)`: the user who posted `task` (the enterprise or the department)."""

    def applicant_of(task: Task):
        department = world._department
        if department is not None and department.organization_id == task.applicant_org_id:
            return department
        return world.applicant

    monkeypatch.setattr(world, "applicant_of", applicant_of, raising=False)


# --- objecting ------------------------------------------------------------------------------------


def test_a_bidder_objects_until_just_before_the_end_of_the_period(world, db, frozen):
    task, agencies = in_publicity(world)
    award = awards.current(db, task)
    frozen.set(award.objections_until - timedelta(microseconds=1))
    row = objections.file_objection(db, agencies[1], task.number, "  中选价格低于成本  ", P)
    assert row.grounds == "中选价格低于成本"
    assert row.kind == "objection" and row.award_id == award.id
    assert row.answer_due_at == holidays.load(db).add_working_days(clock.now(), 3)
    assert actions(db, task.number)[-1] == "objection.filed"
    frozen.set(award.objections_until)
    with pytest.raises(Forbidden) as refused:
        objections.file_objection(db, agencies[2], task.number, "理由", P)
    last_day = shanghai_date(award.objections_until - timedelta(microseconds=1))
    assert message_of(refused) == f"The objection period ended on {last_day.isoformat()}."


def test_a_budget_task_takes_a_challenge_answered_within_7_working_days(world, db, frozen):
    task, agencies = in_publicity(
        world, by=world.department, funding="budget", budget_code="B-1", min_bids=3
    )
    award = awards.current(db, task)
    frozen.set(award.publicity_ends_at + timedelta(hours=1))  # after publicity, within 7 wd
    row = objections.file_objection(db, agencies[2], task.number, "评审不公", P)
    assert row.kind == CHALLENGE
    assert row.answer_due_at == holidays.load(db).add_working_days(clock.now(), 7)


@pytest.mark.parametrize(
    "who, message",
    [
        ("outsider", "Only an agency that bid on this task may object to its result."),
        ("candidate", "Your agency is the award candidate."),
    ],
)
def test_only_a_bidder_other_than_the_candidate_objects(world, db, who, message):
    task, agencies = in_publicity(world)
    actor = world.agency() if who == "outsider" else agencies[0]
    with pytest.raises(Forbidden) as refused:
        objections.file_objection(db, actor, task.number, "理由", P)
    assert message_of(refused) == message


def test_the_applicant_may_not_object(world, db):
    task, _ = in_publicity(world)
    with pytest.raises(Forbidden) as refused:
        objections.file_objection(db, world.applicant, task.number, "理由", P)
    assert message_of(refused) == "Your organization's kind may not do this."


def test_a_second_objection_waits_for_the_answer_of_the_first(world, db):
    task, agencies, row = objected(world, db)
    with pytest.raises(Forbidden) as refused:
        objections.file_objection(db, agencies[1], task.number, "再次异议", P)
    assert message_of(refused) == (
        "Your agency already has an objection to this award candidate awaiting its answer: "
        "wait for the answer before objecting again."
    )
    objections.file_objection(db, agencies[2], task.number, "另一家的异议", P)  # another agency
    objections.answer_objection(db, world.applicant, row.id, "已核实", P)
    again = objections.file_objection(db, agencies[1], task.number, "新的理由", P)
    assert again.id != row.id


def test_grounds_are_required_and_bounded(world, db):
    task, agencies = in_publicity(world)
    for grounds, message in (
        ("  ", "This field is required."),
        ("异" * 5001, "At most %(max)d characters (you gave %(n)d)."),
    ):
        with pytest.raises(Invalid) as refused:
            objections.file_objection(db, agencies[1], task.number, grounds, P)
        assert [m.msgid for m in refused.value.errors["grounds"]] == [message]
    assert objections.file_objection(db, agencies[1], task.number, "异" * 5000, P).id


# --- answering ------------------------------------------------------------------------------------


def test_the_applicant_answers_and_a_late_answer_is_marked_late(world, db, frozen):
    task, agencies, row = objected(world, db)
    frozen.set(row.answer_due_at - timedelta(microseconds=1))
    objections.answer_objection(db, world.applicant, row.id, "价格经核实合理", P)
    assert not objections.answered_late(row)
    assert row.complaint_due_at == holidays.load(db).add_working_days(clock.now(), 15)
    with pytest.raises(Forbidden) as refused:
        objections.answer_objection(db, world.applicant, row.id, "再答", P)
    assert message_of(refused) == "This objection has already been answered."

    late = objections.file_objection(db, agencies[2], task.number, "理由", P)
    frozen.set(late.answer_due_at)
    objections.answer_objection(db, world.applicant, late.id, "迟到的答复", P)
    assert objections.answered_late(late)
    assert late.complaint_due_at == holidays.load(db).add_working_days(clock.now(), 15)
    db.commit()
    event = db.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.data["late"]) == ("objection.answered", True)


def test_only_the_applicant_answers(world, db):
    task, agencies, row = objected(world, db)
    with pytest.raises(Forbidden) as refused:
        objections.answer_objection(db, agencies[2], row.id, "答复", P)
    assert message_of(refused) == "Your organization's kind may not do this."


def test_an_unanswered_objection_holds_the_award_back_until_answered_late(world, db, frozen):
    task, agencies, row = objected(world, db)
    award = awards.current(db, task)
    frozen.set(max(row.answer_due_at, award.publicity_ends_at) + timedelta(days=3))
    assert awards.finalize_due_awards(db, P) == 0
    objections.answer_objection(db, world.applicant, row.id, "迟到的答复", P)
    db.commit()
    assert awards.finalize_due_awards(db, P) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.AWARDED


# --- the lapse sweep ------------------------------------------------------------------------------


def test_the_sweep_records_a_lapse_once_on_time_and_the_same_a_day_late(world, db, frozen):
    task, agencies, row = objected(world, db)
    expected = holidays.load(db).add_working_days(row.answer_due_at - timedelta(microseconds=1), 15)
    frozen.set(row.answer_due_at - timedelta(microseconds=1))
    assert SWEEP(db, P) == 0
    # The complaint window is known before the sweep records it.
    assert objections.complaint_due(db, row, P, row.answer_due_at) == expected
    frozen.set(row.answer_due_at + timedelta(days=1))  # a day late
    assert SWEEP(db, P) == 1
    db.refresh(row)
    assert row.complaint_due_at == expected
    assert SWEEP(db, P) == 0
    frozen.advance(days=1)
    assert SWEEP(db, P) == 0
    assert actions(db, task.number).count("objection.lapsed") == 1


def test_a_lapsed_objection_can_be_complained_about_before_the_sweep(world, db, frozen):
    task, agencies, row = objected(world, db)
    frozen.set(row.answer_due_at)
    complaint = objections.file_complaint(db, agencies[1], row.id, "未答复", P)
    assert row.complaint_due_at == objections.lapsed_complaint_due(db, row, P)
    assert complaint.decide_by == holidays.load(db).add_working_days(clock.now(), 30)
    assert SWEEP(db, P) == 0


# --- complaining ----------------------------------------------------------------------------------


def test_a_complaint_waits_for_the_answer_or_its_lapse(world, db, frozen):
    task, agencies, row = objected(world, db)
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[1], row.id, "投诉", P)
    last_day = shanghai_date(row.answer_due_at - timedelta(microseconds=1))
    assert message_of(refused) == (
        f"The objection awaits the applicant's answer until {last_day.isoformat()}: a complaint "
        "can be filed after the answer, or once that time has run out."
    )


def test_a_complaint_is_taken_until_just_before_its_limit(world, db, frozen):
    task, agencies, row = objected(world, db)
    objections.answer_objection(db, world.applicant, row.id, "已核实", P)
    db.commit()
    frozen.set(row.complaint_due_at)
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[1], row.id, "投诉", P)
    last_day = shanghai_date(row.complaint_due_at - timedelta(microseconds=1))
    assert message_of(refused) == f"The time to complain ended on {last_day.isoformat()}."
    frozen.set(row.complaint_due_at - timedelta(microseconds=1))
    complaint = objections.file_complaint(db, agencies[1], row.id, "投诉", P)
    assert complaint.agency_id == agencies[1].organization_id
    assert actions(db, task.number)[-1] == "complaint.filed"
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[1], row.id, "再次投诉", P)
    assert message_of(refused) == "A complaint about this objection has already been filed."


def test_only_the_objector_complains(world, db):
    task, agencies, row = objected(world, db)
    objections.answer_objection(db, world.applicant, row.id, "已核实", P)
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[2], row.id, "投诉", P)
    assert message_of(refused) == "Only the agency that filed the objection may complain about it."


def test_no_complaint_after_signing(world, db, frozen):
    task, agencies, row = objected(world, db)
    objections.answer_objection(db, world.applicant, row.id, "已核实", P)
    db.commit()
    frozen.set(awards.current(db, task).publicity_ends_at)
    assert awards.finalize_due_awards(db, P) == 1
    db.refresh(task)
    lifecycle.transition(db, task, "contract")  # the contract is signed (the contracts' room)
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[1], row.id, "投诉", P)
    assert message_of(refused) == (
        "The contract has been signed: a complaint is no longer taken for this task."
    )


def test_a_pending_complaint_holds_the_award_back_and_nothing_is_signed(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    frozen.set(awards.current(db, task).publicity_ends_at + timedelta(days=2))
    assert awards.complaint_pending(db, task.id)
    assert awards.finalize_due_awards(db, P) == 0


# --- the regulator --------------------------------------------------------------------------------


def test_a_regulator_outside_the_jurisdiction_is_refused(world, db, make):
    task, agencies, row, complaint = complained(world, db)
    beijing = make.staff("regulator", region_prefixes=["11"])
    expected = "Only a regulator whose jurisdiction covers this task may do this."
    with pytest.raises(Forbidden) as refused:
        objections.suspend_for(db, beijing, complaint.id, "调查")
    assert message_of(refused) == expected
    with pytest.raises(Forbidden) as refused:
        objections.decide(db, beijing, complaint.id, UPHELD, "成立", None, P)
    assert message_of(refused) == expected
    assert objections.queue(db, beijing, "undecided")["counts"] == {"undecided": 0, "decided": 0}
    assert objections.queue(db, world.regulator, "undecided")["rows"] == [(complaint, task)]


def test_upheld_revokes_the_candidate_and_the_next_in_line_enters_publicity(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    first = awards.current(db, task)
    objections.suspend_for(db, world.regulator, complaint.id, "调查期间暂停")
    db.commit()
    assert lifecycle.status(task) == lifecycle.SUSPENDED
    seen = []

    def heard(sender, *, session, **_):
        seen.append(sender)

    signals.complaint_decided.connect(heard)
    try:
        frozen.advance(days=2)
        objections.decide(
            db,
            world.regulator,
            complaint.id,
            UPHELD,
            "中选人报价低于成本且未作说明",
            agencies[0].organization_id,
            P,
        )
    finally:
        signals.complaint_decided.disconnect(heard)
    db.commit()
    db.refresh(task)
    assert seen == [complaint]
    assert complaint.decision == UPHELD and complaint.decided_at == clock.now()
    assert complaint.conduct_agency_id == agencies[0].organization_id
    assert first.revoked_because == COMPLAINT_UPHELD
    successor = awards.current(db, task)
    assert successor.rank == 2
    assert db.get(Bid, successor.bid_id).agency_id == agencies[1].organization_id
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    assert task.suspended_at is None
    (stop,) = suspensions.history(db, task)
    assert stop.cause == f"complaint:{complaint.id}" and stop.ended_at == clock.now()
    assert actions(db, task.number)[-5:] == [
        "task.suspend",
        "complaint.decided",
        "task.resume",
        "task.revoke_award",
        "award.handed_over",
    ]


def test_upheld_with_no_one_left_fails_the_selection(world, db):
    task, agencies = in_publicity(world, bids=2)
    row = objections.file_objection(db, agencies[1], task.number, "理由", P)
    objections.answer_objection(db, world.applicant, row.id, "答复", P)
    complaint = objections.file_complaint(db, agencies[1], row.id, "投诉", P)
    objections.decide(db, world.regulator, complaint.id, UPHELD, "成立", None, P)
    successor = awards.current(db, task)
    assert successor.rank == 2
    # The revoked candidate's bidder objects to the successor in turn: upheld, no one is left.
    row2 = objections.file_objection(db, agencies[0], task.number, "理由二", P)
    objections.answer_objection(db, world.applicant, row2.id, "答复二", P)
    complaint2 = objections.file_complaint(db, agencies[0], row2.id, "投诉二", P)
    objections.decide(db, world.regulator, complaint2.id, UPHELD, "成立", None, P)
    assert lifecycle.status(task) == lifecycle.FAILED


def test_the_whole_path_for_a_budget_task(world, db, frozen):
    task, agencies, row, complaint = complained(
        world, db, by=world.department, funding="budget", budget_code="B-1", min_bids=3
    )
    assert row.kind == CHALLENGE
    objections.suspend_for(db, world.regulator, complaint.id, "调查期间暂停")
    objections.decide(db, world.regulator, complaint.id, UPHELD, "成立", None, P)
    successor = awards.current(db, task)
    assert successor.rank == 2 and lifecycle.status(task) == lifecycle.PUBLICITY
    assert successor.objections_until == max(
        successor.publicity_ends_at, holidays.load(db).add_working_days(clock.now(), 7)
    )


def test_dismissed_resumes_and_the_award_becomes_final_by_the_sweep(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    award = awards.current(db, task)
    objections.suspend_for(db, world.regulator, complaint.id, "调查期间暂停")
    db.commit()
    frozen.set(award.publicity_ends_at + timedelta(days=1))
    assert awards.finalize_due_awards(db, P) == 0  # suspended, and the complaint pending
    objections.decide(db, world.regulator, complaint.id, DISMISSED, "答复已回应", None, P)
    db.commit()
    db.refresh(task)
    assert task.suspended_at is None and lifecycle.status(task) == lifecycle.PUBLICITY
    assert awards.finalize_due_awards(db, P) == 1
    db.refresh(task)
    assert lifecycle.status(task) == lifecycle.AWARDED
    assert awards.current(db, task).id == award.id


def test_a_decided_complaint_releases_an_objection_never_answered(world, db, frozen):
    task, agencies, row = objected(world, db)
    frozen.set(row.answer_due_at)
    complaint = objections.file_complaint(db, agencies[1], row.id, "未答复", P)
    objections.decide(db, world.regulator, complaint.id, DISMISSED, "不成立", None, P)
    db.commit()
    frozen.set(max(awards.current(db, task).publicity_ends_at, clock.now()))
    assert awards.finalize_due_awards(db, P) == 1


def test_a_decision_needs_a_decision_a_reason_and_a_bidder_at_fault(world, db):
    task, agencies, row, complaint = complained(world, db)
    outsider = world.agency()
    with pytest.raises(Invalid) as refused:
        objections.decide(
            db, world.regulator, complaint.id, "maybe", " ", outsider.organization_id, P
        )
    assert {k: [m.msgid for m in v] for k, v in refused.value.errors.items()} == {
        "decision": ["Choose upheld or dismissed."],
        "reason": ["This field is required."],
        "conduct_agency_id": ["This agency did not bid on this task."],
    }
    with pytest.raises(Invalid) as refused:
        objections.decide(
            db, world.regulator, complaint.id, DISMISSED, "不成立", agencies[0].organization_id, P
        )
    assert [m.msgid for m in refused.value.errors["conduct_agency_id"]] == [
        "Only an upheld complaint names an agency whose conduct was at fault."
    ]
    objections.decide(db, world.regulator, complaint.id, DISMISSED, "不成立", None, P)
    with pytest.raises(Forbidden) as refused:
        objections.decide(db, world.regulator, complaint.id, UPHELD, "成立", None, P)
    assert message_of(refused) == "This complaint has already been decided."


def test_the_suspension_history_keeps_every_suspension(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    objections.suspend_task(db, world.regulator, task.number, "初步核查")
    frozen.advance(days=1)
    objections.resume_task(db, world.regulator, task.number, "核查完毕")
    frozen.advance(days=1)
    objections.suspend_for(db, world.regulator, complaint.id, "调查期间暂停")
    with pytest.raises(Forbidden) as refused:
        objections.suspend_task(db, world.regulator, task.number, "再暂停")
    assert message_of(refused) == "The task is already suspended."
    frozen.advance(days=1)
    objections.decide(db, world.regulator, complaint.id, DISMISSED, "不成立", None, P)
    first, second = db.exec(
        select(TaskSuspension).where(TaskSuspension.task_id == task.id).order_by(TaskSuspension.id)
    ).all()
    now = clock.now()
    assert (first.reason, first.cause, first.started_at, first.ended_at) == (
        "初步核查",
        None,
        now - timedelta(days=3),
        now - timedelta(days=2),
    )
    assert (second.reason, second.cause, second.started_at, second.ended_at) == (
        "调查期间暂停",
        f"complaint:{complaint.id}",
        now - timedelta(days=1),
        now,
    )
    assert second.end_reason == f"complaint {complaint.id} dismissed"


def test_a_suspension_for_another_cause_must_end_before_deciding(world, db):
    task, agencies, row, complaint = complained(world, db)
    objections.suspend_task(db, world.regulator, task.number, "其他原因")
    with pytest.raises(Forbidden) as refused:
        objections.decide(db, world.regulator, complaint.id, UPHELD, "成立", None, P)
    assert message_of(refused) == (
        "The task is suspended for another cause: resume it before deciding this complaint."
    )


def test_the_queue_lists_oldest_first_with_counts_and_overdue(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    frozen.advance(hours=1)
    row2 = objections.file_objection(db, agencies[2], task.number, "理由", P)
    objections.answer_objection(db, world.applicant, row2.id, "答复", P)
    later = objections.file_complaint(db, agencies[2], row2.id, "投诉", P)
    queue = objections.queue(db, world.regulator, "undecided")
    assert [c.id for c, _ in queue["rows"]] == [complaint.id, later.id]
    assert queue["counts"] == {"undecided": 2, "decided": 0}
    assert not objections.is_overdue(complaint, clock.now())
    assert objections.is_overdue(complaint, complaint.decide_by)
    objections.decide(db, world.regulator, later.id, DISMISSED, "不成立", None, P)
    decided = objections.queue(db, world.regulator, "decided")
    assert [c.id for c, _ in decided["rows"]] == [later.id]
    assert decided["counts"] == {"undecided": 1, "decided": 1}
    assert db.exec(select(Complaint).where(Complaint.id == later.id)).one().decision == DISMISSED
    assert db.get(Objection, row2.id).complaint_due_at is not None


def test_a_complaint_left_about_a_revoked_candidate_revokes_nothing_more(world, db, frozen):
    task, agencies, row, complaint = complained(world, db)
    other = objections.file_objection(db, agencies[2], task.number, "另一理由", P)
    objections.answer_objection(db, world.applicant, other.id, "答复", P)
    second = objections.file_complaint(db, agencies[2], other.id, "投诉", P)
    objections.decide(db, world.regulator, complaint.id, UPHELD, "成立", None, P)
    successor = awards.current(db, task)
    db.commit()
    frozen.set(successor.publicity_ends_at)
    assert awards.finalize_due_awards(db, P) == 0  # the second complaint is still pending
    with pytest.raises(Forbidden) as refused:
        objections.file_complaint(db, agencies[1], row.id, "再投诉", P)
    assert message_of(refused) == "A complaint about this objection has already been filed."
    objections.decide(db, world.regulator, second.id, UPHELD, "同样成立", None, P)
    assert awards.current(db, task) == successor
    db.commit()
    assert awards.finalize_due_awards(db, P) == 1


# --- who is told --------------------------------------------------------------------------------


def told(db, task) -> set[tuple[int, str]]:
    return {
        (n.user_id, n.kind)
        for n in db.exec(select(Notification).where(Notification.task_id == task.id))
    }


def test_each_step_tells_whom_it_concerns(world, db, frozen):
    regulator = world.regulator
    task, agencies, row, complaint = complained(world, db)
    applicant = world.applicant_of(task)
    assert (applicant.id, notifying.OBJECTION_FILED) in told(db, task)
    assert (agencies[1].id, notifying.OBJECTION_ANSWERED) in told(db, task)
    assert (regulator.id, notifying.COMPLAINT_FILED) in told(db, task)
    assert (agencies[2].id, notifying.OBJECTION_FILED) not in told(db, task)
    objections.suspend_for(db, regulator, complaint.id, "调查期间暂停")
    assert {(u.id, notifying.TASK_SUSPENDED) for u in (applicant, *agencies)} <= told(db, task)
    objections.decide(db, regulator, complaint.id, DISMISSED, "答复合理", None, P)
    decided = {(u.id, notifying.COMPLAINT_DISMISSED) for u in (applicant, *agencies[:2])}
    assert decided <= told(db, task)
    assert (agencies[2].id, notifying.COMPLAINT_DISMISSED) not in told(db, task)
