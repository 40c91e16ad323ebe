"""Bids, marks and questions on the API take JSON's own types only: a price is a JSON integer of
fen (not `true`, not `"50000"`, not `1.0` or `1e5`), files are a list; each wrong value is a 422
problem+json naming its field, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from bidding.models import Bid
from tests.bidding.test_api import API, bid_body
from tests.conftest import login

WRONG_TYPE = ["Wrong type of value."]


@pytest.fixture
def as_(app):
    def make(user):
        client = app.test_client()
        login(client, user)
        return client

    return make


@pytest.mark.parametrize(
    "field, value",
    [
        ("price_fen", True),
        ("price_fen", "1000000"),
        ("price_fen", 1000000.0),
        ("price_fen", 1e6),
        ("duration_days", "30"),
        ("duration_days", 30.0),
        ("proposal_text", ["技术方案"]),
        ("attachment_sha256s", "0" * 64),
    ],
)
def test_a_bid_field_of_the_wrong_json_type_is_named_and_nothing_is_stored(
    world, as_, db, field, value
):
    task = world.post_task()
    response = as_(world.agency()).post(
        f"{API}/tasks/{task.number}/bids", json={**bid_body(), field: value}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: WRONG_TYPE}
    assert db.exec(select(func.count()).select_from(Bid)).one() == 0


@pytest.mark.parametrize("price_fen", [-1, 0, 10**13, 2**63, 10**40])
def test_a_price_out_of_range_is_refused_on_its_field(world, as_, price_fen):
    task = world.post_task()
    response = as_(world.agency()).post(
        f"{API}/tasks/{task.number}/bids", json=bid_body(price_fen=price_fen)
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"price_fen"}


def test_a_question_must_be_text(world, as_):
    task = world.post_task()
    response = as_(world.agency()).post(
        f"{API}/tasks/{task.number}/questions", json={"question": 5}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"question": WRONG_TYPE}
