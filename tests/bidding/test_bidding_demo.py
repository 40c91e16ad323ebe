"""`flask seed demo`'s decided tasks show what people come to read: a result without a draw, a
factor draw with a reference in yuan, and a failed selection (bidding/demo.py)."""

from __future__ import annotations

from sqlmodel import select

from bidding import demo, notifying
from bidding.draws import records, spec
from market import notifications
from market.demo import load_all
from market.models import Notification, Task, User


def test_the_demos_decided_tasks_read_as_people_expect(app, db, frozen, bidding_keys, client):
    load_all(app, db)
    db.commit()
    by_title = {t.title: t for t in db.exec(select(Task).where(Task.title.in_(demo.TITLES)))}
    no_draw, average, failed = (by_title[t] for t in (demo.PUBLICITY, demo.AVERAGE, demo.FAILED))
    assert [d.purpose for d in records.draws_of(db, average)] == ["factor"]
    for task in (no_draw, failed):
        record = client.get(f"/api/v1/tasks/{task.number}/draw").get_json()
        assert spec.verify_record(record) == [] and not spec.has_draws(record)
        page = client.get(f"/tasks/{task.number}/draw?lang=zh").get_data(as_text=True)
        assert "本任务无需抽签：选取结果未经抽签即已确定。" in page
    record = client.get(f"/api/v1/tasks/{average.number}/draw").get_json()
    assert spec.verify_record(record) == [] and spec.has_draws(record)
    result = client.get(f"/tasks/{average.number}/award?lang=zh").get_data(as_text=True)
    assert "基准价（元）" in result and "188,000.00" in result


def test_the_demo_users_find_unread_notifications_made_by_the_real_services(
    app, db, frozen, bidding_keys
):
    load_all(app, db)
    db.commit()
    for email in ("enterprise@demo.zjm", "agency@demo.zjm", "survey@demo.zjm"):
        user = db.exec(select(User).where(User.email == email)).one()
        assert notifications.unread_count(db, user) > 0, email
    kinds = {n.kind for n in db.exec(select(Notification))}
    assert {notifying.TASK_OPENED_APPLICANT, notifying.RESULT_CANDIDATE} <= kinds
