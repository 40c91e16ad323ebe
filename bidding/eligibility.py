"""Who may bid on a task (docs/rules.md §5), checked at submission and again at the deadline.

An agency may bid when it is not suspended, removed or on the serious-dishonesty list, holds each
qualification the task requires (declared with the required type, a grade at least the task's
minimum, in force on the day, not rejected by a regulator; for a qualification the law ties to a
person, also a registered professional holding it), and is not excluded from the task. Each
failure has its own ground and message, so the refused agency knows exactly what to fix.

Nothing here looks at another agency: related agencies are decided at opening only
(`bidding.opening`, `market.relations`), since a refusal that depended on another agency's bid
would tell the bidder that the other bids.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from market import catalog
from market.db import in_ids
from market.models import (
    Organization,
    OrgKind,
    Professional,
    Qualification,
    Task,
    TaskExclusion,
)
from market.notifications.services import shown_value
from market.validation import N_, Message
from market.workdays import shanghai_date


@dataclass(frozen=True)
class Problem:
    ground: str
    message: Message


def _problem(code: str, msgid: str, **params: object) -> Problem:
    return Problem(code, Message(msgid, params))


def _same_certificate(certificate: str, qualification: str) -> bool:
    """Whether a professional's certificate is the named qualification.

    The catalog names a qualification in full ("环境影响评价工程师职业资格证书") where an agency
    registers the certificate's short name ("环境影响评价工程师"): one must begin with the other,
    after NFC normalization and without spaces.
    """
    a, b = (unicodedata.normalize("NFC", "".join(s.split())) for s in (certificate, qualification))
    return bool(a) and bool(b) and (a.startswith(b) or b.startswith(a))


def valid_on(q: Qualification, day: date) -> bool:
    """Whether a declared qualification is in force on `day` (both ends included)."""
    return (q.valid_from is None or q.valid_from <= day) and (
        q.valid_until is None or day <= q.valid_until
    )


def _requirement_problems(
    requirement: str,
    declared: list[Qualification],
    professionals: list[Professional],
    today: date,
) -> list[Problem]:
    """What `requirement` ("type" or "type:minimum grade") finds wrong with the declarations:
    matched on type, grade at least the minimum and validity on `today`, never on free text. A
    declaration a regulator rejected does not count; one not yet verified does (docs/rules.md §5)."""
    code, minimum = catalog.parse_requirement(requirement)
    kind = catalog.qualification_type(code)
    name = catalog.requirement_label(requirement)
    if kind is None:  # a free-text requirement migration 0009 could not match
        return [
            _problem(
                "qualification_missing",
                N_("Your agency has not declared the qualification this task requires: %(name)s."),
                name=name,
            )
        ]
    of_type = [q for q in declared if q.type_code == code]
    standing = [q for q in of_type if q.rejected_at is None]
    graded = [q for q in standing if catalog.grade_meets(code, q.grade, minimum)]
    out = []
    if not of_type:
        out.append(
            _problem(
                "qualification_missing",
                N_("Your agency has not declared the qualification this task requires: %(name)s."),
                name=name,
            )
        )
    elif not standing:
        out.append(
            _problem(
                "qualification_rejected",
                N_("A regulator rejected your agency's qualification %(name)s: %(reason)s"),
                name=name,
                reason=of_type[-1].rejection_reason,
            )
        )
    elif not graded:
        out.append(
            _problem(
                "qualification_grade",
                N_(
                    "This task requires %(name)s; the grade your agency declared does not reach it."
                ),
                name=name,
            )
        )
    elif not any(valid_on(q, today) for q in graded):
        if all(q.valid_from is not None and today < q.valid_from for q in graded):
            out.append(
                _problem(
                    "qualification_not_yet_valid",
                    N_("Your agency's qualification %(name)s is not valid yet."),
                    name=name,
                )
            )
        else:
            out.append(
                _problem(
                    "qualification_expired",
                    N_("Your agency's qualification %(name)s has expired."),
                    name=name,
                )
            )
    certificates = [kind["name_zh"], *kind["names"]]
    if kind["holder"] == "person" and not any(
        _same_certificate(p.certificate, c) for p in professionals for c in certificates
    ):
        out.append(
            _problem(
                "professional_missing",
                N_(
                    "The law ties %(name)s to a person: register a professional of your agency who "
                    "holds it."
                ),
                name=name,
            )
        )
    return out


@dataclass
class _Facts:
    """What eligibility reads of an agency besides its row: its declared qualifications (in id
    order) and its professionals, as rows of the columns the checks read, and its exclusion from
    the task, if any."""

    declared: list  # rows: Qualification's organization_id, type_code, grade, rejected_at, …
    professionals: list  # rows: Professional's organization_id, certificate
    exclusion: TaskExclusion | None


def _facts(session: Session, task: Task, agency_ids: list[int]) -> dict[int, _Facts]:
    """The facts of every agency of `agency_ids` in three reads, whatever their number."""
    facts = {a: _Facts([], [], None) for a in agency_ids}
    if not agency_ids:
        return facts
    if task.required_qualifications:
        # Only the columns the checks read (rows, not entities: a thousand bidders' rows are
        # read at opening).
        for q in session.exec(
            select(
                Qualification.organization_id,
                Qualification.type_code,
                Qualification.grade,
                Qualification.rejected_at,
                Qualification.rejection_reason,
                Qualification.valid_from,
                Qualification.valid_until,
            )
            .where(in_ids(session, Qualification.organization_id, agency_ids))
            .order_by(Qualification.id)
        ):
            facts[q.organization_id].declared.append(q)
        for p in session.exec(
            select(Professional.organization_id, Professional.certificate)
            .where(in_ids(session, Professional.organization_id, agency_ids))
            .order_by(Professional.id)
        ):
            facts[p.organization_id].professionals.append(p)
    for e in session.exec(
        select(TaskExclusion)
        .where(
            TaskExclusion.task_id == task.id, in_ids(session, TaskExclusion.agency_id, agency_ids)
        )
        .order_by(TaskExclusion.id)
    ):
        if facts[e.agency_id].exclusion is None:
            facts[e.agency_id].exclusion = e
    return facts


def _qualification_problems(task: Task, facts: _Facts, at: datetime) -> list[Problem]:
    if not task.required_qualifications:
        return []
    today = shanghai_date(at)
    out = []
    for requirement in task.required_qualifications:
        out.extend(_requirement_problems(requirement, facts.declared, facts.professionals, today))
    return out


def _shown(moment: datetime) -> str:
    """A moment in a refusal: Asia/Shanghai, as every page shows times (24:00 ending a day)."""
    return shown_value("until_at", moment.isoformat())


def standing_problems(agency: Organization, at: datetime) -> list[Problem]:
    """What the agency's standing (docs/rules.md §6) forbids at `at`: removed, suspended or on the
    serious-dishonesty list, each with its dates in Asia/Shanghai. The same grounds refuse a bid,
    an invitation and its acceptance."""
    out: list[Problem] = []
    if agency.removed_at is not None and agency.removed_at <= at:
        out.append(
            _problem(
                "removed",
                N_(
                    "Your agency was removed from the platform on %(since)s and may not bid or be "
                    "invited while the cause lasts."
                ),
                since=_shown(agency.removed_at),
            )
        )
    if agency.suspended_until is not None and at < agency.suspended_until:
        out.append(
            _problem(
                "suspended",
                N_("Your agency is suspended from bidding until %(until)s."),
                until=_shown(agency.suspended_until),
            )
        )
    if agency.dishonest_until is not None and at < agency.dishonest_until:
        out.append(
            _problem(
                "dishonesty_list",
                N_(
                    "Your agency is on the serious-dishonesty list until %(until)s and may not bid."
                ),
                until=_shown(agency.dishonest_until),
            )
        )
    return out


#: What the applicant is told when the agency it invites is refused by its standing.
_INVITE_REFUSALS = {
    "removed": N_(
        "This agency was removed from the platform on %(since)s and may not be invited while the "
        "cause lasts."
    ),
    "suspended": N_(
        "This agency is suspended from selection until %(until)s and may not be invited before."
    ),
    "dishonesty_list": N_(
        "This agency is on the serious-dishonesty list until %(until)s and may not be invited."
    ),
}


def invitation_refusal(agency: Organization, at: datetime) -> Message | None:
    """Why `agency` may not be invited at `at` for its standing, in the applicant's words."""
    found = standing_problems(agency, at)
    if not found:
        return None
    return Message(_INVITE_REFUSALS[found[0].ground], found[0].message.params)


def problems(session: Session, task: Task, agency: Organization, at: datetime) -> list[Problem]:
    """Every reason `agency` may not bid on `task` at `at` (the submission time or the deadline)."""
    if agency.kind != OrgKind.agency:
        return [_problem("not_an_agency", N_("Only agencies may bid."))]
    return _problems(task, agency, _facts(session, task, [agency.id])[agency.id], at)


def problems_of_many(
    session: Session, task: Task, agencies: list[Organization], at: datetime
) -> dict[int, list[Problem]]:
    """`problems` of each of `agencies` (by id), read in a bounded number of queries: what the
    opening re-checks as at the deadline for every bidder at once."""
    bidders = [a for a in agencies if a.kind == OrgKind.agency]
    facts = _facts(session, task, [a.id for a in bidders])
    out = {a.id: [_problem("not_an_agency", N_("Only agencies may bid."))] for a in agencies}
    for a in bidders:
        out[a.id] = _problems(task, a, facts[a.id], at)
    return out


def _problems(task: Task, agency: Organization, facts: _Facts, at: datetime) -> list[Problem]:
    out = standing_problems(agency, at)
    if agency.listed_at is None:
        out.insert(
            1 if out and out[0].ground == "removed" else 0,
            _problem("not_listed", N_("Your agency is not listed on the platform.")),
        )
    out.extend(_qualification_problems(task, facts, at))
    exclusion = facts.exclusion
    if exclusion is not None:
        out.append(
            _problem(
                "excluded",
                N_("The applicant excluded your agency from this task (ground: %(ground)s)."),
                ground=exclusion.ground,
            )
        )
    return out
