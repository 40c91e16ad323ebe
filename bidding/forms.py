"""HTML forms of bidding (Flask-WTF: CSRF and rendering). The rules are the services'; forms
carry the fields and turn yuan into fen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from market.forms import NEEDED, amounts_in_fen

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class BidForm(FlaskForm):
    """A bid; for a `random` task the page leaves out the price (the sign-up is at the fixed
    fee)."""

    price = StringField(
        _l("Price (yuan)"),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
        validators=NEEDED,
    )
    duration_days = StringField(_l("Days to deliver"), render_kw=NUMERIC, validators=NEEDED)
    proposal_text = TextAreaField(_l("Technical proposal"), render_kw={"rows": 8})
    #: Ticked among the agency's uploaded files (the page lists them as checkboxes, each value a
    #: SHA-256); the service refuses a hash the agency did not upload for the task.
    attachments = SelectMultipleField(
        _l("Files attached to the bid"), choices=[], validate_choice=False
    )
    submit = SubmitField(_l("Submit the sealed bid"))

    def to_data(self) -> dict:
        return {
            "price_fen": amounts_in_fen({"price_fen": self.price.data})["price_fen"],
            "duration_days": (self.duration_days.data or "").strip() or None,
            "proposal_text": self.proposal_text.data or "",
            "attachment_sha256s": list(self.attachments.data or []),
        }


class WithdrawForm(FlaskForm):
    """Withdrawing asks for a ticked box, so one click cannot do it (no script needed)."""

    confirm = BooleanField(
        _l("Yes, withdraw my bid: it will not count unless I bid again before the deadline.")
    )
    submit = SubmitField(_l("Withdraw my bid"))


class ExplanationForm(FlaskForm):
    explanation = TextAreaField(_l("Written explanation of the price"), render_kw={"rows": 5})
    submit = SubmitField(_l("Send the explanation"))


class ValidityForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("accept", _l("Accept the explanation: the bid is valid")),
            ("reject", _l("Rule the bid invalid")),
        ],
        validate_choice=False,
    )
    reason = TextAreaField(_l("Reason (published)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Publish the decision"))


class DeclarationForm(FlaskForm):
    statement = TextAreaField(_l("Statement (optional)"), render_kw={"rows": 2})
    submit = SubmitField(_l("I declare no conflict of interest with any bidder"))


class RecusalForm(FlaskForm):
    statement = TextAreaField(_l("Conflict of interest (published)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Recuse myself"))


class MarkForm(FlaskForm):
    bid = HiddenField()
    mark = StringField(_l("Mark (0–100)"), render_kw=NUMERIC)
    comment = TextAreaField(_l("Comment (published with the result)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Give the mark"))


class QuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Your question (published without your name)"), render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Ask anonymously"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer (published)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Publish the answer"))


class ObjectionForm(FlaskForm):
    text = TextAreaField(_l("Objection to the announcement's conditions"), render_kw={"rows": 3})
    submit = SubmitField(_l("Submit the objection"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Reply (published)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Publish the reply"))


class AcceptInvitationForm(FlaskForm):
    """The invited agency's acceptance of a direct selection: its price in yuan, its duration."""

    price = StringField(
        _l("Price (yuan)"),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
        validators=NEEDED,
    )
    duration_days = StringField(_l("Days to deliver"), render_kw=NUMERIC, validators=NEEDED)
    submit = SubmitField(_l("Accept the invitation"))

    def to_data(self) -> dict:
        return {
            "price_fen": amounts_in_fen({"price_fen": self.price.data})["price_fen"],
            "duration_days": (self.duration_days.data or "").strip() or None,
        }


class DeclineInvitationForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for declining (read by the applicant and regulators)"), render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Decline the invitation"))


class InviteAgencyForm(FlaskForm):
    agency_id = StringField(
        _l("Id of the agency to invite (from the agency directory)"), render_kw=NUMERIC
    )
    submit = SubmitField(_l("Invite this agency"))
