"""Request and response shapes of the notifications API (`market.notifications.api`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from market.api.schemas import Strict


class Notification(BaseModel):
    #: Its number among the user's own notifications (1, 2, …), for marking it read.
    id: int
    #: The registered kind (task_opened, result_published…).
    kind: str
    #: The task's number, if the notification is about one.
    task: str | None
    #: Translated in the reader's language (?lang=en or zh).
    subject: str
    body: str
    #: The page the notification leads to (the task's page unless its kind says otherwise).
    url: str | None
    created_at: str
    read_at: str | None
    #: When it was e-mailed; null while not (yet) mailed.
    mailed_at: str | None


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None
    total: int
    #: The user's unread notifications, whatever the filter.
    unread: int


class ReadAll(BaseModel):
    #: How many notifications this marked read.
    marked: int


class NotificationSettings(BaseModel):
    #: "E-mail me my notifications" (on unless turned off).
    mail_notifications: bool


class NotificationSettingsIn(Strict):
    mail_notifications: bool = Field(description="Whether to e-mail the user's notifications")
