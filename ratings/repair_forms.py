"""HTML forms of credit repair (Flask-WTF: CSRF and rendering); the rules are `ratings.repair`'s."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField

from market.forms import NEEDED


class RepairApplyForm(FlaskForm):
    evidence = TextAreaField(
        _l("How the misconduct was corrected (evidence, read by the regulators)"),
        render_kw={"rows": 5},
        validators=NEEDED,
    )
    commitment = TextAreaField(
        _l("Public credit commitment (published with the decision)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Apply for credit repair"))


class RepairDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("repaired", _l("Repair the record")), ("refused", _l("Refuse"))],
        validate_choice=False,
        validators=NEEDED,
    )
    reason = TextAreaField(_l("Reason (required to refuse)"), render_kw={"rows": 4})
    submit = SubmitField(_l("Record the decision"))
