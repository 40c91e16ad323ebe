"""What bidding's page modules share: the blueprint, the task-page URL, and the task page shown
again with a failed form."""

from __future__ import annotations

from flask import Blueprint, g, url_for

from market.views.tasks import task_detail
from market.web import Work

bp = Blueprint("bidding", __name__)


def task_url(number: str, anchor: str = "bids") -> str:
    """The market task page of `number`, at bidding's section `anchor`."""
    return url_for("tasks.task_detail", number=number) + "#" + anchor


def task_page_with_failure(number: str, key: str, form, work: Work):
    """The market task page again after a unit of work failed: `form` as the user typed it, with
    its messages, shown in the place of the blank form `key` (through `g.bidding_forms` and
    `g.bidding_errors`), answered with the failure's status."""
    g.bidding_forms = {**g.get("bidding_forms", {}), key: form}
    g.bidding_errors = {**g.get("bidding_errors", {}), key: work.messages}
    return task_detail(number), work.status
