"""Ratings' pages, and its sections on other packages' pages: the ratings of a contract (its own
page, `/contracts/<id>/ratings`, linked from the contract page's section through the
`bidding.contract_sections` hook), the ratings an organization received (on an agency's profile
and an organization's public page, through `market.organization_sections`), and the misconduct
record proposals a complaint's decision made (on the regulator's complaint page, through
`bidding.complaint_sections`). The rules are `ratings.ratings`'; who reads what is
`ratings.ratings.visible`'s; a refused form shows the page again with what was typed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup
from sqlmodel import Session

from bidding.contracts import delivery
from bidding.models import Complaint, Contract
from bidding.policy import SECTION
from market import clock
from market.models import Organization, OrgKind, Task
from market.validation import NotFound
from market.web import db, policy_section, translate, unit_of_work, viewer
from ratings import misconduct, ratings, serializers
from ratings.forms import RatingForm, ReplyForm
from ratings.models.ratings import BY_AGENCY, BY_APPLICANT, DIMENSIONS, Rating

bp = Blueprint("ratings", __name__)


def complaint_section(session: Session, complaint: Complaint) -> Markup:
    rows = misconduct.proposals_of_complaint(session, complaint.id)
    if not rows:
        return Markup("")
    items = [(row, session.get(Organization, row.agency_id)) for row in rows]
    return Markup(render_template("ratings/_complaint_proposals.html", items=items))


def _context(contract: Contract, task: Task) -> dict:
    """What the ratings of `contract` show the current viewer, and what it may do now."""
    user = viewer()
    every = ratings.of_contract(db(), contract.id)
    rows = [r for r in every if ratings.visible(user, r)]
    policy = policy_section(SECTION.name)
    refusal = (
        ratings.rating_refusal(db(), user, contract, policy, clock.now())
        if user is not None
        else None
    )
    side = ratings.side_of(user, contract) if user is not None else None
    return {
        "contract": contract,
        "task": task,
        "rows": serializers.many(db(), rows, user),
        "ends_at": ratings.ends_at(db(), contract, policy),
        "can_rate": side is not None and refusal is None,
        "refusal": translate(refusal) if refusal is not None and side is not None else None,
        # The other side rated (it was told so), but its rating is not published yet.
        "hidden_other": side is not None
        and any(r.side != side and not ratings.visible(user, r) for r in every),
        "dimensions": DIMENSIONS,
    }


def contract_section(contract: Contract, task: Task) -> Markup:
    """The ratings section of the contract page (a `bidding.contract_sections` hook): shown once
    the work is accepted."""
    if contract.accepted_at is None:
        return Markup("")
    return Markup(render_template("ratings/_contract_section.html", **_context(contract, task)))


def organization_section(org: Organization) -> Markup:
    """The published ratings an organization received (a `market.organization_sections` hook):
    an agency's from applicants, an applicant's (its prompt payment among them) from agencies."""
    payment = None
    if org.kind == OrgKind.agency:
        rows = ratings.listing(db(), None, agency_id=org.id)
        side = BY_APPLICANT
    elif org.kind in (OrgKind.enterprise, OrgKind.department):
        rows = ratings.listing(db(), None, applicant_id=org.id)
        side = BY_AGENCY
        payment = ratings.prompt_payment(rows)
    else:
        return Markup("")
    return Markup(
        render_template(
            "ratings/_organization_ratings.html",
            side=side,
            payment=(f"{float(payment[0]):.1f}", payment[1]) if payment else None,
            rows=serializers.many(db(), rows, viewer()),
            dimensions=DIMENSIONS,
        )
    )


def _readable(contract_id: int) -> tuple[Contract, Task]:
    try:
        contract, task, _reader = delivery.readable(db(), viewer(), contract_id)
    except NotFound:
        abort(404)
    return contract, task


def _page(contract_id: int, rate_form=None, reply_forms=None, errors=None, status=200):
    contract, task = _readable(contract_id)
    ctx = _context(contract, task)
    ctx["form"] = rate_form or RatingForm(formdata=None, prefix="rt")
    ctx["reply_forms"] = {
        row["id"]: ReplyForm(formdata=None, prefix=f"rp{row['id']}")
        for row in ctx["rows"]
        if row["can_reply"]
    } | (reply_forms or {})
    ctx["errors"] = errors or []
    return render_template("ratings/contract_ratings.html", **ctx), status


@bp.get("/contracts/<int:contract_id>/ratings")
@login_required
def contract_ratings(contract_id: int):
    return _page(contract_id)


@bp.post("/contracts/<int:contract_id>/ratings")
@login_required
def rate(contract_id: int):
    form = RatingForm(prefix="rt")
    if not form.validate_on_submit():
        abort(400)
    values = {d: getattr(form, d).data for d in DIMENSIONS}
    with unit_of_work(form) as work:
        ratings.rate(
            db(), viewer(), contract_id, values, form.comment.data, policy_section(SECTION.name)
        )
    if work.failed:
        return _page(contract_id, rate_form=form, errors=work.messages, status=work.status)
    flash(
        gettext(
            "Your rating is recorded. It is shown when the other side has rated too, or when the "
            "rating period ends."
        ),
        "success",
    )
    return redirect(url_for("ratings.contract_ratings", contract_id=contract_id))


@bp.post("/ratings/<int:rating_id>/reply")
@login_required
def reply(rating_id: int):
    row = db().get(Rating, rating_id)
    if row is None or not ratings.visible(viewer(), row):
        abort(404)
    contract_id = row.contract_id
    form = ReplyForm(prefix=f"rp{rating_id}")
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(form) as work:
        ratings.reply(db(), viewer(), rating_id, form.reply.data)
    if work.failed:
        return _page(
            contract_id,
            reply_forms={rating_id: form},
            errors=work.messages,
            status=work.status,
        )
    flash(gettext("Your reply is published."), "success")
    return redirect(url_for("ratings.contract_ratings", contract_id=contract_id))
