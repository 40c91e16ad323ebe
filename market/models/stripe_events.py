"""Stripe's webhook events as received (docs/rules.md §7): stored by Stripe's event id, so an event
delivered twice is processed once (`market.payments.webhooks`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class StripeEvent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=255)
    type: str = Field(max_length=64)
    #: When Stripe made the event (its `created`), and when the platform received and processed it.
    stripe_created_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: What processing did: "applied", or why it changed nothing ("ignored: …").
    outcome: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
