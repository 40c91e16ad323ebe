"""The contract page's forms (Flask-WTF: CSRF and rendering). The rules are
`bidding.contracts.services`'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField

from market.forms import NEEDED


class SignForm(FlaskForm):
    #: The SHA-256 of the document the signer was shown: refused if it changed meanwhile.
    document_sha256 = HiddenField()
    submit = SubmitField(_l("Confirm the contract"))


class UseGeneratedForm(FlaskForm):
    submit = SubmitField(_l("Use the generated document instead"))


class ProposeTerminationForm(FlaskForm):
    reason = TextAreaField(
        _l("Why end the contract (read by the other side and the regulators)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    refund = StringField(
        _l("Refund to the payer, in yuan (a contract paid by card; empty: all that is held)"),
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField(_l("Propose ending the contract"))


class ConfirmTerminationForm(FlaskForm):
    submit = SubmitField(_l("Agree to end the contract"))


class WithdrawTerminationForm(FlaskForm):
    submit = SubmitField(_l("Withdraw the proposal"))


class RegulatorTerminationForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for terminating (read by both parties)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    fault_party = RadioField(
        _l("Party at fault"),
        choices=[
            ("agency", _l("the agency")),
            ("applicant", _l("the applicant")),
            ("neither", _l("neither party")),
        ],
        validate_choice=False,
        validators=NEEDED,
    )
    refund = StringField(
        _l("Refund to the payer, in yuan (a contract paid by card; empty: all that is held)"),
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField(_l("Terminate the contract"))
