"""The bid form reads its price in yuan with the one parser of every form: what is no amount is
refused on the price field with its reason, the page keeps everything typed, and no bid is
stored (tests/market/test_money_fields.py holds the cases)."""

from __future__ import annotations

import html

import pytest
from sqlmodel import func, select

from bidding.models import Bid
from tests.bidding.test_pages import bid_form, text
from tests.conftest import login
from tests.market.accounts_support import field_errors
from tests.market.test_money_fields import NOT_AMOUNTS


@pytest.fixture
def bidder(app, world):
    client = app.test_client()
    login(client, world.agency())
    client.get("/?lang=en")
    return client


@pytest.mark.parametrize("typed, message", NOT_AMOUNTS)
def test_a_bid_price_that_is_no_amount_is_refused_on_its_field(world, bidder, db, typed, message):
    task = world.post_task()
    response = bidder.post(
        f"/tasks/{task.number}/bid", data=bid_form(price=typed, proposal="保留的方案文字")
    )
    assert response.status_code == 422
    page = text(response)
    assert message in html.unescape(field_errors(response.get_data(as_text=True), "bid-price"))
    assert f'value="{typed}"' in page and "保留的方案文字" in page
    assert db.exec(select(func.count()).select_from(Bid)).one() == 0


def test_a_bid_in_yuan_and_fen_is_received(world, bidder, db):
    task = world.post_task()
    response = bidder.post(f"/tasks/{task.number}/bid", data=bid_form(price="1,999.99"))
    assert response.status_code == 302
    assert db.exec(select(Bid.price_fen)).one() == 199_999
