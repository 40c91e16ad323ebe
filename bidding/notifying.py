"""Bidding's notifications: its kinds, and one small function per fact, called by the service
that makes the fact in its own transaction (`market.notifications`).

Each function is called only once the fact is public to each recipient, and tells each no more
than it may know (docs/rules.md §5): the applicant learns how many bids stood only at opening,
a bidder learns what became of the task it bid on, an asker that its question is answered. To add
a kind: `register_kind` it below (its texts marked with `N_`, placeholders from its data), call
`notify` from the service that makes the fact, and translate the texts.
"""

from __future__ import annotations

from sqlmodel import Session

from bidding import sealed
from bidding.models import Bid, TaskQuestion
from market.models import Task
from market.notifications import notify, notify_orgs, register_kind
from market.validation import N_

TASK_OPENED_APPLICANT = "bidding.task_opened.applicant"
TASK_OPENED_BIDDER = "bidding.task_opened.bidder"
RESULT_APPLICANT = "bidding.result_published.applicant"
RESULT_CANDIDATE = "bidding.result_published.candidate"
RESULT_BIDDER = "bidding.result_published.bidder"
QUESTION_ANSWERED = "bidding.question_answered"
TASK_AMENDED = "bidding.task_amended"

register_kind(
    TASK_OPENED_APPLICANT,
    subject=N_("Task %(task)s was opened: %(bids)s bids"),
    body=N_(
        "Your task %(task)s, %(title)s, was opened at %(opened_at)s; %(bids)s bids stood at its "
        "deadline. Its page shows them."
    ),
)
register_kind(
    TASK_OPENED_BIDDER,
    subject=N_("Task %(task)s was opened"),
    body=N_(
        "Task %(task)s, %(title)s, on which your organization bid, was opened at %(opened_at)s. "
        "Its page shows the bids that stood at the deadline."
    ),
)
register_kind(
    RESULT_APPLICANT,
    subject=N_("The result of task %(task)s is published"),
    body=N_(
        "The award candidate of your task %(task)s, %(title)s, is named and the ranking "
        "published; the publicity lasts until %(publicity_ends_at)s."
    ),
)
register_kind(
    RESULT_CANDIDATE,
    subject=N_("You are the award candidate of task %(task)s"),
    body=N_(
        "Your organization's bid ranks first on task %(task)s, %(title)s; the publicity lasts "
        "until %(publicity_ends_at)s."
    ),
)
register_kind(
    RESULT_BIDDER,
    subject=N_("The result of task %(task)s is published"),
    body=N_(
        "The award candidate of task %(task)s, %(title)s, on which your organization bid, is "
        "named and the ranking published; the publicity lasts until %(publicity_ends_at)s."
    ),
)
register_kind(
    QUESTION_ANSWERED,
    subject=N_("Your question on task %(task)s is answered"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, answered your organization's question; the "
        "answer is public on the task's page."
    ),
)
register_kind(
    TASK_AMENDED,
    subject=N_("Task %(task)s was amended"),
    body=N_(
        "Task %(task)s, %(title)s, on which your organization has a bid, was amended; its "
        "deadline is %(deadline_at)s. Check on its page whether your bid still fits."
    ),
)


def task_opened(session: Session, task: Task, bids: list[Bid]) -> None:
    """At opening (the count and the bidders are public from now on): the applicant with the
    number of bids that stood, each bidder that the task was opened."""
    data = {"opened_at": task.opened_at.isoformat(), "bids": len(bids)}
    notify(session, TASK_OPENED_APPLICANT, org_id=task.applicant_org_id, task=task, data=data)
    notify_orgs(
        session,
        TASK_OPENED_BIDDER,
        [b.agency_id for b in bids],
        task=task,
        data={"opened_at": data["opened_at"]},
    )


def result_published(session: Session, task: Task, candidate: Bid) -> None:
    """At the start of publicity (the ranking is public): the applicant, the award candidate,
    and every other organization whose bid stood at the deadline (valid or not)."""
    data = {"publicity_ends_at": task.publicity_ends_at.isoformat()}
    notify(session, RESULT_APPLICANT, org_id=task.applicant_org_id, task=task, data=data)
    notify(session, RESULT_CANDIDATE, org_id=candidate.agency_id, task=task, data=data)
    bidders = dict.fromkeys(b.agency_id for b in sealed.standing_bids(session, task))
    others = [a for a in bidders if a not in {candidate.agency_id}]
    notify_orgs(session, RESULT_BIDDER, others, task=task, data=data)


def question_answered(session: Session, task: Task, question: TaskQuestion) -> None:
    """The asker's organization, when the applicant answers its question (publicly)."""
    notify(session, QUESTION_ANSWERED, org_id=question.asker_org_id, task=task, data={})


def on_task_amended(task: Task, *, session: Session, **_ignored) -> None:
    """`market.signals.task_amended` handler: every organization with a standing bid on the task
    learns of the change. Each learns only of its own bid, which it knows; no page nor list shows
    another's notification, so nothing tells anyone else that the task has bids."""
    notify_orgs(
        session,
        TASK_AMENDED,
        [b.agency_id for b in sealed.standing_bids(session, task)],
        task=task,
        data={"deadline_at": task.deadline_at.isoformat()},
    )
