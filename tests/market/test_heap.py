"""The server's workers and the scheduler freeze their start-up heap (`market.heap`), so the
garbage collector's full collections visit only what was made after the app was built."""

from __future__ import annotations

import gc
import runpy

from market import heap
from market.config import ROOT


def test_freeze_moves_what_is_alive_out_of_the_collectors_generations():
    gc.unfreeze()
    kept = [{"n": i} for i in range(1000)]
    try:
        heap.freeze()
        assert gc.get_freeze_count() >= len(kept)
        assert not any(o is kept for o in gc.get_objects())  # not visited by collections
        made_after = [{"n": 1}]
        assert any(o is made_after for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(o is kept for o in gc.get_objects())


def test_each_gunicorn_worker_freezes_once_it_has_built_the_app():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
