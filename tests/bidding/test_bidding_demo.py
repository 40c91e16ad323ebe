"""`flask seed demo` loads bidding's share too: decided tasks whose pages show a result without a
draw, a factor draw with a reference in yuan, and a failed selection (bidding/demo.py)."""

from __future__ import annotations

from sqlmodel import select

from bidding import demo
from bidding.draws import records, spec
from bidding.policy import DEFAULT_POLICY
from market import lifecycle
from market.demo import load_demo
from market.models import Task


def test_the_demo_decides_a_task_of_each_kind(app, db, frozen, bidding_keys, client):
    load_demo(db)
    assert demo.load_demo(db, DEFAULT_POLICY) == "bidding demo loaded (3 decided tasks)"
    db.commit()
    by_title = {
        t.title: t for t in db.exec(select(Task).where(Task.title.in_(list(demo.DEMO_TASKS))))
    }
    no_tie, average, failed = (by_title[t] for t in demo.DEMO_TASKS)
    assert [lifecycle.status(t) for t in (no_tie, average, failed)] == [
        lifecycle.PUBLICITY,
        lifecycle.PUBLICITY,
        lifecycle.FAILED,
    ]
    assert [d.purpose for d in records.draws_of(db, average)] == ["factor"]
    for task in (no_tie, failed):
        record = client.get(f"/api/v1/tasks/{task.number}/draw").get_json()
        assert spec.verify_record(record) == [] and not spec.has_draws(record)
        page = client.get(f"/tasks/{task.number}/draw?lang=zh").get_data(as_text=True)
        assert "本任务无需抽签：选取结果未经抽签即已确定。" in page
    result = client.get(f"/tasks/{average.number}/award?lang=zh").get_data(as_text=True)
    assert "基准价（元）" in result and "88,000.00" in result
    assert demo.load_demo(db, DEFAULT_POLICY) == "bidding demo already loaded"


def test_seed_demo_runs_each_packages_share(app):
    assert [share.func for share in app.extensions["market.demo"]] == [demo.load_demo]
