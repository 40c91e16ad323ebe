"""The notices of a task, made from its records: the award notice once the award is final, the
result notice once the ranking is published. Pure reads in the caller's session."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from bidding import awards, selection
from bidding.models import Award, Bid, Contract
from bidding.notices.documents import AwardNotice, RankingRow, ResultNotice, last_day
from market.models import Organization, ServiceItem, Task
from market.validation import N_


def _result_path(task: Task) -> str:
    return f"/tasks/{task.number}/award"


def award_notice(session: Session, task: Task, locale: str) -> AwardNotice | None:
    """The award notice of the task's current award, or None while no award is final."""
    award = awards.current(session, task)
    if award is None or award.final_at is None:
        return None
    bid = session.get(Bid, award.bid_id)
    contract = session.exec(select(Contract).where(Contract.award_id == award.id)).one()
    item = session.get(ServiceItem, task.service_item_id)
    return AwardNotice(
        notice_number=award.notice_number,
        issued_at=award.final_at,
        task_number=task.number,
        title=task.title,
        service_item=item.name_en if locale == "en" else item.name_zh,
        applicant=session.get(Organization, task.applicant_org_id).name,
        agency=session.get(Organization, bid.agency_id).name,
        agency_uscc=session.get(Organization, bid.agency_id).uscc,
        price_fen=contract.price_fen,
        service_days=contract.service_days,
        method=task.method,
        rank=award.rank,
        publicity_starts_at=award.candidate_at,
        publicity_ends_at=award.publicity_ends_at,
        verify_path=_result_path(task),
        sign_by_at=contract.sign_by,
    )


def result_notice(
    session: Session, task: Task, gettext: Callable[[str], str]
) -> ResultNotice | None:
    """The result notice of the current award candidate, or None before the ranking is
    published; `gettext` translates its line on objections."""
    ranking = selection.ranking_of(session, task)
    candidate: Award | None = awards.current(session, task)
    if not ranking or candidate is None:
        return None
    bids = {b.id: b for b in session.exec(select(Bid).where(Bid.task_id == task.id))}
    agencies = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_({b.agency_id for b in bids.values()}))
        )
    }
    rows = tuple(
        RankingRow(
            rank=e.rank,
            agency=agencies[bids[e.bid_id].agency_id].name,
            agency_uscc=agencies[bids[e.bid_id].agency_id].uscc,
            price_fen=bids[e.bid_id].price_fen,
            numbers=dict(e.numbers),
            award_candidate=e.bid_id == candidate.bid_id,
        )
        for e in ranking
    )
    kind = awards.objection_kind(task)
    line = (
        N_("Bidders of this task may file a challenge (质疑) on the platform until %(until)s.")
        if kind == "challenge"
        else N_(
            "Bidders of this task may file an objection (异议) on the platform until %(until)s."
        )
    )
    return ResultNotice(
        issued_at=candidate.candidate_at,
        task_number=task.number,
        title=task.title,
        method=task.method,
        rows=rows,
        publicity_starts_at=candidate.candidate_at,
        publicity_ends_at=candidate.publicity_ends_at,
        objections_contact=gettext(line) % {"until": last_day(candidate.objections_until)},
        verify_path=_result_path(task),
    )
