"""Facts the core announces; upper packages connect module-level handlers with `weak=False`.

Handlers run inside the sender's transaction (they receive its session) and never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender=Task, session=Session — a task was published (bidding makes its draw seed here).
task_published = _signals.signal("task-published")
#: sender=Task, session=Session, policy=the app's `market.policy.Registry` — a task's deadline
#: passed and it must be opened now, under that policy.
task_due_for_opening = _signals.signal("task-due-for-opening")
#: sender=Task, session=Session — a task moved in its lifecycle; the search index reindexes it
#: (a signal, so the lifecycle below depends on nothing that reads it back).
task_moved = _signals.signal("task-moved")
#: sender=Task, session=Session, amendment=TaskAmendment — a published task was amended (its
#: fields or its attachments) before its deadline; bidding tells the agencies that bid on it.
task_amended = _signals.signal("task-amended")
#: sender=DeclarationFinding, session=Session — a regulator found an agency's declaration (its
#: legal representative's identity, or a relation) false: a misconduct ground, from which
#: `ratings` makes the misconduct record.
declaration_found_false = _signals.signal("declaration-found-false")
#: sender=list of Task, session=Session — the tasks' timelines are being drawn: each handler
#: returns the dates it knows of stages the core does not store, as {task id: {stage: {"at": …,
#: "due_at": …}}} (bidding: `validity`, and `panel` for a task marked by a panel; and the due
#: dates of the stages after publicity whose times the task keeps: `award` with its
#: "notice_number", `contract`, `delivery`, `acceptance`); a read inside the sender's session,
#: grouped over the tasks (a list's rows ask once).
task_timeline = _signals.signal("task-timeline")
#: sender=list of Task, session=Session — a list of an applicant's tasks is being drawn: each
#: handler returns {task id: {count name: number}} for counts the core does not keep (bidding: the
#: bids, once opened, and the unanswered questions); one grouped read per handler, never per task.
task_list_counts = _signals.signal("task-list-counts")
#: sender=None — a list is filtered by the stage its tasks are at: each handler returns SQL
#: conditions on Task, {stage: condition}, for the stages whose dates it keeps (bidding: validity,
#: panel, publicity), so the condition agrees with `market.timeline.timeline`'s current stage.
task_stage_clauses = _signals.signal("task-stage-clauses")
#: sender=OutageNotice, session=Session, calendar=WorkCalendar — an operator published the notice
#: of a platform outage (`market.outages`): each package moves the deadlines it keeps that the
#: outage caught (`market.outages.caught(notice, at)`) by calling `market.outages.move(session,
#: notice, task, kind, old_at, calendar)` and storing the new deadline it returns; that records the
#: move in the task's change log, the notice and the audit log. The core has moved the tasks'
#: bidding deadlines before it sends this. Bidding moves the explanations of abnormally low bids
#: and the invitations' answer deadlines; a new deadline (objections, complaints, signing …) hooks
#: in the same way, with a `kind` of its own and its label in `market.labels.DEADLINE_LABELS`.
deadlines_extended = _signals.signal("deadlines-extended")
#: sender=User, session=Session, org=its Organization, now=datetime, calendar=WorkCalendar — the
#: user's dashboard is being drawn: each handler returns the `market.dashboard.Item`s of one kind
#: that await this user's action (an empty list for a user it has nothing for), from one grouped
#: read whatever the number of tasks (docs/architecture.md, "Adding a dashboard item").
action_items = _signals.signal("action-items")
#: sender=Organization, session=Session — an organization's public record is being drawn (its page,
#: `GET /api/v1/organizations/{id}/record`): each handler returns the facts it keeps about the
#: organization as a list of {"kind": code, "at": aware datetime, "task": task number or None,
#: "text": `market.validation.Message`} (bidding: an applicant's late signing and late payment;
#: `market.records` gathers them, newest first).
organization_record = _signals.signal("organization-record")
#: sender=the payment's reference (``contract:7``), session=Session, amount_fen=int,
#: external_ref=the PaymentIntent's id — Stripe says a card payment succeeded (captured). Sent by
#: the payer's page after it read the intent back from Stripe, and by the webhook
#: (`payment_intent.succeeded`, or a refund's or dispute's event that arrives first), so either
#: first, then the other: the handler (bidding's escrow) posts once, keyed by the intent.
payment_succeeded = _signals.signal("payment-succeeded")
#: sender=reference or None, session=Session, amount_fen=int, external_ref=the refund's id,
#: payment_ref=the PaymentIntent's id — Stripe refunded (part of) a card payment.
payment_refunded = _signals.signal("payment-refunded")
#: sender=reference or None, session=Session, amount_fen=int, external_ref=the dispute's id,
#: payment_ref=the PaymentIntent's id, lost=bool or None (None: opened, not yet decided) — a
#: cardholder disputed a card payment (a chargeback); `lost=True` is the money gone for good.
payment_disputed = _signals.signal("payment-disputed")
