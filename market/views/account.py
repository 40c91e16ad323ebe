"""A logged-in user's own page: organization, second factor, personal API tokens."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from market import accounts, agencies, serializers
from market.forms import TokenForm
from market.models import OrgKind
from market.web import Work, db, flash_outcome, unit_of_work, viewer, viewer_org

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def home():
    user, org = viewer(), viewer_org()
    form = TokenForm()
    new_token = None
    work = Work()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            _token, new_token = accounts.create_token(db(), user, form.name.data)
        if not work.failed:
            form = TokenForm(formdata=None)
    card = agencies.load_card(db(), org) if org.kind == OrgKind.agency else None
    return render_template(
        "market/account.html",
        user=user,
        org=serializers.organization(org, serializers.PRIVATE),
        card=card,
        tokens=accounts.tokens_of(db(), user),
        form=form,
        new_token=new_token,
        errors=work.messages,
    ), work.status


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    with unit_of_work(keep_errors=True) as work:
        accounts.revoke_token(db(), viewer(), token_id)
    flash_outcome(work, gettext("The token is revoked."), "info")
    return redirect(url_for("account.home"))
