"""The dashboard page: what awaits the logged-in user's action next (`market.dashboard`)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import login_required

from market import clock, dashboard
from market.validation import Message
from market.web import db, translate, viewer

bp = Blueprint("dashboard", __name__)


def described(entries: list[dashboard.Entry]) -> list[dict]:
    """The entries as the page and the API show them: the action in the reader's language, the
    page where it is done, the deadline with its working days left."""
    out = []
    for e in entries:
        item = e.item
        url = url_for(item.endpoint, **item.args)
        if item.anchor:
            url = f"{url}#{item.anchor}"
        out.append(
            {
                "kind": item.kind,
                "action": translate(Message(item.label, dict(item.params))),
                "task": {"number": item.task_number, "title": item.task_title}
                if item.task_number
                else None,
                "due_at": item.due_at.isoformat() if item.due_at else None,
                "working_days_left": e.working_days_left,
                "overdue": e.overdue,
                "weekends_only_years": list(e.weekends_only_years),
                "url": url,
            }
        )
    return out


def current_items() -> list[dict]:
    return described(dashboard.items_for(db(), viewer(), clock.now()))


@bp.get("/dashboard")
@login_required
def home():
    return render_template("market/dashboard.html", items=current_items())
