"""The payments page's HTML forms (Flask-WTF: CSRF and rendering); the rules are
`bidding.payments.recorded`'s, so the means is not checked here (a budget contract's refusal of a
bank transfer is the service's, with its message)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from bidding.models.payments import BANK_TRANSFER, BUDGET_CODE
from market.forms import NEEDED

MEANS_LABELS = {BANK_TRANSFER: _l("Bank transfer"), BUDGET_CODE: _l("Budget code")}


class RecordForm(FlaskForm):
    means = SelectField(_l("Paid by"), choices=list(MEANS_LABELS.items()), validate_choice=False)
    paid_on = StringField(
        _l("Paid on (YYYY-MM-DD)"),
        render_kw={"placeholder": "2027-06-30", "autocomplete": "off"},
        validators=NEEDED,
    )
    reference = StringField(_l("Bank or treasury payment reference"), validators=NEEDED)
    submit = SubmitField(_l("Record the payment"))


class CorrectionForm(RecordForm):
    submit = SubmitField(_l("Correct the payment record"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm the receipt"))


class NotReceivedForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong (read by the applicant and regulators)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Not received"))
