"""Notifications: the kinds that upper packages register, making them, reading and marking them.

A notification tells one user a fact about their work ("task X was opened"). A package declares
each kind it sends once, with `register_kind`; `notify` makes one row per recipient in the
caller's transaction. The row keeps the kind and the few values its message needs, never the
message: the message is translated when it is shown (`message`, at the edge), in the reader's
language, so a notification made while the platform spoke Chinese reads in English to a reader who
chose English. Nothing here knows Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, Integer, String, func, literal, update
from sqlmodel import Session, col, select

from market import clock
from market.db import UTCDateTime, in_ids
from market.models import Notification, Task, User
from market.validation import NotFound
from market.workdays import SHANGHAI

#: A link's target: a Flask endpoint and its arguments (the edge builds the URL), or None.
Link = tuple[str, dict] | None


def task_link(data: dict) -> Link:
    """The default link: the task page of the notification's task, if it names one."""
    return ("tasks.task_detail", {"number": data["task"]}) if data.get("task") else None


@dataclass(frozen=True)
class Kind:
    name: str
    #: Untranslated msgids (marked with N_), formatted with the notification's data.
    subject: str
    body: str
    link: Callable[[dict], Link] = task_link


KINDS: dict[str, Kind] = {}
MAX_KIND = 40


def register_kind(
    kind: str, *, subject: str, body: str, link: Callable[[dict], Link] = task_link
) -> Kind:
    """Declare a kind of notification: its subject and body (msgids marked with `N_`, with
    `%(name)s` placeholders filled from the notification's data) and its link (from the data to
    an endpoint and its arguments; the task page by default). Declaring a kind twice with the same
    texts is harmless (a module imported again); with other texts it is a mistake."""
    if not kind or len(kind) > MAX_KIND:
        raise ValueError(f"a notification kind is 1 to {MAX_KIND} characters: {kind!r}")
    entry = Kind(kind, subject, body, link)
    existing = KINDS.get(kind)
    if existing is not None and (existing.subject, existing.body) != (subject, body):
        raise ValueError(f"notification kind {kind!r} is already registered with other texts")
    KINDS[kind] = entry
    return entry


def kind_of(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(
            f"unknown notification kind {kind!r}: declare it with "
            "market.notifications.register_kind first"
        ) from None


def notify(
    session: Session,
    kind: str,
    *,
    users: Iterable[User] | None = None,
    org_id: int | None = None,
    task: Task | None = None,
    data: dict | None = None,
) -> list[Notification]:
    """Make one notification of `kind` per recipient: each of `users`, or every enabled member
    of the organization `org_id`. In the caller's transaction; never commits. Returns the rows.

    Only a service that knows the fact is already public to each recipient may call this: a
    notification must never tell anyone what is sealed from them (docs/rules.md §5) — a bid, a
    bidder, or how many bids there are before opening. The task's number and title are added to
    `data` when `task` is given.
    """
    kind_of(kind)  # an unknown kind is a programming error, refused before anything is written
    if (users is None) == (org_id is None):
        raise ValueError("notify needs either users or org_id")
    values = dict(data or {})
    if task is not None:
        values.setdefault("task", task.number)
        values.setdefault("title", task.title)
    if org_id is not None:
        recipients = list(
            session.exec(
                select(User)
                .where(User.organization_id == org_id, col(User.disabled_at).is_(None))
                .order_by(User.id)
            )
        )
    else:
        recipients = [u for u in users if u.disabled_at is None]
    now = clock.now()
    rows = [
        Notification(
            user_id=user.id,
            number=_next_number(session, user.id),
            org_id=user.organization_id,
            kind=kind,
            task_id=task.id if task is not None else None,
            data=values,
            created_at=now,
        )
        for user in sorted(recipients, key=lambda u: u.id)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _next_number(session: Session, user_id: int) -> int:
    """The user's next notification number, counted in one UPDATE: it holds the user's row until
    the transaction ends, so two transactions notifying the same user take turns instead of
    making the same number (recipients are taken in id order, so they never wait on each other
    in a circle)."""
    return session.execute(
        update(User)
        .where(User.id == user_id)
        .values(notifications_made=User.notifications_made + 1)
        .returning(User.notifications_made)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def notify_orgs(
    session: Session, kind: str, org_ids: Iterable[int], *, task: Task | None, data: dict | None
) -> int:
    """`notify` every enabled member of each organization of `org_ids` (each once); returns how
    many notifications were made.

    Three statements whatever the number of organizations (an opening notifies every bidder):
    the recipients are read at once, their rows locked in id order (as `_next_number` takes them
    one at a time, so two transactions never wait on each other in a circle), their counters
    moved by one UPDATE, and the rows inserted by one executemany.
    """
    kind_of(kind)
    orgs = list(dict.fromkeys(org_ids))
    if not orgs:
        return 0
    values = dict(data or {})
    if task is not None:
        values.setdefault("task", task.number)
        values.setdefault("title", task.title)
    recipients = list(
        session.exec(
            select(User.id, User.organization_id)
            .where(in_ids(session, User.organization_id, orgs), col(User.disabled_at).is_(None))
            .order_by(User.id)
            .with_for_update()
        )
    )
    if not recipients:
        return 0
    ids = [user_id for user_id, _org in recipients]
    session.execute(
        update(User)
        .where(in_ids(session, User.id, ids))
        .values(notifications_made=User.notifications_made + 1)
        .execution_options(synchronize_session=False)
    )
    # Each row is its user's row as just counted: one INSERT … SELECT, in user id order (the
    # rows' ids follow it), with the kind, task, data and time bound once, not once per row.
    users = User.__table__
    session.execute(
        Notification.__table__.insert().from_select(
            [
                "user_id",
                "number",
                "org_id",
                "kind",
                "task_id",
                "data",
                "created_at",
                "mail_attempts",
            ],
            select(
                users.c.id,
                users.c.notifications_made,
                users.c.organization_id,
                literal(kind, String),
                literal(task.id if task is not None else None, Integer),
                literal(values, JSON),
                literal(clock.now(), UTCDateTime),
                literal(0, Integer),
            )
            .where(in_ids(session, users.c.id, ids))
            .order_by(users.c.id),
        )
    )
    return len(recipients)


def shown_value(name: str, value: object) -> object:
    """A value of the data as a message shows it: a time (a key ending in `_at`, stored as an
    ISO string) in Asia/Shanghai, 24:00 for a midnight that ends a day."""
    if name.endswith("_at") and isinstance(value, str):
        try:
            local = datetime.fromisoformat(value).astimezone(SHANGHAI)
        except ValueError:
            return value
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            return (local - timedelta(days=1)).strftime("%Y-%m-%d 24:00")
        return local.strftime("%Y-%m-%d %H:%M")
    return value


@dataclass(frozen=True)
class Message:
    """A notification's texts, translated by `translate` (a gettext of the reader's language)."""

    subject: str
    body: str
    link: Link


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def message(row: Notification, translate: Callable[[str], str]) -> Message:
    kind = kind_of(row.kind)
    params = _Missing({k: shown_value(k, v) for k, v in (row.data or {}).items()})
    return Message(
        translate(kind.subject) % params, translate(kind.body) % params, kind.link(row.data or {})
    )


# --- reading and marking --------------------------------------------------------------------


def unread_count(session: Session, user: User) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, col(Notification.read_at).is_(None))
    ).one()


@dataclass(frozen=True)
class Page:
    rows: list[Notification]
    total: int
    #: The number of the page's last notification when more follow, else None.
    next_cursor: int | None


def of_user(
    session: Session,
    user: User,
    *,
    unread: bool = False,
    cursor: int | None = None,
    offset: int = 0,
    limit: int = 20,
) -> Page:
    """The user's notifications, newest first; `cursor` (a number from `next_cursor`: those
    before it) or `offset` pages through them."""
    where = [Notification.user_id == user.id]
    if unread:
        where.append(col(Notification.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(Notification).where(*where)).one()
    query = select(Notification).where(*where)
    if cursor is not None:
        query = query.where(Notification.number < cursor)
    rows = list(
        session.exec(
            query.order_by(col(Notification.number).desc()).offset(offset).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, total, rows[-1].number if more and rows else None)


def own(session: Session, user: User, number: int) -> Notification:
    """The user's notification of that number; there is no way to name another user's."""
    row = session.exec(
        select(Notification).where(Notification.user_id == user.id, Notification.number == number)
    ).first()
    if row is None:
        raise NotFound()
    return row


def mark_read(session: Session, user: User, number: int) -> Notification:
    row = own(session, user, number)
    if row.read_at is None:
        row.read_at = clock.now()
        session.add(row)
        session.flush()
    return row


def mark_all_read(session: Session, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, col(Notification.read_at).is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount


def set_mail_preference(session: Session, user: User, wanted: bool) -> User:
    """Turn the mailing of the user's notifications on or off."""
    user.mail_notifications = bool(wanted)
    session.add(user)
    session.flush()
    return user
