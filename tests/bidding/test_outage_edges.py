"""Outage notices at the edges (docs/rules.md §4, outage): the operator's form and
`POST /api/v1/outage-notices`; the public `/notices` pages and `GET /api/v1/outage-notices`; the
task's change log pointing at the notice; in English and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from market.models import AuditEvent, OutageNotice, Task
from market.workdays import SHANGHAI
from tests.conftest import login

START = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
END = datetime(2026, 12, 2, 17, 0, tzinfo=SHANGHAI)
WINDOW_END = datetime(2026, 12, 5, 0, 0, tzinfo=SHANGHAI)
BODY = {
    "started_at": "2026-12-02T09:00",
    "ended_at": "2026-12-02T17:00",
    "reason": "数据库服务器故障，平台无法访问。",
    "extension_wd": 2,
}
OVERLAPS = (
    "This outage overlaps the one of notice {id} (2026-12-02 09:00 – 2026-12-02 17:00), whose "
    "deadlines were extended already: an outage is applied only once."
)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


@pytest.fixture
def caught(world, db) -> Task:
    """A published task whose deadline is the outage's end; the clock an hour after the outage."""
    task = world.post_task()
    task.deadline_at = END
    db.add(task)
    db.commit()
    world.frozen.set(END + timedelta(hours=1))
    return task


@pytest.fixture
def operator(make):
    return make.staff("operator", name="平台运营方", user_name="运营员")


def test_the_api_publishes_a_notice_that_anyone_reads_and_refuses_it_twice(
    client, app, operator, caught, db
):
    login(client, operator)
    response = client.post("/api/v1/outage-notices?lang=en", json=BODY)
    assert response.status_code == 201
    notice = response.get_json()
    expected = {
        "id": notice["id"],
        "started_at": iso(START),
        "ended_at": iso(END),
        "reason": BODY["reason"],
        "extension_wd": 2,
        "window_ends_at": iso(WINDOW_END),
        "published_at": iso(END + timedelta(hours=1)),
    }
    move = {
        "task_number": caught.number,
        "task_title": caught.title,
        "deadline": "task_deadline",
        "old_at": iso(END),
        "new_at": iso(WINDOW_END),
    }
    assert notice == expected | {"moves": [move]}

    again = client.post("/api/v1/outage-notices?lang=en", json=BODY)
    assert again.status_code == 403
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["detail"] == OVERLAPS.format(id=notice["id"])
    in_chinese = client.post("/api/v1/outage-notices?lang=zh", json=BODY)
    assert in_chinese.get_json()["detail"] == (
        f"本次故障与第 {notice['id']} 号公告的故障（2026-12-02 09:00 – 2026-12-02 17:00）时间重叠，"
        "相关期限已经顺延：同一故障只能顺延一次。"
    )

    anyone = app.test_client()
    assert anyone.get("/api/v1/outage-notices").get_json() == {"items": [expected]}
    assert anyone.get(f"/api/v1/outage-notices/{notice['id']}").get_json() == expected | {
        "moves": [move]
    }
    missing = anyone.get(f"/api/v1/outage-notices/{notice['id'] + 1}")
    assert (missing.status_code, missing.mimetype) == (404, "application/problem+json")
    db.expire_all()  # the requests changed it in their own sessions
    assert db.get(Task, caught.id).deadline_at == WINDOW_END
    assert len(db.exec(select(OutageNotice)).all()) == 1


@pytest.mark.parametrize("kind", [None, "agency", "regulator"])
def test_only_an_operator_publishes_through_the_api(client, make, world, db, kind):
    if kind == "agency":
        login(client, world.agency())
    elif kind is not None:
        login(client, make.staff(kind))
    world.frozen.set(END + timedelta(hours=1))
    response = client.post("/api/v1/outage-notices?lang=en", json=BODY)
    assert response.status_code == (401 if kind is None else 403)
    assert response.mimetype == "application/problem+json"
    if kind is not None:
        assert response.get_json()["detail"] == "Your organization's kind may not do this."
    assert db.exec(select(OutageNotice)).all() == []


def test_the_api_names_each_bad_field(client, operator, caught):
    login(client, operator)
    body = BODY | {"ended_at": "2026-12-02T08:00", "reason": ""}
    response = client.post("/api/v1/outage-notices?lang=en", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "ended_at": ["The end must be after the start."],
        "reason": ["This field is required."],
    }
    too_long = client.post("/api/v1/outage-notices?lang=en", json=BODY | {"extension_wd": 11})
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"] == {"extension_wd": ["Must be at most 10."]}
    wrong_type = client.post("/api/v1/outage-notices?lang=en", json=BODY | {"extension_wd": "2"})
    assert wrong_type.status_code == 422
    assert wrong_type.get_json()["errors"] == {"extension_wd": ["Wrong type of value."]}


def test_the_operator_form_keeps_what_was_typed_then_publishes(client, operator, caught, db):
    login(client, operator)
    page = client.get("/operator/outages?lang=en")
    assert page.status_code == 200
    assert "Publish an outage notice" in page.get_data(as_text=True)

    typed = {
        "started_at": "2026-12-02T09:00",
        "ended_at": "2026-12-02T19:00",
        "reason": "机房断电。",
        "extension_wd": "2",
    }
    refused = client.post("/operator/outages?lang=en", data=typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert (
        '<ul class="errors" id="ended_at-err"><li>'
        "The outage must be over: its end cannot be in the future.</li></ul>"
    ) in html
    assert 'value="2026-12-02T19:00"' in html and "\n机房断电。</textarea>" in html
    assert db.exec(select(OutageNotice)).all() == []

    done = client.post("/operator/outages?lang=en", data=typed | {"ended_at": "2026-12-02T17:00"})
    assert done.status_code == 302
    [notice] = db.exec(select(OutageNotice)).all()
    assert done.headers["Location"].endswith(f"/notices/{notice.id}")
    shown = client.get(done.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert f"Notice {notice.id} published; 1 deadlines extended." in shown
    assert f"Outage notice {notice.id}" in shown
    assert "Bidding deadline" in shown and "2026-12-02 17:00" in shown
    assert "2026-12-04 24:00" in shown
    assert [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))][-2:] == [
        "deadline.extended_for_outage",
        "outage.published",
    ]


@pytest.mark.parametrize("kind", ["agency", "regulator"])
def test_the_form_is_the_operators_only(client, make, world, kind):
    login(client, world.agency() if kind == "agency" else make.staff(kind))
    assert client.get("/operator/outages").status_code == 403
    assert client.post("/operator/outages", data=BODY).status_code == 403


def test_the_public_pages_and_the_change_log_in_both_languages(app, operator, caught, db):
    client = app.test_client()
    login(client, operator)
    assert client.post("/api/v1/outage-notices", json=BODY).status_code == 201
    notice_id = db.exec(select(OutageNotice.id)).one()
    anyone = app.test_client()

    listing = anyone.get("/notices?lang=zh").get_data(as_text=True)
    assert "平台故障公告" in listing and f"第 {notice_id} 号公告" in listing
    detail = anyone.get(f"/notices/{notice_id}?lang=zh").get_data(as_text=True)
    assert f"第 {notice_id} 号平台故障公告" in detail
    assert "报名（投标）截止时间" in detail and caught.number in detail
    assert anyone.get(f"/notices/{notice_id + 1}").status_code == 404

    task_page = anyone.get(f"/tasks/{caught.number}?lang=en").get_data(as_text=True)
    assert f'<a href="/notices/{notice_id}">Platform outage: notice {notice_id}</a>' in task_page
    assert "Bidding deadline: 2026-12-02 17:00 → 2026-12-04 24:00" in task_page
    in_chinese = anyone.get(f"/tasks/{caught.number}?lang=zh").get_data(as_text=True)
    assert f"平台故障：第 {notice_id} 号公告" in in_chinese
