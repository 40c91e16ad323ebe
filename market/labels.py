"""Labels that templates translate from stored codes (`_(item.category)`, `_(org.kind)`).

The codes live in the database, so Babel cannot find them in the templates; listing them here with
`N_` markers keeps their msgids in the catalog across `pybabel extract` / `update` runs.
"""
from __future__ import annotations

from market.validation import N_

#: Service categories (`ServiceItem.category`, see `market.models.catalog.CATEGORIES`).
CATEGORY_LABELS = {
    "environment": N_("environment"),
    "water": N_("water"),
    "geology": N_("geology"),
    "seismic": N_("seismic"),
    "meteorology": N_("meteorology"),
    "cultural_relics": N_("cultural_relics"),
    "land": N_("land"),
    "mineral": N_("mineral"),
    "energy": N_("energy"),
    "safety": N_("safety"),
    "occupational_health": N_("occupational_health"),
    "construction": N_("construction"),
    "cost": N_("cost"),
    "surveying": N_("surveying"),
    "fire": N_("fire"),
    "real_estate": N_("real_estate"),
    "transport": N_("transport"),
    "lightning": N_("lightning"),
    "planning": N_("planning"),
    "social": N_("social"),
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
