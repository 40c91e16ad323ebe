"""Bidding's scheduled sweeps (idempotent; the scheduler runs each in its own transaction), each
bound to the app's configured bidding policy."""

from __future__ import annotations

from functools import partial

from flask import Flask

from bidding.awards import finalize_due_awards
from bidding.contracts.delivery import accept_due_silently, close_due_tasks, record_late_payments
from bidding.contracts.services import enforce_signing_limits, remind_signing
from bidding.invitations.services import lapse_due_invitations
from bidding.objections.services import record_lapsed_objections
from bidding.opening import open_due_tasks
from bidding.payments.escrow import retry_pending_refunds
from bidding.policy import SECTION
from bidding.validity import expire_overdue_explanations
from market.jobs import Sweep, register
from market.policy import registry_of

#: Bidding's sweeps, each run every minute under the configured policy.
SWEEPS = (
    ("bidding.open_due_tasks", open_due_tasks),
    ("bidding.expire_explanations", expire_overdue_explanations),
    ("bidding.lapse_invitations", lapse_due_invitations),
    ("bidding.finalize_awards", finalize_due_awards),
    ("bidding.record_lapsed_objections", record_lapsed_objections),
    ("bidding.signing_limits", enforce_signing_limits),
    ("bidding.signing_reminders", remind_signing),
    ("bidding.accept_silently", accept_due_silently),
    ("bidding.record_late_payments", record_late_payments),
    ("bidding.close_accepted_tasks", close_due_tasks),
)


def register_bidding_jobs(app: Flask) -> None:
    policy = registry_of(app).section(SECTION.name)
    for sweep_id, sweep in SWEEPS:
        register(app, Sweep(sweep_id, partial(sweep, policy=policy), "interval", {"seconds": 60}))
    # Refunds Stripe could not be asked for when a card-paid contract was terminated.
    register(
        app, Sweep("escrow.retry_refunds", retry_pending_refunds, "interval", {"seconds": 300})
    )
