"""The mail sweep: each notification not yet mailed goes by the mail seam (`market.mail`) to its
user, one message per notification, in the user's language (Chinese: the platform keeps no other
preference), unless the user has no address or turned the mail off.

Every 30 s (`market.jobs`). A row is claimed under its lock (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, as the search outbox does), so two scheduler processes never mail it twice; a mail the
server refused keeps its error and is tried again by the next sweep, `MAX_ATTEMPTS` times at most,
after which it stays unsent with its error for operators to see. A server that cannot be reached
ends the sweep at the first row (the others are not counted as tried). Running the sweep again
sends nothing twice: a sent row has `mailed_at`. The claimed rows stay locked while their mail is
sent, so a sweep never sends what another is sending.
"""

from __future__ import annotations

import smtplib

from flask import current_app
from flask_babel import force_locale, gettext
from sqlmodel import Session, col, select

from market import clock, mail
from market.models import Notification, User
from market.notifications.services import message

MAX_ATTEMPTS = 5
BATCH = 200
#: The language of the mail: the user model keeps no preferred language yet.
MAIL_LANGUAGE = "zh"


def _claim(session: Session) -> list[tuple[Notification, User]]:
    query = (
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(
            col(Notification.mailed_at).is_(None),
            Notification.mail_attempts < MAX_ATTEMPTS,
            col(User.mail_notifications).is_(True),
            col(User.disabled_at).is_(None),
            User.email != "",
        )
        .order_by(Notification.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Notification, skip_locked=True)
    return list(session.exec(query))


def _text(row: Notification) -> tuple[str, str]:
    with force_locale(MAIL_LANGUAGE):
        shown = message(row, gettext)
        footer = gettext(
            "You receive this because you have an account on the platform; turn these mails off "
            "on your account page."
        )
    return shown.subject, f"{shown.body}\n\n{footer}\n"


def mail_pending(session: Session) -> int:
    """The sweep: mail every notification due; returns how many were sent."""
    sent = 0
    for row, user in _claim(session):
        subject, body = _text(row)
        outgoing = mail.compose(user.email, subject, body)
        row.mail_attempts += 1
        try:
            mail.mailer().send(outgoing)
        except (OSError, smtplib.SMTPException) as exc:
            row.mail_error = f"{type(exc).__name__}: {exc}"[:2000]
            session.add(row)
            current_app.logger.warning("notification %s not mailed: %s", row.id, row.mail_error)
            if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                # The server is unreachable: the rest waits for the next sweep, untried, rather
                # than hold this transaction through one time-out per row.
                break
            continue
        row.mailed_at = clock.now()
        row.mail_error = None
        sent += 1
        session.add(row)
    session.flush()
    return sent
