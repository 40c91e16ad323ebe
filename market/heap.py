"""The long-lived process's heap, kept out of the garbage collector's way.

A worker (gunicorn's, the scheduler's) holds about 250,000 container objects once the app is
built — modules, SQLAlchemy's mappers and compiled caches, templates, the search segmentation's
dictionaries — and never frees them. CPython's full collection visits every one of them each
time, about 0.1–0.3 s on the shared machine, and an operation that allocates many objects (an
opening of 1,000 bids makes some 30,000 dicts and rows) sets one off: the benchmark measured up
to a third of an opening spent in the collector. `freeze` moves everything alive now into the
permanent generation (`gc.freeze`, as the standard library documents for forking servers), so
later collections visit only what was made after it; what becomes garbage is still freed by
reference counting, only cycles among the frozen objects are never collected (there are none
worth collecting in a worker's start-up state).
"""

from __future__ import annotations

import gc


def freeze() -> None:
    """Collect once, then freeze what is left: call it when the app is built, before serving."""
    gc.collect()
    gc.freeze()
