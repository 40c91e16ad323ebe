"""Posting tasks: drafts, publication, amendments, cancellation — with every policy refusal.

The server refuses what policy forbids, each with its own message (docs/rules.md §3–§5): `direct` on
non-private funding, too few minimum bids, a price weight under the minimum, a bidding period
shorter than the minimum, a department-commissioned service posted by an enterprise, a cap at or
above the formal-procurement threshold, and any condition on region, industry, size or capital.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from market import audit, catalog, clock, holidays, lifecycle, search, signals
from market.accounts import require_kind
from market.models import (
    Organization,
    OrgKind,
    ServiceItem,
    Task,
    TaskAmendment,
    TaskExclusion,
    User,
)
from market.models.tasks import EXCLUSION_GROUNDS, Funding, Method
from market.permissions import regulator_covers
from market.validation import MAX_ID, N_, Checker, Forbidden, NotFound


@dataclass(frozen=True)
class TaskPolicy:
    """Default policy settings (docs/rules.md §4–§5); a deployment overrides them in POLICY."""

    min_bidding_wd: dict = field(
        default_factory=lambda: {Funding.budget: 5, Funding.state_owned: 5, Funding.private: 2}
    )
    default_bidding_wd: int = 5
    min_bids_competitive: int = 3
    min_price_weight: int = 10
    #: Formal procurement / mandatory tendering starts at ¥1,000,000 for services.
    procurement_threshold_fen: int = 100_000_000
    max_cap_fen: int = 10**12


#: Conditions a task may never impose (region, industry, size, registered capital).
RESTRICTION_PATTERNS = [
    (re.compile(p), msg)
    for p, msg in [
        (
            r"注册资本|注册资金|registered capital",
            N_("A task may not require a registered capital."),
        ),
        (
            r"本地|本市|本省|本县|本区|外地|省外|市外|local (firm|agenc)|in this (city|province)",
            N_("A task may not restrict agencies by region."),
        ),
        (r"(设立|设有)?(分支机构|分公司|办事处)", N_("A task may not require a local branch.")),
        (
            r"从业人员.{0,6}(不少于|以上)|员工.{0,4}(不少于|以上)|营业收入|年产值|企业规模|"
            r"\b(employees|turnover|annual revenue)\b",
            N_("A task may not set conditions on an agency's size or turnover."),
        ),
        (
            r"行业(限制|内企业)|系统内|industry restriction",
            N_("A task may not restrict agencies by industry or affiliation."),
        ),
    ]
]

_EDITABLE = (
    "service_item",
    "title",
    "description",
    "project_code",
    "approval_item",
    "funding",
    "budget_code",
    "method",
    "price_cap_fen",
    "fixed_fee_fen",
    "min_bids",
    "weight_price",
    "weight_credit",
    "weight_quality",
    "panel_size",
    "invited_agency_id",
    "service_days",
    "bidding_wd",
    "required_qualifications",
)


def _check(session: Session, applicant: Organization, data: dict, policy: TaskPolicy) -> dict:
    """Validate a task's fields against policy; returns clean values or raises Invalid."""
    c = Checker()
    out: dict = {}
    item = None
    code = data.get("service_item")
    if not code:
        c.add("service_item", N_("Choose a service item."))
    else:
        item = session.exec(select(ServiceItem).where(ServiceItem.code == str(code))).first()
        if item is None:
            c.add("service_item", N_("Unknown service item."))
    out["service_item"] = item
    out["title"] = c.text("title", data.get("title"), max_length=200, markup=False)
    out["description"] = c.text(
        "description", data.get("description"), max_length=5000, multiline=True
    )
    out["project_code"] = c.text(
        "project_code", data.get("project_code"), max_length=40, required=False, markup=False
    )
    out["approval_item"] = c.text(
        "approval_item", data.get("approval_item"), max_length=200, required=False, markup=False
    )
    for name in ("title", "description"):
        for pattern, message in RESTRICTION_PATTERNS:
            if out[name] and pattern.search(out[name]):
                c.add(name, message)
    funding = data.get("funding")
    if funding not in [f.value for f in Funding]:
        c.add("funding", N_("Choose the funding: private, state-owned or budget."))
        funding = None
    out["funding"] = funding
    method = data.get("method")
    if method not in [m.value for m in Method]:
        c.add("method", N_("Choose a selection method."))
        method = None
    out["method"] = method

    kind = applicant.kind
    if kind == OrgKind.department and funding not in (None, Funding.budget):
        c.add(
            "funding",
            N_(
                "A department commissions technical services from its own budget: "
                "funding must be budget."
            ),
        )
    if kind == OrgKind.enterprise and funding == Funding.budget:
        c.add("funding", N_("Budget funding is for government departments."))
    if item is not None and item.department_commissioned and kind != OrgKind.department:
        c.add(
            "service_item",
            N_(
                "This technical review is commissioned by the approving "
                "department and paid from its budget; an enterprise may not "
                "post it."
            ),
        )
    if kind == OrgKind.department and method == Method.direct:
        c.add(
            "method", N_("A department must select competitively: direct selection is not allowed.")
        )
    if method == Method.direct and funding in (Funding.budget, Funding.state_owned):
        c.add("method", N_("Direct selection is allowed only for private funding."))
    if funding == Funding.budget or kind == OrgKind.department:
        out["budget_code"] = c.text(
            "budget_code", data.get("budget_code"), max_length=60, markup=False
        )
    else:
        out["budget_code"] = None
    if (
        applicant.kind == OrgKind.enterprise
        and not out["project_code"]
        and funding == Funding.state_owned
    ):
        c.add("project_code", N_("A state-owned investment needs its project code."))

    cap = c.money(
        "price_cap_fen",
        data.get("price_cap_fen"),
        minimum=1,
        maximum=policy.max_cap_fen,
        required=method != Method.random,
    )
    fee = c.money(
        "fixed_fee_fen",
        data.get("fixed_fee_fen"),
        minimum=1,
        maximum=policy.max_cap_fen,
        required=method == Method.random,
    )
    if method != Method.random:
        fee = None
    elif cap is not None and fee is not None and fee > cap:
        c.add("fixed_fee_fen", N_("The fixed fee is above the price cap."))
    amount = cap if cap is not None else fee
    if (
        funding in (Funding.budget, Funding.state_owned)
        and amount is not None
        and amount >= policy.procurement_threshold_fen
    ):
        c.add(
            "price_cap_fen",
            N_(
                "At or above ¥%(yuan)s this service must go through formal "
                "government procurement or tendering, not this platform."
            ),
            yuan=f"{policy.procurement_threshold_fen // 100:,}",
        )
    out["price_cap_fen"], out["fixed_fee_fen"] = cap, fee

    competitive = funding in (Funding.budget, Funding.state_owned)
    min_bids = c.integer("min_bids", data.get("min_bids", 3), minimum=1, maximum=3)
    if competitive and min_bids is not None and min_bids < policy.min_bids_competitive:
        c.add(
            "min_bids",
            N_("Budget and state-owned tasks need at least %(n)d valid bids."),
            n=policy.min_bids_competitive,
        )
    out["min_bids"] = 1 if method == Method.direct else min_bids

    if method == Method.scoring:
        weights = [
            c.integer(f"weight_{w}", data.get(f"weight_{w}"), minimum=0, maximum=100)
            for w in ("price", "credit", "quality")
        ]
        if None not in weights:
            if sum(weights) != 100:
                c.add(
                    "weight_quality",
                    N_("The weights must add up to 100 (now %(n)d)."),
                    n=sum(weights),
                )
            if weights[0] < policy.min_price_weight:
                c.add(
                    "weight_price",
                    N_("The price weight must be at least %(n)d."),
                    n=policy.min_price_weight,
                )
        out["weight_price"], out["weight_credit"], out["weight_quality"] = weights
        panel = c.integer(
            "panel_size", data.get("panel_size"), minimum=3, maximum=15, required=competitive
        )
        if panel is not None and panel % 2 == 0:
            c.add("panel_size", N_("The panel needs an odd number of members."))
        out["panel_size"] = panel
    else:
        out["weight_price"] = out["weight_credit"] = out["weight_quality"] = None
        out["panel_size"] = None

    out["invited_agency_id"] = None
    if method == Method.direct:
        invited = c.integer(
            "invited_agency_id", data.get("invited_agency_id"), minimum=1, maximum=MAX_ID
        )
        # Out of range (refused above), it is not looked up: the database would refuse it.
        known = invited is not None and c.ok("invited_agency_id")
        agency = session.get(Organization, invited) if known else None
        if known and (agency is None or agency.kind != OrgKind.agency or agency.listed_at is None):
            c.add("invited_agency_id", N_("No listed agency with this id."))
        out["invited_agency_id"] = invited

    out["service_days"] = c.integer(
        "service_days", data.get("service_days"), minimum=1, maximum=3650
    )
    minimum = policy.min_bidding_wd.get(funding, policy.default_bidding_wd) if funding else 1
    out["bidding_wd"] = c.integer(
        "bidding_wd", data.get("bidding_wd", policy.default_bidding_wd), minimum=1, maximum=60
    )
    if out["bidding_wd"] is not None and out["bidding_wd"] < minimum:
        c.add(
            "bidding_wd",
            N_("The bidding period must be at least %(n)d working days for this funding."),
            n=minimum,
        )

    quals = data.get("required_qualifications") or []
    legal = {value for value, _label in catalog.requirement_choices(item)}
    if not isinstance(quals, list) or any(not isinstance(q, str) or q not in legal for q in quals):
        c.add(
            "required_qualifications",
            N_("Only the qualifications the law requires for this service item may be required."),
        )
    elif len({catalog.parse_requirement(q)[0] for q in quals}) < len(quals):
        c.add(
            "required_qualifications",
            N_("Require each type of qualification once, with at most one minimum grade."),
        )
    out["required_qualifications"] = (
        [q for q in quals if q in legal] if isinstance(quals, list) else []
    )
    unknown = set(data) - set(_EDITABLE) - {"exclusions", "reason"}
    for name in sorted(unknown):
        c.add(name, N_("A task may not set this condition."))
    c.raise_if_any()
    return out


def _applicant(session: Session, actor: User) -> Organization:
    return require_kind(session, actor, OrgKind.enterprise, OrgKind.department)


def create_draft(
    session: Session, actor: User, data: dict, policy: TaskPolicy = TaskPolicy()
) -> Task:
    applicant = _applicant(session, actor)
    clean = _check(session, applicant, data, policy)
    item = clean.pop("service_item")
    now = clock.now()
    # The number needs the row id; a unique placeholder (≤ 20 chars) holds its place until then.
    task = Task(
        number=f"new-{uuid.uuid4().hex[:16]}",
        applicant_org_id=applicant.id,
        created_by_user_id=actor.id,
        service_item_id=item.id,
        created_at=now,
        **clean,
    )
    session.add(task)
    session.flush()
    task.number = f"ZJ-{now.year}-{task.id:06d}"
    session.add(task)
    audit.record(
        session,
        "task.drafted",
        "task",
        task.number,
        {"title": task.title},
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
    )
    return task


def get_task(session: Session, number: str, *, lock: bool = False) -> Task:
    """The task `number`, or `NotFound`. With `lock`, its row lock is taken and the row is read
    as the lock found it, even if the session had loaded the task before (a page loads it, then
    calls the service in the same session): another transaction may have changed it meanwhile
    (cancelled, amended, opened it), and the session would otherwise answer its older copy."""
    query = select(Task).where(Task.number == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    task = session.exec(query).first()
    if task is None:
        raise NotFound()
    return task


def require_owner(session: Session, actor: User, task: Task) -> Organization:
    """The actor's applicant organization, refused unless it owns `task` (public: attaching a
    file to a task, in `market.attachments`, checks the same)."""
    applicant = _applicant(session, actor)
    if task.applicant_org_id != applicant.id:
        raise Forbidden(N_("This task belongs to another applicant."))
    return applicant


def _as_input(task: Task, session: Session) -> dict:
    item = session.get(ServiceItem, task.service_item_id)
    data = {name: getattr(task, name) for name in _EDITABLE if name != "service_item"}
    data["service_item"] = item.code
    return data


def update_draft(
    session: Session, actor: User, number: str, data: dict, policy: TaskPolicy = TaskPolicy()
) -> Task:
    task = get_task(session, number, lock=True)
    applicant = require_owner(session, actor, task)
    if not lifecycle.allowed(task, "edit"):
        raise Forbidden(N_("Only a draft can be edited freely; amend a published task."))
    merged = _as_input(task, session) | data
    clean = _check(session, applicant, merged, policy)
    item = clean.pop("service_item")
    task.service_item_id = item.id
    for name, value in clean.items():
        setattr(task, name, value)
    session.add(task)
    audit.record(
        session,
        "task.draft_updated",
        "task",
        task.number,
        {},
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
    )
    return task


def publish(session: Session, actor: User, number: str, policy: TaskPolicy = TaskPolicy()) -> Task:
    """Publish: the deadline is computed once, now, in working days, and never moves by itself."""
    task = get_task(session, number, lock=True)
    applicant = require_owner(session, actor, task)
    _check(session, applicant, _as_input(task, session), policy)  # policy may have changed
    now = clock.now()
    calendar = holidays.load(session)
    task.deadline_at = calendar.add_working_days(now, task.bidding_wd)
    task.deadline_calendar_fallback = bool(
        calendar.unknown_years_between(now.date(), task.deadline_at.date())
    )
    lifecycle.transition(
        session,
        task,
        "publish",
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
        data={"deadline_at": task.deadline_at.isoformat()},
        at=now,
    )
    signals.task_published.send(task, session=session)
    return task


NOT_AMENDABLE = N_("Only an open task can be amended, before its deadline.")


def record_amendment(
    session: Session,
    task: Task,
    *,
    reason: str,
    changes: dict,
    actor_user_id: int,
    actor_org_id: int,
    policy: TaskPolicy = TaskPolicy(),
    audit_action: str = "task.amended",
    audit_data: dict | None = None,
    at: datetime | None = None,
) -> TaskAmendment:
    """Publish a change to an open task (made by the caller): its entry in the change log, and,
    with less than the funding's minimum bidding period left, a deadline extended to that period
    from now, so that every bidder has the time the policy gives to react to the change. The
    search index is updated with the deadline (its "open" state reads it), and `audit_action` is
    audited with `audit_data` (by default the changes) and the extension.

    Every change to a published task goes through here, whoever makes it (fields, attachments).
    """
    now = at or clock.now()
    if not lifecycle.allowed(task, "amend", now):
        raise Forbidden(NOT_AMENDABLE)
    calendar = holidays.load(session)
    minimum = policy.min_bidding_wd.get(task.funding, policy.default_bidding_wd)
    extended = None
    if calendar.working_days_between(now, task.deadline_at) < minimum:
        extended = calendar.add_working_days(now, minimum)
        task.deadline_at = extended
    amendment = TaskAmendment(
        task_id=task.id, at=now, reason=reason, changes=changes, deadline_extended_to=extended
    )
    session.add(task)
    session.add(amendment)
    session.flush()
    search.index(session, "tasks", task.id)
    audit.record(
        session,
        audit_action,
        "task",
        task.number,
        {
            **(audit_data if audit_data is not None else {"changes": changes}),
            "deadline_extended_to": extended.isoformat() if extended else None,
        },
        actor_user_id=actor_user_id,
        actor_org_id=actor_org_id,
    )
    signals.task_amended.send(task, session=session, amendment=amendment)
    return amendment


def amend(
    session: Session, actor: User, number: str, data: dict, policy: TaskPolicy = TaskPolicy()
) -> TaskAmendment:
    """Amend a published task before its deadline; every change is published in the change log,
    and with less than the minimum period left the deadline is extended automatically."""
    task = get_task(session, number, lock=True)
    applicant = require_owner(session, actor, task)
    now = clock.now()
    if not lifecycle.allowed(task, "amend", now):
        raise Forbidden(NOT_AMENDABLE)
    c = Checker()
    reason = c.text("reason", data.get("reason"), max_length=2000, multiline=True)
    changes_in = {k: v for k, v in data.items() if k != "reason"}
    for fixed in ("funding", "method", "service_item"):
        if fixed in changes_in and changes_in[fixed] != _as_input(task, session)[fixed]:
            c.add(fixed, N_("This cannot change after publication; cancel and post again."))
    if (
        "invited_agency_id" in changes_in
        and changes_in["invited_agency_id"] != task.invited_agency_id
    ):
        # The invitation is bidding's: it changes hands only by a new invitation after a decline.
        c.add(
            "invited_agency_id",
            N_(
                "The invited agency changes only by inviting another once the invited one declined."
            ),
        )
    c.raise_if_any()
    before = _as_input(task, session)
    clean = _check(session, applicant, before | changes_in, policy)
    clean.pop("service_item")
    diff = {}
    for name, value in clean.items():
        if before.get(name) != value:
            diff[name] = {"old": before.get(name), "new": value}
            setattr(task, name, value)
    if not diff:
        c.add("", N_("Nothing changed."))
        c.raise_if_any()
    return record_amendment(
        session,
        task,
        reason=reason,
        changes=diff,
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
        policy=policy,
        at=now,
    )


def cancel(session: Session, actor: User, number: str, reason: object) -> Task:
    """Before opening: with a published reason. After opening: a regulator's approval is needed,
    so the applicant's cancellation becomes a request."""
    task = get_task(session, number, lock=True)
    applicant = require_owner(session, actor, task)
    if task.cancel_requested_at is not None:
        # The regulators decide on the reason they were given; asking again would rewrite it.
        raise Forbidden(N_("A cancellation request already waits for a regulator's decision."))
    c = Checker()
    clean = c.text("reason", reason, max_length=2000, multiline=True)
    c.raise_if_any()
    task.cancel_reason = clean
    if lifecycle.allowed(task, "cancel"):
        lifecycle.transition(
            session,
            task,
            "cancel",
            actor_user_id=actor.id,
            actor_org_id=applicant.id,
            data={"reason": clean},
        )
    else:
        if not lifecycle.allowed(task, "cancel_after_opening"):
            raise lifecycle.IllegalTransition(N_("This task can no longer be cancelled."))
        task.cancel_requested_at = clock.now()
        session.add(task)
        audit.record(
            session,
            "task.cancel_requested",
            "task",
            task.number,
            {"reason": clean},
            actor_user_id=actor.id,
            actor_org_id=applicant.id,
        )
    return task


def approve_cancellation(session: Session, regulator: User, number: str) -> Task:
    task = get_task(session, number, lock=True)
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    if not regulator_covers(
        session, regulator, category=item.category, region_code=applicant.region_code
    ):
        raise Forbidden(N_("This task is outside your jurisdiction."))
    if task.cancel_requested_at is None:
        raise Forbidden(N_("The applicant has not asked to cancel this task."))
    task.cancel_approved_by_user_id = regulator.id
    lifecycle.transition(
        session,
        task,
        "cancel_after_opening",
        actor_user_id=regulator.id,
        actor_org_id=regulator.organization_id,
        data={"reason": task.cancel_reason},
    )
    return task


def exclude(
    session: Session, actor: User, number: str, agency_id: int, ground: str, statement: object
) -> TaskExclusion:
    """Exclude an agency only on a listed ground, stated publicly."""
    task = get_task(session, number, lock=True)
    applicant = require_owner(session, actor, task)
    if not lifecycle.allowed(task, "exclude"):
        raise Forbidden(N_("Exclusions are set before the deadline."))
    c = Checker()
    if ground not in EXCLUSION_GROUNDS:
        c.add(
            "ground",
            N_(
                "An agency may be excluded only for a conflict of interest, being on "
                "a dishonesty list, or earlier work on the same project."
            ),
        )
    text = c.text("statement", statement, max_length=2000, multiline=True)
    agency_id = c.integer("agency_id", agency_id, minimum=1, maximum=MAX_ID)
    agency = session.get(Organization, agency_id) if c.ok("agency_id") else None
    if c.ok("agency_id") and (agency is None or agency.kind != OrgKind.agency):
        c.add("agency_id", N_("No listed agency with this id."))
    c.raise_if_any()
    row = TaskExclusion(task_id=task.id, agency_id=agency_id, ground=ground, statement=text)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "task.agency_excluded",
        "task",
        task.number,
        {"agency": agency_id, "ground": ground, "statement": text},
        actor_user_id=actor.id,
        actor_org_id=applicant.id,
    )
    return row


def repost(session: Session, actor: User, number: str, policy: TaskPolicy = TaskPolicy()) -> Task:
    """One-click re-posting of a failed task as a new linked draft, checked under `policy` (the
    policy in force, as a new draft is)."""
    task = get_task(session, number)
    require_owner(session, actor, task)
    if not lifecycle.allowed(task, "repost"):
        raise Forbidden(N_("Only a failed task can be posted again."))
    new = create_draft(session, actor, _as_input(task, session), policy)
    new.reposted_from_id = task.id
    session.add(new)
    return new
