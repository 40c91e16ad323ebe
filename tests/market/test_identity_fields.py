"""Identity fields — the names of people and organizations and user names — may not carry
Unicode direction controls, which make a name read differently from what it is ("Trojan Source",
CVE-2021-42574), nor be made only of invisible characters, which makes a blank-looking name. Each
refusal has its own message, wherever an identity is entered: registration pages and API,
accounts made by operators.
"""

from __future__ import annotations

import pytest

from market import accounts, agencies
from market.validation import Checker, Invalid
from tests.conftest import agency_payload
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    english_messages,
    field_errors,
)
from tests.market.test_accounts import enterprise_body, staff_body

BIDI = "Contains invisible text-direction controls, which can make a name read differently."
INVISIBLE = "A name needs at least one visible character."

BIDI_CONTROLS = [
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u061c",  # ARABIC LETTER MARK
]
INVISIBLE_NAMES = [
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c\u200d",  # ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER
    "\u2060\ufeff",  # WORD JOINER, ZERO WIDTH NO-BREAK SPACE
    "\u3164",  # HANGUL FILLER
    "\u115f\u1160",  # HANGUL CHOSEONG and JUNGSEONG FILLERS
    "\uffa0",  # HALFWIDTH HANGUL FILLER
    "\u2800",  # BRAILLE PATTERN BLANK
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\u00ad\u034f",  # SOFT HYPHEN, COMBINING GRAPHEME JOINER
    "\u3164 \u200b \u2800",  # several, between ordinary spaces
]


def identity_errors(value: str) -> list[str]:
    checker = Checker()
    checker.text("name", value, max_length=100, markup=False, identity=True)
    return [m.msgid for m in checker.errors.get("name", [])]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_an_identity_field_refuses_every_bidi_control(control):
    assert identity_errors(f"吉林{control}环评有限公司") == [BIDI]


@pytest.mark.parametrize(
    "name", INVISIBLE_NAMES, ids=lambda n: "+".join(f"{ord(c):04X}" for c in n)
)
def test_an_identity_field_refuses_a_name_made_only_of_invisible_characters(name):
    assert identity_errors(name) == [INVISIBLE]


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "O'Brien-Smith & Partners",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a ZWNJ inside a word
        "\u3164吉林",  # a filler next to visible text is not a blank name
    ],
)
def test_an_identity_field_accepts_visible_names_in_any_script(name):
    assert identity_errors(name) == []


def test_fields_that_are_not_identities_keep_their_text_as_written():
    checker = Checker()
    assert checker.text("scope", "\u202eRTL note", max_length=100) == "\u202eRTL note"
    assert checker.errors == {}


# --- where identities are entered --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "长春\u202e司公限有料材新", BIDI),
        ("legal_representative", "\u3164", INVISIBLE),
        ("user_name", "\u200b\u200b", INVISIBLE),
        ("user_name", "赵\u2067六", BIDI),
    ],
)
def test_enterprise_registration_through_the_api_checks_each_identity(
    client, db, field, value, message
):
    response = client.post("/api/v1/organizations", json=enterprise_body(**{field: value}))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}


def test_enterprise_registration_page_shows_the_message_under_the_field(client, db):
    response = client.post("/register/enterprise", data=enterprise_body(name="\u2800"))
    assert response.status_code == 422
    assert INVISIBLE in field_errors(response.get_data(as_text=True), "name")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "\u202d吉林环评"}, "name", BIDI),
        ({"legal_representative": "\u115f"}, "legal_representative", INVISIBLE),
        ({"contact_name": "王\u200f五"}, "contact_name", BIDI),
        ({"user_name": "\ufeff"}, "user_name", INVISIBLE),
    ],
)
def test_agency_registration_checks_each_identity(db, overrides, field, message):
    with pytest.raises(Invalid) as caught:
        agencies.register_agency(db, agency_payload(**overrides))
    assert [m.msgid for m in caught.value.errors[field]] == [message]


def test_agency_registration_checks_the_names_of_professionals_and_issuers(client, db):
    payload = agency_payload()
    payload["professionals"][0]["name"] = "\u3164"
    payload["qualifications"][0]["issuer"] = "自然资源部\u202e"
    response = client.post("/api/v1/agencies", json=payload)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["professionals.0.name"] == [INVISIBLE]
    assert errors["qualifications.0.issuer"] == [BIDI]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("name", "\u2066吉林省生态环境厅", BIDI), ("user_name", "\u3164\u3164", INVISIBLE)],
)
def test_accounts_made_by_operators_check_each_identity(db, field, value, message):
    with pytest.raises(Invalid) as caught:
        accounts.create_by_operator(
            db, None, staff_body("regulator", **{field: value}), from_cli=True
        )
    assert [m.msgid for m in caught.value.errors[field]] == [message]


def test_the_messages_are_in_chinese_for_a_chinese_reader(client, db):
    response = client.post(
        "/api/v1/organizations?lang=zh", json=enterprise_body(name="\u202e公司", user_name="\u3164")
    )
    assert response.get_json()["errors"] == {
        "name": ["含有不可见的文字方向控制字符，可能使名称显示得与实际不同。"],
        "user_name": ["名称至少需要一个可见字符。"],
    }
