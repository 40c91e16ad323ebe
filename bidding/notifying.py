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
from bidding.models import Award, Bid, Complaint, Contract, Deliverable, Objection, TaskQuestion
from bidding.models.objections import UPHELD
from market.models import Task
from market.notifications import notify, notify_orgs, register_kind
from market.suspensions import covering_regulators
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
    bidders = sealed.standing_bidders(session, task)
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


# --- the second half of a task's life: objections, complaints, contracts, delivery --------------

OBJECTION_FILED = "bidding.objection_filed"
OBJECTION_ANSWERED = "bidding.objection_answered"
COMPLAINT_FILED = "bidding.complaint_filed"
COMPLAINT_UPHELD = "bidding.complaint_upheld"
COMPLAINT_DISMISSED = "bidding.complaint_dismissed"
TASK_SUSPENDED = "bidding.task_suspended"
CONTRACT_SIGNED = "bidding.contract_signed"
SIGNING_REMINDER = "bidding.signing_reminder"
DELIVERED = "bidding.delivered"
REVISION_ASKED = "bidding.revision_asked"
ACCEPTED = "bidding.accepted"
PAYMENT_OVERDUE = "bidding.payment_overdue"


def contract_link(data: dict) -> tuple[str, dict]:
    return ("bidding_contracts.contract_page", {"contract_id": data["contract"]})


register_kind(
    OBJECTION_FILED,
    subject=N_("An objection to the result of task %(task)s"),
    body=N_(
        "A bidder objected to the result of your task %(task)s, %(title)s; answer it by "
        "%(answer_due_at)s. The award is not final while it is unanswered."
    ),
    link=result_link,
)
register_kind(
    OBJECTION_ANSWERED,
    subject=N_("Your objection on task %(task)s is answered"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, answered your organization's objection. If "
        "the answer does not satisfy you, you may complain to the regulator by "
        "%(complaint_due_at)s."
    ),
    link=result_link,
)
register_kind(
    COMPLAINT_FILED,
    subject=N_("A complaint about task %(task)s awaits your decision"),
    body=N_(
        "A bidder complained about the result of task %(task)s, %(title)s, in your jurisdiction; "
        "decide it by %(decide_by)s."
    ),
    link=result_link,
)
register_kind(
    COMPLAINT_UPHELD,
    subject=N_("The complaint about task %(task)s is upheld"),
    body=N_(
        "The regulator upheld the complaint about task %(task)s, %(title)s: the award candidate "
        "it was about is revoked. The decision and its reason are published with the result."
    ),
    link=result_link,
)
register_kind(
    COMPLAINT_DISMISSED,
    subject=N_("The complaint about task %(task)s is dismissed"),
    body=N_(
        "The regulator dismissed the complaint about task %(task)s, %(title)s. The decision and "
        "its reason are published with the result."
    ),
    link=result_link,
)
register_kind(
    TASK_SUSPENDED,
    subject=N_("Task %(task)s is suspended"),
    body=N_(
        "A regulator suspended task %(task)s, %(title)s: %(reason)s. Nothing moves on it, and "
        "nothing is signed, until it is resumed."
    ),
)
register_kind(
    CONTRACT_SIGNED,
    subject=N_("The contract of task %(task)s is signed"),
    body=N_(
        "Both sides confirmed the contract of task %(task)s, %(title)s. The work is due by "
        "%(due_at)s."
    ),
    link=contract_link,
)
register_kind(
    SIGNING_REMINDER,
    subject=N_("Confirm the contract of task %(task)s by %(sign_by_at)s"),
    body=N_(
        "Your organization has not yet confirmed the contract of task %(task)s, %(title)s. "
        "Confirm it by %(sign_by_at)s: an agency that does not abandons its award, and an "
        "applicant that does not has it recorded."
    ),
    link=contract_link,
)
register_kind(
    DELIVERED,
    subject=N_("Work delivered on task %(task)s"),
    body=N_(
        "The agency delivered the work of task %(task)s, %(title)s (round %(round)s). Accept it, "
        "or ask for a revision with a reason, by %(decide_by)s."
    ),
    link=contract_link,
)
register_kind(
    REVISION_ASKED,
    subject=N_("A revision is asked on task %(task)s"),
    body=N_(
        "The applicant of task %(task)s, %(title)s, asked for a revision of the work delivered: "
        "%(reason)s"
    ),
    link=contract_link,
)
register_kind(
    ACCEPTED,
    subject=N_("The work on task %(task)s is accepted"),
    body=N_("The applicant of task %(task)s, %(title)s, accepted the work delivered."),
    link=contract_link,
)
register_kind(
    PAYMENT_OVERDUE,
    subject=N_("The payment of task %(task)s is overdue"),
    body=N_(
        "The contract of task %(task)s, %(title)s, was due to be paid by %(payment_due_at)s; the "
        "late payment is on the department's record."
    ),
    link=contract_link,
)


def objection_filed(session: Session, task: Task, objection: Objection) -> None:
    data = {"answer_due_at": objection.answer_due_at.isoformat()}
    notify(session, OBJECTION_FILED, org_id=task.applicant_org_id, task=task, data=data)


def objection_answered(session: Session, task: Task, objection: Objection) -> None:
    data = {"complaint_due_at": objection.complaint_due_at.isoformat()}
    notify(session, OBJECTION_ANSWERED, org_id=objection.agency_id, task=task, data=data)


def complaint_filed(session: Session, task: Task, complaint: Complaint) -> None:
    """Every regulator whose jurisdiction covers the task."""
    data = {"decide_by": complaint.decide_by.isoformat()}
    notify_orgs(session, COMPLAINT_FILED, covering_regulators(session, task), task=task, data=data)


def complaint_decided(session: Session, task: Task, complaint: Complaint) -> None:
    """The complainant, the applicant and the agency of the award the complaint was about."""
    kind = COMPLAINT_UPHELD if complaint.decision == UPHELD else COMPLAINT_DISMISSED
    objection = session.get(Objection, complaint.objection_id)
    candidate = session.get(Bid, session.get(Award, objection.award_id).bid_id).agency_id
    orgs = dict.fromkeys([complaint.agency_id, task.applicant_org_id, candidate])
    notify_orgs(session, kind, list(orgs), task=task, data={})


def task_suspended(session: Session, task: Task, reason: str) -> None:
    """The applicant and every organization whose bid stood."""
    orgs = dict.fromkeys(
        [task.applicant_org_id, *(b.agency_id for b in sealed.standing_bids(session, task))]
    )
    notify_orgs(session, TASK_SUSPENDED, list(orgs), task=task, data={"reason": reason})


def contract_signed(session: Session, task: Task, contract: Contract) -> None:
    data = {"contract": contract.id, "due_at": contract.due_at.isoformat()}
    notify_orgs(
        session,
        CONTRACT_SIGNED,
        [contract.agency_id, contract.applicant_org_id],
        task=task,
        data=data,
    )


def signing_reminder(session: Session, task: Task, contract: Contract, org_id: int) -> None:
    data = {"contract": contract.id, "sign_by_at": contract.sign_by.isoformat()}
    notify(session, SIGNING_REMINDER, org_id=org_id, task=task, data=data)


def delivered(session: Session, task: Task, contract: Contract, deliverable: Deliverable) -> None:
    data = {
        "contract": contract.id,
        "round": deliverable.round,
        "decide_by": deliverable.decide_by.isoformat(),
    }
    notify(session, DELIVERED, org_id=contract.applicant_org_id, task=task, data=data)


def revision_asked(
    session: Session, task: Task, contract: Contract, deliverable: Deliverable
) -> None:
    data = {"contract": contract.id, "reason": deliverable.reason}
    notify(session, REVISION_ASKED, org_id=contract.agency_id, task=task, data=data)


def accepted(session: Session, task: Task, contract: Contract) -> None:
    notify(session, ACCEPTED, org_id=contract.agency_id, task=task, data={"contract": contract.id})


def payment_overdue(session: Session, task: Task, contract: Contract) -> None:
    data = {"contract": contract.id, "payment_due_at": contract.payment_due_at.isoformat()}
    notify_orgs(
        session,
        PAYMENT_OVERDUE,
        [contract.applicant_org_id, contract.agency_id],
        task=task,
        data=data,
    )
