"""The draw record and the result of a task."""

from __future__ import annotations

from flask import render_template

from bidding import serializers, visibility
from bidding.contracts import serializers as contract_serializers
from bidding.draws import records
from bidding.labels import NUMBER_LABELS
from bidding.views.common import bp
from market.web import db, load_task, viewer


@bp.get("/tasks/<number>/draw")
def draw_record(number: str):
    task = load_task(number)
    reader = visibility.reader_of(db(), viewer(), task)
    record = records.draw_record(db(), task, with_draws=visibility.sees_panel(reader, task))
    return render_template(
        "bidding/draw.html",
        task=task,
        record=record,
        no_draw_needed=records.no_draw_needed(task, record),
    )


@bp.get("/tasks/<number>/award")
def award(number: str):
    task = load_task(number)
    return render_template(
        "bidding/award.html",
        task=task,
        result=serializers.result(db(), task),
        number_labels=NUMBER_LABELS,
        signed=contract_serializers.public_signed(db(), task),
    )
