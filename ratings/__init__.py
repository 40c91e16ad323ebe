"""Ratings, appeals, the credit engine, lists and exit rules.

Imports `bidding` and `market`; nothing imports it but the composition root. Its first room:
misconduct-record proposals (`ratings.misconduct`), made from the facts bidding announces.
"""

from __future__ import annotations

from flask import Flask

from bidding import signals
from ratings import (
    misconduct,
    models,  # noqa: F401  (registers ratings' tables on the shared metadata)
    views,
)


def init_app(app: Flask) -> None:
    """Register this package's signal handlers and page sections."""
    # Handlers run inside the sender's transaction; weak=False keeps them connected for good.
    signals.complaint_decided.connect(misconduct.on_complaint_decided, weak=False)
    app.extensions.setdefault("bidding.complaint_sections", []).append(views.complaint_section)
