"""The dashboard items of recorded payments (`market.dashboard`, docs/rules.md §7): the payer's
"record the payment" for a signed `private` or `state_owned` contract `bidding.payments.options`
does not pay by card (a `budget` contract's is `bidding.actions.payments_due`), and its "correct
the payment record" once the agency said it has not received it; the agency's "confirm the
receipt" of a recorded payment. Each reads its own rows in one query; the method depends on the
deployment's settings, so `kinds` binds them (an app's config) to the handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import exists
from sqlmodel import Session, select

from bidding.models import Contract, ContractPayment
from bidding.models.payments import RECORDED, RECORDED_STATE
from bidding.payments.options import method_for_app
from bidding.payments.recorded_book import NOT_RECEIVED
from market.dashboard import Item
from market.models import Organization, OrgKind, Task, User
from market.models.tasks import Funding
from market.validation import N_

APPLICANTS = (OrgKind.enterprise, OrgKind.department)
PAGE = "contract_payments.page"


def _item(kind: str, label: str, task: Task, contract: Contract) -> Item:
    return Item(
        kind,
        label,
        PAGE,
        args={"contract_id": contract.id},
        task_number=task.number,
        task_title=task.title,
    )


def payments_to_record(
    user: User, *, session: Session, org: Organization, config: Mapping, **_ignored
) -> list[Item]:
    if org.kind not in APPLICANTS:
        return []
    rows = session.exec(
        select(Task, Contract)
        .join(Contract, Contract.task_id == Task.id)
        .where(
            Contract.applicant_org_id == org.id,
            Contract.signed_at.is_not(None),
            Contract.terminated_at.is_(None),
            Contract.abandoned_at.is_(None),
            Task.funding != Funding.budget,
            Task.cancelled_at.is_(None),
            ~exists().where(
                ContractPayment.contract_id == Contract.id, ContractPayment.method == RECORDED
            ),
        )
        .order_by(Contract.id)
    ).all()
    return [
        _item("payments_record", N_("Record the payment of the contract"), task, contract)
        for task, contract in rows
        if method_for_app(config, task, contract) == RECORDED
    ]


def _recorded(session: Session, side, state: str):
    return session.exec(
        select(Task, Contract)
        .join(Contract, Contract.task_id == Task.id)
        .join(ContractPayment, ContractPayment.contract_id == Contract.id)
        .where(side, ContractPayment.method == RECORDED, ContractPayment.state == state)
        .order_by(Contract.id)
    ).all()


def payments_to_correct(user: User, *, session: Session, org: Organization, **_ignored):
    if org.kind not in APPLICANTS:
        return []
    rows = _recorded(session, Contract.applicant_org_id == org.id, NOT_RECEIVED)
    label = N_("The agency has not received the payment: correct its record")
    return [_item("payments_correct", label, task, contract) for task, contract in rows]


def payments_to_confirm(user: User, *, session: Session, org: Organization, **_ignored):
    if org.kind != OrgKind.agency:
        return []
    rows = _recorded(session, Contract.agency_id == org.id, RECORDED_STATE)
    label = N_("Confirm the receipt of the payment")
    return [_item("payments_confirm", label, task, contract) for task, contract in rows]


def kinds(config: Mapping) -> list[Callable]:
    """The handlers to connect to `market.signals.action_items`, bound to `config`."""

    def record(user: User, **kwargs) -> list[Item]:
        return payments_to_record(user, config=config, **kwargs)

    return [record, payments_to_correct, payments_to_confirm]
