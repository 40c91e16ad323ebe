"""Attachments: PDF, PNG and JPEG files stored by their SHA-256 under UPLOAD_DIR.

The store is content-addressed (``UPLOAD_DIR/ab/cd/abcd…``), outside the web root: a file is only
ever served through a view that checks who may read it, never by the web server. A file is
accepted only when its content (magic bytes) *and* its name's extension say PDF, PNG or JPEG, when
it is not empty and not over the size limit, and while its owner has fewer than the maximum number
of files; each refusal has its own message. The original name is kept, sanitized, in `Attachment`.

Task attachments belong to the applicant: added to a draft, or to an open task with an entry in the
public change log. Bid attachments belong to one agency's bid on a task; who may read them is
decided by `bidding` (sealed until opening).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, func, select

from market import audit, clock, lifecycle, tasks
from market.config import ROOT
from market.models import Task, User
from market.models.attachments import BID, CONTRACT, DELIVERY, REPORT, TASK, Attachment
from market.validation import N_, Checker, Forbidden, NotFound

MIB = 1024 * 1024


@dataclass(frozen=True)
class AttachmentPolicy:
    """Default limits; a deployment overrides them in POLICY (attachment_max_bytes, …)."""

    attachment_max_bytes: int = 20 * MIB
    attachment_max_files: int = 10


#: content type → (magic bytes, accepted extensions)
TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')
MAX_NAME = 200

WRONG_TYPE = N_(
    "Only PDF, PNG and JPEG files are accepted, and the file name's extension must "
    "match the content."
)
TOO_LARGE = N_("The file is too large: at most %(mib)s MiB per file.")
TOO_MANY = N_("At most %(max)d files may be attached.")
EMPTY = N_("The file is empty.")
NOT_ATTACHABLE = N_("Files can be attached only to a draft or to an open task before its deadline.")
AMENDMENT_REASON = "attachment added"


def sniff(data: bytes) -> str | None:
    """The content type the file's first bytes prove, or None."""
    for content_type, (magic, _) in TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


def sanitize_filename(name: object) -> str:
    """A safe display and download name: no directories, control or shell/HTML-special
    characters, no leading dots, NFC, at most 200 characters (the extension kept)."""
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split()).lstrip(". ")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    ext = ext.lower()[:10]
    if not stem:
        stem = "attachment"
    keep = MAX_NAME - (len(ext) + 1 if ext else 0)
    return f"{stem[:keep]}.{ext}" if ext else stem[:MAX_NAME]


def check_file(filename: object, data: bytes, policy: AttachmentPolicy) -> tuple[str, str]:
    """Return (content type, sanitized name) or raise Invalid on the field "file"."""
    c = Checker()
    if not data:
        c.add("file", EMPTY)
        c.raise_if_any()
    name = sanitize_filename(filename)
    content_type = sniff(data)
    extension = os.path.splitext(name)[1].lower()
    if content_type is None or extension not in TYPES[content_type][1]:
        c.add("file", WRONG_TYPE)
    if len(data) > policy.attachment_max_bytes:
        mib = policy.attachment_max_bytes / MIB
        c.add("file", TOO_LARGE, mib=f"{mib:g}")
    c.raise_if_any()
    return content_type, name


def path_for(upload_dir: str | os.PathLike, sha256: str) -> Path:
    if not _SHA256.fullmatch(sha256 or ""):
        raise NotFound()
    return Path(upload_dir) / sha256[:2] / sha256[2:4] / sha256


def _outside_web_root(upload_dir: Path) -> None:
    base = upload_dir.resolve()
    for web_root in (ROOT / "market" / "static", ROOT / "templates"):
        if base == web_root.resolve() or web_root.resolve() in base.parents:
            raise RuntimeError(f"UPLOAD_DIR {base} is inside the web root {web_root}")


def store(upload_dir: str | os.PathLike, data: bytes) -> str:
    """Write the bytes once under their SHA-256 (atomically); return the hex digest."""
    _outside_web_root(Path(upload_dir))
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(upload_dir, digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest


def _add(
    session: Session,
    task: Task,
    kind: str,
    org_id: int,
    filename: object,
    data: bytes,
    upload_dir,
    policy: AttachmentPolicy,
    *,
    count_per_owner: bool = True,
) -> tuple[Attachment, bool]:
    """Check, store and record a file; returns (row, created). The same file twice is one row.
    Without `count_per_owner` the caller limits the number of files itself (per submission)."""
    content_type, name = check_file(filename, data, policy)
    digest = hashlib.sha256(data).hexdigest()
    owner = (
        Attachment.task_id == task.id,
        Attachment.owner_kind == kind,
        Attachment.uploaded_by_org_id == org_id,
    )
    existing = session.exec(select(Attachment).where(*owner, Attachment.sha256 == digest)).first()
    if existing is not None:
        return existing, False
    count = session.exec(select(func.count()).select_from(Attachment).where(*owner)).one()
    if count_per_owner and count >= policy.attachment_max_files:
        c = Checker()
        c.add("file", TOO_MANY, max=policy.attachment_max_files)
        c.raise_if_any()
    store(upload_dir, data)
    row = Attachment(
        sha256=digest,
        size=len(data),
        content_type=content_type,
        filename=name,
        uploaded_at=clock.now(),
        uploaded_by_org_id=org_id,
        owner_kind=kind,
        task_id=task.id,
    )
    session.add(row)
    session.flush()
    return row, True


def add_to_task(
    session: Session,
    actor: User,
    number: str,
    filename: object,
    data: bytes,
    upload_dir,
    policy: AttachmentPolicy = AttachmentPolicy(),
    task_policy=None,
) -> Attachment:
    """The applicant attaches a file to its draft, or to its open task as an amendment (a
    change-log entry, and the deadline extended like any amendment's when too little time is
    left)."""
    task = tasks.get_task(session, number, lock=True)
    applicant = tasks.require_owner(session, actor, task)
    now = clock.now()
    if not lifecycle.allowed(task, "attach", now):
        raise Forbidden(NOT_ATTACHABLE)
    row, created = _add(session, task, TASK, applicant.id, filename, data, upload_dir, policy)
    if not created:
        return row
    added = {"sha256": row.sha256, "filename": row.filename, "size": row.size}
    if lifecycle.allowed(task, "amend", now):
        tasks.record_amendment(
            session,
            task,
            reason=AMENDMENT_REASON,
            changes={"attachments": {"old": None, "new": f"{row.filename} ({row.sha256})"}},
            actor_user_id=actor.id,
            actor_org_id=applicant.id,
            policy=task_policy or tasks.TaskPolicy(),
            audit_action="task.attachment_added",
            audit_data=added,
            at=now,
        )
    else:
        audit.record(
            session,
            "task.attachment_added",
            "task",
            task.number,
            {**added, "deadline_extended_to": None},
            actor_user_id=actor.id,
            actor_org_id=applicant.id,
        )
    return row


def of_task(session: Session, task: Task) -> list[Attachment]:
    """The task's own files (never bid files), in upload order."""
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.task_id == task.id, Attachment.owner_kind == TASK)
            .order_by(Attachment.id)
        )
    )


def task_file(session: Session, task: Task, sha256: str, upload_dir) -> tuple[Attachment, Path]:
    """One of a task's files and where its bytes are; the caller has checked the task is
    visible to the reader."""
    path = path_for(upload_dir, sha256)
    row = session.exec(
        select(Attachment).where(
            Attachment.task_id == task.id,
            Attachment.owner_kind == TASK,
            Attachment.sha256 == sha256,
        )
    ).first()
    if row is None or not path.is_file():
        raise NotFound()
    return row, path


def add_for_bid(
    session: Session,
    task: Task,
    agency_id: int,
    filename: object,
    data: bytes,
    upload_dir,
    policy: AttachmentPolicy = AttachmentPolicy(),
) -> Attachment:
    """An agency's file for its bid on `task` (the caller, in `bidding`, checked the task is open
    and the actor an agency). Nothing is audit-logged: that would reveal a bidder before opening."""
    row, _ = _add(session, task, BID, agency_id, filename, data, upload_dir, policy)
    return row


def add_contract_document(
    session: Session,
    task: Task,
    org_id: int,
    filename: object,
    data: bytes,
    upload_dir,
    policy: AttachmentPolicy = AttachmentPolicy(),
) -> Attachment:
    """A contract document for `task`'s contract, uploaded by `org_id` (the caller, in `bidding`,
    checked who may and that it is a PDF); audited by the caller."""
    row, _ = _add(session, task, CONTRACT, org_id, filename, data, upload_dir, policy)
    return row


def add_delivery_file(
    session: Session,
    task: Task,
    kind: str,
    org_id: int,
    filename: object,
    data: bytes,
    upload_dir,
    policy: AttachmentPolicy = AttachmentPolicy(),
) -> Attachment:
    """A file of a task's contract: the agency's delivered work (`DELIVERY`) or the applicant's
    acceptance report (`REPORT`). The caller, in `bidding`, checked who may add it and limits the
    number of files of each submission (a delivery of every revision round may bring as many)."""
    if kind not in (DELIVERY, REPORT):
        raise ValueError(f"not a contract file kind: {kind!r}")
    row, _ = _add(
        session, task, kind, org_id, filename, data, upload_dir, policy, count_per_owner=False
    )
    return row


def stored_file(session: Session, row_id: int, upload_dir) -> tuple[Attachment, Path]:
    """An attachment row and where its bytes are; the caller decided the reader may have it."""
    row = session.get(Attachment, row_id)
    if row is None:
        raise NotFound()
    path = path_for(upload_dir, row.sha256)
    if not path.is_file():
        raise NotFound()
    return row, path


def contract_file(session: Session, task: Task, sha256: str) -> Attachment | None:
    """One of the files of `task`'s contract (delivered work or acceptance report), or None."""
    return session.exec(
        select(Attachment)
        .where(
            Attachment.task_id == task.id,
            Attachment.owner_kind.in_((DELIVERY, REPORT)),
            Attachment.sha256 == sha256,
        )
        .order_by(Attachment.id)
    ).first()


def bid_files(session: Session, task: Task, agency_id: int | None = None) -> list[Attachment]:
    query = select(Attachment).where(Attachment.task_id == task.id, Attachment.owner_kind == BID)
    if agency_id is not None:
        query = query.where(Attachment.uploaded_by_org_id == agency_id)
    return list(session.exec(query.order_by(Attachment.id)))


def describe(row: Attachment) -> dict:
    return {
        "sha256": row.sha256,
        "filename": row.filename,
        "size": row.size,
        "content_type": row.content_type,
        "uploaded_at": row.uploaded_at.isoformat(),
    }
