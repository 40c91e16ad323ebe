"""Zero-barrier agency entry through the HTML form /register/agency (docs/rules.md §1.1, §10).

The form goes through the same service as the API, so it refuses the same inputs with the same
messages, shown inline under each field; the page comes back with everything entered (except the
password, which is never echoed) and nothing is stored. Prices are entered in yuan.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlmodel import func, select

from market.models import (
    AgencyService,
    AuditEvent,
    Organization,
    Professional,
    Qualification,
    ServiceItem,
    User,
)
from market.validation import Invalid, Message, parse_yuan
from tests.conftest import FROZEN_AT, PASSWORD

URL = "/register/agency?lang=en"
USCC = "91220101MA0Y4Q6X33"


class FormFields(HTMLParser):
    """The values a browser would submit back from a rendered form, by field name."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str | None] = {}
        self.buttons: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "submit":
                self.buttons[name] = a.get("value", "")
            elif kind == "checkbox":
                self.values[name] = a.get("value") if "checked" in a else None
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, None)
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            # A browser reads CR LF as LF and drops the newline that starts a textarea.
            text = self.values[self._textarea].replace("\r\n", "\n")
            self.values[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def field_errors(html: str, field_id: str) -> list[str]:
    """The inline error list under one form field."""
    match = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-err">(.*?)</ul>', html, re.S)
    if not match:
        return []
    return [
        unescape(re.sub(r"<[^>]+>", "", li).strip())
        for li in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    ]


def all_inline_errors(html: str) -> dict[str, list[str]]:
    return {
        fid: field_errors(html, fid)
        for fid in re.findall(r'<ul class="errors" id="([^"]+)-err">', html)
    }


def unescape(text: str) -> str:
    import html as html_module

    return html_module.unescape(text)


def form_data(**overrides) -> dict[str, str]:
    """A complete, valid submission of the form; an override of None leaves the field out."""
    data = {
        "name": "吉林表单测绘有限公司",
        "uscc": USCC,
        "legal_representative": "赵六",
        "region_code": "220102",
        "address": "长春市朝阳区",
        "description": "测绘服务。",
        "contact_name": "赵六",
        "contact_phone": "0431-66666666",
        "contact_email": "form@agency.test",
        "services-0-service_item": "SURVEYING-MAPPING",
        "services-0-commitment_days": "10",
        "services-0-commitment_scope": "地形图测绘",
        "services-0-price_min": "1,234.50",
        "services-0-price_max": "20,000",
        "professionals-0-name": "钱七",
        "professionals-0-certificate": "注册测绘师",
        "professionals-0-certificate_no": "CH0001",
        "professionals-0-id_number": "",
        "qualifications-0-type": "surveying",
        "qualifications-0-grade": "A",
        "qualifications-0-scope": "工程测量",
        "qualifications-0-certificate_no": "甲测资字002",
        "qualifications-0-issuer": "自然资源部",
        "qualifications-0-valid_until": "2028-06-30",
        "commitment": "y",
        "user_name": "赵六",
        "email": "form@test.zjm",
        "phone": "13800000000",
        "password": PASSWORD,
        "submit": "Register and list my agency",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def row_counts(db) -> dict[str, int]:
    db.expire_all()
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (Organization, User, AgencyService, Professional, Qualification, AuditEvent)
    }


def assert_values_kept(html: str, submitted: dict[str, str], *, unless: tuple = ()) -> None:
    """Every submitted field comes back as entered; the password is never echoed."""
    shown = FormFields(html).values
    for name, value in submitted.items():
        if name in ("submit", "add_service", "add_professional", "add_qualification", *unless):
            continue
        if name == "password":
            assert shown[name] == "", "the password must not be echoed back"
            continue
        assert shown.get(name) == value, (name, shown.get(name), value)


# --- the page ----------------------------------------------------------------------------------


def test_form_shows_the_commitment_statement_and_no_fee(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert "We, the agency named above, commit that:" in page
    assert "no fee, no approval wait, no quota" in page
    fields = FormFields(response.get_data(as_text=True))
    assert fields.values["commitment"] is None  # never pre-signed
    assert "services-0-price_min" in fields.values and "services-0-price_max" in fields.values
    assert fields.buttons["add_service"] == "Add a service"
    assert not any("fee" in name for name in fields.values)


def test_service_choices_are_the_catalog(client, db):
    html = client.get(URL).get_data(as_text=True)
    service_select = re.search(
        r'<select[^>]*name="services-0-service_item".*?</select>', html, re.S
    )
    offered = set(re.findall(r'<option value="([^"]+)"', service_select.group(0)))
    codes = set(db.exec(select(ServiceItem.code)))
    assert offered == codes


# --- a valid submission ---------------------------------------------------------------------------


def test_form_registration_lists_the_agency_at_once_with_prices_in_yuan(client, db):
    before = row_counts(db)
    response = client.post(URL, data=form_data())
    assert response.status_code == 302, all_inline_errors(response.get_data(as_text=True))
    match = re.fullmatch(r"/agencies/(\d+)", response.headers["Location"])
    assert match
    agency_id = int(match.group(1))

    db.expire_all()
    org = db.get(Organization, agency_id)
    assert org.name == "吉林表单测绘有限公司" and org.kind == "agency"
    assert org.listed_at == org.commitment_signed_at == FROZEN_AT
    [offer] = db.exec(select(AgencyService).where(AgencyService.organization_id == agency_id))
    assert (offer.price_min_fen, offer.price_max_fen) == (123450, 2000000)
    assert offer.commitment_days == 10
    after = row_counts(db)
    assert after["Organization"] == before["Organization"] + 1
    assert after["Qualification"] == before["Qualification"] + 1
    assert after["Professional"] == before["Professional"] + 1
    [declared] = db.exec(select(Qualification).where(Qualification.organization_id == agency_id))
    assert (declared.type_code, declared.grade, declared.scope, declared.name) == (
        "surveying",
        "A",
        "工程测量",
        "测绘资质 甲级",
    )

    profile = client.get(f"/agencies/{agency_id}?lang=en").get_data(as_text=True)
    assert "1,234.50 – 20,000.00" in profile
    assert "self-declared" in profile
    assert "吉林表单测绘有限公司" in client.get("/agencies").get_data(as_text=True)
    assert client.get("/api/v1/agencies").get_json()["items"][0]["id"] == agency_id
    # The new administrator is logged in.
    me = client.get("/api/v1/session").get_json()["user"]
    assert me["email"] == "form@test.zjm" and me["organization"]["id"] == agency_id


@pytest.mark.parametrize(
    "typed, fen",
    [
        ("1,234.50", 123450),
        ("0.01", 1),
        ("88", 8800),
        (" 1234.5 ", 123450),
        ("0", 0),
        ("12,000,000", 1200000000),
    ],
)
def test_yuan_are_converted_to_fen(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_price_is_missing(typed):
    assert parse_yuan(typed) is None


@pytest.mark.parametrize(
    "typed, msgid",
    [
        ("12.345", "At most two decimals: the smallest amount is 0.01 yuan (1 fen)."),
        ("abc", "Enter an amount in yuan, such as 1234.50."),
        ("1.2.3", "Enter an amount in yuan, such as 1234.50."),
    ],
)
def test_a_price_that_is_no_amount_of_fen_is_refused(typed, msgid):
    with pytest.raises(Invalid) as refused:
        parse_yuan(typed)
    assert refused.value.errors == {"": [Message(msgid)]}


def test_a_sub_fen_price_is_refused_inline(client, db):
    before = row_counts(db)
    submitted = form_data(**{"services-0-price_min": "12.345"})
    response = client.post(URL, data=submitted)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "services-0-price_min")
    assert_values_kept(html, submitted)
    assert row_counts(db) == before


# --- bad input: inline errors, everything entered comes back, nothing stored -----------------------

BAD_INPUTS = {
    "uscc-wrong-length": (
        {"uscc": USCC[:-1]},
        "uscc",
        "A unified social credit code has 18 characters.",
    ),
    "uscc-bad-character": (
        {"uscc": "91220101MA0Y4Q6O33"},
        "uscc",
        "A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z.",
    ),
    "uscc-bad-check-digit": (
        {"uscc": USCC[:-1] + "4"},
        "uscc",
        "The check character of this unified social credit code is wrong; "
        "please copy it again from the business licence.",
    ),
    "missing-legal-representative": (
        {"legal_representative": ""},
        "legal_representative",
        "This field is required.",
    ),
    "over-long-name": ({"name": "测" * 101}, "name", "At most 100 characters (you gave 101)."),
    "script-in-name": (
        {"name": "<script>alert(1)</script>"},
        "name",
        "Markup such as < > or & entities is not allowed here.",
    ),
    "unknown-service-item": (
        {"services-0-service_item": "NO-SUCH-ITEM"},
        "services-0-service_item",
        "Unknown service item.",
    ),
    "price-min-above-max": (
        {"services-0-price_min": "30,000", "services-0-price_max": "20,000"},
        "services-0-price_max",
        "The highest price is below the lowest price.",
    ),
    "negative-price": (
        {"services-0-price_min": "-1"},
        "services-0-price_min",
        "An amount cannot be negative.",
    ),
    "expired-qualification": (
        {"qualifications-0-valid_until": "2026-11-24"},
        "qualifications-0-valid_until",
        "This qualification has already expired.",
    ),
    "qualification-without-grade": (
        {"qualifications-0-grade": ""},
        "qualifications-0-grade",
        "Choose the grade stated on the certificate.",
    ),
    "qualification-without-type": (
        {"qualifications-0-type": ""},
        "qualifications-0-type",
        "Choose the type of qualification.",
    ),
    "bad-date-format": (
        {"qualifications-0-valid_until": "30.06.2028"},
        "qualifications-0-valid_until",
        "A date looks like 2027-06-30.",
    ),
    "professional-id-bad-check-digit": (
        {"professionals-0-id_number": "220102199001011234"},
        "professionals-0-id_number",
        "The check character of this identity card number is wrong; "
        "please copy it again from the card.",
    ),
    "professional-id-too-short": (
        {"professionals-0-id_number": "22010219900101123"},
        "professionals-0-id_number",
        "A resident identity card number has 18 characters.",
    ),
    "service-listed-twice": (
        {
            "services-1-service_item": "SURVEYING-MAPPING",
            "services-1-commitment_days": "5",
            "services-1-commitment_scope": "复测",
            "services-1-price_min": "100",
            "services-1-price_max": "200",
        },
        "services-1-service_item",
        "This service item is listed twice.",
    ),
    "unsigned-commitment": (
        {"commitment": None},
        "commitment",
        "The commitment statement must be signed to register.",
    ),
}


@pytest.mark.parametrize("overrides, field_id, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_shown_inline_and_everything_entered_comes_back(
    client, db, overrides, field_id, message
):
    before = row_counts(db)
    submitted = form_data(**overrides)
    response = client.post(URL, data=submitted)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert all_inline_errors(html) == {field_id: [message]}
    assert f'aria-describedby="{field_id}-err"' in html
    # A code that is not in the catalog cannot be shown as the selected option of the list.
    assert_values_kept(
        html,
        submitted,
        unless=("services-0-service_item",)
        if overrides.get("services-0-service_item") == "NO-SUCH-ITEM"
        else (),
    )
    assert row_counts(db) == before
    assert client.get("/api/v1/session").get_json()["user"] is None


def test_duplicate_uscc_is_shown_inline(client, make, db):
    make.agency()  # holds USCC
    before = row_counts(db)
    submitted = form_data()
    response = client.post(URL, data=submitted)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert all_inline_errors(html) == {
        "uscc": ["An organization with this unified social credit code is already registered."]
    }
    assert_values_kept(html, submitted)
    assert row_counts(db) == before


def test_an_empty_form_names_every_required_field(client, db):
    before = row_counts(db)
    response = client.post(URL, data={"submit": "Register and list my agency"})
    assert response.status_code == 422
    errors = all_inline_errors(response.get_data(as_text=True))
    for field_id in (
        "name",
        "uscc",
        "legal_representative",
        "region_code",
        "contact_name",
        "contact_phone",
        "user_name",
        "email",
        "password",
    ):
        assert errors.get(field_id) == ["This field is required."], field_id
    assert errors["commitment"] == ["The commitment statement must be signed to register."]
    assert "Offer at least one service item." in response.get_data(as_text=True)
    assert row_counts(db) == before


def test_a_half_filled_service_row_names_each_missing_field(client, db):
    submitted = form_data(**{"services-0-commitment_days": "", "services-0-price_max": ""})
    response = client.post(URL, data=submitted)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert all_inline_errors(html) == {
        "services-0-commitment_days": ["This field is required."],
        "services-0-price_max": ["This field is required."],
    }
    assert_values_kept(html, submitted)


# --- adding rows -----------------------------------------------------------------------------------


def test_add_a_service_adds_a_row_without_losing_input(client, db):
    before = row_counts(db)
    submitted = form_data(submit=None, add_service="Add a service")
    response = client.post(URL, data=submitted)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all_inline_errors(html) == {}
    fields = FormFields(html).values
    assert fields["services-1-service_item"] in (None, "")
    assert fields["services-1-price_min"] == ""
    assert "services-2-service_item" not in fields
    assert_values_kept(html, submitted)
    assert row_counts(db) == before  # adding a row saves nothing

    # The second row is then filled and the whole form submitted.
    again = {k: v for k, v in fields.items() if v is not None}
    again.update(
        {
            "password": PASSWORD,
            "submit": "Register and list my agency",
            "services-1-service_item": "LAND-BOUNDARY-SURVEY",
            "services-1-commitment_days": "7",
            "services-1-commitment_scope": "界址测量",
            "services-1-price_min": "500",
            "services-1-price_max": "1,500.5",
        }
    )
    response = client.post(URL, data=again)
    assert response.status_code == 302, all_inline_errors(response.get_data(as_text=True))
    agency_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.expire_all()
    offers = {
        item.code: (s.price_min_fen, s.price_max_fen)
        for s, item in db.exec(
            select(AgencyService, ServiceItem)
            .join(ServiceItem)
            .where(AgencyService.organization_id == agency_id)
        )
    }
    assert offers == {
        "SURVEYING-MAPPING": (123450, 2000000),
        "LAND-BOUNDARY-SURVEY": (50000, 150050),
    }


def test_add_a_service_twice_keeps_every_row(client):
    first = client.post(URL, data=form_data(submit=None, add_service="Add a service"))
    fields = {
        k: v for k, v in FormFields(first.get_data(as_text=True)).values.items() if v is not None
    }
    fields.update(
        {
            "services-1-service_item": "EIA-FORM",
            "services-1-price_min": "7.5",
            "add_service": "Add a service",
        }
    )
    second = client.post(URL, data=fields)
    assert second.status_code == 200
    shown = FormFields(second.get_data(as_text=True)).values
    assert shown["services-0-price_min"] == "1,234.50"
    assert shown["services-1-service_item"] == "EIA-FORM"
    assert shown["services-1-price_min"] == "7.5"
    assert "services-2-service_item" in shown


def test_add_a_qualification_adds_a_row(client):
    response = client.post(
        URL, data=form_data(submit=None, add_qualification="Add a qualification")
    )
    assert response.status_code == 200
    shown = FormFields(response.get_data(as_text=True)).values
    assert shown["qualifications-0-scope"] == "工程测量"
    assert shown["qualifications-1-scope"] == ""


def required_marks(html: str) -> set[str]:
    """The fields whose label carries the required mark (and whose input says so to assistive
    technology)."""
    marked = set(re.findall(r'<label for="([^"]+)">[^<]*</label> <abbr class="req"', html))
    marked |= set(
        re.findall(r'<label><input[^>]*id="([^"]+)"[^>]*> [^<]*</label> <abbr class="req"', html)
    )
    for field_id in marked:
        assert re.search(rf'<[a-z]+ [^>]*aria-required="true"[^>]*id="{field_id}"', html) or (
            re.search(rf'id="{field_id}"[^>]*aria-required="true"', html)
        ), field_id
    return marked


def test_required_fields_are_marked_and_optional_ones_are_not(client):
    client.get("/?lang=en")
    html = client.get(URL).get_data(as_text=True)
    assert required_marks(html) == {
        *("name", "uscc", "legal_representative", "region_code", "contact_name"),
        *("contact_phone", "commitment", "user_name", "email", "password"),
    }
    assert '<abbr class="req" title="required" aria-hidden="true">*</abbr>' in html
    zh = client.get("/register/agency?lang=zh").get_data(as_text=True)
    assert '<abbr class="req" title="必填" aria-hidden="true">*</abbr>' in zh
    enterprise = client.get("/register/enterprise").get_data(as_text=True)
    assert required_marks(enterprise) == {
        *("name", "uscc", "legal_representative", "region_code", "user_name", "email"),
        "password",
    }


def test_a_failed_registration_keeps_every_field_but_asks_for_the_password_again(client):
    client.get("/?lang=en")
    response = client.post(URL, data=form_data(uscc=USCC[:-1]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "password") == []
    assert "For your safety the password is not sent back to the page: type it again." in unescape(
        html
    )
    assert_values_kept(html, form_data(uscc=USCC[:-1]))
