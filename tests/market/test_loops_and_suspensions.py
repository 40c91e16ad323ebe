"""The lifecycle's loops on a stored task, and suspensions: only a regulator covering the task
halts it, with a reason, and every suspension stays on record with who, why, from and until
(docs/rules.md §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market import clock, lifecycle, suspensions, tasks
from market.lifecycle import AWARDED, CONTRACTED, DELIVERED, FAILED, OPENED, PUBLICITY, SUSPENDED
from market.validation import Forbidden, Invalid
from tests.market.test_lifecycle import NOW, allowed_from
from tests.market.test_task_rules import task_data


@pytest.fixture
def task(db, make):
    enterprise = make.enterprise()
    draft = tasks.create_draft(db, enterprise, task_data())
    published = tasks.publish(db, enterprise, draft.number)
    db.commit()
    return published


@pytest.fixture
def regulator(make):
    """A regulator of every category and region."""
    return make.staff("regulator")


def test_each_suspension_is_kept_with_who_why_from_and_until(task, regulator, db, frozen):
    first_from = clock.now()
    suspensions.suspend(db, task, regulator, "投诉处理期间暂停", cause="complaint:1")
    assert lifecycle.status(task) == lifecycle.SUSPENDED
    assert suspensions.current(db, task).reason == "投诉处理期间暂停"
    frozen.advance(days=2)
    first_until = clock.now()
    suspensions.resume(db, task, regulator, "投诉已处理")
    assert lifecycle.status(task) == lifecycle.OPEN
    assert task.suspended_at is None and suspensions.current(db, task) is None
    frozen.advance(hours=1)
    suspensions.suspend(db, task, regulator, "再次暂停")
    rows = suspensions.history(db, task)
    assert [(r.started_at, r.ended_at, r.reason, r.end_reason, r.cause) for r in rows] == [
        (first_from, first_until, "投诉处理期间暂停", "投诉已处理", "complaint:1"),
        (first_until + timedelta(hours=1), None, "再次暂停", None, None),
    ]
    assert {r.by_user_id for r in rows} == {regulator.id}


def test_only_a_regulator_covering_the_task_suspends_it(task, make, db):
    elsewhere = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden) as refused:
        suspensions.suspend(db, task, elsewhere, "越权")
    assert refused.value.message.msgid == (
        "Only a regulator whose jurisdiction covers this task may do this."
    )
    with pytest.raises(Forbidden):
        suspensions.suspend(db, task, make.enterprise("91220101MA17QW9E11"), "申请人不能暂停")
    assert lifecycle.status(task) == lifecycle.OPEN
    assert suspensions.history(db, task) == []


def test_a_suspension_needs_a_reason(task, regulator, db):
    with pytest.raises(Invalid) as refused:
        suspensions.suspend(db, task, regulator, "   ")
    assert refused.value.errors["reason"][0].msgid == "This field is required."
    assert task.suspended_at is None


def at_step(task, *stamps: str) -> None:
    """Put a stored, published task at the step its last `stamps` timestamp names."""
    task.deadline_at = NOW - timedelta(days=1)
    for attr in stamps:
        setattr(task, attr, NOW - timedelta(hours=1))


def test_the_loops_go_back_one_step_and_clear_the_step_they_leave(db, task):
    assert allowed_from("revoke_award") == {PUBLICITY, AWARDED}
    assert allowed_from("abandon_award") == {AWARDED}
    assert allowed_from("request_revision") == {DELIVERED}
    at_step(task, "opened_at", "publicity_at", "awarded_at")
    lifecycle.transition(db, task, "abandon_award", at=NOW)
    assert (lifecycle.status(task, NOW), task.awarded_at) == (PUBLICITY, None)
    task.awarded_at = task.contracted_at = task.delivered_at = NOW
    lifecycle.transition(db, task, "request_revision", at=NOW)
    assert (lifecycle.status(task, NOW), task.delivered_at) == (CONTRACTED, None)


def test_a_selection_fails_after_publicity_when_no_one_is_left_in_line(db, task):
    assert allowed_from("fail") == {OPENED, PUBLICITY}
    at_step(task, "opened_at", "publicity_at")
    lifecycle.transition(db, task, "fail", at=NOW)
    assert lifecycle.status(task, NOW) == FAILED


def test_resuming_clears_the_suspension_and_uncovers_the_step_the_task_was_at(db, task):
    at_step(task, "opened_at", "publicity_at")
    lifecycle.transition(db, task, "suspend", at=NOW)
    assert lifecycle.status(task, NOW) == SUSPENDED
    lifecycle.transition(db, task, "resume", at=NOW)
    assert (lifecycle.status(task, NOW), task.suspended_at) == (PUBLICITY, None)
