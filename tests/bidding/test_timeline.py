"""A task's timeline (market/timeline.py, with bidding's stages): each stage's dates, the current
one, and the next deadline in working days, the same on the page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bidding.models import ExplanationRequest
from market import tasks, timeline
from market.models import User
from tests.bidding.helpers import task_data

#: 5 working days after Wednesday 2026-11-25 (the frozen day): 24:00 of Wednesday 2026-12-02.
DEADLINE = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


def timeline_of(client, task) -> dict:
    response = client.get(f"/api/v1/tasks/{task.number}")
    assert response.status_code == 200
    return response.get_json()["timeline"]


def stage(name, state, at=None, due_at=None) -> dict:
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"stage": name, "at": iso(at), "due_at": iso(due_at), "state": state}


def test_an_open_task_is_bidding_until_its_deadline_five_working_days_away(world, client, frozen):
    task = world.post_task()
    now = frozen.now()
    assert timeline_of(client, task) == {
        "stages": [
            stage("posted", "done", at=now),
            stage("bidding", "current", due_at=DEADLINE),
            stage("opening", "upcoming"),
            stage("validity", "upcoming"),
            stage("publicity", "upcoming"),
        ],
        "next_deadline": {"stage": "bidding", "at": DEADLINE.isoformat(), "working_days": 5},
    }


def test_the_page_shows_the_timeline_with_the_current_stage_and_working_days_left(world, client):
    task = world.post_task()
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert '<h2 id="timeline-heading">进程</h2>' in page
    assert (
        "下一个截止时间：投标（至截止时间），2026-12-02 24:00（北京时间） — 还剩 5 个工作日" in page
    )
    assert (
        '<li class="current" aria-current="step"><strong>投标（至截止时间）</strong>'
        " · 截止 2026-12-02 24:00 <em>当前阶段</em></li>"
    ) in page
    assert '<li class="done"><strong>发布</strong> 2026-11-25 10:00</li>' in page
    english = client.get(f"/tasks/{task.number}?lang=en").get_data(as_text=True)
    assert (
        "Next deadline: Bidding (until the deadline), 2026-12-02 24:00 (Asia/Shanghai)"
        " — 5 working days left"
    ) in english
    assert '<li class="upcoming"><strong>Publicity of the result</strong></li>' in english


def test_an_abnormally_low_bid_makes_validity_current_until_its_explanation_is_due(
    world, client, db, frozen
):
    task = world.post_task()
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_100_000)
    world.bid(world.agency(), task, 300_000)
    world.shift_to(task, "opened")
    now = frozen.now()
    (request,) = db.exec(select(ExplanationRequest).where(ExplanationRequest.task_id == task.id))
    assert timeline_of(client, task) == {
        "stages": [
            stage("posted", "done", at=task.published_at),
            stage("bidding", "done", at=task.deadline_at, due_at=task.deadline_at),
            stage("opening", "done", at=now),
            stage("validity", "current", due_at=request.due_at),
            stage("publicity", "upcoming"),
        ],
        "next_deadline": {
            "stage": "validity",
            "at": request.due_at.isoformat(),
            "working_days": 1,
        },
    }


def test_in_publicity_the_end_of_publicity_is_the_next_deadline(world, client, frozen):
    task = world.post_task()
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_100_000)
    world.shift_to(task, "opened")
    now = frozen.now()
    assert timeline_of(client, task) == {
        "stages": [
            stage("posted", "done", at=task.published_at),
            stage("bidding", "done", at=task.deadline_at, due_at=task.deadline_at),
            stage("opening", "done", at=now),
            stage("validity", "done", at=now),
            stage("publicity", "current", at=now, due_at=task.publicity_ends_at),
        ],
        "next_deadline": {
            "stage": "publicity",
            "at": task.publicity_ends_at.isoformat(),
            "working_days": 3,
        },
    }


@pytest.fixture
def experts(make) -> list[User]:
    return [make.staff("expert", categories=["environment"]) for _ in range(3)]


def test_a_scoring_task_waits_at_the_panels_marking(world, client, frozen, experts):
    task = world.post_task(
        "scoring", min_bids=2, weight_price=30, weight_credit=10, weight_quality=60, panel_size=3
    )
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_100_000)
    world.shift_to(task, "opened")
    now = frozen.now()
    assert timeline_of(client, task) == {
        "stages": [
            stage("posted", "done", at=task.published_at),
            stage("bidding", "done", at=task.deadline_at, due_at=task.deadline_at),
            stage("opening", "done", at=now),
            stage("validity", "done", at=now),
            stage("panel", "current"),
            stage("publicity", "upcoming"),
        ],
        "next_deadline": None,
    }


def test_a_failed_task_ends_at_its_failure(world, client, frozen):
    task = world.post_task(min_bids=2)
    world.bid(world.agency(), task, 1_000_000)
    world.shift_to(task, "opened")
    now = frozen.now()
    assert [(s["stage"], s["state"]) for s in timeline_of(client, task)["stages"]] == [
        ("posted", "done"),
        ("bidding", "done"),
        ("opening", "done"),
        ("validity", "done"),
        ("failed", "current"),
    ]
    assert timeline_of(client, task)["stages"][-1] == stage("failed", "current", at=now)


def test_a_cancelled_task_ends_at_its_cancellation_and_nothing_is_due(world, client, frozen, db):
    task = world.post_task()
    frozen.advance(hours=1)
    tasks.cancel(db, world.applicant, task.number, "项目取消。")
    db.commit()
    assert timeline_of(client, task) == {
        "stages": [
            stage("posted", "done", at=task.published_at),
            stage("cancelled", "current", at=frozen.now()),
        ],
        "next_deadline": None,
    }


def test_the_list_leaves_the_timeline_out(world, client):
    world.post_task()
    items = client.get("/api/v1/tasks").get_json()["items"]
    assert items and all("timeline" not in t for t in items)


def test_a_timeline_counts_working_days_across_a_weekend(world, client, frozen):
    task = world.post_task()
    frozen.advance(days=3)  # Saturday 2026-11-28: Monday to Wednesday are left
    assert timeline_of(client, task)["next_deadline"] == {
        "stage": "bidding",
        "at": DEADLINE.isoformat(),
        "working_days": 3,
    }
    assert frozen.now() - task.published_at == timedelta(days=3)
    assert timeline_of(client, task)["stages"][1] == stage("bidding", "current", due_at=DEADLINE)


def test_a_draft_is_at_its_posting_with_nothing_due(world, db, frozen):
    draft = tasks.create_draft(db, world.applicant, task_data())
    assert timeline.timeline(db, draft, frozen.now()) == {
        "stages": [
            stage("posted", "current"),
            stage("bidding", "upcoming"),
            stage("opening", "upcoming"),
            stage("validity", "upcoming"),
            stage("publicity", "upcoming"),
        ],
        "next_deadline": None,
    }
