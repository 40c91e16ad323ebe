"""The draw record, the result of a task, and its notices (HTML and PDF)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template
from flask_babel import gettext
from markupsafe import Markup

from bidding import serializers, visibility
from bidding.contracts import serializers as contract_serializers
from bidding.draws import records
from bidding.labels import NUMBER_LABELS
from bidding.notices import html, issue, pdf
from bidding.views.common import bp
from market.web import db, lang, load_task, translate, viewer


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
        sections=award_sections(task),
        signed=contract_serializers.public_signed(db(), task),
    )


def _notice(number: str, make):
    task = load_task(number)
    doc = make(db(), task)
    if doc is None:
        abort(404)
    return doc


def _award_notice(session, task):
    return issue.award_notice(session, task, lang())


def _result_notice(session, task):
    return issue.result_notice(session, task, gettext)


def _pdf(doc, name: str):
    """The notice as PDF, or 503 with the reason (no CJK font on the server) — never a PDF with
    missing characters."""
    try:
        body = pdf.render_pdf(doc, lang(), current_app.config.get("PDF_FONT", ""))
    except pdf.PdfRefused as refused:
        return render_template(
            "bidding/notices/refused.html", message=translate(refused.message)
        ), 503
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


@bp.get("/tasks/<number>/award/notice")
def award_notice(number: str):
    return html.render_html(_notice(number, _award_notice), lang())


@bp.get("/tasks/<number>/award/notice.pdf")
def award_notice_pdf(number: str):
    doc = _notice(number, _award_notice)
    return _pdf(doc, doc.notice_number)


@bp.get("/tasks/<number>/award/result-notice")
def result_notice(number: str):
    return html.render_html(_notice(number, _result_notice), lang())


@bp.get("/tasks/<number>/award/result-notice.pdf")
def result_notice_pdf(number: str):
    return _pdf(_notice(number, _result_notice), f"{number}-result")


def award_sections(task) -> list[Markup]:
    """The sections other rooms add to the result page (`bidding.award_sections` hooks, each
    `(task) -> Markup`: the objections to the award candidate)."""
    return [hook(task) for hook in current_app.extensions.get("bidding.award_sections", [])]
