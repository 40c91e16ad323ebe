"""HTML forms (Flask-WTF: CSRF and rendering). The rules live in the services; forms only carry
the fields and convert yuan to fen."""

from __future__ import annotations

from functools import cache

from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import Select, html_params

from market import regions
from market.catalog_data import QUALIFICATION_TYPES
from market.identity import DOCUMENT_TYPES, RESIDENT_ID
from market.relations import DECLARATIONS, RELATION_KINDS
from market.validation import Invalid, parse_yuan


class Needed:
    """Marks a field the service requires: the shared form macro shows a required mark on its
    label and `aria-required` on its input. It checks nothing itself (the service's `Checker`
    does, with its message next to the field), and it is not the HTML `required` attribute, so
    the browser never blocks a form before the server can answer every field at once."""

    field_flags = {"needed": True}

    def __call__(self, form, field) -> None:
        return None


NEEDED = [Needed()]


def amounts_in_fen(typed: dict[str, object]) -> dict[str, int | None]:
    """Amounts typed in yuan, keyed by the service's field names ("price_cap_fen"), as fen: each
    by the one parser, `parse_yuan`. Every one that is no amount is refused at once, under its
    field name, so that the form shows each message next to its field."""
    parsed: dict[str, int | None] = {}
    errors: dict = {}
    for name, text in typed.items():
        try:
            parsed[name] = parse_yuan(text)
        except Invalid as exc:
            errors[name] = exc.errors[""]
    if errors:
        raise Invalid(errors)
    return parsed


@cache
def _region_options(levels: int) -> str:
    """The options of every division, grouped by province, as HTML: 3,200 of them take WTForms
    a noticeable time to render one by one, so they are escaped once."""
    return "".join(
        f'<optgroup label="{escape(province)}">'
        + "".join(f'<option value="{code}">{escape(name)}</option>' for code, name in options)
        + "</optgroup>"
        for province, options in regions.grouped_choices(levels).items()
    )


class RegionSelect(Select):
    """Renders a RegionField: its head options, then the cached divisions with the chosen one
    selected."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        head = "".join(
            f'<option{" selected" if value and value == field.data else ""} value="{escape(value)}">'
            f"{escape(label)}</option>"
            for value, label in field.head()
        )
        divisions = _region_options(field.levels)
        if field.data and regions.is_known(field.data):
            plain = f'<option value="{field.data}">'
            divisions = divisions.replace(plain, f'<option selected value="{field.data}">', 1)
        return Markup(
            f"<select {html_params(name=field.name, **kwargs)}>{head}{divisions}</select>"
        )


class RegionField(SelectField):
    """An administrative division picked from one select grouped by province (province, its
    cities and their districts and counties; works without JavaScript). The service checks the
    code; a code not in the list stays selected, so a form shown again loses nothing."""

    def __init__(self, label=None, levels: int = 3, **kwargs):
        # market/static/region-picker.js turns it into three selects, named by these labels.
        kwargs.setdefault(
            "render_kw",
            {
                "data-region-picker": "",
                "data-levels": _l("Province|City|District or county"),
            },
        )
        super().__init__(label, choices=self._choices, validate_choice=False, **kwargs)
        self.levels = levels

    widget = RegionSelect()

    def head(self) -> list[tuple[str, str]]:
        """The options before the divisions: none chosen, and a code not in the list as typed."""
        head = [("", gettext("— choose a province, city or district —"))]
        if self.data and not regions.is_known(self.data):
            head.append((self.data, self.data))
        return head

    def _choices(self):
        return {None: self.head(), **regions.grouped_choices(self.levels)}


class RegionPrefixesField(SelectMultipleField):
    """A regulator's jurisdiction: provinces and cities (none = everywhere)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=regions.prefix_choices, validate_choice=False, **kwargs)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"))
    password = PasswordField(_l("Password"))
    totp = StringField(
        _l("Authenticator code"),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Log in"))


class AccountFields:
    user_name = StringField(_l("Your name"), validators=NEEDED)
    email = EmailField(
        _l("E-mail (login)"), validators=NEEDED, render_kw={"autocomplete": "username"}
    )
    phone = TelField(_l("Mobile phone (not public)"))
    password = PasswordField(
        _l("Password (12–128 characters)"),
        validators=NEEDED,
        render_kw={"autocomplete": "new-password"},
    )


class EnterpriseForm(AccountFields, FlaskForm):
    name = StringField(_l("Enterprise name"), validators=NEEDED)
    uscc = StringField(_l("Unified social credit code"), validators=NEEDED)
    legal_representative = StringField(_l("Legal representative"), validators=NEEDED)
    region_code = RegionField(_l("Administrative division"), validators=NEEDED)
    submit = SubmitField(_l("Register"))


class UnechoedField(StringField):
    """A text field that never renders its value back: a form shown again after a failure must
    not send an identity number to the browser (nor onto a shared screen)."""

    def _value(self) -> str:
        return ""


def _document_types() -> list[tuple[str, str]]:
    return [(code, _l(name)) for code, name in DOCUMENT_TYPES.items()]


class ServiceRow(Form):
    service_item = SelectField(_l("Service item"), choices=[], validate_choice=False)
    commitment_days = StringField(_l("Committed time (days)"))
    commitment_scope = StringField(_l("Committed scope"))
    price_min = StringField(_l("Lowest price (yuan)"))
    price_max = StringField(_l("Highest price (yuan)"))


class ProfessionalRow(Form):
    name = StringField(_l("Full name"))
    certificate = StringField(_l("Certificate"))
    certificate_no = StringField(_l("Certificate number"))
    id_number = StringField(_l("ID number (not public)"))


def _type_name(qualification_type: dict) -> str:
    """The type's name in the reader's language (a choice's label, read when the page renders)."""
    locale = get_locale()
    return qualification_type["name_en" if locale and locale.language == "en" else "name_zh"]


def _qualification_types() -> list[tuple[str, object]]:
    return [("", _l("— choose the type —"))] + [
        (t["code"], LazyString(_type_name, t)) for t in QUALIFICATION_TYPES
    ]


#: Every grade any type has; the service checks that the grade is one of the chosen type's.
GRADE_CHOICES = [
    ("", _l("— no grade —")),
    ("A", _l("grade A (甲级)")),
    ("B", _l("grade B (乙级)")),
    ("1", _l("class 1 (一级 / 一类)")),
    ("2", _l("class 2 (二级 / 二类)")),
    ("3", _l("class 3 (三级)")),
]


class QualificationRow(Form):
    """A qualification declared at registration, by type (as on the agency's own page)."""

    type = SelectField(
        _l("Type of qualification"), choices=_qualification_types(), validate_choice=False
    )
    grade = SelectField(
        _l("Grade or class (where the type has one)"), choices=GRADE_CHOICES, validate_choice=False
    )
    scope = StringField(_l("Speciality or scope (as on the certificate)"))
    certificate_no = StringField(_l("Certificate number"))
    issuer = StringField(_l("Issued by"))
    valid_from = StringField(_l("Valid from (YYYY-MM-DD)"), render_kw={"type": "date"})
    valid_until = StringField(_l("Valid until (YYYY-MM-DD)"), render_kw={"type": "date"})


class AgencyForm(AccountFields, FlaskForm):
    name = StringField(_l("Agency name"), validators=NEEDED)
    uscc = StringField(_l("Unified social credit code"), validators=NEEDED)
    legal_representative = StringField(_l("Legal representative"), validators=NEEDED)
    representative_id_type = SelectField(
        _l("Legal representative's identity document"),
        choices=_document_types(),
        default=RESIDENT_ID,
        validate_choice=False,
    )
    representative_id_number = UnechoedField(
        _l("Document number (optional, never shown)"), render_kw={"autocomplete": "off"}
    )
    region_code = RegionField(_l("Administrative division"), validators=NEEDED)
    address = StringField(_l("Address"))
    description = TextAreaField(_l("About the agency"))
    contact_name = StringField(_l("Contact person"), validators=NEEDED)
    contact_phone = TelField(_l("Contact phone (not public)"), validators=NEEDED)
    contact_email = StringField(_l("Contact e-mail (not public)"))
    services = FieldList(FormField(ServiceRow), min_entries=1)
    professionals = FieldList(FormField(ProfessionalRow), min_entries=1)
    qualifications = FieldList(FormField(QualificationRow), min_entries=1)
    commitment = BooleanField(_l("I sign the commitment statement above."), validators=NEEDED)
    add_service = SubmitField(_l("Add a service"))
    add_professional = SubmitField(_l("Add a professional"))
    add_qualification = SubmitField(_l("Add a qualification"))
    submit = SubmitField(_l("Register and list my agency"))

    def to_data(self) -> dict:
        data = {
            k: v
            for k, v in self.data.items()
            if k
            not in (
                "csrf_token",
                "add_service",
                "add_professional",
                "add_qualification",
                "submit",
                "services",
            )
        }
        rows = self.services.data
        fen = amounts_in_fen(
            {
                f"services.{i}.price_{end}_fen": row[f"price_{end}"]
                for i, row in enumerate(rows)
                for end in ("min", "max")
            }
        )
        data["services"] = [
            {
                "service_item": r["service_item"],
                "commitment_days": r["commitment_days"],
                "commitment_scope": r["commitment_scope"],
                "price_min_fen": fen[f"services.{i}.price_min_fen"],
                "price_max_fen": fen[f"services.{i}.price_max_fen"],
            }
            for i, r in enumerate(rows)
        ]
        data["commitment"] = bool(self.commitment.data)
        return data


class IdentityForm(FlaskForm):
    """An agency declares its legal representative's identity document."""

    document_type = SelectField(
        _l("Identity document"),
        choices=_document_types(),
        default=RESIDENT_ID,
        validate_choice=False,
    )
    number = UnechoedField(_l("Document number"), render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Declare"))


class IdentityVerificationForm(IdentityForm):
    """A regulator enters the number from the documents it checked."""

    uscc = StringField(_l("The agency's unified social credit code"))
    basis = StringField(_l("What you checked (kept and shown; never the number)"))
    submit = SubmitField(_l("Verify"))


def _relation_kinds() -> list[tuple[str, str]]:
    return [(code, _l(name)) for code, name in RELATION_KINDS.items()]


class RelationForm(FlaskForm):
    """`first` holds a controlling share in, or manages, `second`."""

    first_uscc = StringField(_l("Unified social credit code of the controlling agency"))
    kind = SelectField(_l("Relation"), choices=_relation_kinds(), validate_choice=False)
    second_uscc = StringField(_l("Unified social credit code of the controlled agency"))
    basis = StringField(_l("Basis or source (published with any bid it invalidates)"))
    submit = SubmitField(_l("Record the relation"))


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason"))
    submit = SubmitField(_l("Take off the record"))


class FalseDeclarationForm(FlaskForm):
    """A regulator records that an agency's declaration was false (a misconduct ground)."""

    uscc = StringField(_l("The agency's unified social credit code"))
    declaration = SelectField(
        _l("Declaration found false"),
        choices=[(code, _l(name)) for code, name in DECLARATIONS.items()],
        validate_choice=False,
    )
    relation_id = StringField(_l("Number of the declared relation (for a relation)"))
    task = StringField(_l("Task on which it came to light (optional)"))
    statement = TextAreaField(_l("Statement of the facts"))
    submit = SubmitField(_l("Record the finding"))


class OperatorAccountForm(AccountFields, FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[
            ("department", _l("department")),
            ("regulator", _l("regulator")),
            ("expert", _l("expert")),
            ("operator", _l("operator")),
        ],
    )
    name = StringField(_l("Organization or person name"))
    region_code = RegionField(_l("Administrative division"))
    categories = SelectMultipleField(_l("Service categories"), choices=[], validate_choice=False)
    region_prefixes = RegionPrefixesField(_l("Jurisdiction regions (regulators; none = all)"))
    submit = SubmitField(_l("Create account"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        _l("New password (12–128 characters)"), render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "username"})
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password (12–128 characters)"), render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField(_l("Set the new password"))


class SecondFactorOnForm(FlaskForm):
    secret = HiddenField()
    code = StringField(
        _l("Authenticator code"),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Turn the second factor on"))


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Confirm"))


class DisableUserForm(FlaskForm):
    reason = StringField(_l("Reason (recorded in the audit log)"))
    submit = SubmitField(_l("Disable"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"))
    submit = SubmitField(_l("Create token"))


class CatalogItemForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"))
    name_en = StringField(_l("Name (English)"))
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    legal_basis_zh = TextAreaField(_l("Legal basis (Chinese)"))
    legal_basis_en = TextAreaField(_l("Legal basis (English)"))
    approval_item_zh = StringField(_l("Approval item (Chinese)"))
    approval_item_en = StringField(_l("Approval item (English)"))
    approving_department_zh = StringField(_l("Approving department (Chinese)"))
    approving_department_en = StringField(_l("Approving department (English)"))
    time_limit_wd = IntegerField(_l("Time limit (working days)"), validators=[Optional()])
    workflow_zh = TextAreaField(_l("Workflow steps (Chinese, one per line)"))
    workflow_en = TextAreaField(_l("Workflow steps (English, one per line)"))
    conditions_zh = TextAreaField(_l("Application conditions (Chinese)"))
    conditions_en = TextAreaField(_l("Application conditions (English)"))
    fee_standard = SelectField(
        _l("Fee standard"),
        choices=[("market", _l("market-regulated")), ("government", _l("government-guided"))],
    )
    fee_note_zh = TextAreaField(_l("Fee note (Chinese)"))
    fee_note_en = TextAreaField(_l("Fee note (English)"))
    department_commissioned = BooleanField(_l("Commissioned by the approving department"))
    submit = SubmitField(_l("Save"))


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Day"), validators=[Optional()])
    is_workday = SelectField(
        _l("Kind of day"),
        choices=[("0", _l("holiday (no work)")), ("1", _l("make-up working day"))],
    )
    name = StringField(_l("Name"))
    mark_year_known = BooleanField(_l("This year's official arrangement is now complete"))
    submit = SubmitField(_l("Save day"))


def attach_errors(
    form: FlaskForm, exc: Invalid, translate, renames: dict | None = None
) -> list[str]:
    """Put each service error on its form field; returns the ones that belong to no field."""
    renames = renames or {"price_min_fen": "price_min", "price_max_fen": "price_max"}
    leftover: list[str] = []
    for key, messages in exc.errors.items():
        target = form
        field = None
        parts = key.split(".") if key else []
        try:
            for i, part in enumerate(parts):
                part = renames.get(part, part)
                field = target[part] if not part.isdigit() else target.entries[int(part)]
                if i < len(parts) - 1:
                    target = field.form if hasattr(field, "form") else field
        except (KeyError, IndexError, AttributeError, TypeError):
            field = None
        texts = [translate(m) for m in messages]
        if field is None or not hasattr(field, "errors"):
            leftover.extend(texts)
        else:
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.extend(texts)
    return leftover


class TaskForm(FlaskForm):
    service_item = SelectField(
        _l("Service item"), choices=[], validate_choice=False, validators=NEEDED
    )
    title = StringField(_l("Title"), validators=NEEDED)
    description = TextAreaField(_l("Description of the work"), validators=NEEDED)
    project_code = StringField(_l("Investment project code (项目代码)"))
    approval_item = StringField(_l("Approval item served"))
    funding = SelectField(
        _l("Funding"),
        choices=[
            ("private", _l("private")),
            ("state_owned", _l("state-owned")),
            ("budget", _l("budget")),
        ],
        validators=NEEDED,
    )
    budget_code = StringField(_l("Budget code (budget funding)"))
    method = SelectField(
        _l("Selection method"),
        choices=[
            ("lowest_price", _l("lowest price")),
            ("average_price", _l("average price")),
            ("scoring", _l("scoring")),
            ("random", _l("random draw")),
            ("direct", _l("direct")),
        ],
        validators=NEEDED,
    )
    price_cap = StringField(_l("Price cap (yuan)"))
    fixed_fee = StringField(_l("Fixed fee for a random draw (yuan)"))
    min_bids = IntegerField(_l("Minimum valid bids"), default=3, validators=[Optional()])
    weight_price = IntegerField(_l("Weight of price"), validators=[Optional()])
    weight_credit = IntegerField(_l("Weight of credit"), validators=[Optional()])
    weight_quality = IntegerField(_l("Weight of proposal quality"), validators=[Optional()])
    panel_size = IntegerField(_l("Panel size (scoring)"), validators=[Optional()])
    invited_agency_id = IntegerField(_l("Invited agency id (direct)"), validators=[Optional()])
    service_days = IntegerField(_l("Service time limit (days)"), validators=[Optional(), *NEEDED])
    bidding_wd = IntegerField(
        _l("Bidding period (working days)"), default=5, validators=[Optional(), *NEEDED]
    )
    required_qualifications = SelectMultipleField(
        _l("Required qualifications (only those the law requires)"),
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField(_l("Save draft"))

    FIELDS = (
        "service_item",
        "title",
        "description",
        "project_code",
        "approval_item",
        "funding",
        "budget_code",
        "method",
        "min_bids",
        "weight_price",
        "weight_credit",
        "weight_quality",
        "panel_size",
        "invited_agency_id",
        "service_days",
        "bidding_wd",
        "required_qualifications",
    )

    def to_data(self) -> dict:
        data = {name: self[name].data for name in self.FIELDS}
        data.update(
            amounts_in_fen(
                {"price_cap_fen": self.price_cap.data, "fixed_fee_fen": self.fixed_fee.data}
            )
        )
        return {k: v for k, v in data.items() if v not in (None, "")}


class AmendForm(TaskForm):
    reason = TextAreaField(_l("Reason for the amendment (published)"))
    submit = SubmitField(_l("Publish the amendment"))

    AMOUNTS = {"price_cap_fen": "price_cap", "fixed_fee_fen": "fixed_fee"}

    def to_data(self) -> dict:
        """Only the fields the request carried: one the page does not show keeps the task's
        value, never the blank form's default (a minimum of 3 valid bids). A multiple select
        sends nothing when nothing is chosen, so it always counts as carried."""
        data = super().to_data()
        fields = {name: self[self.AMOUNTS.get(name, name)] for name in data}
        return {
            name: value
            for name, value in data.items()
            if fields[name].raw_data or isinstance(fields[name], SelectMultipleField)
        }


class QualificationForm(FlaskForm):
    """An agency declares or changes one qualification, by type."""

    type = SelectField(
        _l("Type of qualification"), choices=_qualification_types(), validate_choice=False
    )
    grade = SelectField(
        _l("Grade or class (where the type has one)"), choices=GRADE_CHOICES, validate_choice=False
    )
    scope = StringField(_l("Speciality or scope (as on the certificate)"))
    certificate_no = StringField(_l("Certificate number"))
    issuer = StringField(_l("Issued by"))
    valid_from = StringField(_l("Valid from (YYYY-MM-DD)"), render_kw={"type": "date"})
    valid_until = StringField(_l("Valid until (YYYY-MM-DD)"), render_kw={"type": "date"})
    submit = SubmitField(_l("Save the qualification"))

    def to_data(self) -> dict:
        return {
            k: (v or None) if k in ("grade", "valid_from", "valid_until") else v
            for k, v in self.data.items()
            if k not in ("csrf_token", "submit")
        }


class ProfileForm(FlaskForm):
    """An agency changes its own profile; the licence's name, USCC and representative stay."""

    region_code = RegionField(_l("Administrative division"), validators=NEEDED)
    address = StringField(_l("Address"))
    description = TextAreaField(_l("About the agency"))
    contact_name = StringField(_l("Contact person"), validators=NEEDED)
    contact_phone = TelField(_l("Contact phone (not public)"), validators=NEEDED)
    contact_email = StringField(_l("Contact e-mail (not public)"))
    submit = SubmitField(_l("Save the profile"))

    def to_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k not in ("csrf_token", "submit")}


class ServiceForm(FlaskForm):
    """An agency offers or changes one service item; prices typed in yuan."""

    service_item = SelectField(_l("Service item"), choices=[], validate_choice=False)
    commitment_days = StringField(_l("Committed time (days)"), validators=NEEDED)
    commitment_scope = StringField(_l("Committed scope"), validators=NEEDED)
    price_min = StringField(_l("Lowest price (yuan)"), validators=NEEDED)
    price_max = StringField(_l("Highest price (yuan)"), validators=NEEDED)
    submit = SubmitField(_l("Save the service"))

    def to_data(self) -> dict:
        fen = amounts_in_fen(
            {"price_min_fen": self.price_min.data, "price_max_fen": self.price_max.data}
        )
        return {
            "service_item": self.service_item.data,
            "commitment_days": self.commitment_days.data,
            "commitment_scope": self.commitment_scope.data,
            **fen,
        }


class ProfessionalForm(FlaskForm):
    """An agency registers or changes one professional; the ID number is never shown back."""

    name = StringField(_l("Full name"), validators=NEEDED)
    certificate = StringField(_l("Certificate"), validators=NEEDED)
    certificate_no = StringField(_l("Certificate number"), validators=NEEDED)
    id_number = UnechoedField(
        _l("ID number (not public; leave empty to keep the one stored)"),
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField(_l("Save the professional"))

    def to_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k not in ("csrf_token", "submit")}


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the agency sees it)"))
    submit = SubmitField(_l("Reject"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (published)"))
    submit = SubmitField(_l("Cancel the task"))


class OutageForm(FlaskForm):
    """An outage notice; the times are read in Asia/Shanghai and checked by the service."""

    started_at = StringField(
        _l("Outage started (Beijing time)"),
        validators=NEEDED,
        render_kw={"type": "datetime-local"},
    )
    ended_at = StringField(
        _l("Outage ended (Beijing time)"),
        validators=NEEDED,
        render_kw={"type": "datetime-local"},
    )
    reason = TextAreaField(_l("What happened"), validators=NEEDED)
    extension_wd = StringField(
        _l("Extend by (working days, 1–10)"),
        validators=NEEDED,
        render_kw={"type": "number", "min": 1, "max": 10},
    )
    submit = SubmitField(_l("Publish the notice and extend the deadlines"))
