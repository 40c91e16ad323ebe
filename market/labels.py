"""Readable, translatable labels for codes stored in the database (categories, kinds, task
statuses and events). Templates use the `label` filter; messages translate such parameters too.

The codes live in the database, so Babel cannot find them in the templates; listing them here with
`N_` markers keeps their msgids in the catalog across `pybabel extract` / `update` runs.
"""

from __future__ import annotations

from market.validation import N_

#: Service categories (`ServiceItem.category`, see `market.models.catalog.CATEGORIES`).
CATEGORY_LABELS = {
    "environment": N_("environment"),
    "water": N_("water resources"),
    "geology": N_("geological hazards"),
    "seismic": N_("seismic safety"),
    "meteorology": N_("meteorology"),
    "cultural_relics": N_("cultural relics"),
    "land": N_("land"),
    "mineral": N_("mineral resources"),
    "energy": N_("energy saving"),
    "safety": N_("work safety"),
    "occupational_health": N_("occupational health"),
    "construction": N_("construction"),
    "cost": N_("cost consulting"),
    "surveying": N_("surveying and mapping"),
    "fire": N_("fire safety"),
    "real_estate": N_("real estate"),
    "transport": N_("transport"),
    "lightning": N_("lightning protection"),
    "planning": N_("engineering consulting"),
    "social": N_("social stability risk"),
}

#: Organization kinds (`Organization.kind`, see `market.models.accounts.OrgKind`).
KIND_LABELS = {
    "agency": N_("agency"),
    "enterprise": N_("enterprise"),
    "department": N_("department"),
    "regulator": N_("regulator"),
    "expert": N_("expert"),
    "operator": N_("operator"),
}

#: Selection methods and fundings (`market.models.tasks.Method`, `Funding`), as the task form
#: names them.
METHOD_LABELS = {
    "direct": N_("direct"),
    "random": N_("random draw"),
    "lowest_price": N_("lowest price"),
    "average_price": N_("average price"),
    "scoring": N_("scoring"),
}
FUNDING_LABELS = {
    "private": N_("private"),
    "state_owned": N_("state-owned"),
    "budget": N_("budget"),
}

#: Task statuses and lifecycle events (`market.lifecycle`), as shown in messages.
STATUS_LABELS = {
    "draft": N_("draft"),
    "open": N_("open for bids"),
    "deadline_passed": N_("deadline passed"),
    "opened": N_("opened"),
    "failed": N_("failed selection"),
    "publicity": N_("publicity"),
    "awarded": N_("awarded"),
    "contracted": N_("contracted"),
    "delivered": N_("delivered"),
    "accepted": N_("accepted"),
    "closed": N_("closed"),
    "suspended": N_("suspended"),
    "cancelled": N_("cancelled"),
    "terminated": N_("terminated"),
}
EVENT_LABELS = {
    "publish": N_("published"),
    "open": N_("opened"),
    "open_on_acceptance": N_("opened on the invited agency's acceptance"),
    "fail": N_("declared failed"),
    "start_publicity": N_("put in publicity"),
    "award": N_("awarded"),
    "revoke_award": N_("given a revoked award"),
    "abandon_award": N_("given an abandoned award"),
    "contract": N_("contracted"),
    "deliver": N_("delivered"),
    "request_revision": N_("sent back for revision"),
    "accept": N_("accepted"),
    "close": N_("closed"),
    "suspend": N_("suspended"),
    "resume": N_("resumed"),
    "cancel": N_("cancelled"),
    "cancel_after_opening": N_("cancelled"),
    "terminate": N_("terminated"),
}
#: A task's fields as its change log names them (`market.tasks.amend`), with the form's labels.
TASK_FIELD_LABELS = {
    "service_item": N_("Service item"),
    "title": N_("Title"),
    "description": N_("Description of the work"),
    "project_code": N_("Investment project code (项目代码)"),
    "approval_item": N_("Approval item served"),
    "funding": N_("Funding"),
    "budget_code": N_("Budget code (budget funding)"),
    "method": N_("Selection method"),
    "price_cap_fen": N_("Price cap (yuan)"),
    "fixed_fee_fen": N_("Fixed fee for a random draw (yuan)"),
    "min_bids": N_("Minimum valid bids"),
    "weight_price": N_("Weight of price"),
    "weight_credit": N_("Weight of credit"),
    "weight_quality": N_("Weight of proposal quality"),
    "panel_size": N_("Panel size (scoring)"),
    "invited_agency_id": N_("Invited agency id (direct)"),
    "service_days": N_("Service time limit (days)"),
    "bidding_wd": N_("Bidding period (working days)"),
    "required_qualifications": N_("Required qualifications (only those the law requires)"),
    "attachments": N_("Attachments"),
}
#: The deadlines an outage notice may move (`market.outages`), by kind; a package that moves one
#: of its own adds its label here.
DEADLINE_LABELS = {
    "task_deadline": N_("Bidding deadline"),
    "explanation": N_("Explanation of an abnormally low price due"),
    "invitation": N_("Answer to the invitation due"),
}
_ALL = {
    **CATEGORY_LABELS,
    **KIND_LABELS,
    **STATUS_LABELS,
    **METHOD_LABELS,
    **FUNDING_LABELS,
    **{msgid: msgid for msgid in EVENT_LABELS.values()},
}


def is_label(value: object) -> bool:
    """Whether a message parameter is a code (or event label) to show translated."""
    return isinstance(value, str) and value in _ALL


def label(code: object) -> str:
    """The untranslated label (msgid) of a stored code; unknown values pass through."""
    return _ALL.get(code, code) if isinstance(code, str) else str(code)
