"""Bids, sealed bidding, selection methods, verifiable draws, awards and contracts.

Imports `market`, never `ratings`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's blueprints, commands, sweeps and signal handlers (none yet)."""
