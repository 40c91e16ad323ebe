"""The one seam of the credit file: an event is written once per source, voided once, and each
change is announced in the writer's transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market import clock
from ratings import credit_events
from ratings.models.credit import ON_TIME


def test_an_event_is_written_once_and_voided_once(db, make, frozen):
    agency = make.agency()
    heard = []

    def note(event, *, session, **_):
        heard.append((event.source, event.voided_at))

    credit_events.credit_event_changed.connect(note)
    try:
        at = clock.now() - timedelta(days=1)
        first = credit_events.record(db, agency.organization_id, ON_TIME, at, "contract:1:on_time")
        again = credit_events.record(db, agency.organization_id, ON_TIME, at, "contract:1:on_time")
        assert again.id == first.id
        credit_events.void(db, "contract:1:on_time")
        credit_events.void(db, "contract:1:on_time")
    finally:
        credit_events.credit_event_changed.disconnect(note)
    assert heard == [("contract:1:on_time", None), ("contract:1:on_time", clock.now())]
    assert first.voided_at == clock.now()
    assert credit_events.void(db, "contract:2:on_time") is None


def test_an_unknown_kind_is_a_mistake(db, make):
    with pytest.raises(ValueError, match="unknown credit event kind 'bonus'"):
        credit_events.record(db, make.agency().organization_id, "bonus", clock.now(), "x:1")
