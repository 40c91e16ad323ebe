"""An agency's standing: its credit score and grade stored on its organization (docs/rules.md §6).

Market owns the columns (`Organization.credit_score_milli`, `grade`, `credit_computed_at`,
`credit_policy_version`); ratings alone writes them, here, from `ratings.credit.score`:

- **incrementally**, on `ratings.credit_events.credit_event_changed`, in the writer's transaction:
  only that agency's events are read and its standing recomputed as of now;
- **daily**, by the sweep `ratings.refresh_credit` (`refresh_due`): every agency with an event,
  as of now, since ratings decay and events expire with time alone;
- **in full**, by ``flask --app wsgi credit recompute`` (`recompute_all`): every agency's events
  streamed in one ordered read, one agency in memory at a time.

All three write only when the score, the grade or the policy version changed, append a
`CreditSnapshot` then (the grade history) and reindex the agency for search (the directory's
"credit" sort and grade filter), so running any of them again changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import event, exists, insert, update
from sqlmodel import Session, select

from market import clock, search
from market.db import Database
from market.jobs import each_due
from market.models import Organization, OrgKind
from market.policy import Registry, latest
from ratings.credit import CreditFile, Event, score
from ratings.credit_policy import DEFAULT_POLICY, SECTION, CreditPolicy
from ratings.models.credit import CreditEvent, CreditSnapshot
from ratings.signals import standing_changed

log = logging.getLogger(__name__)

#: The search index of agencies (`market.search.indexes.AGENCIES`).
AGENCY_INDEX = "agencies"
#: Where `ratings.init_app` attaches the app's policy registry getter (`Database.extensions`).
REGISTRY_GETTER = "ratings.policy_registry"


def as_event(row: CreditEvent) -> Event:
    return Event(row.kind, row.at, row.data or {}, row.voided_at, row.source)


def events_of(session: Session, agency_id: int) -> list[Event]:
    rows = session.execute(
        select(
            CreditEvent.kind,
            CreditEvent.at,
            CreditEvent.data,
            CreditEvent.voided_at,
            CreditEvent.source,
        )
        .where(CreditEvent.agency_id == agency_id)
        .order_by(CreditEvent.id)
    )
    return [
        Event(kind, at, data or {}, voided_at, source) for kind, at, data, voided_at, source in rows
    ]


def file_of(session: Session, agency_id: int, as_of: datetime, policy: CreditPolicy) -> CreditFile:
    """The agency's credit file as of `as_of`, from its events alone."""
    return score(events_of(session, agency_id), as_of, policy)


def policy_version(session: Session, registry: Registry) -> int | None:
    """The recorded version of the policy in force, None while it is not recorded yet."""
    row = latest(session)
    return row.version if row is not None and row.sha256 == registry.sha256 else None


def _changed(stored: tuple, file: CreditFile, version: int | None) -> bool:
    score_milli, grade, stored_version = stored
    return (score_milli, grade) != (file.score_milli, file.grade) or (
        version is not None and version != stored_version
    )


def _write(session: Session, agency_id: int, file: CreditFile, version, stored) -> None:
    """Store the new standing, append its snapshot and announce the change (`standing_changed`);
    `stored` is the row's (score_milli, grade, policy version) until now."""
    version = version if version is not None else stored[2]
    session.execute(
        update(Organization)
        .where(Organization.id == agency_id)
        .values(
            credit_score_milli=file.score_milli,
            grade=file.grade,
            credit_computed_at=file.as_of,
            credit_policy_version=version,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(CreditSnapshot).values(
            agency_id=agency_id,
            at=file.as_of,
            score_milli=file.score_milli,
            grade=file.grade,
            policy_version=version,
        )
    )
    standing_changed.send(
        agency_id,
        session=session,
        before=(stored[0], stored[1]),
        after=(file.score_milli, file.grade),
        at=file.as_of,
    )


def refresh(
    session: Session, agency_id: int, policy: CreditPolicy, version: int | None = None
) -> bool:
    """Recompute one agency's standing as of now; write it if it changed. Returns whether it did.
    Its search document is rebuilt when the transaction commits (once, however many of its
    events the transaction recorded)."""
    stored = session.execute(
        select(
            Organization.credit_score_milli,
            Organization.grade,
            Organization.credit_policy_version,
        ).where(Organization.id == agency_id)
    ).first()
    if stored is None:
        return False
    file = file_of(session, agency_id, clock.now(), policy)
    if not _changed(tuple(stored), file, version):
        return False
    _write(session, agency_id, file, version, tuple(stored))
    org = session.identity_map.get(session.identity_key(Organization, agency_id))
    if org is not None:
        session.expire(org, _STANDING)  # the copy this session holds is read again
    _reindex_at_commit(session, agency_id)
    return True


_STANDING = ["credit_score_milli", "grade", "credit_computed_at", "credit_policy_version"]
_PENDING = "ratings.reindex_agencies"


def _reindex_at_commit(session: Session, agency_id: int) -> None:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        event.listen(session, "before_commit", _reindex_pending)
        event.listen(session, "after_soft_rollback", _forget_pending)
    pending.add(agency_id)


def _reindex_pending(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        search.index_many(session, AGENCY_INDEX, sorted(pending))
        pending.clear()


def _forget_pending(session: Session, previous_transaction) -> None:
    session.info.get(_PENDING, set()).clear()


def registry_for(session: Session) -> Registry | None:
    """The policy registry of the app whose database made `session` (`ratings.init_app` attaches
    a getter to the database), None for a session made some other way."""
    database = Database.of(session)
    getter = database.extensions.get(REGISTRY_GETTER) if database is not None else None
    return getter() if getter is not None else None


def on_credit_event_changed(event: CreditEvent, *, session: Session, **_ignored) -> None:
    """`credit_event_changed` handler: the agency's standing follows its events in the same
    transaction, under the app's credit policy (the defaults for a session of no app)."""
    registry = registry_for(session)
    if registry is None:
        refresh(session, event.agency_id, DEFAULT_POLICY)
        return
    refresh(
        session, event.agency_id, registry.section(SECTION.name), policy_version(session, registry)
    )


def refresh_due(session: Session, registry: Registry, chunk: int = 500) -> int:
    """Sweep: recompute, as of now, every agency with a credit event; returns how many changed.

    `each_due` leaves out the rows it already took by listing them in the query, which grows with
    every row; the agencies are therefore taken `chunk` ids at a time (each chunk its own
    `each_due`), so a run stays linear in the number of agencies."""
    policy = registry.section(SECTION.name)
    version = policy_version(session, registry)
    with_events = (
        Organization.kind == OrgKind.agency,
        exists().where(CreditEvent.agency_id == Organization.id),
    )
    acted, low = 0, 0
    while True:
        ids = session.exec(
            select(Organization.id)
            .where(*with_events, Organization.id > low)
            .order_by(Organization.id)
            .limit(chunk)
        ).all()
        if not ids:
            return acted
        due = select(Organization).where(
            *with_events, Organization.id > low, Organization.id <= ids[-1]
        )
        acted += each_due(
            session,
            due,
            lambda s, org: refresh(s, org.id, policy, version),
            key=Organization.id,
            label="credit standing of agency",
            log=log,
        )
        low = ids[-1]


def _grouped(session: Session, batch: int) -> Iterator[tuple[int, tuple, list[Event]]]:
    """Each agency with events, its stored standing and its events: one ordered, streamed read."""
    rows = session.execute(
        select(
            CreditEvent.agency_id,
            CreditEvent.kind,
            CreditEvent.at,
            CreditEvent.data,
            CreditEvent.voided_at,
            CreditEvent.source,
            Organization.credit_score_milli,
            Organization.grade,
            Organization.credit_policy_version,
        )
        .join(Organization, Organization.id == CreditEvent.agency_id)
        .order_by(CreditEvent.agency_id, CreditEvent.id)
        .execution_options(yield_per=batch)
    )
    current, stored, events = None, None, []
    for agency_id, kind, at, data, voided_at, source, score_milli, grade, version in rows:
        if agency_id != current:
            if current is not None:
                yield current, stored, events
            current, stored, events = agency_id, (score_milli, grade, version), []
        events.append(Event(kind, at, data or {}, voided_at, source))
    if current is not None:
        yield current, stored, events


def recompute_all(
    session: Session, policy: CreditPolicy, version: int | None, batch: int = 1000
) -> tuple[int, int]:
    """Every agency with events recomputed as of now in one pass over the events (ordered by
    agency, streamed `batch` rows at a time; one agency's events in memory at a time), changes
    written as they are found and reindexed `batch` agencies at a time. Returns (agencies,
    changed). The caller commits."""
    now = clock.now()
    seen = changed = 0
    pending: list[int] = []
    for agency_id, stored, events in _grouped(session, batch):
        seen += 1
        file = score(events, now, policy)
        if _changed(stored, file, version):
            _write(session, agency_id, file, version, tuple(stored))
            changed += 1
            pending.append(agency_id)
        if len(pending) >= batch:
            _reindex(session, pending)
    _reindex(session, pending)
    return seen, changed


def _reindex(session: Session, agency_ids: list[int]) -> None:
    if agency_ids:
        search.index_many(session, AGENCY_INDEX, agency_ids)
        session.expunge_all()  # what the index read is not kept: memory stays bounded
        agency_ids.clear()


def on_credit_as_of(agency_ids: list[int], *, session: Session, at: datetime, **_ignored) -> dict:
    """`bidding.signals.credit_as_of` handler: the score as of `at` (a `scoring` task's deadline)
    of each agency that has credit events, computed from them under the app's credit policy; an
    agency without any keeps its stored standing (the base score, unless set otherwise)."""
    registry = registry_for(session)
    policy = registry.section(SECTION.name) if registry is not None else DEFAULT_POLICY
    with_events = session.exec(
        select(CreditEvent.agency_id).where(CreditEvent.agency_id.in_(agency_ids)).distinct()
    ).all()
    return {a: file_of(session, a, at, policy).score_milli for a in sorted(with_events)}
