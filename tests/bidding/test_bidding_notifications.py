"""Bidding's notifications (`bidding.notifying`): the facts that make them, each to exactly the
organizations it concerns, and none before the fact is public to them (docs/rules.md §5)."""

from __future__ import annotations

from sqlmodel import select

from bidding import notifying, sealed
from bidding.questions import services as questions
from market import clock, mail, notifications, tasks
from market.models import Notification, User
from tests.conftest import login
from tests.mail_support import smtp_server


def made(db) -> list[tuple[int, str, dict]]:
    return sorted(
        (r.user_id, r.kind, r.data) for r in db.exec(select(Notification).order_by(Notification.id))
    )


def test_opening_and_the_result_notify_the_applicant_the_candidate_and_the_other_bidders(world, db):
    task = world.post_task("lowest_price", min_bids=3)
    agencies = [world.agency() for _ in range(3)]
    for agency, price in zip(agencies, [1_300_000, 1_100_000, 1_200_000], strict=True):
        world.bid(agency, task, price)
    assert made(db) == []  # nothing while the bids are sealed
    world.shift_to(task, "opened")
    applicant, (first, candidate, third) = world.applicant, agencies
    base = {"task": task.number, "title": task.title}
    opened = {**base, "opened_at": task.opened_at.isoformat()}
    publicity = {**base, "publicity_ends_at": task.publicity_ends_at.isoformat()}
    assert made(db) == sorted(
        [
            (applicant.id, notifying.TASK_OPENED_APPLICANT, {**opened, "bids": 3}),
            *((a.id, notifying.TASK_OPENED_BIDDER, opened) for a in agencies),
            (applicant.id, notifying.RESULT_APPLICANT, publicity),
            (candidate.id, notifying.RESULT_CANDIDATE, publicity),
            (first.id, notifying.RESULT_BIDDER, publicity),
            (third.id, notifying.RESULT_BIDDER, publicity),
        ]
    )


def test_an_amendment_notifies_only_the_agencies_with_a_standing_bid(world, db):
    task = world.post_task("lowest_price", min_bids=1)
    bidder, withdrawn, _watcher = world.agency(), world.agency(), world.agency()
    world.bid(bidder, task)
    world.bid(withdrawn, task)
    sealed.withdraw_bid(db, withdrawn, task.number)
    db.commit()
    tasks.amend(db, world.applicant, task.number, {"reason": "补充说明", "title": "新标题"})
    db.commit()
    assert made(db) == [
        (
            bidder.id,
            notifying.TASK_AMENDED,
            {"task": task.number, "title": "新标题", "deadline_at": task.deadline_at.isoformat()},
        )
    ]


def test_an_answer_notifies_every_enabled_member_of_the_asking_agency(world, db):
    task = world.post_task()
    asker = world.agency()
    colleague = User(
        organization_id=asker.organization_id,
        email="colleague@test.zjm",
        name="同事",
        password_hash="x",
        created_at=clock.now(),
    )
    db.add(colleague)
    db.commit()
    question = questions.ask(db, asker, task.number, "资质要求是否包含乙级？")
    db.commit()
    assert made(db) == []
    questions.answer(db, world.applicant, task.number, question.id, "包含。")
    db.commit()
    base = {"task": task.number, "title": task.title}
    assert made(db) == sorted(
        [
            (asker.id, notifying.QUESTION_ANSWERED, base),
            (colleague.id, notifying.QUESTION_ANSWERED, base),
        ]
    )


def test_a_notification_reads_in_the_readers_language_when_shown(app, client, world, db):
    task = world.post_task("lowest_price", min_bids=1)
    agency = world.agency()
    world.bid(agency, task)
    world.shift_to(task, "opened")
    login(client, agency)
    zh = client.get("/notifications?lang=zh").get_data(as_text=True)
    assert f"任务 {task.number} 已开标" in zh
    assert f'<a href="/tasks/{task.number}">' in zh
    en = client.get("/notifications?lang=en").get_data(as_text=True)
    assert f"Task {task.number} was opened" in en
    api = client.get("/api/v1/notifications?lang=en").get_json()
    assert [i["kind"] for i in api["items"]] == [
        notifying.RESULT_CANDIDATE,
        notifying.TASK_OPENED_BIDDER,
    ]
    assert api["items"][0]["subject"] == f"You are the award candidate of task {task.number}"
    assert notifications.unread_count(db, agency) == 2


def test_the_mail_of_a_notice_is_in_chinese(app, world, db, monkeypatch):
    task = world.post_task("lowest_price", min_bids=1)
    agency = world.agency()
    world.bid(agency, task)
    world.shift_to(task, "opened")
    with smtp_server() as server:
        monkeypatch.setitem(
            app.extensions, mail.EXTENSION, mail.SmtpMailer(server.host, server.port)
        )
        with app.app_context():
            assert notifications.mail_pending(db) == 4  # applicant ×2, the agency ×2
    to_agency = {m["Subject"] for m in server.messages if m["To"] == agency.email}
    assert to_agency == {f"任务 {task.number} 已开标", f"贵单位是任务 {task.number} 的中选候选人"}
