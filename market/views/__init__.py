"""Server-rendered pages of the platform core."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext

from market import catalog, regions, timeline, web
from market.labels import label
from market.models import Funding, Method
from market.models.catalog import CATEGORIES
from market.validation import yuan_text
from market.views.errors import render_domain_error
from market.workdays import SHANGHAI, holiday_name_in


def list_options(statuses: tuple[str, ...]) -> dict:
    """The choices of a task list's filter form."""
    return {
        "statuses": statuses,
        "stages": timeline.STAGES,
        "categories": CATEGORIES,
        "items": catalog.list_items(web.db()),
        "methods": [m.value for m in Method],
        "fundings": [f.value for f in Funding],
    }


def fen_to_yuan(fen: int | None) -> str:
    return "" if fen is None else yuan_text(int(fen))


def shanghai_time(value) -> str:
    """Asia/Shanghai; midnight is shown as 24:00 of the day it ends (how deadlines are read)."""
    if value is None:
        return ""
    local = value.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return (local - timedelta(days=1)).strftime("%Y-%m-%d 24:00")
    return local.strftime("%Y-%m-%d %H:%M")


def isodate_shanghai(value: str | None) -> str:
    """An ISO timestamp from a serializer, shown in Asia/Shanghai."""
    if not value:
        return ""
    return shanghai_time(datetime.fromisoformat(value))


def task_panels(task) -> list:
    """Sections other packages add to the task page, without market importing them: each appends
    a callable (task -> HTML) to ``app.extensions["market.task_panels"]``."""
    return [panel(task) for panel in current_app.extensions.get("market.task_panels", [])]


def policy_sections() -> list:
    """Sections other packages add to the policy page (callables: () -> HTML, in
    ``app.extensions["market.policy_sections"]``): ratings' credit score and its examples."""
    return [section() for section in current_app.extensions.get("market.policy_sections", [])]


def nav_links(org) -> list:
    """Header links other packages add: callables (organization or None -> [(url, text)]) in
    ``app.extensions["market.nav_links"]``."""
    return [
        link for links in current_app.extensions.get("market.nav_links", []) for link in links(org)
    ]


def init_views(app: Flask) -> None:
    # Deferred: composing the app loads the page modules; importing this package (filters) does not.
    from market.notifications import views as notifications
    from market.views import (
        account,
        admin,
        auth,
        dashboard,
        outages,
        public,
        regulator,
        relations,
        search,
        tasks,
    )

    for module in (
        public,
        auth,
        account,
        admin,
        outages,
        regulator,
        relations,
        tasks,
        search,
        notifications,
        dashboard,
    ):
        app.register_blueprint(module.bp)
    # The API's blueprints answer these with problem+json before the app's handlers are asked.
    for error in web.DOMAIN_STATUS:
        app.register_error_handler(error, render_domain_error)

    app.jinja_env.filters["yuan"] = fen_to_yuan
    app.jinja_env.filters["label"] = lambda code: gettext(label(code))
    app.jinja_env.filters["shanghai"] = shanghai_time
    app.jinja_env.filters["isodate_shanghai"] = isodate_shanghai
    app.jinja_env.filters["holiday_name"] = lambda name: holiday_name_in(name, web.lang())
    app.jinja_env.filters["requirement"] = lambda v: catalog.requirement_label(v, web.lang())
    app.jinja_env.tests["typed_requirement"] = lambda v: (
        catalog.qualification_type(catalog.parse_requirement(v)[0]) is not None
    )
    app.jinja_env.globals.update(
        localized=web.localized,
        lang=web.lang,
        viewer_org=web.viewer_org,
        categories=CATEGORIES,
        translate=web.translate,
        task_panels=task_panels,
        policy_sections=policy_sections,
        region_name=lambda code: regions.name(code) or code,
        nav_links=nav_links,
        unread_notifications=notifications.unread_badge,
        demo_clock_banner=web.demo_clock_banner,
        timeline_stage=lambda code: gettext(timeline.STAGE_LABELS[code]),
    )
