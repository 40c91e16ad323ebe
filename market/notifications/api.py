"""The notifications API: the user's own notifications, newest first, and marking them read;
someone else's notification is not found (404), like one that does not exist."""

from __future__ import annotations

from flask import jsonify, request

from market.api import api
from market.api.openapi import operation
from market.api.problems import parse_body
from market.notifications import schemas as s
from market.notifications import services
from market.notifications.views import shown
from market.validation import N_, Invalid, Message
from market.web import acting_user, db, list_cursor, unit_of_work


def _json(row) -> dict:
    out = shown(row)
    for name in ("created_at", "read_at", "mailed_at"):
        out[name] = out[name].isoformat() if out[name] is not None else None
    return out


def _unread_only() -> bool:
    raw = request.args.get("unread", "")
    if raw not in ("", "0", "1"):
        raise Invalid({"unread": [Message(N_("Use 1 for unread notifications only, or 0."))]})
    return raw == "1"


@operation(
    api,
    "/notifications",
    "GET",
    summary="My notifications, newest first, in the reader's language; unread=1 for the unread "
    "only",
    tag="notifications",
    response=s.NotificationPage,
    query={
        "unread": "1: only the unread ones; 0 or absent: all",
        "cursor": "from next_cursor",
        "limit": "1–100 (20 unless given)",
    },
    auth=True,
)
def list_notifications():
    user = acting_user()
    unread = _unread_only()
    cursor, limit = list_cursor()
    found = services.of_user(db(), user, unread=unread, cursor=cursor, limit=limit)
    return jsonify(
        {
            "items": [_json(r) for r in found.rows],
            "next_cursor": str(found.next_cursor) if found.next_cursor is not None else None,
            "total": found.total,
            "unread": services.unread_count(db(), user),
        }
    )


@operation(
    api,
    "/notifications/<int:notification_id>/read",
    "POST",
    summary="Mark my notification of that number read (again: no change); numbers count each "
    "user's own notifications",
    tag="notifications",
    response=s.Notification,
    auth=True,
)
def read_notification(notification_id: int):
    with unit_of_work():
        row = services.mark_read(db(), acting_user(), notification_id)
    return jsonify(_json(row))


@operation(
    api,
    "/notifications/read-all",
    "POST",
    summary="Mark all my notifications read",
    tag="notifications",
    response=s.ReadAll,
    auth=True,
)
def read_all_notifications():
    with unit_of_work():
        marked = services.mark_all_read(db(), acting_user())
    return jsonify({"marked": marked})


@operation(
    api,
    "/notifications/settings",
    "GET",
    summary="Whether my notifications are e-mailed to me",
    tag="notifications",
    response=s.NotificationSettings,
    auth=True,
)
def notification_settings():
    return jsonify({"mail_notifications": acting_user().mail_notifications})


@operation(
    api,
    "/notifications/settings",
    "PUT",
    summary="Turn the e-mailing of my notifications on or off",
    tag="notifications",
    body=s.NotificationSettingsIn,
    response=s.NotificationSettings,
    auth=True,
)
def change_notification_settings():
    data = parse_body(s.NotificationSettingsIn)
    with unit_of_work():
        user = services.set_mail_preference(db(), acting_user(), data.mail_notifications)
    return jsonify({"mail_notifications": user.mail_notifications})
