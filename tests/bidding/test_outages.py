"""An operator's extension of the open deadlines after a platform outage (docs/rules.md §4,
outage; `market.outages`, bidding's share in `bidding.outages`): which deadlines are caught, at
each boundary; where each moves; what is recorded; and what is refused.

The outage below: Wednesday 2 December 2026, 09:00–17:00 in Shanghai, extended by 2 working days,
so the window of caught deadlines ends at 24:00 on Friday 4 December."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bidding import outages as bidding_outages
from bidding.invitations import services as invitations
from bidding.models import Bid, ExplanationRequest
from bidding.policy import DEFAULT_POLICY
from bidding.questions import services as questions
from market import outages, tasks
from market.models import AuditEvent, OutageMove, Task, TaskAmendment
from market.validation import Forbidden, Invalid
from market.workdays import SHANGHAI

START = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
END = datetime(2026, 12, 2, 17, 0, tzinfo=SHANGHAI)
#: 24:00 of Friday 4 December (2 wd after the outage's day).
WINDOW_END = datetime(2026, 12, 5, 0, 0, tzinfo=SHANGHAI)
#: 24:00 of Tuesday 8 December: 2 wd after Friday 4 December.
AFTER_FRIDAY = datetime(2026, 12, 9, 0, 0, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)


@pytest.fixture
def operator(make):
    return make.staff("operator", name="平台运营方", user_name="运营员")


def outage(**overrides) -> dict:
    return {
        "started_at": "2026-12-02T09:00",
        "ended_at": "2026-12-02T17:00",
        "reason": "数据库服务器故障，平台无法访问。",
        "extension_wd": 2,
    } | overrides


def task_due_at(world, db, deadline: datetime, method: str = "lowest_price", **data) -> Task:
    task = world.post_task(method, **data)
    task.deadline_at = deadline
    db.add(task)
    db.commit()
    return task


def after_the_outage(world) -> None:
    world.frozen.set(END + timedelta(hours=1))


def iso(at: datetime) -> str:
    """How a stored moment reads back: aware UTC, ISO 8601."""
    return at.astimezone(UTC).isoformat()


def messages(exc) -> dict:
    return {name: [m.msgid for m in ms] for name, ms in exc.value.errors.items()}


def test_the_boundaries_of_the_caught_deadlines(world, db, operator):
    """Caught: after the outage's start (not at it), up to 24:00 of the N-th working day after its
    last day (at it included). Each moves to 24:00 of the N-th working day after its own day."""
    cases = {
        "before the start": (START - timedelta(minutes=1), None),
        "at the start": (START, None),
        "just after the start": (START + SECOND, WINDOW_END),
        "at the end": (END, WINDOW_END),
        "after the end, inside the window": (END + timedelta(hours=3), WINDOW_END),
        "at the window's end": (WINDOW_END, AFTER_FRIDAY),
        "after the window": (WINDOW_END + SECOND, None),
    }
    made = {name: task_due_at(world, db, at) for name, (at, _) in cases.items()}
    after_the_outage(world)

    notice = outages.record(db, operator, outage())
    db.commit()

    assert notice.window_ends_at == WINDOW_END
    for name, (old, new) in cases.items():
        task = db.get(Task, made[name].id)
        assert task.deadline_at == (new or old), name
    moved = {(m.task_id, m.kind, m.old_at, m.new_at) for m in db.exec(select(OutageMove))}
    assert moved == {
        (made[name].id, "task_deadline", old, new)
        for name, (old, new) in cases.items()
        if new is not None
    }


def test_each_move_is_in_the_change_log_the_notice_and_the_audit_log(world, db, operator):
    task = task_due_at(world, db, END)
    after_the_outage(world)
    notice = outages.record(db, operator, outage())
    db.commit()

    [amendment] = db.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id))
    assert (
        amendment.reason
        == f"platform outage (notice {notice.id}): 数据库服务器故障，平台无法访问。"
    )
    assert amendment.outage_notice_id == notice.id
    assert amendment.changes == {"task_deadline": {"old": iso(END), "new": iso(WINDOW_END)}}
    assert amendment.deadline_extended_to == WINDOW_END
    [event] = db.exec(
        select(AuditEvent).where(AuditEvent.action == "deadline.extended_for_outage")
    ).all()
    assert (event.object_type, event.object_id, event.actor_user_id) == (
        "task",
        task.number,
        operator.id,
    )
    assert event.data == {
        "notice": notice.id,
        "deadline": "task_deadline",
        "old": iso(END),
        "new": iso(WINDOW_END),
    }
    [published] = db.exec(select(AuditEvent).where(AuditEvent.action == "outage.published"))
    assert published.object_id == str(notice.id)
    assert published.data["moved"] == 1
    assert outages.describe(db, notice)["moves"] == [
        {
            "task_number": task.number,
            "task_title": task.title,
            "deadline": "task_deadline",
            "old_at": iso(END),
            "new_at": iso(WINDOW_END),
        }
    ]


def test_opened_and_cancelled_tasks_keep_their_deadlines(world, db, operator, frozen):
    opened = world.post_task()
    world.bid(world.agency(), opened)
    world.shift_to(opened, "opened")
    opened.deadline_at = END
    db.add(opened)
    cancelled = task_due_at(world, db, END)
    tasks.cancel(db, world.applicant, cancelled.number, "不再需要。")
    db.commit()
    after_the_outage(world)

    notice = outages.record(db, operator, outage())
    db.commit()

    assert db.get(Task, opened.id).deadline_at == END
    assert db.get(Task, cancelled.id).deadline_at == END
    assert outages.moves_of(db, notice) == []


def test_an_unexplained_low_bid_gets_more_time_and_an_explained_one_is_left(world, db, operator):
    task = world.post_task(min_bids=3, price_cap_fen=2_000_000)
    low, other_low = world.agency(), world.agency()
    world.bid(low, task, 500_000)
    world.bid(other_low, task, 520_000)
    world.bid(world.agency(), task, 1_500_000)
    world.bid(world.agency(), task, 1_500_000)
    world.shift_to(task, "opened")
    requests = {
        agency.id: db.exec(
            select(ExplanationRequest)
            .join(Bid, Bid.id == ExplanationRequest.bid_id)
            .where(Bid.agency_id == agency.organization_id)
        ).one()
        for agency in (low, other_low)
    }
    for request in requests.values():
        request.due_at = END
        db.add(request)
    requests[other_low.id].explanation = "自有设备，成本低。"
    db.commit()
    after_the_outage(world)

    notice = outages.record(db, operator, outage())
    db.commit()

    assert db.get(ExplanationRequest, requests[low.id].id).due_at == WINDOW_END
    assert db.get(ExplanationRequest, requests[other_low.id].id).due_at == END
    assert [(m.task_id, m.kind) for m, _ in outages.moves_of(db, notice)] == [
        (task.id, bidding_outages.EXPLANATION)
    ]
    [amendment] = db.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id))
    assert amendment.changes == {"explanation": {"old": iso(END), "new": iso(WINDOW_END)}}
    assert amendment.deadline_extended_to is None


def test_a_pending_invitation_moves_with_its_task(world, db, operator):
    invited = world.agency()
    task = task_due_at(world, db, END, "direct", invited_agency_id=invited.organization_id)
    row = invitations.current(db, task)
    row.due_at = END
    db.add(row)
    db.commit()
    after_the_outage(world)

    notice = outages.record(db, operator, outage())
    db.commit()

    assert db.get(Task, task.id).deadline_at == WINDOW_END
    assert invitations.current(db, task).due_at == WINDOW_END
    assert sorted(m.kind for m, _ in outages.moves_of(db, notice)) == [
        "invitation",
        "task_deadline",
    ]
    # The invited agency may answer again until the new deadline.
    world.frozen.set(WINDOW_END - SECOND)
    assert invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY) is not None


def test_the_same_outage_cannot_be_applied_twice(world, db, operator):
    task = task_due_at(world, db, END)
    after_the_outage(world)
    first = outages.record(db, operator, outage())
    db.commit()

    for again in (outage(), outage(started_at="2026-12-02T16:59", ended_at="2026-12-02T17:30")):
        with pytest.raises(Forbidden) as exc:
            outages.record(db, operator, again)
        assert exc.value.message.msgid == outages.OVERLAPS
        assert dict(exc.value.message.params) == {
            "id": first.id,
            "start": "2026-12-02 09:00",
            "end": "2026-12-02 17:00",
        }
        db.rollback()
    assert db.get(Task, task.id).deadline_at == WINDOW_END  # moved once
    # An outage that starts as the first one ends is another outage.
    second = outages.record(
        db, operator, outage(started_at="2026-12-02T17:00", ended_at="2026-12-02T17:30")
    )
    assert second.id != first.id


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"started_at": "", "ended_at": None, "reason": " ", "extension_wd": None},
            {
                "started_at": ["This field is required."],
                "ended_at": ["This field is required."],
                "reason": ["This field is required."],
                "extension_wd": ["This field is required."],
            },
        ),
        (
            {"started_at": "昨天", "extension_wd": "两"},
            {
                "started_at": ["Give a date and time, such as 2026-11-20 09:30."],
                "extension_wd": ["Must be a whole number."],
            },
        ),
        ({"extension_wd": 0}, {"extension_wd": ["Must be at least %(min)d."]}),
        ({"extension_wd": 11}, {"extension_wd": ["Must be at most %(max)d."]}),
        ({"ended_at": "2026-12-02T09:00"}, {"ended_at": ["The end must be after the start."]}),
        (
            {"ended_at": "2026-12-02T18:00:01"},
            {"ended_at": ["The outage must be over: its end cannot be in the future."]},
        ),
    ],
)
def test_bad_input_is_refused_with_each_message(world, db, operator, overrides, errors):
    after_the_outage(world)  # 18:00 in Shanghai
    with pytest.raises(Invalid) as exc:
        outages.record(db, operator, outage(**overrides))
    assert messages(exc) == errors


def test_the_end_may_be_now_and_times_with_an_offset_are_taken_as_given(world, db, operator):
    after_the_outage(world)
    notice = outages.record(
        db,
        operator,
        outage(started_at="2026-12-02T01:00:00+00:00", ended_at="2026-12-02T18:00+08:00"),
    )
    assert (notice.started_at, notice.ended_at) == (START, END + timedelta(hours=1))


def test_only_an_operator_records_an_outage(world, db):
    after_the_outage(world)
    for user in (world.applicant, world.agency()):
        with pytest.raises(Forbidden) as exc:
            outages.record(db, user, outage())
        assert exc.value.message.msgid == "Your organization's kind may not do this."


def test_a_deadline_moved_into_a_year_the_calendar_does_not_know_is_flagged(world, db, operator):
    """Wednesday 30 December 2026 + 2 wd ends in 2027, which the test calendar does not hold:
    counted by weekends only (Friday 1 January is a working day then), and the task says so."""
    ended = datetime(2026, 12, 30, 17, 0, tzinfo=SHANGHAI)
    task = task_due_at(world, db, ended)
    assert task.deadline_calendar_fallback is False
    world.frozen.set(ended + timedelta(hours=1))
    outages.record(db, operator, outage(started_at="2026-12-30T09:00", ended_at="2026-12-30T17:00"))
    db.commit()
    task = db.get(Task, task.id)
    assert task.deadline_at == datetime(2027, 1, 2, 0, 0, tzinfo=SHANGHAI)
    assert task.deadline_calendar_fallback is True


def test_questions_and_bids_follow_the_moved_deadline(world, db, operator):
    """The questions' deadline is derived from the task's (1 wd before it), so it moves along;
    and a task whose deadline fell in the outage takes bids again until the new one."""
    task = task_due_at(world, db, END)
    agency = world.agency()
    after_the_outage(world)
    refusal = questions.ask_refusal(db, task, world.frozen.now())
    assert refusal.msgid == "Questions may be asked only while the task is open for bids."

    outages.record(db, operator, outage())
    db.commit()

    task = db.get(Task, task.id)
    assert questions.ask_refusal(db, task, world.frozen.now()) is None
    questions.ask(db, agency, task.number, "故障期间未能提交，能否补充材料？")
    world.bid(agency, task, 1_000_000)
    closed = questions.ask_refusal(db, task, datetime(2026, 12, 4, 0, 0, tzinfo=SHANGHAI))
    assert (closed.msgid, dict(closed.params)) == (
        "Questions closed at the end of %(day)s (Asia/Shanghai), one working day before the "
        "deadline.",
        {"day": "2026-12-03"},
    )


def test_a_pending_invitation_of_a_cancelled_task_is_left_to_lapse(world, db, operator):
    invited = world.agency()
    task = task_due_at(world, db, END, "direct", invited_agency_id=invited.organization_id)
    row = invitations.current(db, task)
    row.due_at = END
    db.add(row)
    tasks.cancel(db, world.applicant, task.number, "不再需要。")
    db.commit()
    after_the_outage(world)

    notice = outages.record(db, operator, outage())
    db.commit()

    assert invitations.current(db, task).due_at == END
    assert outages.moves_of(db, notice) == []
