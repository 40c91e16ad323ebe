"""The task's row lock is one statement: it locks the row and reads it as the lock found it, over
the session's older copy (bidding.locking.lock_task)."""

from __future__ import annotations

from sqlalchemy import update

from bidding import sealed
from bidding.locking import lock_task
from bidding.models import Bid
from market.models import Task
from tests.bidding.test_openperf_queries import counted


def test_the_lock_reads_the_row_once_and_as_the_lock_found_it(world, db):
    task = world.post_task("lowest_price")
    loaded = db.get(Task, task.id)
    assert loaded.title != "改过的标题"
    # Another writer's change, which the session's copy does not know of.
    db.execute(
        update(Task).where(Task.id == task.id).values(title="改过的标题"),
        execution_options={"synchronize_session": False},
    )
    assert loaded.title != "改过的标题"
    with counted(db) as statements:
        locked = lock_task(db, task.number)
    assert locked is loaded and locked.title == "改过的标题"
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    if db.get_bind().dialect.name == "postgresql":
        assert "FOR UPDATE" in statements[0].upper()


def test_a_bid_reads_the_task_once_under_its_lock(world, db):
    task = world.post_task("lowest_price")
    agency = world.qualified_agency()
    db.rollback()
    with counted(db) as statements:
        sealed.submit_bid(
            db, agency, task.number, price_fen=1_500_000, duration_days=30, proposal_text="方案"
        )
        db.commit()
    task_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT TASK.")]
    assert len(task_reads) == 1
    assert db.exec(Bid.__table__.select().where(Bid.task_id == task.id)).all()
