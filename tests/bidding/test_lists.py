"""The task lists people work with — the public list (/tasks, GET /api/v1/tasks), an applicant's
tasks (/my/tasks, GET /api/v1/tasks/mine) and an agency's bids (/my/bids, GET /api/v1/bids/mine):
paged (page numbers on pages, next_cursor in the API, the total of the filtered list), filtered by
status, category, service item, method, funding, deadline range and words of the title, refusing a
bad filter with its message (422), and counting what each row needs — an applicant's bids only
from opening on, its unanswered questions; a bid's stage and next deadline."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from bidding import demo as bidding_demo
from bidding.draws import records
from bidding.questions import services as questions
from market import clock, task_queries, tasks, timeline
from market.demo import DEMO_PASSWORD, load_all
from market.models import Task, User
from market.workdays import SHANGHAI
from tests.bidding.helpers import task_data, text
from tests.conftest import login
from tests.market.accounts_support import english_messages  # noqa: F401  (fixture)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item.get("number") or item.get("task") for item in response.get_json()["items"]]


# --- paging ----------------------------------------------------------------------------------------


def test_the_api_pages_by_cursor_with_the_total_to_the_last_row(world, client):
    posted = [world.post_task(title=f"分页{i}") for i in range(3)]
    newest_first = [t.number for t in reversed(posted)]
    first = client.get("/api/v1/tasks?limit=2&title=分页")
    assert numbers(first) == newest_first[:2]
    body = first.get_json()
    assert body["total"] == 3 and body["next_cursor"] == str(posted[1].id)
    last = client.get(f"/api/v1/tasks?limit=2&title=分页&cursor={body['next_cursor']}")
    assert numbers(last) == newest_first[2:]
    assert last.get_json()["next_cursor"] is None and last.get_json()["total"] == 3
    # Exactly a page's worth: no next page.
    exact = client.get("/api/v1/tasks?limit=3&title=分页").get_json()
    assert len(exact["items"]) == 3 and exact["next_cursor"] is None
    # The limit is clamped to 1–100.
    assert len(client.get("/api/v1/tasks?limit=0&title=分页").get_json()["items"]) == 1
    assert client.get("/api/v1/tasks?limit=1000&title=分页").get_json()["next_cursor"] is None


def test_the_page_numbers_pages_with_previous_and_next_keeping_the_filter(
    world, as_, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    posted = [world.post_task(title=f"翻页{i}") for i in range(3)]
    client = as_()
    first = text(client.get("/tasks?title=翻页"))
    assert "3 tasks" in first and "Page 1 of 2" in first
    assert posted[2].number in first and posted[1].number in first
    assert posted[0].number not in first
    assert 'rel="next" href="/tasks?page=2&title=' in first
    second = text(client.get("/tasks?title=翻页&page=2"))
    assert posted[0].number in second and posted[2].number not in second
    assert "Page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    beyond = client.get("/tasks?title=翻页&page=99")
    assert beyond.status_code == 200 and "No task here yet." in text(beyond)


# --- filters ---------------------------------------------------------------------------------------


def test_each_filter_narrows_the_public_list(world, client):
    eia = world.post_task(title="筛选环评", funding="private")
    swc = world.post_task(
        title="筛选水保",
        service_item="SWC-PLAN",
        method="random",
        funding="state_owned",
        project_code="2020-220000-00-00-000001",
        min_bids=3,
    )
    world.shift_to(swc, "deadline_passed")
    base = "/api/v1/tasks?title=筛选"
    assert numbers(client.get(base)) == [swc.number, eia.number]
    assert numbers(client.get(base + "&status=open")) == [eia.number]
    assert numbers(client.get(base + "&status=deadline_passed")) == []  # read lazily opened
    assert numbers(client.get(base + "&status=opened")) + numbers(
        client.get(base + "&status=failed")
    ) == [swc.number]
    assert numbers(client.get(base + "&category=water")) == [swc.number]
    assert numbers(client.get(base + "&service_item=EIA-REPORT")) == [eia.number]
    assert numbers(client.get(base + "&method=random")) == [swc.number]
    assert numbers(client.get(base + "&funding=private")) == [eia.number]
    assert numbers(client.get("/api/v1/tasks?title=水保")) == [swc.number]
    assert numbers(client.get("/api/v1/tasks?title=%E6%B0%B4%E4%BF%9D%25")) == []  # % is a letter


def test_the_deadline_range_counts_shanghai_days_both_ends_included(world, client):
    task = world.post_task(title="期限筛选")
    day = (task.deadline_at - timedelta(seconds=1)).astimezone(SHANGHAI).date()
    base = "/api/v1/tasks?title=期限筛选"
    assert numbers(client.get(f"{base}&deadline_from={day}&deadline_to={day}")) == [task.number]
    assert numbers(client.get(f"{base}&deadline_to={day - timedelta(days=1)}")) == []
    assert numbers(client.get(f"{base}&deadline_from={day + timedelta(days=1)}")) == []


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, errors",
    [
        ("status=nonsense", {"status": ["Unknown value nonsense."]}),
        ("status=draft", {"status": ["Unknown value draft."]}),
        ("method=cheapest", {"method": ["Unknown value cheapest."]}),
        ("funding=foreign", {"funding": ["Unknown value foreign."]}),
        ("category=space", {"category": ["Unknown value space."]}),
        ("service_item=NOPE", {"service_item": ["Unknown value NOPE."]}),
        ("deadline_from=2027-13-01", {"deadline_from": ["A date looks like 2027-06-30."]}),
        (
            "deadline_to=9999-12-31",
            {"deadline_to": ["Must be between 2000-01-01 and 2199-12-31."]},
        ),
        (
            "deadline_from=2027-06-30&deadline_to=2027-06-01",
            {"deadline_to": ["The end of the range is before its start."]},
        ),
        ("title=" + "x" * 101, {"title": ["At most 100 characters (you gave 101)."]}),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(client, query, errors):
    response = client.get(f"/api/v1/tasks?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == errors


def test_a_bad_filter_on_a_page_says_why_beside_what_was_typed(world, as_):
    response = as_().get("/tasks?method=cheapest&title=环评&deadline_from=2027-02-30")
    assert response.status_code == 422
    page = text(response)
    assert "Unknown value cheapest." in page and "A date looks like 2027-06-30." in page
    assert "Some filters are not valid; correct them to see the list." in page
    assert '<option value="cheapest" selected>' in page
    assert 'name="title" value="环评"' in page and 'value="2027-02-30"' in page


def test_the_lists_of_ones_own_refuse_bad_filters_alike(world, as_):
    applicant, agency = as_(world.applicant), as_(world.agency())
    assert applicant.get("/api/v1/tasks/mine?status=x").get_json()["errors"] == {
        "status": ["Unknown value x."]
    }
    assert agency.get("/api/v1/bids/mine?funding=x").status_code == 422
    assert applicant.get("/my/tasks?deadline_to=x").status_code == 422
    assert "Unknown value x." in text(agency.get("/my/bids?method=x"))
    # Drafts are an applicant's own: its list filters by them, an agency's bids never.
    assert applicant.get("/api/v1/tasks/mine?status=draft").status_code == 200
    assert agency.get("/api/v1/bids/mine?status=draft").status_code == 422


# --- counts ----------------------------------------------------------------------------------------


def test_an_applicants_tasks_count_bids_only_from_opening_on(world, as_, db):
    task = world.post_task(title="计数")
    bidders = [world.qualified_agency() for _ in range(2)]
    for agency in bidders:
        world.bid(agency, task)
    questions.ask(db, bidders[0], task.number, "工期可以延长吗？")
    db.commit()
    client = as_(world.applicant)
    (before,) = client.get("/api/v1/tasks/mine?title=计数").get_json()["items"]
    assert before["bids"] is None and before["unanswered_questions"] == 1
    page = text(client.get("/my/tasks?title=计数"))
    assert "sealed until opening" in page
    world.shift_to(task, "opened")
    (after,) = client.get("/api/v1/tasks/mine?title=计数").get_json()["items"]
    assert after["bids"] == 2 and after["unanswered_questions"] == 1
    assert '<td class="bids">2</td>' in text(client.get("/my/tasks?title=计数"))


def test_an_applicants_list_is_its_own_with_drafts(world, as_, db):
    published = world.post_task(title="我的公告")
    draft = tasks.create_draft(db, world.applicant, task_data(title="我的草稿"))
    db.commit()
    client = as_(world.applicant)
    body = client.get("/api/v1/tasks/mine?title=我的").get_json()
    assert [i["number"] for i in body["items"]] == [draft.number, published.number]
    assert body["total"] == 2
    assert numbers(client.get("/api/v1/tasks/mine?status=draft&title=我的")) == [draft.number]
    assert as_(world.agency()).get("/api/v1/tasks/mine").status_code == 403
    assert as_().get("/api/v1/tasks/mine").status_code == 401


def test_an_agencys_bids_say_their_stage_and_next_deadline_and_filter(world, as_):
    agency = world.qualified_agency()
    open_task = world.post_task(title="报价甲")
    passed = world.post_task(title="报价乙", method="random")
    world.bid(agency, open_task)
    world.bid(agency, passed, price_fen=None)
    world.shift_to(passed, "opened")
    client = as_(agency)
    body = client.get("/api/v1/bids/mine?title=报价").get_json()
    assert body["total"] == 2 and body["next_cursor"] is None
    newest, oldest = body["items"]
    assert newest["task"] == passed.number and newest["stage"] != "bidding"
    assert oldest["task"] == open_task.number and oldest["stage"] == "bidding"
    assert oldest["next_deadline"]["stage"] == "bidding"
    assert oldest["next_deadline"]["at"] == open_task.deadline_at.isoformat()
    assert numbers(client.get("/api/v1/bids/mine?method=random")) == [passed.number]
    assert numbers(client.get("/api/v1/bids/mine?status=open")) == [open_task.number]
    paged = client.get("/api/v1/bids/mine?title=报价&limit=1").get_json()
    assert paged["next_cursor"] == str(passed.id) and paged["total"] == 2
    page = text(client.get("/my/bids?title=报价"))
    assert "2 bids" in page and "Bidding (until the deadline)" in page


# --- the stage filter ------------------------------------------------------------------------------


def current_stage(db, task) -> str:
    stages = timeline.timeline(db, task, clock.now())["stages"]
    return next(s["stage"] for s in stages if s["state"] == timeline.CURRENT)


def test_the_stage_filter_selects_the_stage_each_tasks_timeline_is_at(world, db):
    agency = world.qualified_agency()
    draft = tasks.create_draft(db, world.applicant, task_data(title="阶段草稿"))
    open_task = world.post_task(title="阶段开放")
    passed = world.post_task(title="阶段截止")
    world.shift_to(passed, "deadline_passed")
    decided = world.post_task(title="阶段公示")
    world.bid(agency, decided)
    world.shift_to(decided, "opened")
    scored = world.post_task("scoring", title="阶段评审")
    world.bid(agency, scored)
    world.shift_to(scored, "opened")
    pending = world.post_task(title="阶段有效性")
    world.bid(agency, pending)
    world.shift_to(pending, "opened")
    # An explanation awaited: the validity of the bids is not final yet.
    records.opening_of(db, pending).validity_final_at = None
    pending.publicity_at = None
    failed = world.post_task(title="阶段失败")
    world.shift_to(failed, "opened")
    cancelled = world.post_task(title="阶段撤销")
    tasks.cancel(db, world.applicant, cancelled.number, "项目取消")
    # The later stages, their timestamps set as the lifecycle sets them.
    now = clock.now()
    later = {}
    for stage in ("award", "contract", "delivery", "acceptance", "suspended", "terminated"):
        task = world.post_task(title=f"阶段{stage}")
        world.bid(agency, task)
        world.shift_to(task, "opened")
        task.publicity_ends_at = now - timedelta(seconds=1)
        if stage != "award":
            task.awarded_at = now
        if stage in ("delivery", "acceptance", "terminated"):
            task.contracted_at = now
        if stage == "acceptance":
            task.delivered_at = now
        if stage == "suspended":
            task.awarded_at, task.suspended_at = None, now
        if stage == "terminated":
            task.terminated_at = now
        db.add(task)
        later[stage] = task
    db.commit()
    mine = [draft, open_task, passed, decided, scored, pending, failed, cancelled, *later.values()]
    ids = [t.id for t in mine]
    expected = {t.id: current_stage(db, t) for t in mine}
    assert set(expected.values()) == set(timeline.STAGES), expected
    assert expected[later["award"].id] == "award"
    for stage in timeline.STAGES:
        found = set(
            db.exec(
                select(Task.id).where(Task.id.in_(ids), timeline.stage_clause(stage, clock.now()))
            )
        )
        assert found == {i for i, s in expected.items() if s == stage}, stage
    # Accepted, a task has done every stage: no stage of the filter is its own.
    accepted = later["acceptance"]
    accepted.accepted_at = clock.now()
    db.add(accepted)
    db.commit()
    stages = timeline.timeline(db, accepted, clock.now())["stages"]
    assert {s["state"] for s in stages} == {timeline.DONE}
    assert not any(
        db.exec(
            select(Task.id).where(Task.id == accepted.id, timeline.stage_clause(stage, clock.now()))
        ).first()
        for stage in timeline.STAGES
    )


def test_the_lists_filter_by_stage(world, as_):
    agency = world.qualified_agency()
    open_task = world.post_task(title="按阶段")
    opened = world.post_task(title="按阶段")
    for task in (open_task, opened):
        world.bid(agency, task)
    world.shift_to(opened, "opened")
    applicant, bidder = as_(world.applicant), as_(agency)
    assert numbers(applicant.get("/api/v1/tasks/mine?title=按阶段&stage=bidding")) == [
        open_task.number
    ]
    assert numbers(bidder.get("/api/v1/bids/mine?stage=bidding")) == [open_task.number]
    assert numbers(bidder.get("/api/v1/bids/mine?stage=opening")) == []
    assert bidder.get("/api/v1/bids/mine?stage=later").get_json()["errors"] == {
        "stage": ["Unknown value later."]
    }
    page = text(applicant.get("/my/tasks?title=按阶段&stage=bidding"))
    assert open_task.number in page and opened.number not in page


def test_the_demo_applicant_sees_its_lists_counts(app, db, frozen):
    load_all(app, db)
    db.commit()
    client = app.test_client()
    applicant = db.exec(select(User).where(User.email == bidding_demo.APPLICANT)).one()
    login(client, applicant, DEMO_PASSWORD)
    items = client.get("/api/v1/tasks/mine?limit=100").get_json()["items"]
    by_title = {i["title"]: i for i in items}
    assert by_title[bidding_demo.OPEN]["bids"] is None
    assert by_title[bidding_demo.OPEN]["unanswered_questions"] == 1
    assert by_title[bidding_demo.PUBLICITY]["bids"] == 3


@contextmanager
def statements(db):
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.startswith("SELECT"):  # not the test transaction's savepoints
            seen.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_counts_are_two_grouped_reads_whatever_the_number_of_tasks(world, db):
    agency = world.qualified_agency()
    posted = [world.post_task(title=f"批量{i}") for i in range(4)]
    for task in posted[:2]:
        world.bid(agency, task)
        world.shift_to(task, "opened")
    with statements(db) as one:
        task_queries.list_counts(db, posted[:1])
    with statements(db) as four:
        counts = task_queries.list_counts(db, posted)
    assert len(one) == len(four) == 2
    assert [counts[t.id]["bids"] for t in posted] == [1, 1, None, None]


def test_a_search_refuses_a_bad_filter_too(client):
    response = client.get("/api/v1/tasks?q=环评&method=cheapest")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"method": ["Unknown value cheapest."]}
    assert client.get("/api/v1/tasks?q=环评&method=random").status_code == 200


def test_an_agencys_bids_read_their_stages_in_grouped_reads(world, db, as_):
    agency = world.qualified_agency()
    client = as_(agency)
    counted = []
    for n in (1, 4):
        while len(client.get("/api/v1/bids/mine").get_json()["items"]) < n:
            world.bid(agency, world.post_task(title="分组"))
        with statements(db) as seen:
            assert len(client.get("/api/v1/bids/mine").get_json()["items"]) == n
        counted.append(len(seen))
    assert counted[0] == counted[1]


def test_a_list_describes_its_rows_as_a_task_alone_is_described(world, db, client):
    posted = [world.post_task(title=f"描述{i}") for i in range(3)]
    listed = client.get("/api/v1/tasks?title=描述").get_json()["items"]
    assert listed == [task_queries.describe(db, t) for t in reversed(posted)]
    with statements(db) as one:
        client.get("/api/v1/tasks?title=描述&limit=1")
    with statements(db) as three:
        client.get("/api/v1/tasks?title=描述&limit=3")
    assert len(one) == len(three)


def test_an_agencys_opened_bids_read_their_results_in_grouped_reads(world, db, as_):
    agency = world.qualified_agency()
    client = as_(agency)
    counted = []
    for n in (1, 3):
        while len(client.get("/api/v1/bids/mine").get_json()["items"]) < n:
            task = world.post_task(title="结果")
            world.bid(agency, task)
            world.shift_to(task, "opened")
        with statements(db) as seen:
            items = client.get("/api/v1/bids/mine").get_json()["items"]
        assert [(i["rank"], i["award_candidate"], i["validity"]["state"]) for i in items] == [
            (1, True, "valid")
        ] * n
        counted.append(len(seen))
    assert counted[0] == counted[1]
