"""The honour roll's share of the demo (`seed demo`, after the other ratings demos): the monthly
computations of the last six months and this month's, each run by the real sweep function
(`ratings.honour.publish_roll`) with the clock set to 00:20 Shanghai on the month's 1st, so the
roll's page has its months, each agency's monthly grades are recorded, and the rule is applied to
the demo's facts as they stood then. Idempotent: a month already computed is left as it is."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, func, select

from market import clock, demo
from market.policy import Registry, registry_of
from ratings.credit import add_months
from ratings.honour import month_of, publish_roll, start_of
from ratings.models import HonourEntry, HonourRoll
from ratings.repair_demo import at as at_moment


def load_honour_demo(session: Session, *, registry: Registry) -> str:
    now = clock.now()
    this_month = month_of(now)
    published = 0
    for back in range(6, -1, -1):
        moment = start_of(add_months(this_month, -back)) + timedelta(minutes=20)
        if moment > now:
            continue
        with at_moment(moment):
            published += publish_roll(session, registry)
    if not published:
        return "honour roll demo already loaded"
    rolls = session.exec(select(func.count(HonourRoll.id))).one()
    entries = session.exec(select(func.count(HonourEntry.id))).one()
    return f"honour roll demo: {rolls} monthly rolls computed, {entries} entries"


def register_demo(app: Flask) -> None:
    demo.register(app, partial(load_honour_demo, registry=registry_of(app)))
