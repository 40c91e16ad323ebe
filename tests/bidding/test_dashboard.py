"""The dashboard (`/dashboard`, GET /api/v1/dashboard; market/dashboard.py, bidding/actions.py):
what awaits each user's action next, for exactly the users who must act — never another
applicant, another agency or a regulator outside the jurisdiction — soonest deadline first, with
its working days left and the overdue marked, in grouped reads whatever the number of tasks."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bidding import awards, marking, panel, validity
from bidding import demo as bidding_demo
from bidding.invitations import services as invitations
from bidding.models import Bid, Complaint, Contract, Deliverable, ExplanationRequest, Objection
from bidding.models.results import COMPLAINT_UPHELD
from bidding.policy import DEFAULT_POLICY
from bidding.questions import services as questions
from bidding.questions.services import questions_close_at
from market import agencies, clock, dashboard, holidays, lifecycle, relations, signals, tasks
from market.dashboard import Item
from market.demo import DEMO_PASSWORD, load_all
from market.models import User
from market.workdays import end_of_day
from tests.bidding.helpers import new_uscc, resident_id
from tests.bidding.test_lists import statements
from tests.conftest import login

#: 5 working days after Wednesday 2026-11-25 (the frozen day): 24:00 of Wednesday 2026-12-02.
DEADLINE = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


@pytest.fixture
def look(as_):
    """`look(user)`: the user's dashboard items from the API, as (kind, task number) pairs."""

    clients = {}  # one login per user: a second factor's code is accepted once

    def items(user) -> list[dict]:
        if user.id not in clients:
            clients[user.id] = as_(user)
        response = clients[user.id].get("/api/v1/dashboard")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    return items


def pairs(items: list[dict]) -> list[tuple[str, str | None]]:
    return [(i["kind"], i["task"]["number"] if i["task"] else None) for i in items]


def of_kind(items: list[dict], kind: str) -> list[dict]:
    return [i for i in items if i["kind"] == kind]


def in_publicity(world, bids=3, **overrides):
    task = world.post_task("lowest_price", **{"min_bids": 1, **overrides})
    agencies = [world.agency() for _ in range(bids)]
    for n, agency in enumerate(agencies):
        world.bid(agency, task, 1_000_000 + n * 10_000)
    world.shift_to(task, "opened")
    assert lifecycle.status(task) == lifecycle.PUBLICITY
    return task, agencies


def awarded(world, db, frozen, **overrides):
    """A task whose award is final, with its unsigned contract; the agencies in rank order."""
    task, agencies = in_publicity(world, **overrides)
    award = awards.current(db, task)
    frozen.set(max(award.publicity_ends_at, award.objections_until))
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    contract = db.exec(select(Contract).where(Contract.task_id == task.id)).one()
    return task, agencies, contract


# --- the applicant ---------------------------------------------------------------------------


def test_questions_await_their_applicants_answer_until_the_question_period_ends(
    world, db, look, make
):
    task = world.post_task()
    asker = world.agency()
    questions.ask(db, asker, task.number, "报价是否含税？")
    questions.ask(db, asker, task.number, "工期能否延长？")
    db.commit()
    (item,) = look(world.applicant)
    close = questions_close_at(holidays.load(db), task.deadline_at)
    assert item == {
        "kind": "answer_questions",
        "action": "Answer the questions asked (2)",
        "task": {"number": task.number, "title": task.title},
        "due_at": close.isoformat(),
        "working_days_left": 4,
        "overdue": False,
        "weekends_only_years": [],
        "url": f"/tasks/{task.number}#questions",
    }
    assert close == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 24:00 of Tuesday
    assert look(make.enterprise(uscc=new_uscc())) == []
    assert look(asker) == []
    assert of_kind(look(world.regulator), "answer_questions") == []
    first = questions.task_questions(db, task)[0]
    questions.answer(db, world.applicant, task.number, first.id, "含税。")
    db.commit()
    assert [i["action"] for i in look(world.applicant)] == ["Answer the questions asked (1)"]


def test_objections_to_the_announcement_await_a_reply_before_the_deadline(world, db, look, make):
    task = world.post_task()
    objector = world.agency()
    questions.submit_objection(db, objector, task.number, "资质条件过严。")
    db.commit()
    (item,) = look(world.applicant)
    assert (item["kind"], item["due_at"], item["url"]) == (
        "reply_announcement_objections",
        DEADLINE.isoformat(),
        f"/tasks/{task.number}#objections",
    )
    assert item["working_days_left"] == 5
    assert look(objector) == [] and look(make.enterprise(uscc=new_uscc())) == []


def test_an_abnormally_low_price_is_explained_by_its_bidder_then_decided_by_the_applicant(
    world, db, look
):
    task = world.post_task()
    fair, other, low = world.agency(), world.agency(), world.agency()
    world.bid(fair, task, 1_000_000)
    world.bid(other, task, 1_100_000)
    receipt = world.bid(low, task, 300_000).receipt
    world.shift_to(task, "opened")
    (item,) = look(low)
    bid = db.exec(select(Bid).where(Bid.receipt == receipt)).one()
    request = db.exec(select(ExplanationRequest).where(ExplanationRequest.bid_id == bid.id)).one()
    assert (item["kind"], item["due_at"], item["working_days_left"], item["url"]) == (
        "explain_price",
        request.due_at.isoformat(),
        1,
        f"/tasks/{task.number}#bids",
    )
    assert look(fair) == [] and look(other) == [] and look(world.applicant) == []
    validity.submit_explanation(db, low, bid.id, "成本核算见附件。")
    db.commit()
    assert look(low) == []
    assert pairs(look(world.applicant)) == [("decide_explanations", task.number)]


def test_a_declined_invitation_asks_the_applicant_to_invite_another_agency(world, db, look):
    invited, bystander = world.agency(), world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    (item,) = look(invited)
    assert (item["kind"], item["due_at"], item["url"]) == (
        "answer_invitation",
        task.deadline_at.isoformat(),
        f"/tasks/{task.number}#invitation",
    )
    assert look(bystander) == [] and look(world.applicant) == []
    invitations.decline(db, invited, task.number, "排期已满。")
    db.commit()
    assert look(invited) == []
    (item,) = look(world.applicant)
    assert (item["kind"], item["action"], item["due_at"]) == (
        "invite_another_agency",
        "Invite another agency: the invitation was declined",
        task.deadline_at.isoformat(),
    )


def test_a_lapsed_invitation_asks_the_applicant_to_invite_another_agency(world, db, look):
    invited = world.agency()
    task = world.post_task("direct", invited_agency_id=invited.organization_id)
    world.shift_to(task, "opened")  # no answer by the deadline: lapsed, and the task failed
    assert lifecycle.status(task) == lifecycle.FAILED
    (item,) = look(world.applicant)
    assert (item["kind"], item["action"], item["due_at"], item["url"]) == (
        "invite_another_agency",
        "Invite another agency: the invitation lapsed and the task failed",
        None,
        f"/tasks/{task.number}#invitation",
    )
    assert look(invited) == []


def test_an_unanswered_objection_to_the_award_awaits_the_applicant(world, db, look, make):
    task, agencies = in_publicity(world)
    award = awards.current(db, task)
    bid = db.exec(select(Bid).where(Bid.agency_id == agencies[1].organization_id)).one()
    due = award.publicity_ends_at + timedelta(days=5)
    db.add(
        Objection(
            task_id=task.id,
            award_id=award.id,
            bid_id=bid.id,
            agency_id=agencies[1].organization_id,
            kind="objection",
            grounds="价格异常",
            filed_at=clock.now(),
            filed_by_user_id=agencies[1].id,
            answer_due_at=due,
        )
    )
    db.commit()
    (item,) = look(world.applicant)
    assert (item["kind"], item["action"], item["due_at"]) == (
        "answer_award_objections",
        "Answer the objections to the award candidate (1)",
        due.isoformat(),
    )
    assert look(make.enterprise(uscc=new_uscc())) == []


# --- the agency during publicity -----------------------------------------------------------


def test_the_other_bidders_may_object_until_the_objection_period_ends(world, db, look):
    task, (first, second, third) = in_publicity(world)
    award = awards.current(db, task)
    for agency in (second, third):
        (item,) = look(agency)
        assert (item["kind"], item["due_at"], item["working_days_left"]) == (
            "objection_period",
            award.objections_until.isoformat(),
            3,
        )
    assert look(first) == []  # the candidate itself
    assert look(world.agency()) == []  # not a bidder


def test_a_bid_is_listed_from_three_working_days_before_its_deadline(world, db, look, frozen):
    task = world.post_task()
    bidder, bystander = world.agency(), world.agency()
    world.bid(bidder, task)
    assert look(bidder) == []  # five working days left
    frozen.advance(days=1)  # Thursday: four left
    assert look(bidder) == []
    frozen.advance(days=1)  # Friday: Monday to Wednesday are left
    (item,) = look(bidder)
    assert (item["kind"], item["working_days_left"], item["url"]) == (
        "bid_closing",
        3,
        f"/tasks/{task.number}#my-bid",
    )
    assert look(bystander) == []


# --- contracts, delivery and payment (rows as the services will leave them) --------------------


def test_both_sides_sign_the_contract_each_until_it_is_signed_by_its_side(world, db, look, frozen):
    task, (first, second, _), contract = awarded(world, db, frozen)
    for user in (world.applicant, first):
        (item,) = look(user)
        assert (item["kind"], item["due_at"], item["url"]) == (
            "sign_contract",
            contract.sign_by.isoformat(),
            f"/tasks/{task.number}#contract",
        )
    assert look(second) == []
    contract.agency_signed_at = clock.now()
    db.add(contract)
    db.commit()
    assert look(first) == []
    assert pairs(look(world.applicant)) == [("sign_contract", task.number)]
    frozen.set(contract.sign_by)
    (late,) = look(world.applicant)
    assert (late["overdue"], late["working_days_left"]) == (True, 0)


def test_a_revoked_awards_contract_is_no_ones_to_sign(world, db, look, frozen):
    task, (first, second, third), contract = awarded(world, db, frozen)
    awards.hand_over(db, task, DEFAULT_POLICY, because=COMPLAINT_UPHELD, reason="投诉成立。")
    db.commit()
    assert look(world.applicant) == []
    # No contract to sign: the first may object to the next in line, as the third may.
    assert pairs(look(first)) == pairs(look(third)) == [("objection_period", task.number)]
    assert look(second) == []  # now the candidate


def test_the_agency_delivers_then_the_applicant_decides_each_delivery(world, db, look, frozen):
    task, (first, _, _), contract = awarded(world, db, frozen)
    now = clock.now()
    contract.agency_signed_at = contract.applicant_signed_at = contract.signed_at = now
    contract.due_at = end_of_day((now + timedelta(days=30)).date())
    db.add(contract)
    db.commit()
    (item,) = look(first)
    assert (item["kind"], item["due_at"]) == ("deliver_work", contract.due_at.isoformat())
    assert look(world.applicant) == []
    delivery = Deliverable(
        contract_id=contract.id,
        round=1,
        submitted_at=now,
        submitted_by_user_id=first.id,
        note="报告书终稿",
        decide_by=holidays.load(db).add_working_days(now, 10),
    )
    db.add(delivery)
    db.commit()
    assert look(first) == []
    (item,) = look(world.applicant)
    assert (item["kind"], item["action"], item["due_at"], item["working_days_left"]) == (
        "decide_delivery",
        "Accept the delivered work or ask for a revision (round 1)",
        delivery.decide_by.isoformat(),
        10,
    )
    delivery.decided_at, delivery.decision = now, "revision"
    db.add(delivery)
    db.commit()
    assert pairs(look(first)) == [("deliver_work", task.number)]  # again, after the revision
    assert look(world.applicant) == []


def test_a_department_pays_its_budget_contract_by_its_due_date(world, db, look, frozen, make):
    task, (first, _, _), contract = awarded(
        world, db, frozen, by=world.department, funding="budget", budget_code="B-1", min_bids=3
    )
    now = clock.now()
    contract.agency_signed_at = contract.applicant_signed_at = contract.signed_at = now
    contract.accepted_at = now
    contract.payment_due_at = holidays.load(db).add_calendar_days(now, 30)
    db.add(contract)
    db.commit()
    (item,) = look(world.department)
    assert (item["kind"], item["due_at"]) == ("pay_contract", contract.payment_due_at.isoformat())
    assert look(first) == [] and look(make.staff("department")) == []
    contract.paid_at = now
    db.add(contract)
    db.commit()
    assert look(world.department) == []


# --- the regulator -------------------------------------------------------------------------------


def test_a_complaint_awaits_the_regulators_covering_the_task_only(world, db, look, make):
    task, agencies = in_publicity(world)
    award = awards.current(db, task)
    bid = db.exec(select(Bid).where(Bid.agency_id == agencies[1].organization_id)).one()
    now = clock.now()
    objection = Objection(
        task_id=task.id,
        award_id=award.id,
        bid_id=bid.id,
        agency_id=bid.agency_id,
        kind="objection",
        grounds="价格异常",
        filed_at=now,
        filed_by_user_id=agencies[1].id,
        answer_due_at=now + timedelta(days=5),
        answered_at=now,
        answer="已核实。",
    )
    db.add(objection)
    db.flush()
    decide_by = holidays.load(db).add_working_days(now, 30)
    complaint = Complaint(
        task_id=task.id,
        objection_id=objection.id,
        agency_id=bid.agency_id,
        grounds="答复不成立",
        filed_at=now,
        filed_by_user_id=agencies[1].id,
        decide_by=decide_by,
    )
    db.add(complaint)
    db.commit()
    covering = [
        world.regulator,
        make.staff("regulator", categories=["environment"], region_prefixes=["22"]),
    ]
    for regulator in covering:
        (item,) = of_kind(look(regulator), "decide_complaint")
        assert (item["kind"], item["due_at"], item["working_days_left"]) == (
            "decide_complaint",
            decide_by.isoformat(),
            30,
        )
    elsewhere = make.staff("regulator", region_prefixes=["11"])
    other_field = make.staff("regulator", categories=["water"], region_prefixes=["22"])
    assert of_kind(look(elsewhere), "decide_complaint") == []
    assert of_kind(look(other_field), "decide_complaint") == []
    assert look(world.applicant) == [] and look(agencies[1]) == []
    complaint.decided_at, complaint.decision = now, "dismissed"
    db.add(complaint)
    db.commit()
    assert of_kind(look(world.regulator), "decide_complaint") == []


def test_a_regulator_verifies_qualifications_and_identities_in_its_jurisdiction(
    world, db, look, make
):
    agency = world.qualified_agency()
    relations.declare_identity(db, agency, agency.organization_id, "resident_id", resident_id(7))
    db.commit()
    assert [(i["kind"], i["action"], i["url"]) for i in look(world.regulator)] == [
        (
            "verify_identities",
            "Verify legal representatives' identities (1 waiting)",
            "/regulator/related",
        ),
        (
            "verify_qualifications",
            "Verify declared qualifications (1 waiting)",
            "/regulator/qualifications",
        ),
    ]
    assert look(make.staff("regulator", region_prefixes=["11"])) == []
    (qualification,) = agencies.regulator_queue(db, world.regulator).rows
    agencies.verify_qualification(db, world.regulator, qualification[0].id)
    db.commit()
    assert pairs(look(world.regulator)) == [("verify_identities", None)]


def test_a_cancellation_request_awaits_the_regulators_covering_the_task(world, db, look, make):
    task = world.post_task(min_bids=1)
    world.bid(world.agency(), task)
    world.shift_to(task, "opened")
    tasks.cancel(db, world.applicant, task.number, "项目取消。")
    db.commit()
    (item,) = of_kind(look(world.regulator), "approve_cancellation")
    assert (item["task"]["number"], item["url"]) == (task.number, "/regulator/cancellations")
    assert (
        of_kind(look(make.staff("regulator", region_prefixes=["11"])), "approve_cancellation") == []
    )


# --- the expert --------------------------------------------------------------------------------


def test_a_panellist_declares_then_marks_each_valid_bid(world, db, look, make):
    experts = [make.staff("expert", categories=["environment"]) for _ in range(3)]
    outsider = make.staff("expert", categories=["water"])
    task = world.post_task(
        "scoring", min_bids=2, weight_price=30, weight_credit=10, weight_quality=60, panel_size=3
    )
    world.bid(world.agency(), task, 1_000_000)
    world.bid(world.agency(), task, 1_100_000)
    world.shift_to(task, "opened")
    (follow,) = look(world.applicant)
    assert (follow["kind"], follow["due_at"]) == ("panel_marking", None)
    expert = next(
        e for e in experts if e.organization_id == panel.active_members(db, task)[0].expert_org_id
    )
    (item,) = look(expert)
    assert (item["kind"], item["url"]) == (
        "declare_conflicts",
        f"/expert/panels#panel-{task.number}-h",
    )
    marking.declare_no_conflict(db, expert, task.number)
    db.commit()
    (item,) = look(expert)
    assert (item["kind"], item["action"]) == ("mark_proposals", "Mark the proposals (2 left)")
    bid = db.exec(select(Bid).where(Bid.task_id == task.id)).first()
    marking.submit_mark(db, expert, task.number, bid.id, 80, policy=DEFAULT_POLICY)
    db.commit()
    assert [i["action"] for i in look(expert)] == ["Mark the proposals (1 left)"]
    assert look(outsider) == []


# --- the operator -----------------------------------------------------------------------------


def test_an_operator_loads_next_years_calendar_from_two_months_before(world, db, look, make):
    operator = make.staff("operator")
    (item,) = look(operator)  # 2026-11-25: 2027 is not loaded
    assert (item["kind"], item["action"], item["due_at"], item["url"]) == (
        "load_calendar",
        "Load the official holiday arrangement for 2027",
        datetime(2026, 12, 31, 16, 0, tzinfo=UTC).isoformat(),
        "/operator/calendar",
    )
    assert look(world.applicant) == []


# --- order, deadlines, working days ---------------------------------------------------------------


@pytest.fixture
def extra_items():
    """`extra_items(items)`: the dashboard also lists these, for every user, in this test."""
    handlers = []

    def add(items):
        def handler(_user, **_ignored):
            return items

        handlers.append(handler)
        signals.action_items.connect(handler, weak=False)

    yield add
    for handler in handlers:
        signals.action_items.disconnect(handler)


def test_items_come_soonest_deadline_first_the_undated_last_and_the_overdue_marked(
    world, look, extra_items, frozen
):
    now = frozen.now()
    extra_items(
        [
            Item("later", "Later", "public.index", due_at=now + timedelta(days=6)),
            Item("undated", "Undated", "public.index"),
            Item("late", "Late", "public.index", due_at=now - timedelta(minutes=1)),
            Item("now", "Now", "public.index", due_at=now),
            Item("soon", "Soon", "public.index", due_at=now + timedelta(hours=1)),
        ]
    )
    items = look(world.applicant)
    assert [(i["kind"], i["overdue"], i["working_days_left"]) for i in items] == [
        ("late", True, 0),
        ("now", True, 0),
        ("soon", False, 0),
        ("later", False, 3),  # Thursday, Friday and Monday
        ("undated", False, None),
    ]


def test_working_days_left_count_whole_working_days_after_today(db, frozen):
    calendar = holidays.load(db)
    now = frozen.now()  # Wednesday 2026-11-25, 10:00 in Shanghai

    def left(due):
        return dashboard.entry(Item("k", "K", "public.index", due_at=due), now, calendar)

    today_ends = end_of_day(datetime(2026, 11, 25).date())
    assert (left(today_ends).working_days_left, left(today_ends).overdue) == (0, False)
    thursday_ends = end_of_day(datetime(2026, 11, 26).date())
    assert left(thursday_ends).working_days_left == 1
    assert left(thursday_ends - timedelta(microseconds=1)).working_days_left == 0
    sunday_ends = end_of_day(datetime(2026, 11, 29).date())
    assert left(sunday_ends).working_days_left == 2  # Thursday and Friday
    monday_ends = end_of_day(datetime(2026, 11, 30).date())
    assert left(monday_ends).working_days_left == 3
    late = left(now - timedelta(seconds=1))
    assert (late.working_days_left, late.overdue) == (0, True)
    next_year = left(end_of_day(datetime(2027, 1, 8).date()))
    assert next_year.weekends_only_years == (2027,)


# --- grouped reads, the page, the API ---------------------------------------------------------


def test_the_dashboards_reads_do_not_grow_with_the_number_of_tasks(world, db, as_, frozen):
    agency = world.agency()
    applicant, bidder = as_(world.applicant), as_(agency)
    counted = []
    for n in (1, 3):
        while len(applicant.get("/api/v1/dashboard").get_json()["items"]) < 2 * n:
            task = world.post_task()
            questions.ask(db, agency, task.number, "报价是否含税？")
            questions.submit_objection(db, agency, task.number, "资质条件过严。")
            db.commit()
            world.bid(agency, task)
        with statements(db) as seen:
            assert len(applicant.get("/api/v1/dashboard").get_json()["items"]) == 2 * n
        with statements(db) as bidder_seen:
            bidder.get("/api/v1/dashboard")
        counted.append((len(seen), len(bidder_seen)))
    assert counted[0] == counted[1]


def test_the_page_shows_each_action_with_its_deadline_in_shanghai_time(world, db, as_):
    task = world.post_task()
    questions.ask(db, world.agency(), task.number, "报价是否含税？")
    db.commit()
    client = as_(world.applicant)
    page = html.unescape(client.get("/dashboard").get_data(as_text=True))
    assert f'<a href="/tasks/{task.number}#questions">Answer the questions asked (1)</a>' in page
    assert "2026-12-01 24:00" in page and "4 working days left" in page
    assert '<a href="/dashboard">My actions</a>' in page
    zh = html.unescape(client.get("/dashboard?lang=zh").get_data(as_text=True))
    assert "回答所提问题（1）" in zh and "还剩 4 个工作日" in zh
    assert "待我处理" in zh


def test_an_overdue_item_is_marked_on_the_page(world, as_, extra_items, frozen):
    extra_items([Item("late", "Sign the contract", "public.index", due_at=frozen.now())])
    page = as_(world.applicant).get("/dashboard").get_data(as_text=True)
    assert '<tr class="overdue">' in page and '<strong class="overdue">Overdue</strong>' in page


def test_nothing_to_do_says_so(world, as_):
    page = as_(world.applicant).get("/dashboard").get_data(as_text=True)
    assert "Nothing awaits your action." in page


def test_the_home_page_links_to_the_dashboard_for_a_logged_in_user(world, as_):
    link = '<a class="button" href="/dashboard">What needs my action</a>'
    assert link in as_(world.applicant).get("/").get_data(as_text=True)
    assert link not in as_().get("/").get_data(as_text=True)


def test_the_dashboard_needs_a_user(client):
    response = client.get("/api/v1/dashboard")
    assert response.status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_the_later_stages_reads_do_not_grow_with_the_number_of_tasks(world, db, as_, frozen):
    agency = world.agency()
    users = (world.applicant, agency, world.regulator)
    clients = {user.id: as_(user) for user in users}
    counted, made = [], 0
    for n in (1, 3):
        while made < n:
            task = world.post_task(min_bids=1)
            bid_id = db.exec(select(Bid.id).where(Bid.receipt == world.bid(agency, task).receipt))
            bid_id = bid_id.one()
            world.shift_to(task, "opened")
            award = awards.current(db, task)
            frozen.set(award.publicity_ends_at)
            assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
            now = clock.now()
            objection = Objection(
                task_id=task.id,
                award_id=award.id,
                bid_id=bid_id,
                agency_id=agency.organization_id,
                kind="objection",
                grounds="程序问题",
                filed_at=now,
                filed_by_user_id=agency.id,
                answer_due_at=now + timedelta(days=5),
            )
            db.add(objection)
            db.flush()
            db.add(
                Complaint(
                    task_id=task.id,
                    objection_id=objection.id,
                    agency_id=agency.organization_id,
                    grounds="答复不成立",
                    filed_at=now,
                    filed_by_user_id=agency.id,
                    decide_by=now + timedelta(days=40),
                )
            )
            db.commit()
            made += 1
        reads = []
        expected = (
            {"answer_award_objections": n, "sign_contract": n},
            {"sign_contract": n},
            {"decide_complaint": n},
        )
        for user, kinds in zip(users, expected, strict=True):
            with statements(db) as seen:
                items = clients[user.id].get("/api/v1/dashboard").get_json()["items"]
            got = Counter(i["kind"] for i in items if i["task"])
            assert got == kinds, user.email
            reads.append(len(seen))
        counted.append(reads)
    assert counted[0] == counted[1]


def test_every_demo_user_sees_a_dashboard_and_the_applicant_has_work(app, db, frozen):
    load_all(app, db)
    db.commit()
    users = db.exec(select(User).where(User.email.like("%@demo.zjm"), User.disabled_at.is_(None)))
    seen = {}
    for user in users:
        client = app.test_client()
        login(client, user, DEMO_PASSWORD)
        response = client.get("/api/v1/dashboard")
        assert response.status_code == 200, user.email
        assert client.get("/dashboard").status_code == 200, user.email
        seen[user.email] = {i["kind"] for i in response.get_json()["items"]}
    assert "answer_questions" in seen[bidding_demo.APPLICANT], seen
