"""Reading tasks for pages and the API: who may see a task, and the lists each audience gets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from market import attachments, clock, lifecycle, serializers, signals, timeline, workdays
from market.models import (
    Funding,
    Method,
    Organization,
    ServiceItem,
    Task,
    TaskAmendment,
    TaskExclusion,
    User,
)
from market.models.attachments import Attachment
from market.models.catalog import CATEGORIES
from market.policy import Registry
from market.validation import N_, Checker, NotFound


def visible(viewer: User | None, task: Task) -> bool:
    """A draft is its applicant's alone; a published task is public."""
    if task.published_at is not None:
        return True
    return viewer is not None and viewer.organization_id == task.applicant_org_id


def load(session: Session, viewer: User | None, number: str) -> Task:
    task = session.exec(select(Task).where(Task.number == number)).first()
    if task is None or not visible(viewer, task):
        raise NotFound()
    return task


def open_if_due(session: Session, tasks: list[Task], policy: Registry) -> bool:
    """The lazy opening (docs/rules.md §4): announce each task whose deadline passed unopened; the
    bidding package opens it under the task's row lock, in this session's transaction, with its
    section of `policy` (the app's configured policy, which the handler passes).
    Returns True when something was announced, so the caller commits."""
    due = [t for t in tasks if lifecycle.allowed(t, "open")]
    for task in due:
        signals.task_due_for_opening.send(task, session=session, policy=policy)
    return bool(due)


def describe(session: Session, task: Task, *, with_timeline: bool = False) -> dict:
    """A task as its readers see it; a single task's representation (`with_timeline`) adds its
    timeline, which lists leave out."""
    item = session.get(ServiceItem, task.service_item_id)
    applicant = session.get(Organization, task.applicant_org_id)
    amendments = session.exec(
        select(TaskAmendment).where(TaskAmendment.task_id == task.id).order_by(TaskAmendment.id)
    ).all()
    exclusions = session.exec(
        select(TaskExclusion).where(TaskExclusion.task_id == task.id).order_by(TaskExclusion.id)
    ).all()
    return serializers.task(
        task,
        item,
        applicant,
        status=lifecycle.status(task),
        amendments=amendments,
        exclusions=exclusions,
        attachments=attachments.of_task(session, task),
        timeline=timeline.timeline(session, task, clock.now()) if with_timeline else None,
    )


def describe_list(session: Session, tasks: list[Task]) -> list[dict]:
    """`describe` for a list's rows (no timeline): five grouped reads whatever the number of
    tasks, the rows' order kept."""
    if not tasks:
        return []
    ids = [t.id for t in tasks]

    def by_task(model, *where) -> dict[int, list]:
        grouped: dict[int, list] = {i: [] for i in ids}
        query = select(model).where(model.task_id.in_(ids), *where).order_by(model.id)
        for row in session.exec(query):
            grouped[row.task_id].append(row)
        return grouped

    items = {
        i.id: i
        for i in session.exec(
            select(ServiceItem).where(ServiceItem.id.in_({t.service_item_id for t in tasks}))
        )
    }
    applicants = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_({t.applicant_org_id for t in tasks}))
        )
    }
    amendments = by_task(TaskAmendment)
    exclusions = by_task(TaskExclusion)
    files = by_task(Attachment, Attachment.owner_kind == attachments.TASK)
    return [
        serializers.task(
            t,
            items.get(t.service_item_id),
            applicants.get(t.applicant_org_id),
            status=lifecycle.status(t),
            amendments=amendments[t.id],
            exclusions=exclusions[t.id],
            attachments=files[t.id],
            timeline=None,
        )
        for t in tasks
    ]


#: The longest words a title search takes.
MAX_TITLE_SEARCH = 100
#: Rows per page: the default, and the most a reader may ask for.
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
#: A public list shows published tasks only: its status filter names no draft.
PUBLIC_STATUSES = tuple(s for s in lifecycle.STATUSES if s != lifecycle.DRAFT)
#: The deadline range a filter takes (a day outside it names no task, and a day past the last
#: representable one cannot be turned into an instant).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class TaskFilter:
    """What a task list is narrowed to, from its query string; None is "any". The deadline range
    is of Shanghai calendar days, both ends included."""

    status: str | None = None
    stage: str | None = None
    service_item: str | None = None
    category: str | None = None
    method: str | None = None
    funding: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    title: str | None = None

    def args(self) -> dict[str, str]:
        """The filter as query parameters, for the links of the other pages."""
        return {k: str(v) for k, v in asdict(self).items() if v is not None}


#: The query parameters a `TaskFilter` is read from.
FILTER_ARGS = tuple(TaskFilter.__dataclass_fields__)


def parse_filter(
    session: Session, args: Mapping[str, str], *, statuses: tuple[str, ...] = lifecycle.STATUSES
) -> TaskFilter:
    """A task list's filter from its query parameters (empty ones are absent); raises `Invalid`
    naming every parameter that is not one of its values."""
    check = Checker()
    raw = {name: (args.get(name) or "").strip() or None for name in FILTER_ARGS}

    def one_of(name: str, values) -> None:
        if raw[name] is not None and raw[name] not in values:
            check.add(name, N_("Unknown value %(value)s."), value=raw[name][:50])

    one_of("status", statuses)
    one_of("stage", timeline.STAGES)
    one_of("category", CATEGORIES)
    one_of("method", [m.value for m in Method])
    one_of("funding", [f.value for f in Funding])
    if (
        raw["service_item"] is not None
        and not session.exec(
            select(ServiceItem.id).where(ServiceItem.code == raw["service_item"][:32])
        ).first()
    ):
        check.add("service_item", N_("Unknown value %(value)s."), value=raw["service_item"][:50])
    start, end = (
        _deadline_day(check, name, raw[name]) for name in ("deadline_from", "deadline_to")
    )
    if start and end and end < start:
        check.add("deadline_to", N_("The end of the range is before its start."))
    title = None
    if raw["title"] is not None:
        title = check.text("title", raw["title"], max_length=MAX_TITLE_SEARCH, required=False)
    check.raise_if_any()
    return TaskFilter(
        status=raw["status"],
        stage=raw["stage"],
        service_item=raw["service_item"],
        category=raw["category"],
        method=raw["method"],
        funding=raw["funding"],
        deadline_from=start,
        deadline_to=end,
        title=title,
    )


def _deadline_day(check: Checker, name: str, value: str | None) -> date | None:
    day = check.date(name, value, required=False)
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        check.add(
            name,
            N_("Must be between %(first)s and %(last)s."),
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
        return None
    return day


def filtered(query, wanted: TaskFilter):
    """`query` (over Task) narrowed to `wanted`; the status is decided from timestamps now."""
    if wanted.service_item or wanted.category:
        query = query.join(ServiceItem, ServiceItem.id == Task.service_item_id)
        if wanted.service_item:
            query = query.where(ServiceItem.code == wanted.service_item)
        if wanted.category:
            query = query.where(ServiceItem.category == wanted.category)
    if wanted.status:
        query = query.where(lifecycle.status_clause(wanted.status, clock.now()))
    if wanted.stage:
        query = query.where(timeline.stage_clause(wanted.stage, clock.now()))
    if wanted.method:
        query = query.where(Task.method == wanted.method)
    if wanted.funding:
        query = query.where(Task.funding == wanted.funding)
    # A day's deadlines end it at the latest: 24:00, which is how a deadline is set and shown.
    if wanted.deadline_from:
        start = workdays.end_of_day(wanted.deadline_from - timedelta(days=1))
        query = query.where(Task.deadline_at > start)
    if wanted.deadline_to:
        query = query.where(Task.deadline_at <= workdays.end_of_day(wanted.deadline_to))
    if wanted.title:
        query = query.where(func.lower(Task.title).contains(wanted.title.lower(), autoescape=True))
    return query


@dataclass(frozen=True)
class Page:
    """One page of a list, newest task first: its rows, the number of rows of the whole filtered
    list, and the cursor (a task id) after which the next page starts, None on the last."""

    rows: list
    total: int
    next_cursor: int | None


def paged(
    session: Session,
    query,
    *,
    cursor: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page:
    """A page of `query` (whose rows carry a Task, ordered here by its id, newest first): after
    `cursor` (the API's next_cursor) or from `offset` (a page number's). Two reads: the rows and
    the count."""
    total = session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True))
    if cursor is not None:
        query = query.where(Task.id < cursor)
    rows = list(session.exec(query.order_by(Task.id.desc()).offset(offset).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if not (more and rows):
        return Page(rows, total, None)
    last = rows[-1] if isinstance(rows[-1], Task) else rows[-1][-1]  # (…, Task) rows: the task last
    return Page(rows, total, last.id)


def public_list(
    session: Session,
    wanted: TaskFilter = TaskFilter(),
    *,
    cursor: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page:
    """Published tasks, newest first, narrowed to `wanted`."""
    query = filtered(select(Task).where(Task.published_at.is_not(None)), wanted)
    return paged(session, query, cursor=cursor, offset=offset, limit=limit)


def of_applicant(
    session: Session,
    org_id: int,
    wanted: TaskFilter = TaskFilter(),
    *,
    cursor: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page:
    """The applicant's tasks, drafts included, newest first, narrowed to `wanted`."""
    query = filtered(select(Task).where(Task.applicant_org_id == org_id), wanted)
    return paged(session, query, cursor=cursor, offset=offset, limit=limit)


def list_counts(session: Session, tasks: list[Task]) -> dict[int, dict[str, int | None]]:
    """{task id: {count name: number}} from the packages that keep counts about tasks (one grouped
    read each, `signals.task_list_counts`); a count a reader may not know yet is None."""
    counts: dict[int, dict[str, int | None]] = {t.id: {} for t in tasks}
    if not tasks:
        return counts
    for _receiver, answer in signals.task_list_counts.send(tasks, session=session):
        for task_id, named in (answer or {}).items():
            counts[task_id].update(named)
    return counts


def awaiting_cancellation(session: Session) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.cancel_requested_at.is_not(None), Task.cancelled_at.is_(None))
            .order_by(Task.id)
        )
    )
