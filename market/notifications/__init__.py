"""In-app notifications and their e-mail: the kinds upper packages register (`register_kind`),
making them (`notify`), reading and marking them (`services`), mailing them (`mailing`, a sweep),
the page (`views`) and the API (`api`)."""

from market.notifications.mailing import MAX_ATTEMPTS, mail_pending
from market.notifications.services import (
    KINDS,
    Kind,
    kind_of,
    mark_all_read,
    mark_read,
    message,
    notify,
    notify_orgs,
    of_user,
    register_kind,
    unread_count,
)

__all__ = [
    "KINDS",
    "MAX_ATTEMPTS",
    "Kind",
    "kind_of",
    "mail_pending",
    "mark_all_read",
    "mark_read",
    "message",
    "notify",
    "notify_orgs",
    "of_user",
    "register_kind",
    "unread_count",
]
