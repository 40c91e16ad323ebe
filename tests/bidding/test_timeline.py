"""A task's timeline (market/timeline.py, with bidding's stages): each stage's dates, the current
one, and the next deadline in working days, the same on the page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bidding import awards
from bidding.models import Contract, Deliverable, ExplanationRequest
from bidding.policy import DEFAULT_POLICY
from market import holidays, lifecycle, suspensions, tasks, timeline
from market.models import User
from tests.bidding.helpers import task_data
from tests.bidding.test_awards import in_publicity

#: 5 working days after Wednesday 2026-11-25 (the frozen day): 24:00 of Wednesday 2026-12-02.
DEADLINE = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


def timeline_of(client, task) -> dict:
    response = client.get(f"/api/v1/tasks/{task.number}")
    assert response.status_code == 200
    return response.get_json()["timeline"]


def stage(name, state, at=None, due_at=None) -> dict:
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"stage": name, "at": iso(at), "due_at": iso(due_at), "state": state}


#: The stages after publicity, before the task reaches them.
LATER = [stage(name, "upcoming") for name in ("award", "contract", "delivery", "acceptance")]


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
            *LATER,
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
            *LATER,
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
    assert (
        timeline_of(client, task)
        == {
            "stages": [
                stage("posted", "done", at=task.published_at),
                stage("bidding", "done", at=task.deadline_at, due_at=task.deadline_at),
                stage("opening", "done", at=now),
                stage("validity", "done", at=now),
                stage("publicity", "current", at=now, due_at=task.publicity_ends_at),
                stage("award", "upcoming", due_at=task.publicity_ends_at),  # objections until then
                *LATER[1:],
            ],
            "next_deadline": {
                "stage": "publicity",
                "at": task.publicity_ends_at.isoformat(),
                "working_days": 3,
            },
        }
    )


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
            *LATER,
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
            *LATER,
        ],
        "next_deadline": None,
    }


# --- after publicity: the award, the contract, delivery, acceptance, suspensions ----------------


def awarded(world, db, frozen, **overrides):
    """A task whose award is final, and its contract (unsigned)."""
    task, _ = in_publicity(world, **overrides)
    award = awards.current(db, task)
    frozen.set(max(award.publicity_ends_at, award.objections_until))
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    return task, db.exec(select(Contract).where(Contract.task_id == task.id)).one()


def states(timeline_dict) -> list[tuple[str, str]]:
    return [(s["stage"], s["state"]) for s in timeline_dict["stages"]]


def test_the_award_is_current_from_the_end_of_publicity_until_it_is_final(
    world, client, db, frozen
):
    task, _ = in_publicity(
        world, by=world.department, funding="budget", budget_code="B-1", min_bids=3
    )
    award = awards.current(db, task)
    frozen.set(award.publicity_ends_at)  # the longer challenge period (质疑) still runs
    got = timeline_of(client, task)
    assert got["stages"][4:] == [
        stage("publicity", "done", at=task.publicity_at, due_at=award.publicity_ends_at),
        stage("award", "current", due_at=award.objections_until),
        *LATER[1:],
    ]
    assert got["next_deadline"] == {
        "stage": "award",
        "at": award.objections_until.isoformat(),
        "working_days": 3,  # Wednesday to Friday: publicity ended at 24:00 of Monday
    }
    frozen.set(award.objections_until)
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    contract = db.exec(select(Contract).where(Contract.task_id == task.id)).one()
    got = timeline_of(client, task)
    assert got["stages"][5:] == [
        {
            **stage("award", "done", at=frozen.now(), due_at=award.objections_until),
            "notice_number": f"{task.number}-1",
        },
        stage("contract", "current", due_at=contract.sign_by),
        stage("delivery", "upcoming"),
        stage("acceptance", "upcoming"),
    ]
    assert got["next_deadline"]["stage"] == "contract"
    assert got["next_deadline"]["at"] == contract.sign_by.isoformat()


def test_delivery_then_acceptance_are_due_by_the_contracts_dates(world, client, db, frozen):
    task, contract = awarded(world, db, frozen)
    now = frozen.now()
    contract.agency_signed_at = contract.applicant_signed_at = contract.signed_at = now
    contract.due_at = holidays.load(db).add_calendar_days(now, 30)
    db.add(contract)
    lifecycle.transition(db, task, "contract")
    db.commit()
    assert timeline_of(client, task)["stages"][-3:] == [
        stage("contract", "done", at=now),
        stage("delivery", "current", due_at=contract.due_at),
        stage("acceptance", "upcoming"),
    ]
    frozen.advance(days=10)
    delivery = Deliverable(
        contract_id=contract.id,
        round=1,
        submitted_at=frozen.now(),
        submitted_by_user_id=world.applicant.id,
        note="报告书终稿",
        decide_by=holidays.load(db).add_working_days(frozen.now(), 10),
    )
    db.add(delivery)
    lifecycle.transition(db, task, "deliver")
    db.commit()
    got = timeline_of(client, task)
    assert got["stages"][-2:] == [
        stage("delivery", "done", at=frozen.now(), due_at=contract.due_at),
        stage("acceptance", "current", due_at=delivery.decide_by),
    ]
    assert got["next_deadline"] == {
        "stage": "acceptance",
        "at": delivery.decide_by.isoformat(),
        "working_days": 10,
    }
    frozen.advance(days=1)
    lifecycle.transition(db, task, "accept")
    db.commit()
    got = timeline_of(client, task)
    assert all(s["state"] == "done" for s in got["stages"])
    assert got["stages"][-1] == stage("acceptance", "done", at=frozen.now())
    assert got["next_deadline"] is None


def test_a_suspension_is_current_while_in_force_then_kept_with_its_dates(world, client, db, frozen):
    task = world.post_task()
    frozen.advance(hours=2)
    suspensions.suspend(db, task, world.regulator, "调查投诉。")
    db.commit()
    started = frozen.now()
    got = timeline_of(client, task)
    assert got["stages"][:3] == [
        stage("posted", "done", at=task.published_at),
        {**stage("suspended", "current", at=started), "until": None},
        stage("bidding", "upcoming", due_at=DEADLINE),
    ]
    assert got["next_deadline"] is None  # nothing runs while the task is halted
    frozen.advance(hours=3)
    suspensions.resume(db, task, world.regulator, "调查完毕。")
    db.commit()
    got = timeline_of(client, task)
    assert got["stages"][:3] == [
        stage("posted", "done", at=task.published_at),
        {**stage("suspended", "done", at=started), "until": frozen.now().isoformat()},
        stage("bidding", "current", due_at=DEADLINE),
    ]
    assert got["next_deadline"]["stage"] == "bidding"
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert (
        '<li class="done"><strong>已暂停</strong> 2026-11-25 12:00 – 结束于 2026-11-25 15:00</li>'
        in page
    )


def test_a_terminated_contract_ends_the_timeline(world, client, db, frozen):
    task, contract = awarded(world, db, frozen)
    lifecycle.transition(db, task, "contract")
    frozen.advance(days=3)
    lifecycle.transition(db, task, "terminate")
    db.commit()
    got = timeline_of(client, task)
    assert states(got)[-3:] == [("award", "done"), ("contract", "done"), ("terminated", "current")]
    assert got["stages"][-1] == stage("terminated", "current", at=frozen.now())
    assert got["next_deadline"] is None


def test_the_page_shows_the_later_stages_in_both_languages(world, client, db, frozen):
    task, contract = awarded(world, db, frozen)
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert "<strong>中选结果确定（中选通知书）</strong>" in page
    assert f"中选通知书编号 {task.number}-1" in page
    assert "<strong>合同签订</strong>" in page and "<strong>成果交付</strong>" in page
    english = client.get(f"/tasks/{task.number}?lang=en").get_data(as_text=True)
    assert '<li class="upcoming"><strong>Acceptance of the work</strong></li>' in english
    assert "<strong>Contract signing</strong> · due" in english
