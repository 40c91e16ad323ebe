"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's blueprints, commands, sweeps and signal handlers (none yet)."""
