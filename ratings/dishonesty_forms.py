"""HTML forms of the serious-dishonesty list (Flask-WTF: CSRF and rendering). The rules are
`ratings.dishonesty`'s and `ratings.dishonesty_import`'s."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FileField,
    MultipleFileField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)

from market.forms import NEEDED


class ProposeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why a listing is proposed"), render_kw={"rows": 2}, validators=NEEDED
    )
    legal_basis = TextAreaField(_l("Legal basis"), render_kw={"rows": 2}, validators=NEEDED)
    facts = TextAreaField(_l("Facts"), render_kw={"rows": 3}, validators=NEEDED)
    submit = SubmitField(_l("Propose a serious-dishonesty listing and notify the agency"))


class NoticeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why a listing is proposed"), render_kw={"rows": 2}, validators=NEEDED
    )
    legal_basis = TextAreaField(
        _l("Legal basis (the record's if left empty)"), render_kw={"rows": 2}
    )
    facts = TextAreaField(_l("Facts (the record's if left empty)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Issue the notice to the agency"))


class StatementForm(FlaskForm):
    statement = TextAreaField(
        _l("Your statement (read by the regulators)"), render_kw={"rows": 5}, validators=NEEDED
    )
    files = MultipleFileField(_l("Supporting PDF files (optional)"))
    submit = SubmitField(_l("State our case"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("listed", _l("List the agency")), ("dismissed", _l("Dismiss the proposal"))],
        validate_choice=False,
        validators=NEEDED,
    )
    legal_basis = TextAreaField(
        _l("Law or regulation providing for the list (when listed)"), render_kw={"rows": 2}
    )
    facts = TextAreaField(
        _l("Facts (when listed; the notice's if left empty)"), render_kw={"rows": 3}
    )
    starts_on = StringField(_l("First day (when listed)"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day (when listed)"), render_kw={"type": "date"})
    removal_conditions = TextAreaField(
        _l("Removal conditions (when listed)"), render_kw={"rows": 2}
    )
    reason = TextAreaField(_l("Reason (when dismissed)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Decide"))


class LiftForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the removal conditions are met"), render_kw={"rows": 2}, validators=NEEDED
    )
    submit = SubmitField(_l("Lift the listing"))


class ImportForm(FlaskForm):
    file = FileField(_l("List file (CSV or JSON)"), validators=NEEDED)
    submit = SubmitField(_l("Import"))
