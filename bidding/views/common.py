"""What bidding's page modules share: the blueprint, the task page shown again with a failed
form, the task-page URL, loading a visible task."""

from __future__ import annotations

from flask import Blueprint, abort, g, url_for

from market import task_queries
from market.forms import attach_errors
from market.models import Task
from market.validation import Invalid, NotFound
from market.web import db, translate, viewer

bp = Blueprint("bidding", __name__)


def _task_page(number: str, status: int):
    """The market task page again, showing the failed form kept in `g.bidding_forms`."""
    from market.views.tasks import task_detail

    return task_detail(number), status


def _failed(number: str, key: str, form, exc: Exception, renames: dict | None = None):
    db().rollback()
    if isinstance(exc, Invalid):
        leftover = attach_errors(form, exc, translate, renames or {})
        status = 422
    else:
        leftover = [translate(exc.message)]
        status = 403
    g.bidding_forms = {**g.get("bidding_forms", {}), key: form}
    g.bidding_errors = {**g.get("bidding_errors", {}), key: leftover}
    return _task_page(number, status)


def _task_url(number: str, anchor: str = "bids") -> str:
    return url_for("tasks.task_detail", number=number) + "#" + anchor


def _visible(number: str) -> Task:
    try:
        task = task_queries.load(db(), viewer(), number)
    except NotFound:
        abort(404)
    if task_queries.open_if_due(db(), [task]):
        db().commit()
    return task
