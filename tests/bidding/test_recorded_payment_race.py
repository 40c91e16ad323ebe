"""A recorded payment submitted twice at once (two tabs, a double click reaching two workers),
played in one exact order with real commits on PostgreSQL (the machinery of
tests/bidding/test_races.py): the first holds the task's row lock, the second waits for it and
then finds the payment recorded — one row, one ledger transaction (docs/rules.md §7)."""

from __future__ import annotations

from sqlmodel import Session, select

from bidding.models import ContractPayment
from bidding.models.payments import BANK_TRANSFER
from bidding.payments import recorded
from bidding.policy import DEFAULT_POLICY
from market import clock, ledger
from market.models import User
from market.models.ledger import LedgerTransaction
from market.validation import Forbidden
from market.workdays import shanghai_date
from tests.bidding.contract_support import signed_contract_for_tests
from tests.bidding.test_races import (  # noqa: F401  (race, race_template: the fixtures)
    STEP_S,
    TASK_LOCK,
    Stop,
    Worker,
    committed,
    pytestmark,
    race,
    race_template,
)

OFF = {"ESCROW_ENABLED": False, "CARD_LIMIT_FEN": 5_000_000}


def test_a_payment_recorded_twice_at_once_is_recorded_once(race, frozen):  # noqa: F811
    world, setup = race.world(frozen)
    try:
        signed = signed_contract_for_tests(world, setup, frozen)
        applicant_id, contract_id = signed.applicant.id, signed.contract.id
        day = shanghai_date(clock.now()).isoformat()
    finally:
        setup.close()

    def pay(session: Session):
        return recorded.record(
            session,
            session.get(User, applicant_id),
            contract_id,
            means=BANK_TRANSFER,
            reference="农行-1",
            paid_on=day,
            policy=DEFAULT_POLICY,
            config=OFF,
        ).id

    first_stop = Stop(TASK_LOCK, when="after")
    first = Worker(race, committed(pay), first_stop)
    first.start()
    assert first_stop.reached.wait(STEP_S)
    second_stop = Stop(TASK_LOCK, when="before", hold=False)
    second = Worker(race, committed(pay), second_stop)
    second.start()
    assert second_stop.reached.wait(STEP_S)
    first_stop.release.set()
    first.finish()
    second.finish()
    assert first.error is None and isinstance(second.error, Forbidden)
    assert second.error.message.msgid == "The payment of this contract is already recorded."
    with race.session() as check:
        assert len(check.exec(select(ContractPayment)).all()) == 1
        assert check.exec(select(LedgerTransaction.kind)).all() == ["payment.recorded"]
        assert ledger.total(check) == 0
