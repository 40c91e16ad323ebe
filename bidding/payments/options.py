"""How a contract may be paid — the one rule every page, API call and workflow asks
(docs/rules.md §7). A `budget` contract is paid by its department from its budget and recorded,
never by card, whatever the settings; with escrow on, a `private` or `state_owned` contract up to
the card limit is paid by card into escrow; anything else is recorded by the payer. The payer is
always the contract's applicant — for a `budget` task the department itself, so no enterprise is
ever asked to pay for a service a department commissioned."""

from __future__ import annotations

from bidding.models import Contract
from bidding.models.payments import CARD, RECORDED
from market.models import Funding, Task


def method(task: Task, contract: Contract, *, escrow_enabled: bool, card_limit_fen: int) -> str:
    """`CARD` or `RECORDED` for this contract under the deployment's settings."""
    if task.funding == Funding.budget:
        return RECORDED
    if escrow_enabled and contract.price_fen <= card_limit_fen:
        return CARD
    return RECORDED


def method_for_app(config, task: Task, contract: Contract) -> str:
    """`method` under an app's configuration (`ESCROW_ENABLED`, `CARD_LIMIT_FEN`)."""
    return method(
        task,
        contract,
        escrow_enabled=bool(config["ESCROW_ENABLED"]),
        card_limit_fen=int(config["CARD_LIMIT_FEN"]),
    )
