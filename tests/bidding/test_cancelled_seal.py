"""A task cancelled before opening is never opened: its bids stay sealed for ever, for every reader,
however long after the deadline, through every service that could open it or show its bids
(docs/rules.md §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import opening, serializers, visibility
from bidding.models import Bid, Opening
from bidding.policy import DEFAULT_POLICY
from market import lifecycle, signals, task_queries, tasks
from market.models import AuditEvent
from market.policy import registry_of
from market.validation import NotFound
from tests.conftest import login

PDF = b"%PDF-1.4\n% proposal\n%%EOF\n"


@pytest.fixture
def cancelled(world, db, tmp_path):
    """A task with two standing bids (one with a file), cancelled before its deadline, and the
    clock a month past that deadline."""
    task = world.post_task()
    first, second = world.agency(), world.agency()
    upload = bid_attachments.upload(db, first, task.number, "方案.pdf", PDF, tmp_path)
    db.commit()
    world.bid(first, task, 1_500_000, attachments=[upload.sha256])
    world.bid(second, task, 1_200_000)
    tasks.cancel(db, world.applicant, task.number, "项目取消")
    db.commit()
    world.frozen.set(task.deadline_at + timedelta(days=30))
    assert lifecycle.status(task) == lifecycle.CANCELLED
    return task, first, second, upload.sha256


def test_nothing_opens_a_task_cancelled_before_opening(world, db, app, cancelled, monkeypatch):
    task, _, _, _ = cancelled
    assert opening.open_if_due(db, task, DEFAULT_POLICY) is False
    assert task_queries.open_if_due(db, [task], registry_of(app)) is False
    signals.task_due_for_opening.send(task, session=db, policy=registry_of(app))
    handed = []
    real = opening.open_if_due

    def spy(session, due, policy):
        handed.append(due.id)
        return real(session, due, policy)

    monkeypatch.setattr(opening, "open_if_due", spy)
    assert opening.open_due_tasks(db, DEFAULT_POLICY) == 0
    assert handed == []  # the sweep does not even take a cancelled task's lock
    db.commit()
    db.refresh(task)
    assert task.opened_at is None
    assert lifecycle.sealed(task) is True
    assert db.exec(select(Opening)).all() == []
    logged = set(db.exec(select(AuditEvent.action)))
    assert logged & {"task.open", "bid.receipt_issued", "bid.withdrawal"} == set()


def test_no_reader_ever_sees_the_bids_of_a_task_cancelled_before_opening(
    world, db, make, cancelled
):
    task, first, second, digest = cancelled
    users = {
        "public": None,
        "applicant": world.applicant,
        "regulator": world.regulator,
        "operator": make.staff("operator"),
        "expert": make.staff("expert"),
        "bidder": first,
        "other bidder": second,
        "agency": world.agency(),
    }
    bids = db.exec(select(Bid).where(Bid.task_id == task.id)).all()
    assert len(bids) == 2
    for name, user in users.items():
        reader = visibility.reader_of(db, user, task)
        assert visibility.opened(task) is False, name
        assert visibility.sees_bid_list(reader, task) is False, name
        assert serializers.task_bids(db, task, reader) == serializers.sealed_bids(task), name
        for bid in bids:
            assert visibility.sees_in_full(reader, task, bid) is False, (name, bid.id)
            assert visibility.sees_prices(reader, task, bid) is False, (name, bid.id)
        if name != "bidder":  # the agency that uploaded the file reads its own, as always
            with pytest.raises(NotFound):
                visibility.readable_bid_file(db, reader, task, digest)
    for bid in bids:
        with pytest.raises(NotFound):
            visibility.opened_bid(db, bid.receipt, lambda number: tasks.get_task(db, number))


@pytest.mark.parametrize("who", ["applicant", "regulator"])
def test_the_api_answers_the_sealed_list_for_a_task_cancelled_before_opening(
    world, db, app, cancelled, who
):
    task, _, _, digest = cancelled
    client = app.test_client()
    login(client, getattr(world, who))
    response = client.get(f"/api/v1/tasks/{task.number}/bids")
    assert response.status_code == 200
    assert response.get_json() == serializers.sealed_bids(task)
    assert client.get(f"/api/v1/tasks/{task.number}/bid-attachments/{digest}").status_code == 404
    db.refresh(task)
    assert task.opened_at is None
