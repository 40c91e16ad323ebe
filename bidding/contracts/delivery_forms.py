"""The delivery section's HTML forms (Flask-WTF: CSRF and rendering); the rules are
`bidding.contracts.delivery`'s. Files travel as `file` parts next to the form's fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from market.forms import NEEDED


class DeliveryForm(FlaskForm):
    note = TextAreaField(
        _l("What you deliver (read by the applicant and regulators)"),
        render_kw={"rows": 4},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Deliver the work"))


class AcceptanceForm(FlaskForm):
    report = TextAreaField(_l("Acceptance report"), render_kw={"rows": 5})
    submit = SubmitField(_l("Accept the delivery"))


class RevisionForm(FlaskForm):
    reason = TextAreaField(
        _l("What to revise (read by the agency and regulators)"),
        render_kw={"rows": 4},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Ask for a revision"))


class PaymentForm(FlaskForm):
    paid_on = StringField(
        _l("Paid on (YYYY-MM-DD)"),
        render_kw={"placeholder": "2027-06-30", "autocomplete": "off"},
        validators=NEEDED,
    )
    reference = StringField(_l("Treasury payment or budget reference"), validators=NEEDED)
    submit = SubmitField(_l("Record the payment"))
