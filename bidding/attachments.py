"""Bid attachments: an agency's files for its sealed bid (docs/rules.md §5).

Sealed like the bid: before opening, a bid file can be read by its agency alone; from opening on,
by the applicant and regulators too, when it belongs to a bid standing at the deadline (a bid's
attachments are the SHA-256 values in its receipt). Anyone else gets the same 404 as for a file that
does not exist; `bidding.visibility.readable_bid_file` decides. Uploading reveals nothing to others: the answer depends only on the uploader's own
files (the store is content-addressed, so a file another agency also uploaded looks new), and
nothing is written to the audit log.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from bidding import visibility
from bidding.sealed import open_task_for, own_bid
from market import attachments
from market.accounts import require_kind
from market.models import OrgKind, Task, User
from market.models.attachments import Attachment
from market.tasks import get_task
from market.validation import N_, Forbidden, NotFound


def upload(
    session: Session,
    actor: User,
    number: str,
    filename: object,
    data: bytes,
    upload_dir,
    policy: attachments.AttachmentPolicy | None = None,
) -> Attachment:
    """Store a file for the actor's agency's bid on an open task (lock first, then the clock,
    like a bid). Its SHA-256 then goes into the bid's `attachment_sha256s`, which accepts only
    the agency's own uploads for the task (`bidding.sealed`)."""
    task, agency, _now = open_task_for(session, actor, number)
    return attachments.add_for_bid(
        session,
        task,
        agency.id,
        filename,
        data,
        upload_dir,
        policy or attachments.AttachmentPolicy(),
    )


def upload_many(
    session: Session,
    actor: User,
    number: str,
    files: list[tuple[object, bytes]],
    upload_dir,
    policy: attachments.AttachmentPolicy | None = None,
) -> list[Attachment]:
    """Several files at once, all or none (the caller's unit of work rolls back on a refusal)."""
    if not files:
        files = [(None, b"")]  # refused on the `file` field like a form sent without one
    return [
        upload(session, actor, number, filename, data, upload_dir, policy)
        for filename, data in files
    ]


def remove(session: Session, actor: User, number: str, sha256: str) -> Attachment:
    """Take back one of the agency's files for its bid while the task is open (lock first, then
    the clock, like a bid). A file the standing bid attaches stays until a change of the bid
    leaves it out: the receipt commits to it. The bytes stay in the content-addressed store,
    which other rows may share; only the agency's link to the file goes."""
    task, agency, _now = open_task_for(session, actor, number)
    row = next(
        (a for a in attachments.bid_files(session, task, agency.id) if a.sha256 == sha256), None
    )
    if row is None:
        raise NotFound()
    bid = own_bid(session, actor, number)
    if bid is not None and bid.withdrawn_at is None and sha256 in (bid.attachments or []):
        raise Forbidden(
            N_(
                "Your standing bid attaches this file: change your bid without it first, "
                "then remove it."
            )
        )
    session.delete(row)
    session.flush()
    return row


def mine(session: Session, actor: User, number: str) -> list[Attachment]:
    agency = require_kind(session, actor, OrgKind.agency)
    return attachments.bid_files(session, get_task(session, number), agency.id)


def readable(
    session: Session, viewer: User | None, task: Task, sha256: str, upload_dir
) -> tuple[Attachment, Path]:
    """The bid file `sha256` of `task` if `viewer` may read it, and where its bytes are."""
    path = attachments.path_for(upload_dir, sha256)
    found = visibility.readable_bid_file(
        session, visibility.reader_of(session, viewer, task), task, sha256
    )
    if not path.is_file():
        raise NotFound()
    return found, path
