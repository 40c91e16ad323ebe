"""Posting tasks: drafts, publication, amendments, cancellation, and every policy refusal."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from market import lifecycle, tasks
from market.labels import STATUS_LABELS
from market.models import Task, TaskAmendment
from market.validation import Forbidden, Invalid
from market.workdays import SHANGHAI
from tests.conftest import FROZEN_AT, login
from tests.market.test_agency_form import required_marks


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


def refusal(excinfo, field: str) -> str:
    return excinfo.value.errors[field][0].msgid


@pytest.fixture
def enterprise(make):
    return make.enterprise()


@pytest.fixture
def department(make):
    return make.staff("department")


def test_enterprise_posts_a_draft_numbered_by_year(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    assert task.number.startswith("ZJ-2026-")
    assert lifecycle.status(task) == lifecycle.DRAFT


def test_direct_selection_is_refused_on_state_owned_funding(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(method="direct", invited_agency_id=1))
    assert "only for private funding" in refusal(exc, "method")


def test_department_task_refuses_direct_selection(db, department):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(
            db, department, task_data(funding="budget", budget_code="B-1", method="direct")
        )
    assert "competitively" in refusal(exc, "method")


def test_budget_tasks_need_three_minimum_bids(db, department):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(
            db, department, task_data(funding="budget", budget_code="B-1", min_bids=2)
        )
    assert "at least %(n)d valid bids" in refusal(exc, "min_bids")


def test_private_tasks_may_ask_for_a_single_bid(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data(funding="private", min_bids=1))
    assert task.min_bids == 1


def test_scoring_refuses_a_price_weight_under_the_minimum(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(
            db,
            enterprise,
            task_data(
                method="scoring", weight_price=5, weight_credit=15, weight_quality=80, panel_size=3
            ),
        )
    assert "price weight" in refusal(exc, "weight_price")


def test_scoring_weights_must_add_up_to_100(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(
            db,
            enterprise,
            task_data(
                method="scoring", weight_price=30, weight_credit=10, weight_quality=50, panel_size=3
            ),
        )
    assert "add up to 100" in refusal(exc, "weight_quality")


def test_a_bidding_period_shorter_than_the_minimum_is_refused(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(bidding_wd=4))
    assert "at least %(n)d working days" in refusal(exc, "bidding_wd")
    assert tasks.create_draft(db, enterprise, task_data(funding="private", bidding_wd=2))


def test_enterprise_may_not_post_a_department_commissioned_review(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(service_item="EIA-TECH-REVIEW"))
    assert "commissioned by the approving department" in refusal(exc, "service_item")


def test_department_posts_its_technical_review_with_budget_funding(db, department):
    task = tasks.create_draft(
        db,
        department,
        task_data(service_item="EIA-TECH-REVIEW", funding="budget", budget_code="2026-ENV-01"),
    )
    assert task.funding == "budget"


def test_a_cap_at_the_procurement_threshold_is_refused_with_where_to_go(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(price_cap_fen=100_000_000))
    assert "formal government procurement" in refusal(exc, "price_cap_fen")
    assert tasks.create_draft(db, enterprise, task_data(price_cap_fen=99_999_999))


@pytest.mark.parametrize(
    "text, words",
    [
        ("投标人注册资本不低于500万元", "registered capital"),
        ("仅限本市注册的中介机构", "region"),
        ("须在长春设立分支机构", "local branch"),
        ("从业人员不少于50人", "size"),
    ],
)
def test_conditions_on_region_industry_size_or_capital_are_refused(db, enterprise, text, words):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(description=text))
    assert words in refusal(exc, "description")


def test_an_unknown_condition_field_is_refused(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(region_restriction="220000"))
    assert "region_restriction" in exc.value.errors


def test_required_qualifications_only_from_the_items_legal_ones(db, enterprise):
    with pytest.raises(Invalid) as exc:
        tasks.create_draft(db, enterprise, task_data(required_qualifications=["甲级资质"]))
    assert "the law requires" in refusal(exc, "required_qualifications")


def test_agencies_cannot_post_tasks(db, make):
    agency = make.agency()
    with pytest.raises(Forbidden) as refused:
        tasks.create_draft(db, agency, task_data())
    assert refused.value.message.msgid == "Your organization's kind may not do this."


def test_publication_fixes_the_deadline_at_2400_of_the_fifth_working_day(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    # Published Wednesday 2026-11-25 (Shanghai); day 1 is Thursday; day 5 is Wednesday 12-02.
    assert task.deadline_at.astimezone(SHANGHAI) == datetime(2026, 12, 3, tzinfo=SHANGHAI)
    assert lifecycle.status(task) == lifecycle.OPEN
    assert task.deadline_calendar_fallback is False


def test_a_deadline_in_an_unknown_year_is_marked_as_weekends_only(db, enterprise, frozen):
    frozen.set(datetime(2026, 12, 28, 2, tzinfo=SHANGHAI))
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    assert task.deadline_at.year == 2027
    assert task.deadline_calendar_fallback is True


def test_amendment_is_logged_and_extends_a_deadline_that_is_too_close(db, enterprise, frozen):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    first_deadline = task.deadline_at
    frozen.advance(days=5)  # Monday 11-30: two working days left
    amendment = tasks.amend(
        db, enterprise, task.number, {"price_cap_fen": 25_000_000, "reason": "预算调整"}
    )
    assert amendment.changes == {"price_cap_fen": {"old": 30_000_000, "new": 25_000_000}}
    assert task.deadline_at > first_deadline
    assert amendment.deadline_extended_to == task.deadline_at


def test_an_amendment_is_recorded_only_while_the_task_is_open(db, enterprise, frozen):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    frozen.set(task.deadline_at)
    with pytest.raises(Forbidden) as refused:
        tasks.record_amendment(
            db,
            task,
            reason="截止后补充",
            changes={"service_days": {"old": 30, "new": 40}},
            actor_user_id=enterprise.id,
            actor_org_id=enterprise.organization_id,
        )
    assert refused.value.message.msgid == tasks.NOT_AMENDABLE
    assert db.exec(TaskAmendment.__table__.select()).first() is None


def test_amendment_far_from_the_deadline_keeps_it(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data(bidding_wd=10))
    tasks.publish(db, enterprise, task.number)
    deadline = task.deadline_at
    tasks.amend(db, enterprise, task.number, {"service_days": 40, "reason": "工期调整"})
    assert task.deadline_at == deadline


def test_funding_and_method_cannot_change_after_publication(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    with pytest.raises(Invalid) as exc:
        tasks.amend(db, enterprise, task.number, {"method": "average_price", "reason": "x"})
    assert "cancel and post again" in refusal(exc, "method")


def test_no_amendment_after_the_deadline(db, enterprise, frozen):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    frozen.set(task.deadline_at)
    with pytest.raises(Forbidden) as refused:
        tasks.amend(db, enterprise, task.number, {"service_days": 40, "reason": "late"})
    assert refused.value.message.msgid == "Only an open task can be amended, before its deadline."


def test_cancel_before_opening_publishes_the_reason(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    tasks.cancel(db, enterprise, task.number, "项目取消")
    assert lifecycle.status(task) == lifecycle.CANCELLED
    assert task.cancel_reason == "项目取消"


def test_cancel_after_opening_needs_a_regulator_in_jurisdiction(db, enterprise, make, frozen):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    frozen.set(task.deadline_at)
    lifecycle.transition(db, task, "open")
    tasks.cancel(db, enterprise, task.number, "规划调整")
    assert lifecycle.status(task) == lifecycle.OPENED
    outsider = make.staff("regulator", region_prefixes=["11"])
    with pytest.raises(Forbidden) as refused:
        tasks.approve_cancellation(db, outsider, task.number)
    assert refused.value.message.msgid == "This task is outside your jurisdiction."
    regulator = make.staff("regulator", region_prefixes=["22"])
    tasks.approve_cancellation(db, regulator, task.number)
    assert lifecycle.status(task) == lifecycle.CANCELLED


def test_a_waiting_cancellation_request_is_not_asked_again_or_its_reason_rewritten(
    db, enterprise, frozen
):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    frozen.set(task.deadline_at)
    lifecycle.transition(db, task, "open")
    tasks.cancel(db, enterprise, task.number, "规划调整")
    with pytest.raises(Forbidden) as refused:
        tasks.cancel(db, enterprise, task.number, "另一个理由")
    assert refused.value.message.msgid == (
        "A cancellation request already waits for a regulator's decision."
    )
    assert task.cancel_reason == "规划调整"


def test_illegal_transitions_are_refused(db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    with pytest.raises(lifecycle.IllegalTransition) as refused:
        lifecycle.transition(db, task, "open")
    assert refused.value.message.msgid == "A task that is %(status)s cannot be %(event)s."
    assert dict(refused.value.message.params) == {"status": "draft", "event": "opened"}
    assert task.opened_at is None


def test_another_applicant_cannot_touch_a_task(db, enterprise, make):
    task = tasks.create_draft(db, enterprise, task_data())
    other = make.enterprise(uscc="91220101MA17QW9E11")
    with pytest.raises(Forbidden) as refused:
        tasks.publish(db, other, task.number)
    assert refused.value.message.msgid == "This task belongs to another applicant."
    assert task.published_at is None


def test_api_posts_publishes_and_lists_a_task(client, db, enterprise):
    login(client, enterprise)
    response = client.post("/api/v1/tasks", json=task_data())
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    assert client.get("/api/v1/tasks").get_json()["items"] == []  # drafts are private
    assert client.post(f"/api/v1/tasks/{number}/publish").status_code == 200
    listed = client.get("/api/v1/tasks?status=open").get_json()["items"]
    assert [t["number"] for t in listed] == [number]


def test_api_refusal_is_problem_json_naming_the_field(client, enterprise):
    login(client, enterprise)
    response = client.post("/api/v1/tasks", json=task_data(method="direct"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "method" in response.get_json()["errors"]


def test_drafts_are_hidden_from_everyone_but_their_applicant(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    assert client.get(f"/api/v1/tasks/{task.number}").status_code == 404
    assert client.get(f"/tasks/{task.number}").status_code == 404


def test_the_task_form_posts_a_draft_in_yuan(client, db, enterprise):
    login(client, enterprise)
    response = client.post(
        "/tasks/new",
        data={
            "service_item": "EIA-REPORT",
            "title": "环评报告书编制",
            "description": "编制报告书",
            "funding": "private",
            "method": "lowest_price",
            "price_cap": "180,000.50",
            "min_bids": "3",
            "service_days": "30",
            "bidding_wd": "3",
        },
    )
    assert response.status_code == 302
    task = db.exec(Task.__table__.select()).first()
    assert task.price_cap_fen == 18_000_050


def test_the_task_form_shows_the_refusal_inline(client, enterprise):
    login(client, enterprise)
    response = client.post(
        "/tasks/new",
        data={
            "service_item": "EIA-REPORT",
            "title": "环评",
            "description": "须为本地企业",
            "funding": "private",
            "method": "lowest_price",
            "price_cap": "1000",
            "service_days": "30",
            "bidding_wd": "3",
        },
    )
    assert response.status_code == 422
    assert "region" in response.get_data(as_text=True) or "地域" in response.get_data(as_text=True)


def test_public_task_page_shows_the_change_log(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data(bidding_wd=10))
    tasks.publish(db, enterprise, task.number)
    tasks.amend(db, enterprise, task.number, {"service_days": 45, "reason": "延长服务期限"})
    db.commit()
    page = client.get(f"/tasks/{task.number}?lang=en").get_data(as_text=True)
    assert "延长服务期限" in page
    assert db.exec(TaskAmendment.__table__.select()).first() is not None


def test_status_filter_in_sql_agrees_with_the_status_function(db, enterprise, frozen):
    from sqlmodel import select

    drafts = tasks.create_draft(db, enterprise, task_data())
    published = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, published.number)
    cancelled = tasks.create_draft(db, enterprise, task_data())
    tasks.cancel(db, enterprise, cancelled.number, "不再需要")
    db.flush()
    for moment in (frozen.now(), published.deadline_at):
        frozen.set(moment)
        for name in (
            lifecycle.DRAFT,
            lifecycle.OPEN,
            lifecycle.DEADLINE_PASSED,
            lifecycle.CANCELLED,
            lifecycle.OPENED,
        ):
            found = set(db.exec(select(Task.id).where(lifecycle.status_clause(name, moment))))
            expected = {
                t.id for t in (drafts, published, cancelled) if lifecycle.status(t, moment) == name
            }
            assert found == expected, (name, moment)


def test_the_task_page_offers_cancellation_exactly_when_the_applicant_may_cancel(
    app, client, db, enterprise, make, frozen
):
    """Before opening the applicant cancels, after it asks a regulator: the form is offered while
    either is allowed, to the applicant only, and not again while a request waits."""
    login(client, enterprise)
    outsider = app.test_client()
    login(outsider, make.agency())
    offered = {}
    for name in STATUS_LABELS:
        frozen.set(FROZEN_AT)
        task = tasks.create_draft(db, enterprise, task_data(title=f"取消表单 {name}"))
        if name != lifecycle.DRAFT:
            tasks.publish(db, enterprise, task.number)
        if name not in (lifecycle.DRAFT, lifecycle.OPEN, lifecycle.DEADLINE_PASSED):
            setattr(task, f"{name}_at", frozen.now())
        db.add(task)
        db.commit()
        if name == lifecycle.DEADLINE_PASSED:
            frozen.set(task.deadline_at)
        form = f'action="/tasks/{task.number}/cancel"'
        shown = form in client.get(f"/tasks/{task.number}").get_data(as_text=True)
        db.refresh(task)  # the page opens a task whose deadline has passed
        may = lifecycle.allowed(task, "cancel") or lifecycle.allowed(task, "cancel_after_opening")
        assert shown == may, (name, lifecycle.status(task))
        assert form not in outsider.get(f"/tasks/{task.number}").get_data(as_text=True), name
        offered[lifecycle.status(task)] = shown
        if may and lifecycle.allowed(task, "cancel_after_opening"):
            tasks.cancel(db, enterprise, task.number, "规划调整")
            db.commit()
            page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
            assert form not in page, ("request waiting", name)
    assert {s for s, shown in offered.items() if shown} == {
        lifecycle.DRAFT,
        lifecycle.OPEN,
        lifecycle.OPENED,
        lifecycle.FAILED,
        lifecycle.PUBLICITY,
    }


def test_the_task_form_states_the_bidding_periods_in_force(client, enterprise, use_policy):
    use_policy({"tasks": {"min_bidding_wd": {"private": 4, "budget": 7}}})
    login(client, enterprise)
    page = client.get("/tasks/new?lang=en").get_data(as_text=True)
    assert "At least 7 working days for budget and state-owned funding, 4 for private." in page


def test_the_status_filter_in_sql_agrees_with_status_for_tasks_stopped_before_their_deadline(
    db, make, frozen
):
    """A task cancelled or suspended before its deadline is not open, though its deadline is
    still ahead; a draft is neither open nor past its deadline: the SQL twin of `status()` says
    the same as `status()` for each (docs/rules.md §4)."""
    applicant = make.enterprise()
    draft = tasks.create_draft(db, applicant, task_data())
    open_task, cancelled, suspended = (
        tasks.publish(db, applicant, tasks.create_draft(db, applicant, task_data()).number)
        for _ in range(3)
    )
    tasks.cancel(db, applicant, cancelled.number, "项目取消")
    suspended.suspended_at = frozen.now()
    db.add(suspended)
    db.flush()
    later = frozen.now() + (open_task.deadline_at - frozen.now()) * 2
    mine = Task.applicant_org_id == applicant.organization_id
    for now in (frozen.now(), later):
        for name in (
            lifecycle.DRAFT,
            lifecycle.OPEN,
            lifecycle.DEADLINE_PASSED,
            lifecycle.CANCELLED,
            lifecycle.SUSPENDED,
        ):
            selected = set(db.exec(select(Task.id).where(mine, lifecycle.status_clause(name, now))))
            expected = {
                t.id
                for t in (draft, open_task, cancelled, suspended)
                if lifecycle.status(t, now) == name
            }
            assert selected == expected, (name, now)
    assert lifecycle.status(cancelled, frozen.now()) == lifecycle.CANCELLED
    assert lifecycle.status(open_task, frozen.now()) == lifecycle.OPEN


def test_the_task_form_marks_the_fields_the_service_requires(client, make):
    login(client, make.enterprise())
    client.get("/?lang=en")
    html = client.get("/tasks/new").get_data(as_text=True)
    assert required_marks(html) == {
        *("service_item", "title", "description", "funding", "method"),
        *("service_days", "bidding_wd"),
    }
