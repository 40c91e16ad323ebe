"""The blueprint bidding's API modules put their routes on, in a module of its own so that each
of them (and `bidding.questions.api`) imports it without importing the others."""

from __future__ import annotations

from market.api import api_blueprint

bp = api_blueprint("bidding_api", __name__)
