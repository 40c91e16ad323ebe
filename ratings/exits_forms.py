"""HTML forms of the exit rules (Flask-WTF: CSRF and rendering); the rules are `ratings.exits`'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField

from market.forms import NEEDED


class ExitAppealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the action is wrong (read by the regulators)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Appeal to the regulator"))


class RemovalDecisionForm(FlaskForm):
    reason = TextAreaField(_l("Written reason"), render_kw={"rows": 3}, validators=NEEDED)
    confirm = SubmitField(_l("Confirm the removal"))
    dismiss = SubmitField(_l("Dismiss the proposal"))


class ReinstateForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the cause ended (written reason)"), render_kw={"rows": 3}, validators=NEEDED
    )
    submit = SubmitField(_l("Reinstate the agency"))


class ExitAppealDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("upheld", _l("Uphold the action")),
            ("overturned", _l("Overturn the action")),
        ],
        validate_choice=False,
        validators=NEEDED,
    )
    reason = TextAreaField(_l("Written reason"), render_kw={"rows": 3}, validators=NEEDED)
    submit = SubmitField(_l("Record the decision"))


class LicenceCancellationForm(FlaskForm):
    cancelled_on = StringField(
        _l("Day of the cancellation (YYYY-MM-DD)"), render_kw={"type": "date"}, validators=NEEDED
    )
    reference = StringField(_l("Reference of the registration authority"), validators=NEEDED)
    submit = SubmitField(_l("Record the cancellation and propose removal"))
