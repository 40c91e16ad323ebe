"""Facts the rooms of `ratings` announce to each other (docs/architecture.md, "Signals").

Each is sent inside the sender's transaction; handlers are module-level functions connected with
``weak=False`` in `ratings.init_app`, run in that transaction and never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender=agency id (int); session=Session, before=(score_milli, grade) stored until now (both
#: None for an agency never computed), after=(score_milli, grade) just written, at=the time the
#: new standing is computed as of.
#: Sent by `ratings.standing` whenever it writes a changed standing (an event, the daily sweep
#: or a full recompute), so a rule that fires when a condition is entered compares the two.
standing_changed = _signals.signal("standing-changed")

#: sender=MisconductRecord; session=Session — a regulator recorded a misconduct record (directly
#: or by deciding a proposal). Sent by `ratings.records` after its credit event is written.
misconduct_recorded = _signals.signal("misconduct-recorded")

#: sender=agency id (int); session=Session, entry=the list entry, starts_at, ends_at — the agency
#: was put on the serious-dishonesty list (by a regulator's decision or by an imported decision of
#: another authority). The exit rules react (removal for the listing's duration).
dishonesty_listed = _signals.signal("dishonesty-listed")

#: sender=agency id (int); session=Session, entry=the list entry, at — a listing ended early
#: (lifted or overturned); a listing that runs to its end date sends nothing.
dishonesty_lifted = _signals.signal("dishonesty-lifted")
