"""A real SMTP server on this machine (aiosmtpd), for the tests that follow a mail end to end.

`smtp_server()` starts one on a free local port and yields it; its `messages` are the mails it
received, parsed, in order. `reset_link(message)` finds the password-reset link in a mail.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        inbox.host, inbox.port = controller.hostname, controller.port
        yield inbox
    finally:
        controller.stop()


def reset_link(message: EmailMessage) -> str:
    match = re.search(r"https?://\S+/password/reset/\S+", message.get_content())
    assert match, message.get_content()
    return match.group(0)
