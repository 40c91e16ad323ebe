"""Credit events from the facts bidding announces (`bidding.signals`; docs/rules.md §6).

Module-level handlers, connected with ``weak=False`` in `ratings.init_app`; each runs in the
sender's transaction and writes through `ratings.credit_events.record`, idempotent by its source,
so a fact announced twice makes one event:

- `delivered(on_time=False)` — the first delivery was late: LATE, "contract:<id>:late";
- `accepted` — the work was accepted and the first delivery was on time: ON_TIME,
  "contract:<id>:on_time" (with the price, against farming);
- `award_abandoned` — the awarded agency did not sign in time: ABANDONED, "award:<id>:abandoned";
- `terminated(fault_party="agency")` — TERMINATED_FAULT, "contract:<id>:terminated".
"""

from __future__ import annotations

from sqlmodel import Session

from bidding.models import Award, Bid, Contract
from market import clock
from ratings import credit_events
from ratings.models.credit import ABANDONED, LATE, ON_TIME, TERMINATED_FAULT


def _contract_data(contract: Contract) -> dict:
    return {
        "contract_id": contract.id,
        "task_id": contract.task_id,
        "price_fen": contract.price_fen,
        "applicant_id": contract.applicant_org_id,
    }


def on_delivered(contract: Contract, *, session: Session, on_time: bool, **_ignored) -> None:
    if on_time:
        return
    at = contract.first_delivered_at or clock.now()
    credit_events.record(
        session,
        contract.agency_id,
        LATE,
        at,
        f"contract:{contract.id}:late",
        _contract_data(contract),
    )


def on_accepted(contract: Contract, *, session: Session, **_ignored) -> None:
    if not contract.on_time:
        return
    credit_events.record(
        session,
        contract.agency_id,
        ON_TIME,
        contract.accepted_at or clock.now(),
        f"contract:{contract.id}:on_time",
        _contract_data(contract),
    )


def on_award_abandoned(award: Award, *, session: Session, **_ignored) -> None:
    bid = session.get(Bid, award.bid_id)
    credit_events.record(
        session,
        bid.agency_id,
        ABANDONED,
        award.revoked_at or clock.now(),
        f"award:{award.id}:abandoned",
        {"award_id": award.id, "task_id": award.task_id, "price_fen": bid.price_fen},
    )


def on_terminated(contract: Contract, *, session: Session, fault_party: str, **_ignored) -> None:
    if fault_party != "agency":
        return
    credit_events.record(
        session,
        contract.agency_id,
        TERMINATED_FAULT,
        contract.terminated_at or clock.now(),
        f"contract:{contract.id}:terminated",
        _contract_data(contract),
    )
