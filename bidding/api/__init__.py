"""Bidding's JSON API under /api/v1: thin handlers over the services; what a reader may see of
bids is decided by `bidding.visibility`, and shown through `bidding.serializers`.

A bid is addressed by its receipt (``/bids/{id}``, ``bid_id`` in marks), its public identifier
from opening on; row ids are never shown (see `bidding.serializers`).
"""

from __future__ import annotations

from bidding.api import bids, experts, relations, results  # noqa: F401  (routes go on bp)
from bidding.api.common import bp

__all__ = ["bp"]
