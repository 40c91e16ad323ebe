"""Who may learn what about a task's bids — decided here and only here.

Serializers, pages, the API and downloads ask these functions and decide nothing themselves, so a
sealed-bid leak has one place to hide; `tests/bidding/test_visibility.py` scans bidding/ to keep it
so. Nothing here imports Flask.

**The seal** lasts until the task is *opened* (`task.opened_at`), not merely until the deadline:
between the deadline and the (lazy or swept) opening nothing has been published yet. While sealed
nobody — the applicant, regulators, the operator, experts, other agencies, the public — learns
anything about the bids, not even whether one exists or how many; the one exception is an agency
reading its own bid and its own files.

**Audiences** (`reader_of`), what a reader is shown as:

- ``public``: anyone not logged in, operators (the platform is no party to a selection), experts
  (a panellist reads proposals only in its panel view), enterprises and departments other than the
  task's applicant;
- ``bidder``: an agency; whether a bid is *its own* is asked per bid (`owns`);
- ``applicant``: the task's applicant;
- ``regulator``: any regulator; `Reader.in_jurisdiction` says whether its jurisdiction covers the
  task (the service item's category and the applicant's region), which only the related-agency
  flags ask (elsewhere a regulator is not narrowed to its jurisdiction today).

**The rule table** (a bid is identified by its receipt; "entitled" = its own bidder, the
applicant, regulators):

=========================================  ==========================  ==============================
What                                       Before opening              From opening on
=========================================  ==========================  ==============================
the list: whether bids exist, how many,    nobody                      everyone (`sees_bid_list`)
receipts standing, agencies, validity
a receipt resolved to its bid              nobody: 404, the same as    everyone (`opened_bid`)
(``/bids/{receipt}/...``)                  an unknown receipt
price, duration, the low-price tests'      its own bidder, through     the entitled; everyone once
numbers                                    its own bid only            the result is published
                                                                       (`sees_prices`)
proposal, version, attachment hashes,      its own bidder, through     the entitled (`sees_in_full`)
credit snapshot, explanation text          its own bid only
a bid file                                 the agency that uploaded    also the applicant and
                                           it                          regulators, for files of bids
                                                                       standing (`readable_bid_file`)
its own bid's validity and rank            —                           its own bidder (`opened`)
the agencies of the bids to mark, before   — (no panel yet)            a panellist that did not
declaring no conflict with any of them                                 recuse (`panellist_sees_bidders`)
the valid bids' proposals to mark          — (no panel yet)            a panellist that declared no
                                                                       conflict and did not recuse
                                                                       (`panellist_sees_bids`)
who sits on a panel: the panel draw, and   — (no panel yet)            regulators and the operator,
the seed, key and every draw of the                                    its own seat to each
public draw record                                                     panellist; everyone once
                                                                       marking is over
                                                                       (`sees_panel`)
a question's asker                         the asker only ("mine")     the asker only (`owns`)
an objection's objector                    the objector only           also the applicant and
                                           ("mine")                    regulators (`sees_objector`)
a direct selection's invitation: the       the applicant, regulators   the same (`sees_invitation`)
agency invited, when, its answer and a     and the invited agency
decline's reason                           (its own)
the price and duration an invitation was   — (none before acceptance)  those who see the
accepted at                                                            invitation; everyone once the
                                                                       result is published
                                                                       (`sees_invitation_price`)
an objection to an award candidate (its    — (none before the result)  the objector (its own), the
grounds and objector), the applicant's                                 applicant and the regulators
answer, a complaint (its grounds)                                      covering the task
                                                                       (`sees_award_objection`,
                                                                       `sees_complaint`)
a complaint's decision and its reason      —                           everyone once decided
                                                                       (`sees_complaint_decision`)
a task's suspensions (who, why, from,      everyone                    everyone (`sees_suspensions`)
until)
a contract's deliveries, their files and   — (no contract yet)         the two parties (the awarded
decisions, the acceptance report, the                                  agency, the applicant) and the
payment record                                                         regulators whose jurisdiction
                                                                       covers the task
                                                                       (`sees_delivery`)
pairs of bidders flagged as possibly       — (none are made before     the applicant and the
related (self-declared or unverified       opening)                    regulators whose jurisdiction
grounds)                                                               covers the task
                                                                       (`sees_relation_flags`)
a contract: its document, confirmations,   — (no contract before the   its two parties (members of
termination proposal, record of signing    award is final)             the agency and of the
                                                                       applicant) and the regulators
                                                                       whose jurisdiction covers the
                                                                       task (`sees_contract`);
                                                                       everyone sees that it was
                                                                       signed: date, price, parties
                                                                       (`signed_contract_public`)
=========================================  ==========================  ==============================

The published result (ranking, award candidate, marks, draws) is the same for every audience and
exists only from opening on (`opened`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bidding.models import Bid, Complaint, Contract, Deliverable, Invitation, Objection, PanelMember
from market import lifecycle
from market.models import Organization, OrgKind, ServiceItem, Task, User
from market.models.attachments import BID, DELIVERY, REPORT, Attachment
from market.models.tasks import Funding
from market.permissions import regulator_covers
from market.validation import NotFound

PUBLIC, BIDDER, APPLICANT, REGULATOR = "public", "bidder", "applicant", "regulator"


@dataclass(frozen=True)
class Reader:
    """Who reads a task: the audience it is shown as, and its organization (to recognise its own
    bid, file, question or objection, and a panellist's seat)."""

    audience: str
    org_id: int | None = None
    kind: str | None = None
    #: For a regulator: whether its jurisdiction covers the task.
    in_jurisdiction: bool = False


def _covers(session: Session, user: User, task: Task) -> bool:
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    return regulator_covers(
        session,
        user,
        category=item.category if item else None,
        region_code=applicant.region_code if applicant else None,
    )


def reader_of(session: Session, user: User | None, task: Task) -> Reader:
    """The reader `user` is for `task` (see the audiences in the module docstring)."""
    if user is None:
        return Reader(PUBLIC)
    org = session.get(Organization, user.organization_id)
    if org is None:
        return Reader(PUBLIC)
    if org.id == task.applicant_org_id:
        return Reader(APPLICANT, org.id, org.kind)
    if org.kind == OrgKind.regulator:
        return Reader(REGULATOR, org.id, org.kind, _covers(session, user, task))
    if org.kind == OrgKind.agency:
        return Reader(BIDDER, org.id, org.kind)
    return Reader(PUBLIC, org.id, org.kind)


# --- the seal -------------------------------------------------------------------------------------


def opened(task: Task) -> bool:
    """Whether the seal is broken: from opening on, not from the deadline."""
    return not lifecycle.sealed(task)


def prices_public(task: Task) -> bool:
    """Prices become public with the result: the ranking in publicity, or a failed selection."""
    return opened(task) and (task.publicity_at is not None or task.failed_at is not None)


def owns(reader: Reader, org_id: int | None) -> bool:
    """Whether `org_id` (a bid's, a file's, a question's or an objection's agency) is the reader's
    own agency."""
    return reader.audience == BIDDER and reader.org_id == org_id


def is_applicant(reader: Reader) -> bool:
    """Whether the reader is the task's applicant (who decides validity and answers questions)."""
    return reader.audience == APPLICANT


# --- the task's bids ------------------------------------------------------------------------------


def sees_bid_list(reader: Reader, task: Task) -> bool:
    """Whether the reader may see the task's bids listed (receipts, agencies, validity).

    Every reader alike: before opening even the bidder meets its bid only in its own view, never
    in the list, so the list cannot vary with the bids."""
    return opened(task)


def bid_counts(session: Session, tasks: list[Task]) -> dict[int, int | None]:
    """{task id: how many bids stood at opening} for a list of tasks: None for a task still sealed,
    whose bids no query here touches, so the answer is the same whatever they are; for an opened
    task, the count its bid list shows everyone (`sees_bid_list`). One grouped read."""
    counts: dict[int, int | None] = {t.id: None for t in tasks}
    unsealed = [t.id for t in tasks if sees_bid_list(Reader(PUBLIC), t)]
    if unsealed:
        for task_id, n in session.exec(
            select(Bid.task_id, func.count())
            .where(Bid.task_id.in_(unsealed), Bid.withdrawn_at.is_(None))
            .group_by(Bid.task_id)
        ):
            counts[task_id] = n
        for task_id in unsealed:
            counts[task_id] = counts[task_id] or 0
    return counts


def sees_in_full(reader: Reader, task: Task, bid: Bid) -> bool:
    """Whether the reader may see `bid`'s proposal, version, attachment hashes, credit snapshot
    and explanation text in the task's list: its own bidder, the applicant and regulators."""
    return opened(task) and (
        owns(reader, bid.agency_id) or reader.audience in (APPLICANT, REGULATOR)
    )


def sees_prices(reader: Reader, task: Task, bid: Bid) -> bool:
    """Whether the reader may see `bid`'s price and duration, and the low-price tests' numbers
    (derived from the prices): those who see it in full, everyone once the result is out."""
    return sees_in_full(reader, task, bid) or prices_public(task)


def own_bids_query(agency: Organization):
    """The query of the agency's own bids across tasks, (Bid, Task) rows: the one reading of bids
    the seal lets through, since each is the reader's own. Lists narrow and page it."""
    return select(Bid, Task).join(Task, Task.id == Bid.task_id).where(Bid.agency_id == agency.id)


def own_bids(session: Session, agency: Organization) -> list[tuple[Bid, Task]]:
    """The agency's own bids across tasks with their tasks, newest task first."""
    return list(session.exec(own_bids_query(agency).order_by(Task.id.desc())).all())


def opened_bid(session: Session, receipt: object, load: Callable[[str], Task]) -> tuple[Bid, Task]:
    """The bid with this receipt, and its task, once the task is opened.

    `load(number)` reads the task as the caller's reader may (a draft is its applicant's alone)
    and opens it if its deadline has passed; it is the caller's because the web layer commits
    that lazy opening in its own transaction. Raises NotFound for a malformed or unknown receipt
    and, identically, for a bid of a task still sealed: before opening a bid is indistinguishable
    from no bid at all.
    """
    bid = (
        session.exec(select(Bid).where(Bid.receipt == receipt)).first()
        if isinstance(receipt, str) and len(receipt) == 64
        else None
    )
    if bid is None:
        raise NotFound()
    task = load(session.get(Task, bid.task_id).number)
    session.refresh(task)
    if not opened(task):
        raise NotFound()
    return bid, task


def readable_bid_file(session: Session, reader: Reader, task: Task, sha256: str) -> Attachment:
    """The bid file `sha256` of `task` if the reader may read it: the agency that uploaded it at
    any time; from opening on, the applicant and regulators too when a bid standing lists it.
    Anyone else gets the NotFound of a file that does not exist."""
    rows = list(
        session.exec(
            select(Attachment)
            .where(
                Attachment.task_id == task.id,
                Attachment.owner_kind == BID,
                Attachment.sha256 == sha256,
            )
            .order_by(Attachment.id)
        )
    )
    found = next((r for r in rows if owns(reader, r.uploaded_by_org_id)), None)
    if found is None and opened(task) and reader.audience in (APPLICANT, REGULATOR):
        standing = {
            b.agency_id: b
            for b in session.exec(
                select(Bid).where(Bid.task_id == task.id, Bid.withdrawn_at.is_(None))
            )
        }
        found = next(
            (
                r
                for r in rows
                if r.uploaded_by_org_id in standing
                and sha256 in standing[r.uploaded_by_org_id].attachments
            ),
            None,
        )
    if found is None:
        raise NotFound()
    return found


# --- panellists -----------------------------------------------------------------------------------


def panel_seat(session: Session, reader: Reader, task: Task) -> PanelMember | None:
    """The reader's seat on the task's panel (recused or not), or None. The panel is drawn after
    opening, so a sealed task has none to look for."""
    if reader.kind != OrgKind.expert or not opened(task):
        return None
    return session.exec(
        select(PanelMember).where(
            PanelMember.task_id == task.id, PanelMember.expert_org_id == reader.org_id
        )
    ).first()


def is_panellist(session: Session, reader: Reader, task: Task) -> bool:
    return panel_seat(session, reader, task) is not None


def marking_over(task: Task) -> bool:
    """Whether no panel marks this task any more: its result is published, its selection failed
    or it was cancelled after opening."""
    return opened(task) and (
        task.publicity_at is not None or task.failed_at is not None or task.cancelled_at is not None
    )


def sees_panel(reader: Reader, task: Task) -> bool:
    """Whether the reader may learn who sits on the task's panel, and so the task's draws: the
    "panel" draw lists the experts in the order they are called, and the seed and key, with the
    pool (the category's experts), would recompute it. Regulators and the operator, who
    supervise and run the pool, at once; everyone else once marking is over, with the result
    that publishes every mark by name. Until then a panellist known to a bidder or the applicant
    could be lobbied or pressed, and one who knew the key could steer its marks towards a tie whose
    draw it can foresee. A panellist learns its own seat in its own view, never the others'."""
    return marking_over(task) or reader.audience == REGULATOR or reader.kind == OrgKind.operator


def panellist_sees_bidders(member: PanelMember, task: Task) -> bool:
    """Whether a panellist is shown the agencies whose proposals it would mark, before it declares
    that it has no conflict of interest with any of them: a declaration about unnamed bidders
    would be worth nothing. The names are public from opening on; the panel is drawn after it."""
    return opened(task) and member.recused_at is None


def panellist_sees_bids(member: PanelMember, evaluating: bool, marked: bool) -> bool:
    """Whether a panellist reads the valid bids' proposals in its panel view: once it declared no
    conflict of interest and unless it recused; while the evaluation runs, or afterwards when it
    gave marks (to see them against the bids)."""
    return member.declared_at is not None and member.recused_at is None and (evaluating or marked)


# --- questions and objections ---------------------------------------------------------------------


def sees_objector(reader: Reader, task: Task) -> bool:
    """Whether the reader is shown who objected to the announcement: from opening on, the
    applicant and regulators. Before opening nobody is: an agency objects to a task it means to
    bid on, so naming it would tell who is likely to bid — the seal covers who bids, not only
    what — and an applicant could single it out (an exclusion) before the deadline. The reply
    answers the objection's text, which is public; the objector learns its objection is its own
    through `owns`. A question's asker is shown to nobody."""
    return opened(task) and reader.audience in (APPLICANT, REGULATOR)


# --- invitations of a direct selection -----------------------------------------------------------


def sees_invitation(reader: Reader, invitation: Invitation) -> bool:
    """Whether the reader may see an invitation of a direct selection (the agency invited, when,
    its answer, a decline's reason): the applicant and regulators, whose history it is to keep,
    and the invited agency, its own. An agency declines for its own reasons (its workload, a
    conflict), which are not the public's."""
    return reader.audience in (APPLICANT, REGULATOR) or owns(reader, invitation.agency_id)


def own_invitations(session: Session, agency: Organization) -> list[tuple[Invitation, Task]]:
    """The invitations the agency received, with their tasks, newest first: each its own."""
    return list(
        session.exec(
            select(Invitation, Task)
            .join(Task, Task.id == Invitation.task_id)
            .where(Invitation.agency_id == agency.id)
            .order_by(Invitation.id.desc())
        ).all()
    )


def sees_invitation_price(reader: Reader, task: Task, invitation: Invitation) -> bool:
    """Whether the reader may see the price and duration `invitation` was accepted at: there is
    none before acceptance; after it, those who see the invitation, and everyone once the result
    is published (the accepted offer is the award candidate's bid)."""
    return invitation.accepted_at is not None and (
        sees_invitation(reader, invitation) or prices_public(task)
    )


# --- related agencies -----------------------------------------------------------------------------


def reviews_relation_flags(reader: Reader) -> bool:
    """Whether the reader is one of those a task's related-agency flags are for: the applicant,
    whose selection it is, and the regulators whose jurisdiction covers the task. Never the
    bidders nor the public: a flag rests on a declaration nobody verified, perhaps a shell's
    borrowing a rival's identity, and must not become a public accusation."""
    return reader.audience == APPLICANT or (reader.audience == REGULATOR and reader.in_jurisdiction)


def sees_relation_flags(reader: Reader, task: Task) -> bool:
    """Whether the reader sees the task's flagged pairs now: from opening on, when they are made,
    and only if it `reviews_relation_flags`."""
    return opened(task) and reviews_relation_flags(reader)


# --- objections to an award candidate, complaints, suspensions ------------------------------------


def covering_regulator(reader: Reader) -> bool:
    """Whether the reader is a regulator whose jurisdiction covers the task."""
    return reader.audience == REGULATOR and reader.in_jurisdiction


def sees_award_objection(reader: Reader, objection: Objection) -> bool:
    """Whether the reader may see an objection to an award candidate — its objector, grounds and
    the applicant's answer: the objector (its own), the applicant, who answers it, and the
    regulators covering the task, who may have to decide a complaint about it. Grounds may name
    rivals' conduct or trade secrets, and an unproven accusation is not the public's."""
    return (
        owns(reader, objection.agency_id)
        or reader.audience == APPLICANT
        or covering_regulator(reader)
    )


def sees_complaint(reader: Reader, complaint: Complaint) -> bool:
    """Whether the reader may see a complaint in full (its complainant and grounds, who decided,
    the agency named at fault): the complainant, the applicant and the regulators covering the
    task."""
    return (
        owns(reader, complaint.agency_id)
        or reader.audience == APPLICANT
        or covering_regulator(reader)
    )


def sees_complaint_decision(complaint: Complaint) -> bool:
    """Whether everyone sees a complaint's decision and its written reason (not its grounds nor
    its complainant): once decided — it may change the result everyone read."""
    return complaint.decided_at is not None


def sees_suspensions(reader: Reader, task: Task) -> bool:
    """Whether the reader sees the task's suspensions (who halted it, why, from, until): everyone,
    as the task's status they explain."""
    return task.published_at is not None


def own_complaints(session: Session, org: Organization) -> list[tuple[Complaint, Task]]:
    """The complaints an organization is party to, with their tasks, newest first: an agency's
    own, an applicant's about its tasks (each one it `sees_complaint`)."""
    party = Complaint.agency_id if org.kind == OrgKind.agency else Task.applicant_org_id
    return list(
        session.exec(
            select(Complaint, Task)
            .join(Task, Task.id == Complaint.task_id)
            .where(party == org.id, Complaint.withdrawn_at.is_(None))
            .order_by(Complaint.id.desc())
        ).all()
    )


# --- contracts ------------------------------------------------------------------------------------

#: `contract_side`: which party the reader is.
AGENCY_SIDE, APPLICANT_SIDE = "agency", "applicant"


def contract_side(reader: Reader, contract: Contract) -> str | None:
    """The party of `contract` the reader belongs to ("agency" or "applicant"), or None."""
    if reader.org_id is None:
        return None
    if reader.audience == BIDDER and reader.org_id == contract.agency_id:
        return AGENCY_SIDE
    if reader.audience == APPLICANT and reader.org_id == contract.applicant_org_id:
        return APPLICANT_SIDE
    return None


def sees_contract(reader: Reader, contract: Contract) -> bool:
    """Whether the reader may read `contract` in full (its document, each side's confirmation, a
    termination's proposal): its two parties, and the regulators whose jurisdiction covers the
    task. Anyone else is answered as if there were no such contract (404): the terms are the
    parties' business until signed, and then only the fact of signing is public."""
    return contract_side(reader, contract) is not None or (
        reader.audience == REGULATOR and reader.in_jurisdiction
    )


def signed_contract_public(contract: Contract) -> bool:
    """Whether everyone sees that `contract` was signed (its date, price and parties, on the
    task's result): once both sides confirmed."""
    return contract.signed_at is not None


def own_contracts(session: Session, org: Organization) -> list[tuple[Contract, Task, str]]:
    """The contracts `org` is a party to, with their tasks and its side, newest first."""
    rows = session.exec(
        select(Contract, Task)
        .join(Task, Task.id == Contract.task_id)
        .where((Contract.agency_id == org.id) | (Contract.applicant_org_id == org.id))
        .order_by(Contract.id.desc())
    ).all()
    return [(c, t, AGENCY_SIDE if c.agency_id == org.id else APPLICANT_SIDE) for c, t in rows]


# --- a contract's delivery and acceptance ---------------------------------------------------------


def is_contract_agency(reader: Reader, contract: Contract) -> bool:
    """Whether the reader is the contracted agency (which delivers the work)."""
    return owns(reader, contract.agency_id)


def is_contract_applicant(reader: Reader, contract: Contract) -> bool:
    """Whether the reader is the contract's applicant (which accepts the work and pays)."""
    return reader.audience == APPLICANT and reader.org_id == contract.applicant_org_id


def sees_delivery(reader: Reader, contract: Contract) -> bool:
    """Whether the reader may see a contract's deliveries, their files and decisions, the
    acceptance report and the payment record: the two parties, and the regulators whose
    jurisdiction covers the task (who supervise the performance). Not the public nor the other
    bidders: delivered work is the applicant's, and often holds its business data. Anyone else
    is answered as if the contract did not exist."""
    return (
        is_contract_agency(reader, contract)
        or is_contract_applicant(reader, contract)
        or (reader.audience == REGULATOR and reader.in_jurisdiction)
    )


def readable_delivery_file(
    session: Session, reader: Reader, task: Task, contract: Contract, sha256: str
) -> Attachment:
    """The delivered file or acceptance report file `sha256` of `contract` if the reader may read
    it (`sees_delivery`); anyone else gets the NotFound of a file that does not exist."""
    if not sees_delivery(reader, contract):
        raise NotFound()
    row = session.exec(
        select(Attachment)
        .where(
            Attachment.task_id == task.id,
            Attachment.sha256 == sha256,
            Attachment.owner_kind.in_((DELIVERY, REPORT)),
            Attachment.uploaded_by_org_id.in_((contract.agency_id, contract.applicant_org_id)),
        )
        .order_by(Attachment.id)
    ).first()
    if row is None:
        raise NotFound()
    return row


def own_overdue_deliveries(
    session: Session, applicant: Organization, now: datetime
) -> list[tuple[Deliverable, Contract, Task]]:
    """The deliveries awaiting `applicant`'s decision past their period, each its own, oldest
    first (for its dashboard and reminders): a `budget` or `state_owned` task's, since a
    `private` one's is accepted by silence."""
    return list(
        session.exec(
            select(Deliverable, Contract, Task)
            .join(Contract, Contract.id == Deliverable.contract_id)
            .join(Task, Task.id == Contract.task_id)
            .where(
                Contract.applicant_org_id == applicant.id,
                Deliverable.decided_at.is_(None),
                Deliverable.decide_by <= now,
                Task.funding.in_((Funding.budget, Funding.state_owned)),
                Task.delivered_at.is_not(None),
                Task.terminated_at.is_(None),
            )
            .order_by(Deliverable.decide_by, Deliverable.id)
        ).all()
    )
