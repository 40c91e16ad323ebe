"""HTML forms of appeals against ratings, the regulator's decisions, misconduct records and
commendations (Flask-WTF: CSRF and rendering). The rules are `ratings.appeals`' and
`ratings.records`'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField

from market.forms import NEEDED

SEVERITY_CHOICES = [
    ("minor", _l("Minor (not published; only its points)")),
    ("general", _l("General (published)")),
    ("serious", _l("Serious (published)")),
]


class AppealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the rating is wrong (read by the regulators)"),
        render_kw={"rows": 4},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Appeal to the regulator"))


class AppealDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("upheld", _l("Uphold the rating")), ("voided", _l("Void the rating"))],
        validate_choice=False,
        validators=NEEDED,
    )
    reason = TextAreaField(_l("Written reason"), render_kw={"rows": 4}, validators=NEEDED)
    submit = SubmitField(_l("Record the decision"))


class MisconductForm(FlaskForm):
    severity = RadioField(
        _l("Severity"), choices=SEVERITY_CHOICES, validate_choice=False, validators=NEEDED
    )
    legal_basis = TextAreaField(_l("Legal basis"), render_kw={"rows": 2}, validators=NEEDED)
    facts = TextAreaField(_l("Facts found"), render_kw={"rows": 4}, validators=NEEDED)
    collusion = BooleanField(
        _l("Confirmed collusion (proposes a serious-dishonesty listing)"), default=False
    )
    submit = SubmitField(_l("Record the misconduct"))


class ProposalDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("recorded", _l("Record it")), ("dismissed", _l("Dismiss it"))],
        validate_choice=False,
        validators=NEEDED,
    )
    severity = RadioField(
        _l("Severity (when recorded)"), choices=SEVERITY_CHOICES, validate_choice=False
    )
    legal_basis = TextAreaField(_l("Legal basis (when recorded)"), render_kw={"rows": 2})
    facts = TextAreaField(
        _l("Facts found (when recorded; the proposal's facts if left empty)"),
        render_kw={"rows": 3},
    )
    reason = TextAreaField(_l("Reason (when dismissed)"), render_kw={"rows": 3})
    collusion = BooleanField(
        _l("Confirmed collusion (when recorded; proposes a serious-dishonesty listing)"),
        default=False,
    )
    submit = SubmitField(_l("Decide the proposal"))


class CommendationForm(FlaskForm):
    reason = TextAreaField(_l("Reason (published)"), render_kw={"rows": 3}, validators=NEEDED)
    submit = SubmitField(_l("Commend the agency"))
