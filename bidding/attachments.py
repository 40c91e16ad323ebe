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
from bidding.sealed import open_task_for
from market import attachments
from market.accounts import require_kind
from market.models import OrgKind, Task, User
from market.models.attachments import Attachment
from market.tasks import get_task
from market.validation import NotFound


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
