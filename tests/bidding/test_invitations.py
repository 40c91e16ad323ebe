"""The invitation of a direct selection: accepting (within and over the cap, the service period,
eligibility), declining (a reason required), lapsing at the deadline, inviting another agency, the
wrong agency, and the award candidate through the ordinary result (docs/rules.md §5)."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bidding import awards, opening, selection
from bidding.invitations import services as invitations
from bidding.models import Bid, Invitation
from bidding.policy import DEFAULT_POLICY
from market import clock, lifecycle, tasks
from market.demo import AGENCIES, DEMO_DIRECT_TASK, load_demo
from market.models import AuditEvent, Organization, Task
from market.tasks import TaskPolicy
from market.validation import Forbidden, Invalid
from tests.bidding.helpers import new_uscc


def direct(world):
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    return task, invited


def messages(exc) -> dict:
    return {name: [m.msgid for m in ms] for name, ms in exc.value.errors.items()}


def test_publication_makes_the_invitation_due_at_the_deadline(world, db):
    task, invited = direct(world)
    [row] = invitations.invitations_of(db, task)
    assert row.agency_id == invited.organization_id
    assert row.due_at == task.deadline_at
    assert invitations.state(row, task, clock.now()) == invitations.PENDING


def test_accepting_within_the_cap_makes_the_award_candidate_and_starts_publicity(world, db):
    task, invited = direct(world)
    row = invitations.accept(db, invited, task.number, 1_500_000, 30, DEFAULT_POLICY)
    db.commit()
    assert invitations.state(row, task, clock.now()) == invitations.ACCEPTED
    assert (row.price_fen, row.duration_days) == (1_500_000, 30)
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    award = awards.current(db, task)
    bid = db.get(Bid, award.bid_id)
    assert (bid.agency_id, bid.price_fen, bid.duration_days) == (
        invited.organization_id,
        1_500_000,
        30,
    )
    [entry] = selection.ranking_of(db, task)
    assert (entry.rank, entry.numbers) == (1, {"price_fen": "1500000"})
    actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-6:] == [
        "bid.receipt_issued",
        "task.open_on_acceptance",
        "invitation.accepted",
        "bid.validity_final",
        "selection.ranked",
        "task.start_publicity",
    ]


def test_accepting_at_exactly_the_cap_is_allowed(world, db):
    task, invited = direct(world)
    invitations.accept(db, invited, task.number, 2_000_000, 60, DEFAULT_POLICY)
    assert lifecycle.status(task) == lifecycle.PUBLICITY


def test_accepting_over_the_cap_or_the_service_period_is_refused_with_each_message(world, db):
    task, invited = direct(world)
    with pytest.raises(Invalid) as exc:
        invitations.accept(db, invited, task.number, 2_000_001, 61, DEFAULT_POLICY)
    assert messages(exc) == {
        "price_fen": ["The price is above the task's price cap of ¥%(yuan)s."],
        "duration_days": ["Must be at most %(max)d."],
    }
    assert exc.value.errors["price_fen"][0].params == {"yuan": "20,000.00"}
    db.rollback()
    assert invitations.state(invitations.current(db, task), task, clock.now()) == "pending"


def test_accepting_without_a_price_or_a_duration_is_refused(world, db):
    task, invited = direct(world)
    with pytest.raises(Invalid) as exc:
        invitations.accept(db, invited, task.number, None, "", DEFAULT_POLICY)
    assert messages(exc) == {
        "price_fen": ["This field is required."],
        "duration_days": ["This field is required."],
    }


def test_another_agency_may_neither_accept_nor_decline(world, db):
    task, _ = direct(world)
    other = world.agency()
    with pytest.raises(Forbidden, match="^Your agency is not invited to this task.$"):
        invitations.accept(db, other, task.number, 1_000_000, 30, DEFAULT_POLICY)
    with pytest.raises(Forbidden, match="^Your agency is not invited to this task.$"):
        invitations.decline(db, other, task.number, "忙")
    with pytest.raises(Forbidden, match="^Your organization's kind may not do this.$"):
        invitations.accept(db, world.applicant, task.number, 1_000_000, 30, DEFAULT_POLICY)


def test_an_ineligible_agency_cannot_accept(world, db, frozen):
    task, invited = direct(world)
    org = world.org(invited)
    org.removed_at = clock.now() - timedelta(days=1)
    db.add(org)
    db.commit()
    with pytest.raises(Forbidden) as exc:
        invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY)
    assert exc.value.message.msgid == (
        "Your agency was removed from the platform on %(since)s and may not bid or be invited "
        "while the cause lasts."
    )


def test_declining_needs_a_reason(world, db):
    task, invited = direct(world)
    with pytest.raises(Invalid) as exc:
        invitations.decline(db, invited, task.number, "   ")
    assert messages(exc) == {"reason": ["This field is required."]}
    row = invitations.decline(db, invited, task.number, "本月人员已满")
    assert (row.decline_reason, invitations.state(row, task, clock.now())) == (
        "本月人员已满",
        "declined",
    )
    with pytest.raises(Forbidden, match="^The invitation has already been answered.$"):
        invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY)


def test_after_the_deadline_the_invitation_lapses_and_cannot_be_answered(world, db, frozen):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    row = invitations.current(db, task)
    assert invitations.state(row, task, clock.now()) == invitations.LAPSED
    with pytest.raises(Forbidden) as exc:
        invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY)
    assert exc.value.message.msgid == (
        "The invitation lapsed at the task's deadline: it can no longer be answered."
    )
    with pytest.raises(Forbidden):
        invitations.decline(db, invited, task.number, "太晚了")


def test_the_sweep_records_the_lapse_once_and_the_task_fails_at_opening(world, db, frozen):
    task, _ = direct(world)
    pending, _ = direct(world)
    frozen.set(task.deadline_at)
    assert invitations.lapse_due_invitations(db, DEFAULT_POLICY) == 2
    assert invitations.lapse_due_invitations(db, DEFAULT_POLICY) == 0
    row = invitations.current(db, task)
    assert row.lapsed_at == task.deadline_at
    assert opening.open_if_due(db, task, DEFAULT_POLICY)
    assert lifecycle.status(task) == lifecycle.FAILED
    lapses = db.exec(select(AuditEvent).where(AuditEvent.action == "invitation.lapsed")).all()
    assert len(lapses) == 2


def test_the_sweep_goes_on_past_a_failing_invitation(world, db, frozen, monkeypatch):
    first, _ = direct(world)
    second, _ = direct(world)
    frozen.set(second.deadline_at)
    real = invitations.lapse

    def failing(session, invitation, task, now):
        if task.id == first.id:
            raise RuntimeError("boom")
        real(session, invitation, task, now)

    monkeypatch.setattr(invitations, "lapse", failing)
    assert invitations.lapse_due_invitations(db, DEFAULT_POLICY) == 1
    assert invitations.current(db, first).lapsed_at is None
    assert invitations.current(db, second).lapsed_at == second.deadline_at


def test_after_a_decline_the_applicant_invites_another_agency_with_a_new_deadline(world, db):
    task, invited = direct(world)
    with pytest.raises(Forbidden, match="^The invited agency has not answered yet.$"):
        invitations.invite(
            db, world.applicant, task.number, invited.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    db.rollback()
    invitations.decline(db, invited, task.number, "本月人员已满")
    db.commit()
    with pytest.raises(Invalid) as exc:
        invitations.invite(
            db, world.applicant, task.number, invited.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    assert messages(exc) == {
        "agency_id": ["This agency was already invited to this task: invite another."]
    }
    db.rollback()
    with pytest.raises(Invalid) as exc:
        invitations.invite(db, world.applicant, task.number, 999_999, DEFAULT_POLICY, TaskPolicy())
    assert messages(exc) == {"agency_id": ["No listed agency with this id."]}
    db.rollback()
    other = world.agency()
    with pytest.raises(Forbidden, match="^Your organization's kind may not do this.$"):
        invitations.invite(
            db, other, task.number, other.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    db.rollback()
    stranger = world.make.enterprise(uscc=new_uscc())
    with pytest.raises(Forbidden, match="^This task belongs to another applicant.$"):
        invitations.invite(
            db, stranger, task.number, other.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    db.rollback()
    row = invitations.invite(
        db, world.applicant, task.number, other.organization_id, DEFAULT_POLICY, TaskPolicy()
    )
    db.commit()
    assert row.due_at == task.deadline_at > clock.now()
    assert task.invited_agency_id == other.organization_id
    history = invitations.invitations_of(db, task)
    now = clock.now()
    assert [invitations.state(i, task, now, i is history[-1]) for i in history] == [
        "declined",
        "pending",
    ]
    invitations.accept(db, other, task.number, 1_800_000, 20, DEFAULT_POLICY)
    assert lifecycle.status(task) == lifecycle.PUBLICITY


def test_no_invitation_after_the_deadline_nor_on_another_method(world, db, frozen):
    task, invited = direct(world)
    invitations.decline(db, invited, task.number, "本月人员已满")
    db.commit()
    frozen.set(task.deadline_at)
    with pytest.raises(Forbidden) as exc:
        invitations.invite(
            db,
            world.applicant,
            task.number,
            world.agency().organization_id,
            DEFAULT_POLICY,
            TaskPolicy(),
        )
    assert exc.value.message.msgid == (
        "Another agency can be invited while the task is open, or once it failed."
    )
    db.rollback()
    frozen.set(task.published_at)
    other = world.post_task("lowest_price")
    with pytest.raises(Forbidden, match="^Only a direct selection invites an agency.$"):
        invitations.invite(
            db, world.applicant, other.number, invited.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    assert db.exec(select(Invitation).where(Invitation.task_id == other.id)).all() == []


def test_the_demo_has_a_direct_selection_with_a_pending_invitation_for_the_demo_agency(db):
    load_demo(db)
    db.flush()
    task = db.exec(select(Task).where(Task.title == DEMO_DIRECT_TASK["title"])).one()
    row = invitations.current(db, task)
    assert db.get(Organization, row.agency_id).uscc == AGENCIES[0]["uscc"]
    assert row.due_at == task.deadline_at
    assert invitations.state(row, task, clock.now()) == invitations.PENDING


def test_an_amendment_cannot_swap_the_invited_agency_behind_the_invitation(world, db):
    task, invited = direct(world)
    other = world.agency()
    with pytest.raises(Invalid) as exc:
        tasks.amend(
            db,
            world.applicant,
            task.number,
            {"invited_agency_id": other.organization_id, "reason": "换一家"},
        )
    assert messages(exc) == {
        "invited_agency_id": [
            "The invited agency changes only by inviting another once the invited one declined."
        ]
    }
    db.rollback()
    assert task.invited_agency_id == invited.organization_id


def test_a_cancelled_or_suspended_task_takes_no_answer_each_with_its_message(world, db):
    task, invited = direct(world)
    task.suspended_at = clock.now()
    db.add(task)
    db.commit()
    with pytest.raises(Forbidden) as exc:
        invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY)
    assert exc.value.message.msgid == (
        "The task is suspended: the invitation cannot be answered now."
    )
    db.rollback()
    cancelled, invited = direct(world)
    tasks.cancel(db, world.applicant, cancelled.number, "项目取消")
    db.commit()
    assert invitations.state(invitations.current(db, cancelled), cancelled, clock.now()) == "lapsed"
    with pytest.raises(Forbidden) as exc:
        invitations.decline(db, invited, cancelled.number, "不需要了")
    assert exc.value.message.msgid == (
        "The task was cancelled: the invitation can no longer be answered."
    )


def test_the_migration_gives_each_direct_task_published_before_it_its_invitation(world, db):
    path = Path(__file__).resolve().parents[2] / "migrations/versions/0010_invitations.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    task, invited = direct(world)
    world.post_task("lowest_price")
    for row in db.exec(select(Invitation)).all():
        db.delete(row)
    db.flush()
    db.execute(text(migration.BACKFILL))
    [row] = db.exec(select(Invitation)).all()
    assert (row.task_id, row.agency_id) == (task.id, invited.organization_id)
    assert (row.invited_at, row.due_at) == (task.published_at, task.deadline_at)
    assert invitations.state(row, task, clock.now()) == invitations.PENDING


def test_after_acceptance_the_refusal_to_invite_says_so(world, db):
    task, invited = direct(world)
    invitations.accept(db, invited, task.number, 1_000_000, 30, DEFAULT_POLICY)
    assert invitations.invite_refusal(db, task, clock.now()) == (
        "The invited agency accepted: it is the award candidate."
    )


def test_after_a_lapse_a_repost_invites_another_agency_with_a_new_invitation(world, db, frozen):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    assert opening.open_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    assert invitations.invite_refusal(db, task, clock.now()) is None
    other = world.agency()
    draft = tasks.repost(db, world.applicant, task.number)
    tasks.update_draft(
        db, world.applicant, draft.number, {"invited_agency_id": other.organization_id}
    )
    new = tasks.publish(db, world.applicant, draft.number)
    db.commit()
    row = invitations.current(db, new)
    assert (row.agency_id, invitations.state(row, new, clock.now())) == (
        other.organization_id,
        "pending",
    )
    assert [i.agency_id for i in invitations.invitations_of(db, task)] == [invited.organization_id]


def test_after_a_lapse_inviting_another_posts_the_task_again_with_the_new_invitation(
    world, db, frozen
):
    task, invited = direct(world)
    frozen.set(task.deadline_at)
    assert opening.open_if_due(db, task, DEFAULT_POLICY)
    db.commit()
    with pytest.raises(Invalid) as exc:
        invitations.invite(
            db, world.applicant, task.number, invited.organization_id, DEFAULT_POLICY, TaskPolicy()
        )
    assert messages(exc) == {
        "agency_id": ["This agency was already invited to this task: invite another."]
    }
    db.rollback()
    other = world.agency()
    row = invitations.invite(
        db, world.applicant, task.number, other.organization_id, DEFAULT_POLICY, TaskPolicy()
    )
    db.commit()
    new = db.get(Task, row.task_id)
    assert new.id != task.id and new.reposted_from_id == task.id
    assert (new.method, new.invited_agency_id) == ("direct", other.organization_id)
    assert lifecycle.status(new) == lifecycle.OPEN and row.due_at == new.deadline_at
    assert invitations.state(row, new, clock.now()) == "pending"
    history = invitations.invitations_of(db, task)
    assert [(i.agency_id, invitations.state(i, task, clock.now())) for i in history] == [
        (invited.organization_id, "lapsed")
    ]
    invitations.accept(db, other, new.number, 1_000_000, 30, DEFAULT_POLICY)
    assert lifecycle.status(new) == lifecycle.PUBLICITY
