"""Related agencies (docs/rules.md §5): decided at opening only, on identity or on a relation a
regulator recorded; nothing at submission depends on another agency's bid, and a self-declared,
unverified relation only flags a pair for the applicant and the regulators to review."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login

API = "/api/v1"
RIVAL_REPRESENTATIVE = "赵六"
_CSRF = re.compile(r'((?:name="csrf_token"(?: type="hidden")? value=")|(?:"csrf_token": ?"))[^"]+')


@pytest.fixture
def as_(app):
    """as_(user) → a test client logged in as `user` (None: the public), reading English."""

    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        client.get("/?lang=en")
        return client

    return make


def bid_body(price_fen=1_000_000):
    return {"price_fen": price_fen, "duration_days": 30, "proposal_text": "技术方案"}


def same_for_both_tasks(text: str, task) -> str:
    """`text` with what differs between two tasks posted alike (their numbers, CSRF tokens)
    blanked, so that two answers about two such tasks can be compared byte for byte."""
    return _CSRF.sub(r"\1…", text.replace(task.number, "TASK"))


# --- nothing at submission ------------------------------------------------------------------------


def test_a_shell_with_a_rivals_representative_name_learns_nothing_at_submission(world, as_):
    """The "can I bid?" answer, the task page and the submission itself are the same whether
    or not the rival bid: none may tell the shell that the rival bids, nor refuse it for that."""
    rival = world.agency(legal_representative=RIVAL_REPRESENTATIVE)
    shell = as_(world.agency(legal_representative=RIVAL_REPRESENTATIVE))
    with_rival, without_rival = world.post_task(), world.post_task()
    world.bid(rival, with_rival)

    def answers(task) -> list[tuple[int, str]]:
        out = []
        for response in (
            shell.get(f"{API}/tasks/{task.number}/bids/mine"),
            shell.get(f"/tasks/{task.number}"),
        ):
            out.append((response.status_code, same_for_both_tasks(response.get_data(True), task)))
        submitted = shell.post(f"{API}/tasks/{task.number}/bids", json=bid_body())
        body = submitted.get_json()
        out.append((submitted.status_code, sorted(body), body.get("version")))
        return out

    seen_with, seen_without = answers(with_rival), answers(without_rival)
    assert seen_with == seen_without
    assert seen_with[-1][0] == 201
