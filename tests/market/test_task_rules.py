"""The guards of `market.tasks` beyond posting: cancelling (and a regulator's approval), excluding an
agency, editing a draft and re-posting a failed task — who may, when, and what each leaves behind
(docs/rules.md §4–§5). Every refusal is asserted with its exception class and message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from market import lifecycle, tasks
from market.models import AuditEvent, Task, TaskExclusion
from market.models.tasks import EXCLUSION_GROUNDS
from market.validation import Forbidden, Invalid
from tests.bidding.helpers import EIA_QUALIFICATION
from tests.conftest import login

OTHER_USCC = "91220101MA17QW9E11"


def task_data(**overrides) -> dict:
    data = {
        "service_item": "EIA-REPORT",
        "title": "长春市某项目环境影响评价",
        "description": "编制环境影响报告书并通过技术评估。",
        "project_code": "2026-220102-77-01-000001",
        "funding": "state_owned",
        "method": "lowest_price",
        "price_cap_fen": 30_000_000,
        "min_bids": 3,
        "service_days": 30,
        "bidding_wd": 5,
    }
    data.update(overrides)
    return data


def refusal(excinfo, name: str) -> list[str]:
    return [m.msgid for m in excinfo.value.errors[name]]


def actions(db, number: str) -> list[str]:
    return list(
        db.exec(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "task", AuditEvent.object_id == number)
            .order_by(AuditEvent.seq)
        )
    )


@pytest.fixture
def enterprise(make):
    return make.enterprise()


@pytest.fixture
def published(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    db.commit()
    return task


def opened(db, task: Task, frozen) -> Task:
    frozen.set(task.deadline_at)
    lifecycle.transition(db, task, "open")
    db.commit()
    return task


def failed(db, task: Task, frozen) -> Task:
    opened(db, task, frozen)
    lifecycle.transition(db, task, "fail")
    db.commit()
    return task


# --- cancelling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["awarded_at", "contracted_at"])
def test_no_cancellation_once_publicity_is_over(db, enterprise, published, frozen, step):
    """After the award nothing cancels a task, not even as a request to the regulators."""
    opened(db, published, frozen)
    published.publicity_at = frozen.now()
    setattr(published, step, frozen.now() + timedelta(days=5))
    db.add(published)
    db.commit()
    frozen.advance(days=6)
    with pytest.raises(lifecycle.IllegalTransition) as caught:
        tasks.cancel(db, enterprise, published.number, "规划调整")
    assert caught.value.message.msgid == "This task can no longer be cancelled."
    db.rollback()
    db.refresh(published)
    assert published.cancel_requested_at is None
    assert published.cancel_reason is None
    assert lifecycle.status(published) == step.removesuffix("_at")
    assert "task.cancel_requested" not in actions(db, published.number)


def test_no_cancellation_between_the_deadline_and_the_opening(db, enterprise, published, frozen):
    frozen.set(published.deadline_at)
    with pytest.raises(lifecycle.IllegalTransition) as caught:
        tasks.cancel(db, enterprise, published.number, "截止后取消")
    assert caught.value.message.msgid == "This task can no longer be cancelled."
    db.rollback()
    db.refresh(published)
    assert (published.cancelled_at, published.cancel_requested_at) == (None, None)


def test_a_cancellation_nobody_asked_for_is_not_approved(db, published, frozen, make):
    opened(db, published, frozen)
    regulator = make.staff("regulator", region_prefixes=["22"])
    with pytest.raises(Forbidden) as caught:
        tasks.approve_cancellation(db, regulator, published.number)
    assert type(caught.value) is Forbidden
    assert caught.value.message.msgid == "The applicant has not asked to cancel this task."
    db.rollback()
    db.refresh(published)
    assert lifecycle.status(published) == lifecycle.OPENED
    assert published.cancel_approved_by_user_id is None


def test_a_request_after_opening_is_approved_once_with_its_reason(
    db, enterprise, published, frozen, make
):
    opened(db, published, frozen)
    tasks.cancel(db, enterprise, published.number, "规划调整")
    db.commit()
    assert published.cancel_requested_at == frozen.now()
    regulator = make.staff("regulator", region_prefixes=["22"])
    tasks.approve_cancellation(db, regulator, published.number)
    db.commit()
    assert lifecycle.status(published) == lifecycle.CANCELLED
    assert published.cancel_approved_by_user_id == regulator.id
    event = db.exec(
        select(AuditEvent).where(AuditEvent.action == "task.cancel_after_opening")
    ).one()
    assert (event.data, event.actor_user_id) == ({"reason": "规划调整"}, regulator.id)
    with pytest.raises(lifecycle.IllegalTransition) as again:
        tasks.approve_cancellation(db, regulator, published.number)
    assert again.value.message.msgid == "A task that is %(status)s cannot be %(event)s."


def test_an_applicant_does_not_approve_its_own_cancellation_request(
    db, enterprise, published, frozen, make
):
    opened(db, published, frozen)
    tasks.cancel(db, enterprise, published.number, "规划调整")
    db.commit()
    for who in (enterprise, make.staff("operator")):
        with pytest.raises(Forbidden) as caught:
            tasks.approve_cancellation(db, who, published.number)
        assert caught.value.message.msgid == "This task is outside your jurisdiction."
    db.rollback()
    db.refresh(published)
    assert lifecycle.status(published) == lifecycle.OPENED
    assert published.cancel_approved_by_user_id is None


def test_only_the_tasks_applicant_cancels_it(db, published, make):
    for who, msgid in (
        (make.enterprise(uscc=OTHER_USCC), "This task belongs to another applicant."),
        (make.staff("regulator"), "Your organization's kind may not do this."),
    ):
        with pytest.raises(Forbidden) as caught:
            tasks.cancel(db, who, published.number, "别人取消")
        assert caught.value.message.msgid == msgid
    db.rollback()
    db.refresh(published)
    assert (published.cancelled_at, published.cancel_reason) == (None, None)


# --- exclusions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ground", EXCLUSION_GROUNDS)
def test_an_agency_is_excluded_on_each_listed_ground_before_the_deadline(
    db, enterprise, published, make, ground
):
    agency = make.agency()
    row = tasks.exclude(
        db, enterprise, published.number, agency.organization_id, ground, "曾参与本项目前期工作"
    )
    db.commit()
    assert (row.task_id, row.agency_id, row.ground, row.statement) == (
        published.id,
        agency.organization_id,
        ground,
        "曾参与本项目前期工作",
    )
    assert actions(db, published.number)[-1] == "task.agency_excluded"


@pytest.mark.parametrize("ground", ["competitor", "not_local", "", "Conflict_Of_Interest"])
def test_an_unlisted_ground_is_refused(db, enterprise, published, make, ground):
    agency = make.agency()
    with pytest.raises(Invalid) as caught:
        tasks.exclude(db, enterprise, published.number, agency.organization_id, ground, "理由")
    assert list(caught.value.errors) == ["ground"]
    assert refusal(caught, "ground") == [
        "An agency may be excluded only for a conflict of interest, being on a dishonesty "
        "list, or earlier work on the same project."
    ]
    db.rollback()
    assert db.exec(select(TaskExclusion)).all() == []


@pytest.mark.parametrize("moment", ["deadline", "opened"])
def test_no_exclusion_from_the_deadline_on(db, enterprise, published, make, frozen, moment):
    agency = make.agency()
    if moment == "opened":
        opened(db, published, frozen)
    else:
        frozen.set(published.deadline_at)
    with pytest.raises(Forbidden) as caught:
        tasks.exclude(
            db, enterprise, published.number, agency.organization_id, EXCLUSION_GROUNDS[0], "x"
        )
    assert caught.value.message.msgid == "Exclusions are set before the deadline."
    db.rollback()
    assert db.exec(select(TaskExclusion)).all() == []


def test_only_an_agency_is_excluded_and_only_by_the_tasks_applicant(
    db, enterprise, published, make
):
    other = make.enterprise(uscc=OTHER_USCC)
    agency = make.agency()
    with pytest.raises(Invalid) as caught:
        tasks.exclude(
            db, enterprise, published.number, other.organization_id, "conflict_of_interest", "x"
        )
    assert refusal(caught, "agency_id") == ["No listed agency with this id."]
    with pytest.raises(Forbidden) as foreign:
        tasks.exclude(
            db, other, published.number, agency.organization_id, "conflict_of_interest", "x"
        )
    assert foreign.value.message.msgid == "This task belongs to another applicant."
    db.rollback()
    assert db.exec(select(TaskExclusion)).all() == []


# --- editing a draft -----------------------------------------------------------------------------


def test_a_draft_is_edited_field_by_field_and_keeps_the_rest(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    before = {name: getattr(task, name) for name in ("description", "price_cap_fen", "min_bids")}
    tasks.update_draft(db, enterprise, task.number, {"title": "新标题", "service_days": 45})
    db.commit()
    db.refresh(task)
    assert (task.title, task.service_days) == ("新标题", 45)
    assert {name: getattr(task, name) for name in before} == before
    assert actions(db, task.number) == ["task.drafted", "task.draft_updated"]


def test_an_edit_is_checked_against_policy_like_a_new_draft(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    with pytest.raises(Invalid) as caught:
        tasks.update_draft(db, enterprise, task.number, {"method": "direct", "description": "x"})
    assert refusal(caught, "method") == ["Direct selection is allowed only for private funding."]
    db.rollback()
    db.refresh(task)
    assert (task.method, task.description) == ("lowest_price", task_data()["description"])


@pytest.mark.parametrize(
    "name, value",
    [
        ("published_at", "2026-11-01T00:00:00Z"),
        ("applicant_org_id", 1),
        ("number", "ZJ-2026-999999"),
        ("reposted_from_id", 1),
        ("region_restriction", "220000"),
    ],
)
def test_an_edit_sets_no_field_outside_the_task_form(db, enterprise, name, value):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    number, org = task.number, task.applicant_org_id
    with pytest.raises(Invalid) as caught:
        tasks.update_draft(db, enterprise, number, {name: value})
    assert refusal(caught, name) == ["A task may not set this condition."]
    db.rollback()
    db.refresh(task)
    assert (task.number, task.applicant_org_id, task.published_at) == (number, org, None)
    assert task.reposted_from_id is None


def test_only_the_applicant_edits_its_draft(db, enterprise, make):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    other = make.enterprise(uscc=OTHER_USCC)
    with pytest.raises(Forbidden) as caught:
        tasks.update_draft(db, other, task.number, {"title": "别人的修改"})
    assert caught.value.message.msgid == "This task belongs to another applicant."
    with pytest.raises(Forbidden) as agency:
        tasks.update_draft(db, make.agency(), task.number, {"title": "机构的修改"})
    assert agency.value.message.msgid == "Your organization's kind may not do this."
    db.rollback()
    db.refresh(task)
    assert task.title == task_data()["title"]


def test_a_published_task_is_not_edited_as_a_draft(db, enterprise, published):
    with pytest.raises(Forbidden) as caught:
        tasks.update_draft(db, enterprise, published.number, {"price_cap_fen": 10_000_000})
    assert caught.value.message.msgid == (
        "Only a draft can be edited freely; amend a published task."
    )
    db.rollback()
    db.refresh(published)
    assert published.price_cap_fen == 30_000_000
    assert "task.draft_updated" not in actions(db, published.number)


# --- re-posting a failed task --------------------------------------------------------------------


#: Every term of a task that its applicant sets, which a re-posted draft copies.
TERMS = (
    "service_item_id",
    "title",
    "description",
    "project_code",
    "approval_item",
    "funding",
    "budget_code",
    "method",
    "price_cap_fen",
    "fixed_fee_fen",
    "min_bids",
    "weight_price",
    "weight_credit",
    "weight_quality",
    "panel_size",
    "invited_agency_id",
    "service_days",
    "bidding_wd",
    "required_qualifications",
)


def test_a_failed_task_is_posted_again_as_a_linked_draft_with_its_terms(db, enterprise, frozen):
    task = tasks.create_draft(
        db,
        enterprise,
        task_data(
            method="scoring",
            weight_price=30,
            weight_credit=10,
            weight_quality=60,
            panel_size=5,
            approval_item="环评审批",
            required_qualifications=[EIA_QUALIFICATION],
        ),
    )
    tasks.publish(db, enterprise, task.number)
    failed(db, task, frozen)
    new = tasks.repost(db, enterprise, task.number)
    db.commit()
    assert new.number != task.number
    assert new.reposted_from_id == task.id
    assert lifecycle.status(new) == lifecycle.DRAFT
    assert (new.applicant_org_id, new.created_by_user_id) == (task.applicant_org_id, enterprise.id)
    assert {name: getattr(new, name) for name in TERMS} == {
        name: getattr(task, name) for name in TERMS
    }
    assert (new.weight_price, new.panel_size, new.required_qualifications) == (
        30,
        5,
        [EIA_QUALIFICATION],
    )
    assert (new.published_at, new.deadline_at, new.opened_at, new.failed_at) == (
        None,
        None,
        None,
        None,
    )
    assert (new.cancel_reason, new.created_at) == (None, frozen.now())
    assert actions(db, new.number) == ["task.drafted"]
    assert lifecycle.status(task) == lifecycle.FAILED


@pytest.mark.parametrize("state", ["draft", "open", "deadline_passed", "opened", "cancelled"])
def test_only_a_failed_task_is_posted_again(db, enterprise, frozen, state):
    task = tasks.create_draft(db, enterprise, task_data())
    if state != "draft":
        tasks.publish(db, enterprise, task.number)
    if state == "deadline_passed":
        frozen.set(task.deadline_at)
    elif state == "opened":
        opened(db, task, frozen)
    elif state == "cancelled":
        tasks.cancel(db, enterprise, task.number, "不再需要")
    db.commit()
    assert lifecycle.status(task) == state
    with pytest.raises(Forbidden) as caught:
        tasks.repost(db, enterprise, task.number)
    assert caught.value.message.msgid == "Only a failed task can be posted again."
    db.rollback()
    assert db.exec(select(Task.id).where(Task.reposted_from_id == task.id)).all() == []


def test_only_the_applicant_posts_its_failed_task_again(db, published, frozen, make):
    failed(db, published, frozen)
    other = make.enterprise(uscc=OTHER_USCC)
    with pytest.raises(Forbidden) as caught:
        tasks.repost(db, other, published.number)
    assert caught.value.message.msgid == "This task belongs to another applicant."
    db.rollback()
    assert db.exec(select(Task.id).where(Task.reposted_from_id == published.id)).all() == []


@pytest.mark.parametrize("through", ["api", "page"])
def test_a_task_is_posted_again_under_the_policy_in_force(
    client, db, enterprise, frozen, use_policy, through
):
    """A deployment that allows a one-working-day period for private funding may re-post the
    failed task it accepted with that period: the copy is checked under the policy in force, not
    under the defaults."""
    use_policy({"tasks": {"min_bidding_wd": {"private": 1, "state_owned": 5, "budget": 5}}})
    login(client, enterprise)
    created = client.post("/api/v1/tasks", json=task_data(funding="private", bidding_wd=1))
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    assert client.post(f"/api/v1/tasks/{number}/publish").status_code == 200
    task = tasks.get_task(db, number)
    failed(db, task, frozen)
    if through == "api":
        response = client.post(f"/api/v1/tasks/{number}/repost")
        assert response.status_code == 201, response.get_json()
        new = tasks.get_task(db, response.get_json()["number"])
    else:
        response = client.post(f"/tasks/{number}/repost")
        new = db.exec(select(Task).where(Task.reposted_from_id == task.id)).one()
        assert response.status_code == 302
        assert response.location == f"/tasks/{new.number}/edit"
    assert (new.bidding_wd, new.reposted_from_id) == (1, task.id)
