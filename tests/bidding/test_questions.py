"""Questions about a task and objections to its announcement (docs/rules.md §4): questions until the end
of the working day before the deadline's day, public answers, anonymous askers, objections until
the deadline, who may do what, the audit log, the API and the task page."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bidding.models import AnnouncementObjection, TaskQuestion
from bidding.questions import services as questions
from market import clock
from market.models import AuditEvent
from market.validation import Forbidden
from market.workdays import SHANGHAI, WorkCalendar, end_of_day
from tests.conftest import login

API = "/api/v1"


@pytest.fixture
def as_(app):
    """as_(user) → a client logged in as `user` (None: the public), reading English."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.get("/?lang=en")
        return client

    return make


def problem(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json().get("detail", "")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def shanghai(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI).astimezone(UTC)


# --- the period, defined precisely -------------------------------------------------------------------

CALENDAR = WorkCalendar.from_official([2026])


@pytest.mark.parametrize(
    ("deadline", "last_day"),
    [
        # Deadline at 24:00 of Wednesday 2 Dec (stored as 00:00 Thursday): questions until 24:00 Tuesday.
        (shanghai(2026, 12, 3), date(2026, 12, 1)),
        # Deadline at 24:00 of Monday 30 Nov: the working day before is Friday 27 Nov.
        (shanghai(2026, 12, 1), date(2026, 11, 27)),
        # Deadline at 24:00 of Thursday 8 Oct, after the National Day holidays: Wednesday 30 Sep.
        (shanghai(2026, 10, 9), date(2026, 9, 30)),
        # A deadline in the middle of Wednesday 2 Dec falls on that day, like one at its 24:00.
        (shanghai(2026, 12, 2, 15), date(2026, 12, 1)),
        # Deadline at 24:00 of Monday 12 Oct: Saturday 10 Oct is a make-up working day.
        (shanghai(2026, 10, 13), date(2026, 10, 10)),
    ],
)
def test_questions_close_at_the_end_of_the_working_day_before_the_deadlines_day(deadline, last_day):
    assert questions.last_question_day(CALENDAR, deadline) == last_day
    assert questions.questions_close_at(CALENDAR, deadline) == end_of_day(last_day)
    assert questions.deadline_day(shanghai(2026, 12, 3)) == date(2026, 12, 2)


def test_an_agency_may_ask_until_the_last_moment_and_is_refused_from_then_on(world, frozen, db):
    task = world.post_task()  # published Wednesday 25 Nov; deadline 24:00 Wednesday 2 Dec
    assert task.deadline_at == shanghai(2026, 12, 3)
    agency = world.agency()
    frozen.set(shanghai(2026, 12, 1, 23, 59, 59))
    row = questions.ask(db, agency, task.number, "  报价是否含税？ ")
    db.commit()
    assert row.question == "报价是否含税？" and row.asked_at == clock.now()
    frozen.set(shanghai(2026, 12, 2))
    with pytest.raises(Forbidden) as refused:
        questions.ask(db, agency, task.number, "还能问吗？")
    db.rollback()
    assert refused.value.message.msgid.startswith("Questions closed at the end of %(day)s")
    assert refused.value.message.params == {"day": "2026-12-01"}


def test_after_the_deadline_questions_and_objections_are_refused_with_their_messages(
    world, frozen, as_
):
    task = world.post_task(bidding_wd=3)  # deadline 24:00 Monday 30 Nov
    client = as_(world.agency())
    frozen.set(shanghai(2026, 11, 28, 10))  # Saturday: after Friday's 24:00, before the deadline
    refused = client.post(f"{API}/tasks/{task.number}/questions", json={"question": "问题"})
    assert refused.status_code == 403
    assert problem(refused) == (
        "Questions closed at the end of 2026-11-27 (Asia/Shanghai), one "
        "working day before the deadline."
    )
    listing = client.get(f"{API}/tasks/{task.number}/questions").get_json()
    assert listing["can_ask"] is False
    assert listing["questions_close_at"] == shanghai(2026, 11, 28).isoformat()
    # Objections are still accepted until the deadline itself.
    frozen.set(shanghai(2026, 11, 30, 23, 59, 59))
    ok = client.post(f"{API}/tasks/{task.number}/objections", json={"text": "资质要求过高"})
    assert ok.status_code == 201, ok.get_json()
    frozen.set(shanghai(2026, 12, 1))
    late = client.post(f"{API}/tasks/{task.number}/objections", json={"text": "太晚了"})
    assert late.status_code == 403
    assert problem(late) == "Objections to the announcement are accepted only until the deadline."
    late_q = client.post(f"{API}/tasks/{task.number}/questions", json={"question": "问题"})
    assert problem(late_q) == "Questions may be asked only while the task is open for bids."
    assert client.get(f"{API}/tasks/{task.number}/objections").get_json()["can_object"] is False


# --- anonymity and public answers ---------------------------------------------------------------------


def _all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


def test_answers_are_public_and_nobody_but_the_asker_learns_who_asked(world, as_, make, db):
    task = world.post_task()
    asker = world.agency()
    org = world.org(asker)
    asked = as_(asker).post(
        f"{API}/tasks/{task.number}/questions", json={"question": "服务期限能否延长？"}
    )
    assert asked.status_code == 201, asked.get_json()
    qid = asked.get_json()["id"]
    assert asked.get_json()["mine"] is True
    answered = as_(world.applicant).post(
        f"{API}/tasks/{task.number}/questions/{qid}/answer", json={"answer": "不能延长。"}
    )
    assert answered.status_code == 200, answered.get_json()
    readers = {
        "public": None,
        "applicant": world.applicant,
        "other agency": world.agency(),
        "regulator": make.staff("regulator"),
        "operator": make.staff("operator"),
        "expert": make.staff("expert"),
    }
    responses = [answered.get_json()]
    for name, user in readers.items():
        client = as_(user)
        body = client.get(f"{API}/tasks/{task.number}/questions").get_json()
        [item] = body["items"]
        assert item["question"] == "服务期限能否延长？" and item["answer"] == "不能延长。", name
        assert item["answered"] is True and "mine" not in item, name
        responses.append(body)
        page = text(client.get(f"/tasks/{task.number}"))
        assert "服务期限能否延长？" in page and "不能延长。" in page, name
        assert org.name not in page and org.uscc not in page, name
    for body in responses:
        dumped = json.dumps(body, ensure_ascii=False)
        assert org.name not in dumped and org.uscc not in dumped
        assert not {k for k in _all_keys(body) if "asker" in k or "org" in k or "agency" in k}
    mine = as_(asker).get(f"{API}/tasks/{task.number}/questions").get_json()["items"][0]
    assert mine["mine"] is True
    assert "your question" in text(as_(asker).get(f"/tasks/{task.number}"))
    # The row keeps the asker, for the asker's own view only.
    assert db.get(TaskQuestion, qid).asker_org_id == org.id


def test_the_audit_log_never_names_the_asker_or_objector_but_names_the_applicant(world, as_, db):
    task = world.post_task()
    asker = world.agency()
    org = world.org(asker)
    client = as_(asker)
    qid = client.post(f"{API}/tasks/{task.number}/questions", json={"question": "问题"}).get_json()[
        "id"
    ]
    oid = client.post(f"{API}/tasks/{task.number}/objections", json={"text": "异议"}).get_json()[
        "id"
    ]
    applicant = as_(world.applicant)
    applicant.post(f"{API}/tasks/{task.number}/questions/{qid}/answer", json={"answer": "答"})
    applicant.post(f"{API}/tasks/{task.number}/objections/{oid}/reply", json={"reply": "复"})
    db.expire_all()
    events = {
        e.action: e
        for e in db.exec(
            select(AuditEvent).where(
                AuditEvent.action.in_(
                    [
                        questions.QUESTION_ASKED,
                        questions.QUESTION_ANSWERED,
                        questions.OBJECTION_SUBMITTED,
                        questions.OBJECTION_REPLIED,
                    ]
                )
            )
        )
    }
    assert set(events) == {
        questions.QUESTION_ASKED,
        questions.QUESTION_ANSWERED,
        questions.OBJECTION_SUBMITTED,
        questions.OBJECTION_REPLIED,
    }
    for action in (questions.QUESTION_ASKED, questions.OBJECTION_SUBMITTED):
        e = events[action]
        assert e.actor_user_id is None and e.actor_org_id is None
        assert e.data == {"task": task.number}
        assert org.name not in json.dumps(e.data, ensure_ascii=False)
    for action in (questions.QUESTION_ANSWERED, questions.OBJECTION_REPLIED):
        e = events[action]
        assert e.actor_user_id == world.applicant.id
        assert e.actor_org_id == world.applicant.organization_id


# --- objections ---------------------------------------------------------------------------------------


def test_before_opening_nobody_but_the_objector_learns_who_objected(world, as_, make):
    """An objector is a likely bidder: naming it to the applicant or a regulator before opening
    would tell them who bids (docs/rules.md §4, §5)."""
    task = world.post_task()
    objector = world.agency()
    org = world.org(objector)
    made = as_(objector).post(
        f"{API}/tasks/{task.number}/objections", json={"text": "评分标准有倾向性"}
    )
    assert made.status_code == 201, made.get_json()
    oid = made.get_json()["id"]
    assert made.get_json()["mine"] is True and "objector" not in made.get_json()
    replied = as_(world.applicant).post(
        f"{API}/tasks/{task.number}/objections/{oid}/reply", json={"reply": "已修改评分标准。"}
    )
    assert replied.status_code == 200, replied.get_json()
    assert "objector" not in replied.get_json()
    for user in (
        None,
        world.agency(),
        make.staff("operator"),
        make.staff("expert"),
        world.applicant,
        make.staff("regulator"),
    ):
        client = as_(user)
        [item] = client.get(f"{API}/tasks/{task.number}/objections").get_json()["items"]
        assert item["text"] == "评分标准有倾向性" and item["reply"] == "已修改评分标准。"
        assert "objector" not in item and "mine" not in item
        page = text(client.get(f"/tasks/{task.number}"))
        assert "评分标准有倾向性" in page and org.name not in page and org.uscc not in page
    mine = as_(objector).get(f"{API}/tasks/{task.number}/objections").get_json()["items"][0]
    assert mine["mine"] is True and "objector" not in mine


def test_from_opening_on_the_applicant_and_regulators_learn_who_objected(world, as_, make):
    task = world.post_task()
    objector = world.agency()
    org = world.org(objector)
    made = as_(objector).post(f"{API}/tasks/{task.number}/objections", json={"text": "工期过短"})
    assert made.status_code == 201, made.get_json()
    world.shift_to(task, "opened")
    for user in (None, world.agency(), make.staff("operator"), make.staff("expert")):
        client = as_(user)
        [item] = client.get(f"{API}/tasks/{task.number}/objections").get_json()["items"]
        assert "objector" not in item and "mine" not in item
        assert org.uscc not in text(client.get(f"/tasks/{task.number}"))
    for user in (world.applicant, make.staff("regulator")):
        client = as_(user)
        [item] = client.get(f"{API}/tasks/{task.number}/objections").get_json()["items"]
        assert item["objector"] == {
            "id": org.id,
            "name": org.name,
            "uscc": org.uscc,
            "warned_since": None,
        }
        assert org.uscc in text(client.get(f"/tasks/{task.number}"))
    mine = as_(objector).get(f"{API}/tasks/{task.number}/objections").get_json()["items"][0]
    assert mine["mine"] is True and "objector" not in mine


# --- roles --------------------------------------------------------------------------------------------


def test_only_listed_agencies_ask_and_object_each_refusal_with_its_message(world, as_, make, db):
    task = world.post_task()
    q_url, o_url = f"{API}/tasks/{task.number}/questions", f"{API}/tasks/{task.number}/objections"
    for user in (world.applicant, make.staff("regulator"), make.staff("operator")):
        client = as_(user)
        q = client.post(q_url, json={"question": "问题"})
        assert (
            q.status_code == 403 and problem(q) == "Only agencies may ask questions about a task."
        )
        o = client.post(o_url, json={"text": "异议"})
        assert o.status_code == 403
        assert problem(o) == "Only agencies may object to the announcement's conditions."
    public = as_()
    assert problem(public.post(q_url, json={"question": "问题"})) == "Please log in first."
    unlisted = world.agency()
    org = world.org(unlisted)
    org.listed_at = None
    db.add(org)
    db.commit()
    client = as_(unlisted)
    assert (
        problem(client.post(q_url, json={"question": "问题"}))
        == "Only agencies listed on the platform may ask questions."
    )
    assert (
        problem(client.post(o_url, json={"text": "异议"}))
        == "Only agencies listed on the platform may object to an announcement."
    )
    empty = as_(world.agency()).post(q_url, json={"question": "  "})
    assert empty.status_code == 422
    assert db.exec(select(TaskQuestion)).all() == []
    assert db.exec(select(AnnouncementObjection)).all() == []


def test_only_the_applicant_answers_and_replies_once(world, as_, make):
    task = world.post_task()
    asker = as_(world.agency())
    qid = asker.post(f"{API}/tasks/{task.number}/questions", json={"question": "问题"}).get_json()[
        "id"
    ]
    oid = asker.post(f"{API}/tasks/{task.number}/objections", json={"text": "异议"}).get_json()[
        "id"
    ]
    a_url = f"{API}/tasks/{task.number}/questions/{qid}/answer"
    r_url = f"{API}/tasks/{task.number}/objections/{oid}/reply"
    for user in (world.agency(), make.staff("regulator"), make.staff("operator")):
        client = as_(user)
        a = client.post(a_url, json={"answer": "答"})
        assert (
            a.status_code == 403 and problem(a) == "Only the task's applicant may answer questions."
        )
        r = client.post(r_url, json={"reply": "复"})
        assert (
            r.status_code == 403
            and problem(r) == "Only the task's applicant may reply to objections."
        )
    applicant = as_(world.applicant)
    assert applicant.post(a_url, json={"answer": ""}).status_code == 422
    assert applicant.post(a_url, json={"answer": "答"}).status_code == 200
    again = applicant.post(a_url, json={"answer": "再答"})
    assert again.status_code == 403 and problem(again) == "This question is already answered."
    assert applicant.post(r_url, json={"reply": "复"}).status_code == 200
    again = applicant.post(r_url, json={"reply": "再复"})
    assert again.status_code == 403 and problem(again) == "This objection already has a reply."
    assert (
        applicant.post(
            f"{API}/tasks/{task.number}/questions/999999/answer", json={"answer": "答"}
        ).status_code
        == 404
    )


def test_a_question_of_another_task_is_not_found_through_this_one(world, as_):
    first, second = world.post_task(), world.post_task()
    qid = (
        as_(world.agency())
        .post(f"{API}/tasks/{first.number}/questions", json={"question": "问题"})
        .get_json()["id"]
    )
    response = as_(world.applicant).post(
        f"{API}/tasks/{second.number}/questions/{qid}/answer", json={"answer": "答"}
    )
    assert response.status_code == 404


def test_answers_are_refused_after_the_deadline(world, as_, frozen):
    task = world.post_task()
    qid = (
        as_(world.agency())
        .post(f"{API}/tasks/{task.number}/questions", json={"question": "问题"})
        .get_json()["id"]
    )
    frozen.set(task.deadline_at + timedelta(seconds=1))
    late = as_(world.applicant).post(
        f"{API}/tasks/{task.number}/questions/{qid}/answer", json={"answer": "答"}
    )
    assert late.status_code == 403
    assert problem(late) == (
        "Answers can be published only while the task is open, before the deadline."
    )


def test_a_draft_takes_no_questions(world, as_):
    from market import tasks
    from tests.bidding.helpers import task_data

    draft = tasks.create_draft(world.db, world.applicant, task_data())
    world.db.commit()
    response = as_(world.agency()).post(
        f"{API}/tasks/{draft.number}/questions", json={"question": "问题"}
    )
    assert response.status_code == 404


def test_the_endpoints_are_in_the_openapi_document(as_):
    paths = as_().get(f"{API}/openapi.json").get_json()["paths"]
    for path, method in [
        ("/tasks/{number}/questions", "get"),
        ("/tasks/{number}/questions", "post"),
        ("/tasks/{number}/questions/{qid}/answer", "post"),
        ("/tasks/{number}/objections", "get"),
        ("/tasks/{number}/objections", "post"),
        ("/tasks/{number}/objections/{oid}/reply", "post"),
    ]:
        assert method in paths[API + path], (path, method)


# --- the task page ------------------------------------------------------------------------------------


def test_on_the_task_page_agencies_ask_and_object_and_the_applicant_answers_and_replies(world, as_):
    task = world.post_task()
    agency = world.agency()
    org = world.org(agency)
    client = as_(agency)
    page = text(client.get(f"/tasks/{task.number}"))
    assert 'name="ask-question"' in page and 'name="obj-text"' in page
    assert "until the end of 2026-12-01 (Asia/Shanghai)" in page
    empty = client.post(f"/tasks/{task.number}/questions", data={"ask-question": ""})
    assert empty.status_code == 422 and "This field is required." in text(empty)
    asked = client.post(
        f"/tasks/{task.number}/questions", data={"ask-question": "是否接受联合体？"}
    )
    assert asked.status_code == 302 and asked.location.endswith("#questions")
    objected = client.post(f"/tasks/{task.number}/objections", data={"obj-text": "工期过短"})
    assert objected.status_code == 302 and objected.location.endswith("#objections")
    applicant = as_(world.applicant)
    page = text(applicant.get(f"/tasks/{task.number}"))
    assert 'name="ask-question"' not in page and 'name="obj-text"' not in page
    assert "是否接受联合体？" in page and "工期过短" in page
    assert org.name not in page  # the objector is a likely bidder: unnamed before opening
    qid = world.db.exec(select(TaskQuestion)).one().id
    oid = world.db.exec(select(AnnouncementObjection)).one().id
    assert f'name="a{qid}-answer"' in page and f'name="r{oid}-reply"' in page
    refused = client.post(
        f"/tasks/{task.number}/questions/{qid}/answer", data={f"a{qid}-answer": "我来回答"}
    )
    assert refused.status_code == 403
    assert "Only the task's applicant may answer questions." in text(refused)
    answered = applicant.post(
        f"/tasks/{task.number}/questions/{qid}/answer", data={f"a{qid}-answer": "不接受联合体。"}
    )
    assert answered.status_code == 302 and answered.location.endswith(f"#question-{qid}")
    replied = applicant.post(
        f"/tasks/{task.number}/objections/{oid}/reply", data={f"r{oid}-reply": "工期不变。"}
    )
    assert replied.status_code == 302
    public = text(as_().get(f"/tasks/{task.number}"))
    assert "不接受联合体。" in public and "工期不变。" in public
    assert org.name not in public and org.uscc not in public
    assert 'name="ask-question"' not in public


def test_the_sections_are_in_chinese_by_default(world, app):
    task = world.post_task()
    client = app.test_client()
    page = text(client.get(f"/tasks/{task.number}?lang=zh"))
    assert "问题与答疑" in page and "对公告的异议" in page
