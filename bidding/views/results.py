"""The draw record and the result of a task."""

from __future__ import annotations

from flask import render_template

from bidding import serializers
from bidding.draws import records
from bidding.labels import NUMBER_LABELS
from bidding.views.common import bp
from market.web import db, load_task


@bp.get("/tasks/<number>/draw")
def draw_record(number: str):
    task = load_task(number)
    return render_template("bidding/draw.html", task=task, record=records.draw_record(db(), task))


@bp.get("/tasks/<number>/award")
def award(number: str):
    task = load_task(number)
    return render_template(
        "bidding/award.html",
        task=task,
        result=serializers.result(db(), task),
        number_labels=NUMBER_LABELS,
    )
