"""HTML forms of objections to an award candidate, complaints and the regulator's decisions
(Flask-WTF: CSRF and rendering). The rules are `bidding.objections.services`'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField

from market.forms import NEEDED


class AwardObjectionForm(FlaskForm):
    grounds = TextAreaField(
        _l("Grounds (read by the applicant and the regulators, not published)"),
        render_kw={"rows": 5},
        validators=NEEDED,
    )
    submit = SubmitField(_l("File the objection"))


class ObjectionAnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer (read by the objector and the regulators)"),
        render_kw={"rows": 4},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Send the answer"))


class ComplaintForm(FlaskForm):
    grounds = TextAreaField(
        _l("Why the answer does not satisfy you (read by the regulators and the applicant)"),
        render_kw={"rows": 4},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Complain to the regulator"))


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for suspending the task (published)"), render_kw={"rows": 3}, validators=NEEDED
    )
    submit = SubmitField(_l("Suspend the task"))


class ResumeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for resuming the task (published)"), render_kw={"rows": 3}, validators=NEEDED
    )
    submit = SubmitField(_l("Resume the task"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("upheld", _l("Upheld")), ("dismissed", _l("Dismissed"))],
        validate_choice=False,
        validators=NEEDED,
    )
    reason = TextAreaField(
        _l("Written reason (published)"), render_kw={"rows": 5}, validators=NEEDED
    )
    #: Choices: a blank, then the task's bidders (the page fills them).
    conduct_agency_id = SelectField(
        _l("Agency whose conduct was at fault (upheld only; optional)"),
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField(_l("Record the decision"))
