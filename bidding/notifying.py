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
from bidding.models import Award, Bid, Contract, TaskQuestion
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
AWARD_FINAL_AGENCY = "bidding.award_final.agency"
AWARD_FINAL_APPLICANT = "bidding.award_final.applicant"
AWARD_FINAL_BIDDER = "bidding.award_final.bidder"
NEXT_CANDIDATE_AGENCY = "bidding.next_candidate.agency"
NEXT_CANDIDATE_APPLICANT = "bidding.next_candidate.applicant"
NO_ONE_LEFT = "bidding.no_one_left"


def result_link(data: dict) -> tuple[str, dict]:
    return ("bidding.award", {"number": data["task"]})


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

register_kind(
    AWARD_FINAL_AGENCY,
    subject=N_("Your award on task %(task)s is final"),
    body=N_(
        "The award of task %(task)s, %(title)s, to your organization is final: award notice "
        "%(notice)s is issued. Confirm the contract with the applicant by %(sign_by_at)s."
    ),
    link=result_link,
)
register_kind(
    AWARD_FINAL_APPLICANT,
    subject=N_("The award of task %(task)s is final"),
    body=N_(
        "The award of your task %(task)s, %(title)s, is final: award notice %(notice)s is "
        "issued. Confirm the contract with the agency by %(sign_by_at)s."
    ),
    link=result_link,
)
register_kind(
    AWARD_FINAL_BIDDER,
    subject=N_("The award of task %(task)s is final"),
    body=N_(
        "The award of task %(task)s, %(title)s, on which your organization bid, is final; the "
        "award notice is published with the result."
    ),
    link=result_link,
)
register_kind(
    NEXT_CANDIDATE_AGENCY,
    subject=N_("You are now the award candidate of task %(task)s"),
    body=N_(
        "The earlier award candidate of task %(task)s, %(title)s, is no longer one; your "
        "organization's bid, next in the ranking, is the award candidate, in publicity until "
        "%(publicity_ends_at)s."
    ),
    link=result_link,
)
register_kind(
    NEXT_CANDIDATE_APPLICANT,
    subject=N_("Task %(task)s has a new award candidate"),
    body=N_(
        "The earlier award candidate of your task %(task)s, %(title)s, is no longer one; the "
        "next in the ranking is the award candidate, in publicity until %(publicity_ends_at)s."
    ),
    link=result_link,
)
register_kind(
    NO_ONE_LEFT,
    subject=N_("The selection of task %(task)s failed: no one is left in line"),
    body=N_(
        "The award candidate of your task %(task)s, %(title)s, is no longer one and no other "
        "valid bid is left in the ranking: the selection failed. You may post the task again."
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


def award_final(session: Session, task: Task, award: Award, contract: Contract) -> None:
    """The award became final: the agency and the applicant (who must now sign), and every other
    bidder whose bid stood."""
    data = {"notice": award.notice_number, "sign_by_at": contract.sign_by.isoformat()}
    notify(session, AWARD_FINAL_AGENCY, org_id=contract.agency_id, task=task, data=data)
    notify(session, AWARD_FINAL_APPLICANT, org_id=task.applicant_org_id, task=task, data=data)
    others = dict.fromkeys(b.agency_id for b in sealed.standing_bids(session, task))
    others.pop(contract.agency_id, None)
    notify_orgs(session, AWARD_FINAL_BIDDER, list(others), task=task, data={})


def next_candidate(session: Session, task: Task, award: Award, agency_id: int | None) -> None:
    """An award candidate was revoked or abandoned: the next one (`agency_id`) and the applicant
    learn of the new publicity; with no one left (`agency_id` None), the applicant that the
    selection failed."""
    if agency_id is None:
        notify(session, NO_ONE_LEFT, org_id=task.applicant_org_id, task=task, data={})
        return
    data = {"publicity_ends_at": award.publicity_ends_at.isoformat()}
    notify(session, NEXT_CANDIDATE_AGENCY, org_id=agency_id, task=task, data=data)
    notify(session, NEXT_CANDIDATE_APPLICANT, org_id=task.applicant_org_id, task=task, data=data)
