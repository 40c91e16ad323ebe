"""Questions about a task and objections to its announcement (docs/rules.md §4). Services over a SQLModel
session, no Flask.

- **Questions**: any listed agency may ask while the task is open, until one working day before
  the deadline (`questions_close_at`); the applicant answers, and every answer is public. The asker
  stays anonymous: its organization is stored, but shown to nobody but itself.
- **Objections**: any listed agency may object to the announcement's conditions until the deadline;
  the applicant replies. The objector is shown to the applicant and regulators from opening on
  (`bidding.visibility.sees_objector`): before, it would tell them who is likely to bid.

**What the audit log may say.** Asking, like bidding, must not tell anyone reading the log
(regulators, operators, a leaked export) which agencies take an interest in a task before it is
opened: a question or an objection is recorded with its own id and *no actor*. The applicant's
answers and replies carry the applicant's user and organization, which are public anyway.

**The lock comes first, then the clock**, as for bids (`bidding.sealed`): each write takes the
task's row lock and only then reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bidding import notifying
from bidding.locking import lock_task
from bidding.models import AnnouncementObjection, TaskQuestion
from market import audit, clock, holidays, lifecycle
from market.models import Organization, OrgKind, Task, User
from market.validation import N_, Checker, Forbidden, Message, NotFound
from market.workdays import WorkCalendar, end_of_day, shanghai_date

MAX_QUESTION_CHARS = 2_000
MAX_ANSWER_CHARS = 5_000
MAX_OBJECTION_CHARS = 5_000

QUESTION_ASKED, QUESTION_ANSWERED = "task.question_asked", "task.question_answered"
OBJECTION_SUBMITTED, OBJECTION_REPLIED = "task.objection_submitted", "task.objection_replied"


# --- the period for questions ----------------------------------------------------------------------


def deadline_day(deadline_at: datetime) -> date:
    """The Shanghai day on which the deadline falls. A deadline at 24:00 of day D (stored as 00:00
    of D + 1, as `WorkCalendar.add_working_days` makes it) falls on D, not on D + 1."""
    return shanghai_date(deadline_at - timedelta(microseconds=1))


def last_question_day(calendar: WorkCalendar, deadline_at: datetime) -> date:
    """The last day on which questions are accepted: the working day before the deadline's day."""
    day = deadline_day(deadline_at) - timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def questions_close_at(calendar: WorkCalendar, deadline_at: datetime) -> datetime:
    """The end of the question period, as aware UTC: 24:00 (Asia/Shanghai) of the working day
    before the deadline's day. A question is accepted when asked strictly before this moment.

    E.g. with the deadline at 24:00 of Wednesday, questions close at 24:00 of Tuesday, so the whole
    of Wednesday (one working day) is left to read the answers; with the deadline at 24:00 of a
    Monday, questions close at 24:00 of the Friday before (or earlier, across holidays)."""
    return end_of_day(last_question_day(calendar, deadline_at))


# --- who may ask and object ------------------------------------------------------------------------


def _org(session: Session, actor: User | None) -> Organization:
    if actor is None:
        raise Forbidden(N_("Please log in first."))
    org = session.get(Organization, actor.organization_id)
    if org is None:
        raise Forbidden(N_("Please log in first."))
    return org


def _listed(org: Organization, now: datetime) -> bool:
    return org.listed_at is not None and (org.removed_at is None or org.removed_at > now)


def _asking_agency(session: Session, actor: User | None, now: datetime) -> Organization:
    org = _org(session, actor)
    if org.kind != OrgKind.agency:
        raise Forbidden(N_("Only agencies may ask questions about a task."))
    if not _listed(org, now):
        raise Forbidden(N_("Only agencies listed on the platform may ask questions."))
    return org


def _objecting_agency(session: Session, actor: User | None, now: datetime) -> Organization:
    org = _org(session, actor)
    if org.kind != OrgKind.agency:
        raise Forbidden(N_("Only agencies may object to the announcement's conditions."))
    if not _listed(org, now):
        raise Forbidden(N_("Only agencies listed on the platform may object to an announcement."))
    return org


def _applicant(session: Session, actor: User | None, task: Task, msgid: str) -> Organization:
    org = _org(session, actor)
    if org.id != task.applicant_org_id:
        raise Forbidden(msgid)
    return org


# --- questions ---------------------------------------------------------------------------------------


def ask_refusal(
    session: Session, task: Task, now: datetime, calendar: WorkCalendar | None = None
) -> Message | None:
    """Why nobody may ask about `task` at `now` (None: questions are open)."""
    if lifecycle.status(task, now) != lifecycle.OPEN:
        return Message(N_("Questions may be asked only while the task is open for bids."))
    calendar = calendar or holidays.load(session)
    if now >= questions_close_at(calendar, task.deadline_at):
        return Message(
            N_(
                "Questions closed at the end of %(day)s (Asia/Shanghai), one working "
                "day before the deadline."
            ),
            {"day": last_question_day(calendar, task.deadline_at).isoformat()},
        )
    return None


def ask(session: Session, actor: User | None, number: str, text: object) -> TaskQuestion:
    """A listed agency asks a question about an open task, until one working day before the
    deadline. Audited without the asker (see the module docstring)."""
    task = lock_task(session, number)
    now = clock.now()  # after the lock
    refusal = ask_refusal(session, task, now)
    if refusal is not None:
        raise Forbidden(refusal)
    org = _asking_agency(session, actor, now)
    checker = Checker()
    clean = checker.text("question", text, max_length=MAX_QUESTION_CHARS, multiline=True)
    checker.raise_if_any()
    row = TaskQuestion(task_id=task.id, asked_at=now, asker_org_id=org.id, question=clean)
    session.add(row)
    session.flush()
    audit.record(session, QUESTION_ASKED, "task_question", row.id, {"task": task.number})
    return row


def _question(session: Session, task: Task, question_id: int) -> TaskQuestion:
    row = session.get(TaskQuestion, question_id) if isinstance(question_id, int) else None
    if row is None or row.task_id != task.id:
        raise NotFound()
    return row


def answer(
    session: Session, actor: User | None, number: str, question_id: int, text: object
) -> TaskQuestion:
    """The applicant answers a question, publicly and once, before the deadline."""
    task = lock_task(session, number)
    now = clock.now()
    row = _question(session, task, question_id)
    org = _applicant(session, actor, task, N_("Only the task's applicant may answer questions."))
    if row.answered_at is not None:
        raise Forbidden(N_("This question is already answered."))
    if lifecycle.status(task, now) != lifecycle.OPEN:
        raise Forbidden(
            N_("Answers can be published only while the task is open, before the deadline.")
        )
    checker = Checker()
    clean = checker.text("answer", text, max_length=MAX_ANSWER_CHARS, multiline=True)
    checker.raise_if_any()
    row.answer, row.answered_at = clean, now
    session.add(row)
    session.flush()
    audit.record(
        session,
        QUESTION_ANSWERED,
        "task_question",
        row.id,
        {"task": task.number},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    notifying.question_answered(session, task, row)
    return row


def task_questions(session: Session, task: Task) -> list[TaskQuestion]:
    return list(
        session.exec(
            select(TaskQuestion)
            .where(TaskQuestion.task_id == task.id)
            .order_by(TaskQuestion.asked_at, TaskQuestion.id)
        )
    )


# --- objections --------------------------------------------------------------------------------------


def unanswered_counts(session: Session, tasks: list[Task]) -> dict[int, int]:
    """{task id: how many of its questions await an answer}, one grouped read."""
    counts = {t.id: 0 for t in tasks}
    for task_id, n in session.exec(
        select(TaskQuestion.task_id, func.count())
        .where(TaskQuestion.task_id.in_(list(counts)), TaskQuestion.answered_at.is_(None))
        .group_by(TaskQuestion.task_id)
    ):
        counts[task_id] = n
    return counts


def object_refusal(task: Task, now: datetime) -> Message | None:
    """Why nobody may object to `task`'s announcement at `now` (None: objections are open)."""
    status = lifecycle.status(task, now)
    if status == lifecycle.OPEN:
        return None
    if task.deadline_at is not None and now >= task.deadline_at and task.published_at:
        return Message(N_("Objections to the announcement are accepted only until the deadline."))
    return Message(N_("This task is not open for objections."))


def submit_objection(
    session: Session, actor: User | None, number: str, text: object
) -> AnnouncementObjection:
    """A listed agency objects to the announcement's conditions, until the deadline. Audited
    without the objector (see the module docstring)."""
    task = lock_task(session, number)
    now = clock.now()
    refusal = object_refusal(task, now)
    if refusal is not None:
        raise Forbidden(refusal)
    org = _objecting_agency(session, actor, now)
    checker = Checker()
    clean = checker.text("text", text, max_length=MAX_OBJECTION_CHARS, multiline=True)
    checker.raise_if_any()
    row = AnnouncementObjection(
        task_id=task.id, objector_org_id=org.id, text=clean, submitted_at=now
    )
    session.add(row)
    session.flush()
    audit.record(
        session, OBJECTION_SUBMITTED, "announcement_objection", row.id, {"task": task.number}
    )
    return row


def _objection(session: Session, task: Task, objection_id: int) -> AnnouncementObjection:
    row = (
        session.get(AnnouncementObjection, objection_id) if isinstance(objection_id, int) else None
    )
    if row is None or row.task_id != task.id:
        raise NotFound()
    return row


def reply(
    session: Session, actor: User | None, number: str, objection_id: int, text: object
) -> AnnouncementObjection:
    """The applicant replies to an objection, publicly and once."""
    task = lock_task(session, number)
    now = clock.now()
    row = _objection(session, task, objection_id)
    org = _applicant(session, actor, task, N_("Only the task's applicant may reply to objections."))
    if row.replied_at is not None:
        raise Forbidden(N_("This objection already has a reply."))
    checker = Checker()
    clean = checker.text("reply", text, max_length=MAX_ANSWER_CHARS, multiline=True)
    checker.raise_if_any()
    row.reply, row.replied_at = clean, now
    session.add(row)
    session.flush()
    audit.record(
        session,
        OBJECTION_REPLIED,
        "announcement_objection",
        row.id,
        {"task": task.number},
        actor_user_id=actor.id,
        actor_org_id=org.id,
    )
    return row


def task_objections(session: Session, task: Task) -> list[AnnouncementObjection]:
    return list(
        session.exec(
            select(AnnouncementObjection)
            .where(AnnouncementObjection.task_id == task.id)
            .order_by(AnnouncementObjection.submitted_at, AnnouncementObjection.id)
        )
    )
