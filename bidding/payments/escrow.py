"""Card payments into escrow (docs/rules.md §7): the applicant of a signed contract that
`bidding.payments.options` says is paid by CARD pays its price through Stripe; the platform holds
it in escrow (the ledger's ``escrow:contract:<id>``) until the work is accepted, then releases it
to the agency (``payable:org:<agency>``); a termination refunds the payer (in full, or the part
its decision names, the rest going to the agency); a chargeback takes back what escrow still
holds, and after the release puts the rest on the agency's ``clawback:org:<agency>``.

The money moves only on what Stripe itself says. The payer's page reads the PaymentIntent back
from Stripe (`settle`), and Stripe's webhook announces it (`market.payments.webhooks`); both end
in `market.signals.payment_succeeded`, whose handler here (`on_payment_succeeded`) posts the
payment once, keyed by the PaymentIntent's id — whichever comes first, the other changes nothing.
A refund or a chargeback is posted once under Stripe's refund or dispute id.

Idempotency is the platform's own (Stripe's stand-in ignores `Idempotency-Key`): the pending
intent is stored on its `ContractPayment`, and asking to pay again reuses it. A failure — the card
declined, its authentication failed, Stripe unreachable — posts nothing, leaves the contract
payable, is kept on the payment row (`failure`) and in the audit log (`escrow.attempt_failed`),
and is answered with its message (`Attempt.error`); the service does not raise for it, so the
record of the failed attempt is committed.

Stripe is reached through one `market.payments.adapter.Gateway`, installed from the app's
configuration at start (`use`), as the keys and the clock are: the termination's handler has no
request to read a configuration from.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from bidding import visibility
from bidding.locking import lock_task
from bidding.models import Contract, ContractPayment, EscrowRefund
from bidding.models.escrow import AT_STRIPE, ON_TERMINATION, REFUND_PENDING, REFUND_SUCCEEDED
from bidding.models.payments import CARD, FAILED, PENDING, SUCCEEDED
from bidding.payments import escrow_notifying as notifying
from bidding.payments.options import method
from market import audit, clock, ledger
from market import signals as market_signals
from market.jobs import each_due
from market.models import Task, User
from market.payments import CARD_PAYMENT, CARD_REFUND, CHARGEBACK
from market.payments.adapter import REFUSED, UNREACHABLE, Gateway, Intent, PaymentError
from market.validation import N_, Forbidden, Invalid, Message, NotFound

log = logging.getLogger(__name__)

NOT_CARD = N_(
    "This contract is not paid by card: its payer records the payment (budget code or bank "
    "transfer)."
)
ONLY_PAYER = N_("Only a member of the applicant pays the contract.")
NOT_SIGNED = N_("The contract is paid once both sides have signed it.")
TERMINATED = N_("This contract was terminated: it is no longer paid.")
ALREADY_PAID = N_("This contract is already paid into escrow.")
NOT_STARTED = N_("Start the card payment first.")
NO_CARD = N_("The card details did not reach the payment service: enter them again.")
AUTHENTICATING = N_("The card's authentication is not finished: complete it in the card form.")
NOT_RETRYABLE = N_("No refund of this contract awaits the payment service.")
ONLY_PARTY = N_("Only a member of the agency or of the applicant may do this.")


@dataclass(frozen=True)
class Settings:
    """The deployment's card settings (`ESCROW_ENABLED`, `CARD_LIMIT_FEN`)."""

    escrow_enabled: bool
    card_limit_fen: int

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(bool(config["ESCROW_ENABLED"]), int(config["CARD_LIMIT_FEN"]))


_gateway: Gateway | None = None


def use(gateway: Gateway | None) -> Gateway | None:
    """Install the gateway every escrow call uses; returns the previous one (tests swap it)."""
    global _gateway
    previous, _gateway = _gateway, gateway
    return previous


def gateway() -> Gateway:
    if _gateway is None:
        raise RuntimeError("no Stripe gateway installed (bidding.payments.escrow.use)")
    return _gateway


@dataclass
class Attempt:
    """What a step of paying did: the payment row, the intent as Stripe last said, and the
    failure's `PaymentError` (None on success)."""

    payment: ContractPayment | None
    intent: Intent | None = None
    error: PaymentError | None = None

    @property
    def message(self) -> str | None:
        return None if self.error is None else self.error.message


def reference(contract: Contract) -> str:
    return f"contract:{contract.id}"


def escrow_account(contract: Contract) -> str:
    return ledger.account("escrow", "contract", contract.id)


def held(session: Session, contract: Contract) -> int:
    """What escrow holds for the contract now, in fen."""
    return -ledger.balance(session, escrow_account(contract))


def card_payments(session: Session, contract: Contract) -> list[ContractPayment]:
    return list(
        session.exec(
            select(ContractPayment)
            .where(ContractPayment.contract_id == contract.id, ContractPayment.method == CARD)
            .order_by(ContractPayment.id)
        )
    )


def paid_payment(session: Session, contract: Contract) -> ContractPayment | None:
    return next((p for p in card_payments(session, contract) if p.state == SUCCEEDED), None)


def refunds(session: Session, contract: Contract) -> list[EscrowRefund]:
    return list(
        session.exec(
            select(EscrowRefund)
            .where(EscrowRefund.contract_id == contract.id)
            .order_by(EscrowRefund.id)
        )
    )


def by_card(task: Task, contract: Contract, settings: Settings) -> bool:
    return (
        method(
            task,
            contract,
            escrow_enabled=settings.escrow_enabled,
            card_limit_fen=settings.card_limit_fen,
        )
        == CARD
    )


def refusal(session: Session, task: Task, contract: Contract, settings: Settings) -> str | None:
    """Why the contract cannot be paid by card now (a msgid), or None."""
    if not by_card(task, contract, settings):
        return NOT_CARD
    if contract.terminated_at is not None or contract.abandoned_at is not None:
        return TERMINATED
    if contract.signed_at is None:
        return NOT_SIGNED
    if paid_payment(session, contract) is not None:
        return ALREADY_PAID
    return None


def _load(session: Session, user: User | None, contract_id: int) -> tuple[Contract, Task]:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound()
    task = session.get(Task, contract.task_id)
    if not visibility.sees_contract(visibility.reader_of(session, user, task), contract):
        raise NotFound()
    return contract, task


def load(session: Session, user: User | None, contract_id: int) -> tuple[Contract, Task]:
    """The contract and its task, for a reader of the contract (its parties and the regulators
    covering the task; `NotFound` for anyone else, as for no contract)."""
    return _load(session, user, contract_id)


def _payer(
    session: Session, user: User, contract_id: int, settings: Settings
) -> tuple[Contract, Task]:
    """The contract under the task's lock, for a member of its applicant, if card applies."""
    contract, task = _load(session, user, contract_id)
    task = lock_task(session, task.number)
    session.refresh(contract)
    if not by_card(task, contract, settings):
        raise Invalid({"": [Message(NOT_CARD)]})
    side = visibility.contract_side(visibility.reader_of(session, user, task), contract)
    if side != visibility.APPLICANT_SIDE:
        raise Forbidden(ONLY_PAYER)
    return contract, task


def _pending(session: Session, contract: Contract) -> ContractPayment | None:
    return next((p for p in card_payments(session, contract) if p.state == PENDING), None)


def _failed(
    session: Session, payment: ContractPayment, user: User | None, error: PaymentError, step: str
) -> Attempt:
    payment.state = FAILED
    payment.failure = error.message
    audit.record(
        session,
        "escrow.attempt_failed",
        "contract_payment",
        payment.id,
        {
            "contract": payment.contract_id,
            "step": step,
            "kind": error.kind,
            "payment_intent": payment.payment_intent_id,
        },
        actor_user_id=None if user is None else user.id,
    )
    return Attempt(payment, None, error)


def start(session: Session, user: User, contract_id: int, settings: Settings) -> Attempt:
    """The applicant starts paying: the pending PaymentIntent (created now, or the one stored
    before, read back from Stripe), whose client secret the card form needs. An intent Stripe
    says succeeded meanwhile is settled instead."""
    contract, task = _payer(session, user, contract_id, settings)
    why = refusal(session, task, contract, settings)
    if why is not None:
        raise Invalid({"": [Message(why)]})
    payment = _pending(session, contract)
    if payment is not None and payment.payment_intent_id is not None:
        try:
            intent = gateway().retrieve_intent(payment.payment_intent_id)
        except PaymentError as error:
            return Attempt(payment, None, error)  # nothing learnt; the pending row stays
        if intent.succeeded:
            _settled(session, contract, intent)
            return Attempt(payment, intent)
        if intent.status != "canceled":
            return Attempt(payment, intent)
        payment.state = FAILED
        payment.failure = None
    payment = ContractPayment(
        contract_id=contract.id,
        method=CARD,
        state=PENDING,
        amount_fen=contract.price_fen,
        created_at=clock.now(),
        created_by_user_id=user.id,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        "escrow.attempt",
        "contract_payment",
        payment.id,
        {"contract": contract.id, "amount_fen": payment.amount_fen},
        actor_user_id=user.id,
    )
    try:
        intent = gateway().create_intent(
            reference=reference(contract),
            amount_fen=payment.amount_fen,
            idempotency_key=f"escrow-payment-{payment.id}",
        )
    except PaymentError as error:
        return _failed(session, payment, user, error, "create")
    payment.payment_intent_id = intent.id
    return Attempt(payment, intent)


def confirm_card(
    session: Session, user: User, contract_id: int, card_token: object, settings: Settings
) -> Attempt:
    """Charge the card the browser tokenised (`card_token`, Stripe.js's token id) for the pending
    intent. Succeeded: settled now. A card that asks for authentication leaves the intent
    `requires_action`: the browser completes it with `confirmCardPayment`, then asks `settle`."""
    contract, task = _payer(session, user, contract_id, settings)
    why = refusal(session, task, contract, settings)
    if why is not None:
        raise Invalid({"": [Message(why)]})
    if not isinstance(card_token, str) or not card_token.strip() or len(card_token) > 255:
        raise Invalid({"": [Message(NO_CARD)]})
    payment = _pending(session, contract)
    if payment is None or payment.payment_intent_id is None:
        raise Invalid({"": [Message(NOT_STARTED)]})
    try:
        intent = gateway().confirm_with_card(
            payment.payment_intent_id, card_token.strip(), reference=reference(contract)
        )
    except PaymentError as error:
        if error.kind == UNREACHABLE:
            # Stripe may or may not have charged: the intent stays pending, read back later.
            payment.failure = error.message
            return Attempt(payment, None, error)
        if error.kind == REFUSED:
            # Refused because the intent is past confirming (a second submit, another tab)?
            # What Stripe says of the intent decides.
            try:
                intent = gateway().retrieve_intent(payment.payment_intent_id)
            except PaymentError:
                return _failed(session, payment, user, error, "confirm")
            if intent.succeeded:
                return _after(session, user, contract, payment, intent)
        return _failed(session, payment, user, error, "confirm")
    return _after(session, user, contract, payment, intent)


def settle(session: Session, user: User, contract_id: int, settings: Settings) -> Attempt:
    """Read the pending intent back from Stripe and act on what Stripe says (never on what the
    browser says): succeeded → paid into escrow; authentication failed or declined → the
    attempt failed; still awaiting authentication → nothing changes."""
    contract, task = _payer(session, user, contract_id, settings)
    payment = _pending(session, contract)
    if payment is None or payment.payment_intent_id is None:
        done = paid_payment(session, contract)
        if done is not None:
            return Attempt(done)
        raise Invalid({"": [Message(NOT_STARTED)]})
    try:
        intent = gateway().retrieve_intent(payment.payment_intent_id)
    except PaymentError as error:
        payment.failure = error.message
        return Attempt(payment, None, error)
    return _after(session, user, contract, payment, intent)


def _after(
    session: Session, user: User, contract: Contract, payment: ContractPayment, intent: Intent
) -> Attempt:
    if intent.succeeded:
        _settled(session, contract, intent)
        return Attempt(payment, intent)
    if intent.failure is not None and intent.status == "requires_payment_method":
        return _failed(session, payment, user, PaymentError(intent.failure), "settle")
    return Attempt(payment, intent)


def _settled(session: Session, contract: Contract, intent: Intent) -> None:
    # The same signal the webhook sends: one path posts, whichever runs first.
    market_signals.payment_succeeded.send(
        reference(contract), session=session, amount_fen=intent.amount_fen, external_ref=intent.id
    )


# --- what Stripe says happened (market.signals.payment_*) ----------------------------------------


def _payment_of(session: Session, intent_id: str) -> ContractPayment | None:
    return session.exec(
        select(ContractPayment).where(ContractPayment.payment_intent_id == intent_id)
    ).first()


def _post_payment(
    session: Session, payment: ContractPayment, amount_fen: int, intent_id: str
) -> bool:
    contract = session.get(Contract, payment.contract_id)
    if amount_fen != payment.amount_fen:
        log.error(
            "PaymentIntent %s captured %s fen, the payment asked %s fen",
            intent_id,
            amount_fen,
            payment.amount_fen,
        )
    _, new = ledger.post(
        session,
        reference=reference(contract),
        kind=CARD_PAYMENT,
        key=intent_id,
        external_ref=intent_id,
        lines=[("stripe", amount_fen), (escrow_account(contract), -amount_fen)],
        memo="card payment into escrow",
    )
    if payment.state != SUCCEEDED:
        payment.state = SUCCEEDED
        payment.succeeded_at = clock.now()
        payment.failure = None
    if new:
        task = session.get(Task, contract.task_id)
        notifying.paid(session, task, contract, amount_fen)
        if contract.accepted_at is not None:  # paid after acceptance: released at once
            release(session, contract)
    return new


def on_payment_succeeded(sender, *, session, amount_fen, external_ref, **_) -> str | None:
    payment = _payment_of(session, external_ref)
    if payment is None:
        return None
    new = _post_payment(session, payment, amount_fen, external_ref)
    return f"payment {external_ref}: {'paid into escrow' if new else 'already posted'}"


def release(session: Session, contract: Contract) -> int:
    """Release what escrow holds to the agency (once); returns the fen released."""
    amount = held(session, contract)
    if amount <= 0:
        return 0
    _, new = ledger.post(
        session,
        reference=reference(contract),
        kind="escrow_release",
        key=f"escrow-release:contract:{contract.id}",
        lines=[
            (escrow_account(contract), amount),
            (ledger.account("payable", "org", contract.agency_id), -amount),
        ],
        memo="released to the agency on acceptance",
    )
    if not new:
        return 0
    payment = paid_payment(session, contract)
    if payment is not None:
        payment.released_at = clock.now()
    notifying.released(session, session.get(Task, contract.task_id), contract, amount)
    return amount


def on_accepted(contract: Contract, *, session: Session, **_) -> None:
    """`bidding.signals.accepted`: the escrow goes to the agency."""
    release(session, contract)


def _post_refund(
    session: Session, contract: Contract, payment: ContractPayment, amount: int, refund_id: str
) -> bool:
    """Post a refund Stripe made: from what escrow holds, the rest (after the release) owed back
    by the agency."""
    from_escrow = min(amount, max(held(session, contract), 0))
    lines = [("stripe", -amount)]
    if from_escrow:
        lines.append((escrow_account(contract), from_escrow))
    if amount - from_escrow:
        lines.append((ledger.account("clawback", "org", contract.agency_id), amount - from_escrow))
    _, new = ledger.post(
        session,
        reference=reference(contract),
        kind=CARD_REFUND,
        key=refund_id,
        external_ref=refund_id,
        lines=lines,
        memo=f"card refund of {payment.payment_intent_id}",
    )
    if new:
        payment.refunded_fen += amount
        notifying.refunded(session, session.get(Task, contract.task_id), contract, amount)
    return new


def on_payment_refunded(
    sender, *, session, amount_fen, external_ref, payment_ref, **_
) -> str | None:
    """A refund Stripe made, announced by its webhook: posted once under its id. A refund that
    arrives before its payment's event proves the payment: the payment is posted first."""
    payment = _payment_of(session, payment_ref)
    if payment is None:
        return None
    contract = session.get(Contract, payment.contract_id)
    if payment.state != SUCCEEDED:
        _post_payment(session, payment, payment.amount_fen, payment_ref)
    row = session.exec(select(EscrowRefund).where(EscrowRefund.refund_id == external_ref)).first()
    if row is None:
        # Asked by the platform, but its answer was lost (Stripe unreachable after refunding)?
        row = next(
            (
                r
                for r in refunds(session, contract)
                if r.state == REFUND_PENDING and r.amount_fen == amount_fen
            ),
            None,
        )
    if row is None:
        row = EscrowRefund(
            contract_id=contract.id,
            payment_id=payment.id,
            amount_fen=amount_fen,
            cause=AT_STRIPE,
            state=REFUND_PENDING,
            created_at=clock.now(),
        )
        session.add(row)
    if row.state != REFUND_SUCCEEDED:
        row.state, row.refund_id, row.refunded_at, row.failure = (
            REFUND_SUCCEEDED,
            external_ref,
            clock.now(),
            None,
        )
        session.flush()
    new = _post_refund(session, contract, payment, amount_fen, external_ref)
    return f"refund {external_ref}: {'posted' if new else 'already posted'}"


def on_payment_disputed(
    sender, *, session, amount_fen, external_ref, payment_ref, lost, **_
) -> str | None:
    """A chargeback: opened (noted, nothing moves), won (nothing moves) or lost (the money is
    gone: from what escrow holds, the rest — after the release — owed back by the agency)."""
    payment = _payment_of(session, payment_ref)
    if payment is None:
        return None
    contract = session.get(Contract, payment.contract_id)
    if payment.state != SUCCEEDED:
        _post_payment(session, payment, payment.amount_fen, payment_ref)
    if not lost:
        audit.record(
            session,
            "escrow.dispute_opened" if lost is None else "escrow.dispute_won",
            "contract_payment",
            payment.id,
            {"contract": contract.id, "dispute": external_ref, "amount_fen": amount_fen},
        )
        return f"dispute {external_ref}: {'opened' if lost is None else 'won'}, nothing moves"
    from_escrow = min(amount_fen, max(held(session, contract), 0))
    lines = [("stripe", -amount_fen)]
    if from_escrow:
        lines.append((escrow_account(contract), from_escrow))
    if amount_fen - from_escrow:
        lines.append(
            (ledger.account("clawback", "org", contract.agency_id), amount_fen - from_escrow)
        )
    _, new = ledger.post(
        session,
        reference=reference(contract),
        kind=CHARGEBACK,
        key=f"{external_ref}:lost",
        external_ref=external_ref,
        lines=lines,
        memo=f"chargeback of {payment_ref}",
    )
    return f"dispute {external_ref}: {'chargeback posted' if new else 'already posted'}"


# --- refunds the platform asks for ----------------------------------------------------------------


def _ask_refund(session: Session, contract: Contract, row: EscrowRefund) -> PaymentError | None:
    payment = session.get(ContractPayment, row.payment_id)
    try:
        refund = gateway().refund(
            intent_id=payment.payment_intent_id,
            amount_fen=row.amount_fen,
            reference=reference(contract),
            idempotency_key=f"escrow-refund-{row.id}",
        )
    except PaymentError as error:
        row.failure = error.message
        audit.record(
            session,
            "escrow.refund_failed",
            "escrow_refund",
            row.id,
            {"contract": contract.id, "kind": error.kind, "amount_fen": row.amount_fen},
        )
        return error
    row.state, row.refund_id, row.refunded_at, row.failure = (
        REFUND_SUCCEEDED,
        refund.id,
        clock.now(),
        None,
    )
    session.flush()
    _post_refund(session, contract, payment, row.amount_fen, refund.id)
    return None


def on_terminated(contract: Contract, *, session: Session, **_) -> None:
    """`bidding.signals.terminated`: refund the payer what the termination decided (all that
    escrow holds unless it named less), and release the rest to the agency. Stripe unreachable:
    the refund stays pending, asked again by the sweep `escrow.retry_refunds` (every five
    minutes) or a party's `retry_refunds`."""
    payment = paid_payment(session, contract)
    amount = held(session, contract)
    if payment is None or amount <= 0:
        return
    decided = contract.termination_refund_fen
    refund_fen = amount if decided is None else min(decided, amount)
    if refund_fen > 0:
        row = EscrowRefund(
            contract_id=contract.id,
            payment_id=payment.id,
            amount_fen=refund_fen,
            cause=ON_TERMINATION,
            state=REFUND_PENDING,
            created_at=clock.now(),
            created_by_user_id=contract.terminated_by_user_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            "escrow.refund_asked",
            "escrow_refund",
            row.id,
            {"contract": contract.id, "amount_fen": refund_fen},
            actor_user_id=contract.terminated_by_user_id,
        )
        _ask_refund(session, contract, row)
    if amount - refund_fen > 0:
        _release_rest(session, contract, amount - refund_fen)


def _release_rest(session: Session, contract: Contract, amount: int) -> None:
    _, new = ledger.post(
        session,
        reference=reference(contract),
        kind="escrow_release",
        key=f"escrow-release:contract:{contract.id}",
        lines=[
            (escrow_account(contract), amount),
            (ledger.account("payable", "org", contract.agency_id), -amount),
        ],
        memo="the part of the escrow the termination leaves to the agency",
    )
    if new:
        notifying.released(session, session.get(Task, contract.task_id), contract, amount)


def _retry_refund(session: Session, row: EscrowRefund) -> bool:
    """Ask Stripe again for one pending refund, under its task's lock (read again under it)."""
    contract = session.get(Contract, row.contract_id)
    lock_task(session, session.get(Task, contract.task_id).number)
    session.refresh(row)
    if row.state != REFUND_PENDING:
        return False
    return _ask_refund(session, contract, row) is None


def retry_pending_refunds(session: Session) -> int:
    """Sweep: ask Stripe again for every refund it could not be asked for (it was unreachable
    when the contract was terminated); returns how many Stripe made. Stripe still unreachable:
    the refund stays pending for the next run."""
    return each_due(
        session,
        select(EscrowRefund).where(EscrowRefund.state == REFUND_PENDING),
        _retry_refund,
        key=EscrowRefund.id,
        label="escrow refund",
        log=log,
        skip_locked=False,  # `_retry_refund` takes the task's lock and reads the row again
    )


def retry_refunds(session: Session, user: User, contract_id: int) -> list[PaymentError]:
    """A party asks Stripe again for the contract's pending refunds; returns the failures."""
    contract, task = _load(session, user, contract_id)
    task = lock_task(session, task.number)
    if visibility.contract_side(visibility.reader_of(session, user, task), contract) is None:
        raise Forbidden(ONLY_PARTY)
    pending = [r for r in refunds(session, contract) if r.state == REFUND_PENDING]
    if not pending:
        raise Invalid({"": [Message(NOT_RETRYABLE)]})
    errors = []
    for row in pending:
        error = _ask_refund(session, contract, row)
        if error is not None:
            errors.append(error)
    return errors
