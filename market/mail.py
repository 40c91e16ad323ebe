"""The mail seam: how the platform sends an e-mail, chosen by configuration.

With `MAIL_SMTP_HOST` set, mail goes to that SMTP server (`MAIL_SMTP_PORT`, default 25; sender
`MAIL_FROM`). Without it (a laptop, `make run`) nothing leaves the machine: each message is
written as an `.eml` file to `MAIL_DIR` (instance/mail), and the pages that send mail say so in
debug mode. Nothing here knows the domain: a service builds the message, the edge sends it.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from market import clock

EXTENSION = "market.mailer"
log = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


@dataclass(frozen=True)
class FileMailer:
    """Writes each message to a folder instead of sending it (the embedded default)."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Nothing of the address goes into the name (its local part may hold a slash), and a
        # random part keeps two messages of the same instant apart.
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        path.write_bytes(bytes(message))
        log.info("mail to %s written to %s", message["To"], path)


def init_app(app: Flask) -> None:
    host = app.config.get("MAIL_SMTP_HOST") or ""
    if host:
        app.extensions[EXTENSION] = SmtpMailer(host, int(app.config.get("MAIL_SMTP_PORT") or 25))
    else:
        app.extensions[EXTENSION] = FileMailer(Path(app.config["MAIL_DIR"]))


def mailer() -> Mailer:
    return current_app.extensions[EXTENSION]


def writes_to_folder() -> Path | None:
    """The folder mail is written to instead of being sent, if so (shown on pages in debug)."""
    return writes_to_folder_of(current_app)


def writes_to_folder_of(app: Flask) -> Path | None:
    m = app.extensions[EXTENSION]
    return m.directory if isinstance(m, FileMailer) else None


def compose(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the platform's sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text message; False (and logged) if the mail server refused or is down, so a
    page answers the same whatever became of the mail. (A sender that retries, the notification
    sweep, sends `compose`'s message by `mailer()` itself and keeps the error.)"""
    message = compose(to, subject, body)
    try:
        mailer().send(message)
    except (OSError, smtplib.SMTPException):
        log.exception("mail to %s not sent", to)
        return False
    return True
