"""The dashboard on the API: what awaits the user's action next (`market.dashboard`)."""

from __future__ import annotations

from flask import jsonify

from market import clock, dashboard
from market.api import api
from market.api import schemas as s
from market.api.openapi import operation
from market.views.dashboard import described
from market.web import acting_user, db


@operation(
    api,
    "/dashboard",
    "GET",
    summary="What awaits the user's action next, soonest deadline first (items without a "
    "deadline last), each with its working days left and the page where it is done",
    tag="dashboard",
    response=s.Dashboard,
    auth=True,
)
def get_dashboard():
    entries = dashboard.items_for(db(), acting_user(), clock.now())
    return jsonify({"items": described(entries)})
