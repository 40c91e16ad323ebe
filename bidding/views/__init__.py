"""Bidding's pages: the bids section of the task page (through market's task-page hook), the draw
record, the result, an agency's bids and an expert's panels. What a reader may see of bids is
decided by `bidding.visibility`, and shown through `bidding.serializers`.

Forms post to their own URLs; on an error the task page is rendered again with the typed values
and the messages next to their fields (the failed form travels in `g.bidding_forms`).
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext

from bidding.labels import (
    fraction_text,
    marks_by_seat,
    purpose_label,
    reading_order,
    yuan_of_fen,
)
from market.models import OrgKind


def nav_links(org) -> list[tuple[str, str]]:
    """Links bidding adds to the header (a `market.views.nav_links` hook)."""
    if org is None:
        return []
    if org.kind == OrgKind.agency:
        return [
            (url_for("bidding.my_bids"), gettext("My bids")),
            (url_for("bidding_invitations.my_invitations"), gettext("My invitations")),
            (url_for("bidding_contracts.my_contracts"), gettext("My contracts")),
        ]
    if org.kind in (OrgKind.enterprise, OrgKind.department):
        return [(url_for("bidding_contracts.my_contracts"), gettext("My contracts"))]
    if org.kind == OrgKind.expert:
        return [(url_for("bidding.expert_panels"), gettext("My panels"))]
    if org.kind == OrgKind.regulator:
        return [(url_for("bidding_objections.queue"), gettext("Complaints"))]
    return []


def draw_purpose(purpose: str) -> str:
    """A draw's purpose as the reader's language names it (never the bare code)."""
    msgid, params = purpose_label(purpose)
    return gettext(msgid, **params)


def init_views(app) -> None:
    """Register the pages, and bidding's section of the task page and header links through the
    hooks market reads (`market.views.task_panels`, `market.views.nav_links`)."""
    # Deferred: composing the app loads the page modules; importing this package (for its shared
    # `common` helpers, as the questions pages do) does not.
    from bidding.contracts import delivery_views
    from bidding.contracts import views as contract_views
    from bidding.invitations import views as invitation_views
    from bidding.objections import views as objection_views
    from bidding.questions import views as question_views
    from bidding.views import bids, experts, results, task_panel  # noqa: F401  (routes go on bp)
    from bidding.views.common import bp

    app.register_blueprint(bp)
    app.register_blueprint(question_views.bp)
    app.register_blueprint(invitation_views.bp)
    app.register_blueprint(objection_views.bp)
    app.register_blueprint(contract_views.bp)
    app.register_blueprint(delivery_views.bp)
    app.jinja_env.filters["fraction"] = fraction_text
    app.jinja_env.filters["yuan_of_fen"] = yuan_of_fen
    app.jinja_env.filters["reading_order"] = reading_order
    app.jinja_env.filters["draw_purpose"] = draw_purpose
    app.jinja_env.globals["marks_by_seat"] = marks_by_seat
    app.extensions.setdefault("market.task_panels", []).append(task_panel.task_panel)
    app.extensions.setdefault("market.task_panels", []).append(objection_views.suspension_panel)
    app.extensions.setdefault("bidding.award_sections", []).append(objection_views.award_section)
    app.extensions["market.task_panels"].append(contract_views.task_panel)
    app.extensions.setdefault("market.nav_links", []).append(nav_links)
