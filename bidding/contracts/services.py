"""The contract's rules (docs/rules.md §4): reading it, its document, each side's confirmation,
the signing limit, termination and the applicant's record. Plain functions over a session, in the
caller's transaction; who may read a contract is decided by `bidding.visibility`."""

from __future__ import annotations

from sqlmodel import Session

from bidding import visibility
from bidding.models import Contract
from market.models import Task, User
from market.validation import NotFound


def load(session: Session, user: User | None, contract_id: int) -> tuple[Contract, Task]:
    """The contract `contract_id` with its task, if `user` may read it; else `NotFound`, the same
    as for a contract that does not exist."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    task = session.get(Task, contract.task_id)
    if not visibility.sees_contract(visibility.reader_of(session, user, task), contract):
        raise NotFound()
    return contract, task
