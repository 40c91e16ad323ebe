"""The lifecycle's table of events: `allowed` answers from it for every event and status, and the
rules it holds are the ones the services, pages and search index follow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market import lifecycle
from market.labels import STATUS_LABELS
from market.lifecycle import (
    ACCEPTED,
    AWARDED,
    CANCELLED,
    CLOSED,
    CONTRACTED,
    DEADLINE_PASSED,
    DELIVERED,
    DRAFT,
    FAILED,
    OPEN,
    OPENED,
    PUBLICITY,
    SUSPENDED,
    TERMINATED,
)
from market.models import Task
from tests.conftest import FROZEN_AT

NOW = FROZEN_AT
STATUSES = tuple(STATUS_LABELS)


def task_in(name: str) -> Task:
    """A task (not stored) whose status at NOW is `name`: a timestamp status is its `<name>_at`."""
    task = Task(published_at=NOW - timedelta(days=10), deadline_at=NOW + timedelta(days=1))
    if name == DRAFT:
        task.published_at = None
    elif name != OPEN:
        task.deadline_at = NOW - timedelta(days=1)
        if name != DEADLINE_PASSED:
            setattr(task, f"{name}_at", NOW - timedelta(hours=1))
    assert lifecycle.status(task, NOW) == name
    return task


def allowed_from(event: str) -> set[str]:
    return {name for name in STATUSES if lifecycle.allowed(task_in(name), event, NOW)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("event", sorted(lifecycle.EVENTS))
def test_an_event_is_allowed_exactly_from_the_statuses_its_table_entry_lists(event, status):
    assert lifecycle.allowed(task_in(status), event, NOW) == (status in lifecycle.EVENTS[event])


def test_every_status_the_table_names_is_a_status():
    assert {s for sources in lifecycle.EVENTS.values() for s in sources} <= set(STATUSES)


def test_an_applicant_cancels_outright_only_a_draft_or_an_open_task():
    assert allowed_from("cancel") == {DRAFT, OPEN}


def test_after_opening_and_before_the_award_only_a_regulator_cancels():
    assert allowed_from("cancel_after_opening") == {OPENED, FAILED, PUBLICITY}
    assert allowed_from("cancel") & allowed_from("cancel_after_opening") == set()


def test_nothing_cancels_a_task_between_its_deadline_and_its_opening_or_after_its_award():
    cancellable = allowed_from("cancel") | allowed_from("cancel_after_opening")
    never = {DEADLINE_PASSED, AWARDED, CONTRACTED, DELIVERED, ACCEPTED, CLOSED}
    assert cancellable & (never | {CANCELLED, TERMINATED, SUSPENDED}) == set()


def test_only_an_open_task_is_amended():
    assert allowed_from("amend") == {OPEN}


def test_files_and_exclusions_are_added_to_a_draft_or_an_open_task():
    assert allowed_from("attach") == {DRAFT, OPEN}
    assert allowed_from("exclude") == {DRAFT, OPEN}


def test_only_a_draft_is_edited_or_published_and_only_a_failed_task_is_posted_again():
    assert allowed_from("edit") == {DRAFT}
    assert allowed_from("publish") == {DRAFT}
    assert allowed_from("repost") == {FAILED}


def test_a_task_is_opened_only_once_its_deadline_has_passed():
    assert allowed_from("open") == {DEADLINE_PASSED}


def test_the_deadline_ends_what_an_open_task_allows():
    task = task_in(OPEN)
    assert lifecycle.allowed(task, "amend", task.deadline_at - timedelta(seconds=1))
    assert not lifecycle.allowed(task, "amend", task.deadline_at)
    assert lifecycle.allowed(task, "open", task.deadline_at)


def test_an_unknown_event_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match=r"^unknown task event 'reopen'$"):
        lifecycle.allowed(task_in(OPEN), "reopen", NOW)


@pytest.mark.parametrize(
    "event, status",
    [("edit", DRAFT), ("amend", OPEN), ("attach", OPEN), ("exclude", DRAFT), ("repost", FAILED)],
)
def test_transition_refuses_an_event_that_does_not_move_a_task(event, status):
    task = task_in(status)
    assert lifecycle.allowed(task, event, NOW)
    with pytest.raises(ValueError, match=rf"^task event '{event}' does not move a task$"):
        lifecycle.transition(None, task, event, at=NOW)
    assert lifecycle.status(task, NOW) == status


@pytest.mark.parametrize("status", STATUSES)
def test_open_until_is_when_the_status_stops_being_open(status):
    task = task_in(status)
    until = lifecycle.open_until(task)
    for moment in (NOW - timedelta(days=20), NOW, NOW + timedelta(days=20)):
        is_open = lifecycle.status(task, moment) == OPEN
        assert is_open == (until is not None and moment < until), (status, moment)
