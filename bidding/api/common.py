"""What bidding's API modules share: the blueprint, the acting user, loading a visible task."""

from __future__ import annotations

from market import task_queries
from market.api import api_blueprint
from market.models import Task
from market.validation import N_, Forbidden
from market.web import db, viewer

bp = api_blueprint("bidding_api", __name__)


def _actor():
    user = viewer()
    if user is None:
        raise Forbidden(N_("Please log in first."))
    return user


def _load(number: str) -> Task:
    """The task if the reader may see it (drafts: their applicant only), opened lazily when its
    deadline has passed (DESIGN §4)."""
    task = task_queries.load(db(), viewer(), number)
    if task_queries.open_if_due(db(), [task]):
        db().commit()
    return task
