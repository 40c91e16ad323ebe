"""The notifications page, marking read, the e-mail preference, and the unread count of the top
navigation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.routing import BuildError

from market.notifications import services
from market.validation import MAX_ID
from market.web import db, int_arg, unit_of_work, viewer

bp = Blueprint("notifications", __name__)


def shown(row) -> dict:
    """A notification as the page and the API show it, in the reader's language."""
    text = services.message(row, gettext)
    url = None
    if text.link is not None:
        endpoint, args = text.link
        try:
            url = url_for(endpoint, **args)
        except BuildError:
            url = None
    return {
        "id": row.number,
        "kind": row.kind,
        "task": (row.data or {}).get("task"),
        "subject": text.subject,
        "body": text.body,
        "url": url,
        "created_at": row.created_at,
        "read_at": row.read_at,
        "mailed_at": row.mailed_at,
    }


def unread_badge() -> int:
    """The viewer's unread count, one COUNT per request, for the top navigation."""
    if "unread_notifications" not in g:
        user = viewer()
        g.unread_notifications = services.unread_count(db(), user) if user else 0
    return g.unread_notifications


@bp.get("/notifications")
@login_required
def notification_list():
    per_page = current_app.config["PAGE_SIZE"]
    page = int_arg("page", 1, minimum=1, maximum=MAX_ID // per_page)
    unread = request.args.get("unread") == "1"
    found = services.of_user(
        db(), viewer(), unread=unread, offset=(page - 1) * per_page, limit=per_page
    )
    return render_template(
        "market/notifications.html",
        rows=[shown(r) for r in found.rows],
        total=found.total,
        unread=unread,
        page=page,
        pages=max(1, -(-found.total // per_page)),
        args={"unread": "1"} if unread else {},
    )


def _back():
    """Back to the list as it was (its page and filter), never to another site."""
    page = int_arg("page", 1, minimum=1)
    args = {"page": page} if page > 1 else {}
    if request.args.get("unread") == "1":
        args["unread"] = "1"
    return redirect(url_for("notifications.notification_list", **args))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    with unit_of_work():
        services.mark_read(db(), viewer(), notification_id)
    return _back()


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    with unit_of_work():
        count = services.mark_all_read(db(), viewer())
    flash(gettext("%(num)d notifications marked read.", num=count), "info")
    return _back()


@bp.post("/account/notification-mail")
@login_required
def mail_preference():
    wanted = request.form.get("mail_notifications") == "on"
    with unit_of_work():
        services.set_mail_preference(db(), viewer(), wanted)
    flash(
        gettext("Your notifications will be e-mailed to you.")
        if wanted
        else gettext("Your notifications will no longer be e-mailed to you."),
        "success",
    )
    return redirect(url_for("account.home"))
