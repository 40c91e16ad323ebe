"""What awaits the logged-in user's action next: the dashboard (`/dashboard`, `GET
/api/v1/dashboard`; docs/rules.md §4).

The items come from every package through `signals.action_items`: each handler answers the
`Item`s of one kind for the user — one grouped read, never one per task — and the core sorts
them, soonest deadline first (items without a deadline last), and counts each deadline in working
days (`WorkCalendar.working_days_between`), marking the overdue ones. The core's own kinds are
here: a regulator's qualifications to verify, representatives' identities to verify and
cancellations to approve, in its jurisdiction; an operator's calendar of next year to load.
Adding a kind is a function and a `connect` (docs/architecture.md, "Adding a dashboard item").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, func, select

from market import agencies, clock, holidays, signals
from market.models import Organization, OrgKind, Qualification, Task, User
from market.models.relations import RepresentativeIdentity
from market.permissions import jurisdiction_clause, task_jurisdiction_clause
from market.validation import N_
from market.workdays import WorkCalendar, end_of_day, shanghai_date


@dataclass(frozen=True)
class Item:
    """One thing to do. `label` is an untranslated msgid (with `params`) saying what; `endpoint`
    and `args` (with `anchor`) the page where it is done; `due_at` when it must be done by, if
    ever; `task_number` and `task_title` the task it concerns, if any."""

    kind: str
    label: str
    endpoint: str
    args: Mapping[str, object] = field(default_factory=dict)
    due_at: datetime | None = None
    task_number: str | None = None
    task_title: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    anchor: str | None = None


@dataclass(frozen=True)
class Entry:
    """An item as the dashboard shows it at `now`: the whole working days left before its
    deadline, whether it is overdue, and the years whose official calendar is not loaded across
    which the count assumed weekends only."""

    item: Item
    working_days_left: int | None
    overdue: bool
    weekends_only_years: tuple[int, ...] = ()


def _sort_key(entry: Entry):
    item = entry.item
    due = item.due_at.timestamp() if item.due_at is not None else float("inf")
    return (due, item.task_number or "", item.kind)


def items_for(session: Session, user: User, now: datetime | None = None) -> list[Entry]:
    """Everything awaiting `user`'s action, soonest deadline first; items without a deadline
    last. The number of reads does not grow with the number of tasks: one per kind at most."""
    now = now or clock.now()
    org = session.get(Organization, user.organization_id)
    if org is None:
        return []
    calendar = holidays.load(session)
    items: list[Item] = []
    for _receiver, answer in signals.action_items.send(
        user, session=session, org=org, now=now, calendar=calendar
    ):
        items.extend(answer or ())
    return sorted((entry(item, now, calendar) for item in items), key=_sort_key)


def entry(item: Item, now: datetime, calendar: WorkCalendar) -> Entry:
    if item.due_at is None:
        return Entry(item, None, False)
    unknown = calendar.unknown_years_between(shanghai_date(now), shanghai_date(item.due_at))
    return Entry(
        item,
        calendar.working_days_between(now, item.due_at),
        now >= item.due_at,
        tuple(unknown),
    )


# --- the core's own kinds ----------------------------------------------------------------------


def qualifications_to_verify(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """A regulator: the declared qualifications waiting for a decision, of agencies in its
    jurisdiction (one item with their number; the queue is one page)."""
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(Qualification)
        .join(Organization, Organization.id == Qualification.organization_id)
        .where(
            Qualification.verified_at.is_(None),
            Qualification.rejected_at.is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
    ).all()
    waiting = sum(1 for q in rows if agencies.state_of(q) == "self_declared")
    if not waiting:
        return []
    return [
        Item(
            "verify_qualifications",
            N_("Verify declared qualifications (%(count)d waiting)"),
            "regulator.qualifications",
            params={"count": waiting},
        )
    ]


def identities_to_verify(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """A regulator: legal representatives' identities declared and not yet verified, of agencies
    in its jurisdiction."""
    if org.kind != OrgKind.regulator:
        return []
    waiting = session.exec(
        select(func.count(RepresentativeIdentity.id))
        .join(Organization, Organization.id == RepresentativeIdentity.organization_id)
        .where(
            RepresentativeIdentity.verified_at.is_(None),
            RepresentativeIdentity.found_false_at.is_(None),
            jurisdiction_clause(session, user, category=None, region_code=Organization.region_code),
        )
    ).one()
    if not waiting:
        return []
    return [
        Item(
            "verify_identities",
            N_("Verify legal representatives' identities (%(count)d waiting)"),
            "relations.regulator_page",
            params={"count": waiting},
        )
    ]


def cancellations_to_decide(
    user: User, *, session: Session, org: Organization, **_ignored
) -> list[Item]:
    """A regulator: applicants' requests to cancel an opened task, in its jurisdiction."""
    if org.kind != OrgKind.regulator:
        return []
    rows = session.exec(
        select(Task).where(
            Task.cancel_requested_at.is_not(None),
            Task.cancelled_at.is_(None),
            task_jurisdiction_clause(session, user),
        )
    ).all()
    return [
        Item(
            "approve_cancellation",
            N_("Decide on the request to cancel the task"),
            "tasks.cancellations",
            task_number=t.number,
            task_title=t.title,
        )
        for t in rows
    ]


#: How long before a year begins operators are asked to load its official calendar.
CALENDAR_NOTICE = timedelta(days=61)


def calendar_to_load(
    user: User, *, session: Session, org: Organization, now: datetime, **_ignored
) -> list[Item]:
    """An operator: the official holiday arrangement of the coming year, not loaded yet, from two
    months before it begins (deadlines in it would count weekends only), and of the current year
    if it is missing."""
    if org.kind != OrgKind.operator:
        return []
    today = shanghai_date(now)
    known = set(holidays.known_years(session))
    wanted = [today.year]
    if end_of_day(date(today.year, 12, 31)) - now <= CALENDAR_NOTICE:
        wanted.append(today.year + 1)
    return [
        Item(
            "load_calendar",
            N_("Load the official holiday arrangement for %(year)d"),
            "admin.calendar",
            due_at=end_of_day(date(year - 1, 12, 31)),
            params={"year": year},
        )
        for year in wanted
        if year not in known
    ]


def init_app(_app) -> None:
    """Connect the core's kinds (module-level handlers; connecting again changes nothing)."""
    for handler in (
        qualifications_to_verify,
        identities_to_verify,
        cancellations_to_decide,
        calendar_to_load,
    ):
        signals.action_items.connect(handler, weak=False)
