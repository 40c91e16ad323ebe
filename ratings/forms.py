"""The ratings pages' HTML forms (Flask-WTF: CSRF and rendering); the rules, and every refusal
of a value, are `ratings.ratings`'. The stars are radio buttons whose choices are not checked
here, so that any value typed reaches the service and is refused there with its message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField

from market.forms import NEEDED

STAR_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


def _stars(label):
    return RadioField(label, choices=STAR_CHOICES, validate_choice=False, validators=NEEDED)


class RatingForm(FlaskForm):
    quality = _stars(_l("Quality of the work"))
    timeliness = _stars(_l("Timeliness (of the work, or of payment)"))
    attitude = _stars(_l("Attitude"))
    fees = _stars(_l("Fees (compliance with the fee standard, or prompt payment)"))
    conduct = _stars(_l("Conduct"))
    comment = TextAreaField(
        _l("Comment (optional, at most 2000 characters)"), render_kw={"rows": 4}
    )
    submit = SubmitField(_l("Rate"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(
        _l("Your public reply (once, at most 2000 characters)"),
        render_kw={"rows": 3},
        validators=NEEDED,
    )
    submit = SubmitField(_l("Reply"))
