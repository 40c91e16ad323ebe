"""Which contracts are paid by card and which are recorded (docs/rules.md §7)."""

from __future__ import annotations

import pytest

from bidding.models import Contract
from bidding.models.payments import CARD, RECORDED
from bidding.payments.options import method
from market.models import Funding, Task

LIMIT = 5_000_000


@pytest.mark.parametrize(
    ("funding", "price", "escrow", "expected"),
    [
        (Funding.budget, 100_000, True, RECORDED),  # never by card, whatever the settings
        (Funding.budget, 100_000, False, RECORDED),
        (Funding.private, LIMIT, True, CARD),  # at the limit
        (Funding.private, LIMIT + 1, True, RECORDED),  # above it
        (Funding.state_owned, 100_000, True, CARD),
        (Funding.state_owned, 100_000, False, RECORDED),  # escrow off
        (Funding.private, 100_000, False, RECORDED),
    ],
)
def test_the_payment_method_of_a_contract(funding, price, escrow, expected):
    task = Task(funding=funding)
    contract = Contract(price_fen=price)
    assert method(task, contract, escrow_enabled=escrow, card_limit_fen=LIMIT) == expected
