"""Accounts (docs/rules.md §3): enterprises register themselves, operators create the other staff kinds,
passwords are Argon2id hashes with a length-only policy.

Registration is checked through the JSON API (422 application/problem+json, messages keyed by
field) and through the HTML form (inline errors under each field); a refused submission saves
nothing.
"""

from __future__ import annotations

import argon2
import pytest
from markupsafe import escape
from sqlmodel import select

from market import accounts
from market.models import AuditEvent, ExpertCategory, Jurisdiction, Organization, User
from market.validation import Invalid
from tests.conftest import PASSWORD, login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    counts,
    english_messages,
    field_errors,
    uscc,
)

TAKEN_USCC = "91220106MA15AB3C42"  # the one `make.enterprise()` registers
FREE_USCC = uscc("91220102MA17XY8W3")


def enterprise_body(**overrides) -> dict:
    body = {
        "name": "长春新材料有限公司",
        "uscc": FREE_USCC,
        "legal_representative": "赵六",
        "region_code": "220102",
        "user_name": "赵六",
        "email": "zhao@newco.zjm",
        "phone": "13800000000",
        "password": PASSWORD,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


#: Each bad input, the field it is reported on, and the specific message.
BAD_REGISTRATIONS = [
    pytest.param(
        {"uscc": TAKEN_USCC},
        "uscc",
        "An organization with this unified social credit code is already registered.",
        id="duplicate-uscc",
    ),
    pytest.param(
        {"uscc": TAKEN_USCC.lower()},
        "uscc",
        "An organization with this unified social credit code is already registered.",
        id="duplicate-uscc-in-lower-case",
    ),
    pytest.param(
        {"uscc": FREE_USCC[:17]},
        "uscc",
        "A unified social credit code has 18 characters.",
        id="uscc-too-short",
    ),
    pytest.param(
        {"uscc": FREE_USCC + "1"},
        "uscc",
        "A unified social credit code has 18 characters.",
        id="uscc-too-long",
    ),
    pytest.param(
        {"uscc": "9122010" + "A" + FREE_USCC[8:]},
        "uscc",
        "A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z.",
        id="uscc-letter-in-registration-authority",
    ),
    pytest.param(
        {"uscc": FREE_USCC[:10] + "I" + FREE_USCC[11:]},
        "uscc",
        "A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z.",
        id="uscc-forbidden-letter",
    ),
    pytest.param(
        {"uscc": FREE_USCC[:17] + ("0" if FREE_USCC[17] != "0" else "1")},
        "uscc",
        "The check character of this unified social credit code is wrong; please copy "
        "it again from the business licence.",
        id="uscc-checksum",
    ),
    pytest.param({"name": ""}, "name", "This field is required.", id="missing-name"),
    pytest.param({"uscc": "   "}, "uscc", "This field is required.", id="blank-uscc"),
    pytest.param({"email": ""}, "email", "This field is required.", id="missing-email"),
    pytest.param({"password": ""}, "password", "This field is required.", id="missing-password"),
    pytest.param(
        {"name": "企" * 101}, "name", "At most 100 characters (you gave 101).", id="name-too-long"
    ),
    pytest.param(
        {"legal_representative": "张" * 51},
        "legal_representative",
        "At most 50 characters (you gave 51).",
        id="legal-representative-too-long",
    ),
    pytest.param(
        {"name": "<script>alert(1)</script>有限公司"},
        "name",
        "Markup such as < > or & entities is not allowed here.",
        id="markup-in-name",
    ),
    pytest.param(
        {"name": "A&amp;B 有限公司"},
        "name",
        "Markup such as < > or & entities is not allowed here.",
        id="entity-in-name",
    ),
    pytest.param(
        {"user_name": "<b>赵六</b>"},
        "user_name",
        "Markup such as < > or & entities is not allowed here.",
        id="markup-in-user-name",
    ),
    pytest.param(
        {"password": "a" * 11},
        "password",
        "A password needs at least 12 characters.",
        id="password-11-chars",
    ),
    pytest.param(
        {"password": "a" * 129},
        "password",
        "A password has at most 128 characters.",
        id="password-129-chars",
    ),
    pytest.param(
        {"email": "enterprise1@test.zjm"},
        "email",
        "An account with this e-mail address already exists.",
        id="duplicate-email",
    ),
    pytest.param(
        {"email": "Enterprise1@TEST.zjm"},
        "email",
        "An account with this e-mail address already exists.",
        id="duplicate-email-other-case",
    ),
    pytest.param(
        {"email": "not-an-address"}, "email", "Not a valid e-mail address.", id="malformed-email"
    ),
    pytest.param(
        {"region_code": "2201"},
        "region_code",
        "An administrative division code has 6 digits, e.g. 220102.",
        id="short-region-code",
    ),
    pytest.param(
        {"phone": "call me"},
        "phone",
        "A phone number has only digits, spaces, + and -.",
        id="phone-with-letters",
    ),
]


# --- self-registration through the API --------------------------------------------------------


def test_enterprise_registers_itself_through_the_api(client, db):
    before = counts(db)
    response = client.post("/api/v1/organizations", json=enterprise_body())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["totp_secret"] is None
    org = db.get(Organization, body["id"])
    assert (org.kind, org.name, org.uscc, org.region_code) == (
        "enterprise",
        "长春新材料有限公司",
        FREE_USCC,
        "220102",
    )
    user = db.exec(select(User).where(User.organization_id == org.id)).one()
    assert (user.email, user.role, user.phone) == ("zhao@newco.zjm", "admin", "13800000000")
    assert user.totp_secret is None
    after = counts(db)
    assert after["Organization"] == before["Organization"] + 1
    assert after["User"] == before["User"] + 1
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "organization.registered", AuditEvent.object_id == str(org.id)
        )
    ).one()
    assert event.actor_user_id == user.id
    assert PASSWORD not in str(event.data)


def test_enterprise_registration_accepts_an_explicit_enterprise_kind(client, db):
    response = client.post("/api/v1/organizations", json=enterprise_body(kind="enterprise"))
    assert response.status_code == 201, response.get_json()
    assert db.get(Organization, response.get_json()["id"]).kind == "enterprise"


def test_registered_enterprise_can_log_in(client):
    assert client.post("/api/v1/organizations", json=enterprise_body()).status_code == 201
    client.delete("/api/v1/session")
    response = client.post(
        "/api/v1/session", json={"email": "zhao@newco.zjm", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.get_json()["organization"]["kind"] == "enterprise"


def test_uscc_is_stored_in_its_canonical_upper_case_form(client, db):
    response = client.post(
        "/api/v1/organizations", json=enterprise_body(uscc=f" {FREE_USCC.lower()} ")
    )
    assert response.status_code == 201, response.get_json()
    assert db.get(Organization, response.get_json()["id"]).uscc == FREE_USCC


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_REGISTRATIONS)
def test_api_registration_names_each_bad_field(client, db, make, overrides, field, message):
    make.enterprise()  # holds TAKEN_USCC and enterprise1@test.zjm
    before = counts(db)
    response = client.post("/api/v1/organizations", json=enterprise_body(**overrides))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422
    assert body["errors"] == {field: [message]}
    assert counts(db) == before


def test_api_registration_reports_every_bad_field_at_once(client, db):
    before = counts(db)
    response = client.post(
        "/api/v1/organizations",
        json=enterprise_body(uscc="123", password="short", name=None, email="x"),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"uscc", "password", "name", "email"}
    assert counts(db) == before


def test_api_registration_refuses_unknown_fields_and_wrong_types(client, db):
    before = counts(db)
    unknown = client.post("/api/v1/organizations", json=enterprise_body(is_admin=True))
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"] == {"is_admin": ["Unknown field."]}
    wrong_type = client.post("/api/v1/organizations", json=enterprise_body(name=["a", "b"]))
    assert wrong_type.status_code == 422
    assert wrong_type.get_json()["errors"] == {"name": ["Wrong type of value."]}
    assert counts(db) == before


@pytest.mark.parametrize(
    "body", [None, [1, 2], "text", 42], ids=["no-body", "list", "string", "number"]
)
def test_api_registration_without_a_json_object_is_a_problem_not_a_crash(client, db, body):
    before = counts(db)
    if body is None:
        response = client.post("/api/v1/organizations", data="not json", content_type="text/plain")
    else:
        response = client.post("/api/v1/organizations", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert counts(db) == before


def test_agencies_cannot_be_created_through_organizations(client, db, make):
    operator = make.staff("operator")
    login(client, operator)
    before = counts(db)
    response = client.post("/api/v1/organizations", json=enterprise_body(kind="agency"))
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Agencies register at /api/v1/agencies."
    assert counts(db) == before


# --- self-registration through the HTML form ---------------------------------------------------


def test_enterprise_registers_itself_through_the_form_and_is_logged_in(client, db):
    before = counts(db)
    response = client.post("/register/enterprise", data=enterprise_body())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/")
    assert counts(db)["Organization"] == before["Organization"] + 1
    page = client.get("/account/")
    assert page.status_code == 200
    assert "zhao@newco.zjm" in page.get_data(as_text=True)
    assert client.get("/api/v1/session").get_json()["user"]["email"] == "zhao@newco.zjm"


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_REGISTRATIONS)
def test_form_registration_shows_each_error_under_its_field(
    client, db, make, overrides, field, message
):
    make.enterprise()
    before = counts(db)
    response = client.post("/register/enterprise", data=enterprise_body(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert str(escape(message)) in field_errors(html, field)
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    assert counts(db) == before
    assert client.get("/api/v1/session").get_json()["user"] is None


def test_form_registration_keeps_what_was_typed_but_not_the_password(client, make):
    make.enterprise()
    response = client.post("/register/enterprise", data=enterprise_body(uscc=TAKEN_USCC))
    html = response.get_data(as_text=True)
    assert "长春新材料有限公司" in html
    assert PASSWORD not in html


# --- passwords -----------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(db, make):
    user = make.enterprise()
    stored = db.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert argon2.extract_parameters(stored).type is argon2.Type.ID
    assert argon2.PasswordHasher().verify(stored, PASSWORD)


def test_the_same_password_gets_a_different_salted_hash_each_time(db, make):
    first = make.enterprise()
    second = make.enterprise(uscc=FREE_USCC)
    assert db.get(User, first.id).password_hash != db.get(User, second.id).password_hash


@pytest.mark.parametrize(
    "password",
    [
        "abcdefghijkl",  # 12 lower-case letters, no digits or symbols
        "correcthorse",
        "我的密码就是这十二个汉字啊",  # 12 characters that are not ASCII
        "x" * 128,
    ],
    ids=["twelve-lowercase", "twelve-words", "twelve-chinese", "exactly-128"],
)
def test_any_password_of_12_to_128_characters_is_accepted_without_composition_rules(
    client, db, password
):
    response = client.post("/api/v1/organizations", json=enterprise_body(password=password))
    assert response.status_code == 201, response.get_json()
    client.delete("/api/v1/session")
    login = client.post("/api/v1/session", json={"email": "zhao@newco.zjm", "password": password})
    assert login.status_code == 200


def test_password_policy_counts_characters_not_bytes():
    checker = accounts.Checker()
    # 12 Chinese characters are 36 bytes in UTF-8 but 12 characters.
    accounts.passwords.check_policy(checker, "password", "汉" * 12, min_length=12, max_length=12)
    assert checker.errors == {}


def test_password_policy_follows_the_configured_lengths(client, db, use_policy):
    use_policy({"password_min_length": 16, "password_max_length": 64})
    short = client.post("/api/v1/organizations", json=enterprise_body(password="fifteen-chars-x"))
    assert short.get_json()["errors"] == {"password": ["A password needs at least 16 characters."]}
    long = client.post("/api/v1/organizations", json=enterprise_body(password="y" * 65))
    assert long.get_json()["errors"] == {"password": ["A password has at most 64 characters."]}


def test_an_old_hash_is_upgraded_to_the_current_cost_at_login(client, db, make):
    user = make.enterprise()
    old = argon2.PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    row = db.get(User, user.id)
    row.password_hash = old
    db.add(row)
    db.commit()
    login(client, user)
    db.expire_all()
    upgraded = db.get(User, user.id).password_hash
    assert upgraded != old
    assert not accounts.passwords.needs_rehash(upgraded)
    assert accounts.passwords.verify_password(upgraded, PASSWORD)


class CountingHasher:
    """Wraps the configured Argon2 hasher and counts the expensive calls."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        attr = getattr(self.real, name)
        if name not in ("hash", "verify"):
            return attr

        def counted(*args, **kwargs):
            self.calls.append(name)
            return attr(*args, **kwargs)

        return counted


def test_an_unknown_email_costs_the_same_hashing_work_as_a_wrong_password(
    client, make, monkeypatch
):
    user = make.enterprise()
    spy = CountingHasher(accounts.passwords._hasher)
    monkeypatch.setattr(accounts.passwords, "_hasher", spy)
    client.post("/api/v1/session", json={"email": "warm-up@test.zjm", "password": "x" * 12})
    spy.calls.clear()
    client.post("/api/v1/session", json={"email": user.email, "password": "wrong password 1"})
    known = list(spy.calls)
    spy.calls.clear()
    client.post(
        "/api/v1/session", json={"email": "nobody@test.zjm", "password": "wrong password 1"}
    )
    assert known == spy.calls == ["verify"]


def test_a_corrupt_hash_fails_the_login_instead_of_crashing(client, db, make):
    user = make.enterprise()
    row = db.get(User, user.id)
    row.password_hash = "not-a-hash"
    db.add(row)
    db.commit()
    response = client.post("/api/v1/session", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


# --- the domain service on its own ----------------------------------------------------------------


def test_register_enterprise_raises_invalid_with_messages_by_field(db):
    with pytest.raises(Invalid) as caught:
        accounts.register_enterprise(db, enterprise_body(uscc="X", password="short"))
    assert set(caught.value.errors) == {"uscc", "password"}
    assert caught.value.errors["password"][0].params == {"min": 12}


def test_new_user_fields_are_trimmed_and_the_email_lower_cased(db):
    user = accounts.register_enterprise(
        db, enterprise_body(email="  Zhao@NewCo.Zjm ", user_name="  赵   六 ")
    )
    assert user.email == "zhao@newco.zjm"
    assert user.name == "赵 六"


# --- accounts made by an operator -----------------------------------------------------------------


def staff_body(kind: str, **overrides) -> dict:
    body = {
        "kind": kind,
        "name": f"吉林省{kind}",
        "region_code": "220000",
        "user_name": "钱七",
        "email": f"{kind}@staff.zjm",
        "password": PASSWORD,
        "categories": [],
        "region_prefixes": [],
    }
    body.update(overrides)
    return body


@pytest.fixture
def operator_client(app, make):
    client = app.test_client()
    login(client, make.staff("operator"))
    return client


@pytest.mark.parametrize("kind", ["regulator", "operator"])
def test_operator_creates_second_factor_accounts_and_sees_the_secret_once(
    operator_client, db, kind
):
    response = operator_client.post("/api/v1/organizations", json=staff_body(kind))
    assert response.status_code == 201, response.get_json()
    secret = response.get_json()["totp_secret"]
    assert secret and len(secret) >= 16
    user = db.exec(select(User).where(User.email == f"{kind}@staff.zjm")).one()
    assert user.totp_secret == secret
    assert db.get(Organization, user.organization_id).kind == kind
    # The secret is never served again: not on the organization, not on the user's own session.
    org = operator_client.get(f"/api/v1/organizations/{user.organization_id}")
    assert secret not in org.get_data(as_text=True)
    newcomer = operator_client.application.test_client()
    me = newcomer.post(
        "/api/v1/session",
        json={"email": user.email, "password": PASSWORD, "totp": accounts.current_totp(secret)},
    )
    assert me.status_code == 200
    assert me.get_json()["second_factor"] is True
    assert secret not in me.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["department", "expert"])
def test_accounts_without_second_factor_get_no_secret(operator_client, db, kind):
    body = staff_body(kind, categories=["environment"] if kind == "expert" else [])
    response = operator_client.post("/api/v1/organizations", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["totp_secret"] is None
    user = db.exec(select(User).where(User.email == f"{kind}@staff.zjm")).one()
    assert user.totp_secret is None
    assert db.get(Organization, user.organization_id).kind == kind


def test_regulator_gets_one_jurisdiction_row_per_category_and_region_prefix(operator_client, db):
    response = operator_client.post(
        "/api/v1/organizations",
        json=staff_body(
            "regulator", categories=["environment", "water"], region_prefixes=["2201", "220302"]
        ),
    )
    assert response.status_code == 201, response.get_json()
    org_id = response.get_json()["id"]
    rows = db.exec(select(Jurisdiction).where(Jurisdiction.organization_id == org_id)).all()
    assert sorted((r.category, r.region_prefix) for r in rows) == [
        ("environment", "2201"),
        ("environment", "220302"),
        ("water", "2201"),
        ("water", "220302"),
    ]


def test_regulator_without_categories_or_prefixes_supervises_everything(operator_client, db):
    response = operator_client.post("/api/v1/organizations", json=staff_body("regulator"))
    org_id = response.get_json()["id"]
    rows = db.exec(select(Jurisdiction).where(Jurisdiction.organization_id == org_id)).all()
    assert [(r.category, r.region_prefix) for r in rows] == [(None, None)]


def test_regulator_jurisdiction_ignores_repeated_categories_and_prefixes(operator_client, db):
    response = operator_client.post(
        "/api/v1/organizations",
        json=staff_body(
            "regulator",
            categories=["environment", "environment"],
            region_prefixes=["2201", " 2201 "],
        ),
    )
    assert response.status_code == 201, response.get_json()
    org_id = response.get_json()["id"]
    rows = db.exec(select(Jurisdiction).where(Jurisdiction.organization_id == org_id)).all()
    assert [(r.category, r.region_prefix) for r in rows] == [("environment", "2201")]


def test_expert_is_registered_for_its_categories(operator_client, db):
    response = operator_client.post(
        "/api/v1/organizations",
        json=staff_body("expert", categories=["environment", "geology"], region_code=None),
    )
    assert response.status_code == 201, response.get_json()
    org_id = response.get_json()["id"]
    rows = db.exec(select(ExpertCategory).where(ExpertCategory.organization_id == org_id)).all()
    assert sorted(r.category for r in rows) == ["environment", "geology"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"kind": "expert", "categories": []},
            "categories",
            "An expert needs at least one service category.",
            id="expert-no-category",
        ),
        pytest.param(
            {"kind": "expert", "categories": ["astrology"]},
            "categories",
            "Unknown service category: astrology.",
            id="unknown-category",
        ),
        pytest.param(
            {"kind": "regulator", "region_prefixes": ["2"]},
            "region_prefixes",
            "A region prefix is 2 to 6 digits: 2.",
            id="prefix-too-short",
        ),
        pytest.param(
            {"kind": "regulator", "region_prefixes": ["22AB"]},
            "region_prefixes",
            "A region prefix is 2 to 6 digits: 22AB.",
            id="prefix-not-digits",
        ),
        pytest.param(
            {"kind": "regulator", "region_code": None},
            "region_code",
            "This field is required.",
            id="regulator-needs-region",
        ),
        pytest.param(
            {"kind": "department", "region_code": None},
            "region_code",
            "This field is required.",
            id="department-needs-region",
        ),
        pytest.param(
            {"kind": "enterprise-ish"},
            "kind",
            "Choose one of: department, regulator, expert, operator.",
            id="unknown-kind",
        ),
        pytest.param(
            {"kind": "department", "name": "<i>局</i>"},
            "name",
            "Markup such as < > or & entities is not allowed here.",
            id="markup-in-name",
        ),
        pytest.param(
            {"kind": "department", "password": "too-short"},
            "password",
            "A password needs at least 12 characters.",
            id="short-password",
        ),
        pytest.param(
            {"kind": "department", "email": "operator1@test.zjm"},
            "email",
            "An account with this e-mail address already exists.",
            id="duplicate-email",
        ),
    ],
)
def test_operator_created_account_names_each_bad_field(
    operator_client, db, overrides, field, message
):
    before = counts(db)
    body = staff_body(overrides.pop("kind"), **overrides)
    response = operator_client.post("/api/v1/organizations", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {field: [message]}
    assert counts(db) == before


@pytest.mark.parametrize(
    "creator", ["agency", "enterprise", "regulator", "department", "expert", "anonymous"]
)
def test_only_an_operator_creates_staff_accounts(app, db, make, creator):
    client = app.test_client()
    if creator == "agency":
        login(client, make.agency())
    elif creator == "enterprise":
        login(client, make.enterprise())
    elif creator != "anonymous":
        login(client, make.staff(creator))
    before = counts(db)
    response = client.post("/api/v1/organizations", json=staff_body("regulator"))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    expected = (
        "Please log in first."
        if creator == "anonymous"
        else "Your organization's kind may not do this."
    )
    assert response.get_json()["detail"] == expected
    assert counts(db) == before


def test_operator_creation_is_in_the_audit_log(operator_client, db):
    response = operator_client.post(
        "/api/v1/organizations", json=staff_body("regulator", categories=["water"])
    )
    org_id = response.get_json()["id"]
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "organization.created", AuditEvent.object_id == str(org_id)
        )
    ).one()
    assert event.data["kind"] == "regulator"
    assert event.data["categories"] == ["water"]
    assert event.actor_user_id is not None
    assert "totp" not in str(event.data).lower()
    assert PASSWORD not in str(event.data)


# --- the operator's account page ------------------------------------------------------------------


def test_operator_account_page_creates_a_regulator_and_shows_its_secret(operator_client, db):
    assert operator_client.get("/operator/accounts").status_code == 200
    response = operator_client.post(
        "/operator/accounts",
        data={
            "kind": "regulator",
            "name": "长春市生态环境局",
            "region_code": "220100",
            "categories": ["environment", "water"],
            "region_prefixes": ["2201", "2202"],
            "user_name": "孙八",
            "email": "sun@reg.zjm",
            "phone": "",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    user = db.exec(select(User).where(User.email == "sun@reg.zjm")).one()
    html = response.get_data(as_text=True)
    assert user.totp_secret in html
    assert "otpauth://" in html
    rows = db.exec(
        select(Jurisdiction).where(Jurisdiction.organization_id == user.organization_id)
    ).all()
    assert len(rows) == 4
    assert (
        operator_client.get("/operator/accounts").get_data(as_text=True).count(user.totp_secret)
        == 0
    )


def test_operator_account_page_shows_an_expert_without_category_inline(operator_client, db):
    before = counts(db)
    response = operator_client.post(
        "/operator/accounts",
        data={
            "kind": "expert",
            "name": "周九",
            "region_code": "",
            "region_prefixes": "",
            "user_name": "周九",
            "email": "zhou@expert.zjm",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "An expert needs at least one service category." in field_errors(
        response.get_data(as_text=True), "categories"
    )
    assert counts(db) == before


@pytest.mark.parametrize("who", ["agency", "enterprise", "regulator"])
def test_operator_account_page_is_forbidden_to_other_kinds(app, make, who):
    client = app.test_client()
    user = {
        "agency": make.agency,
        "enterprise": make.enterprise,
        "regulator": lambda: make.staff("regulator"),
    }[who]()
    login(client, user)
    assert client.get("/operator/accounts").status_code == 403
    assert client.post("/operator/accounts", data=staff_body("operator")).status_code == 403


def test_operator_account_page_sends_anonymous_visitors_to_log_in(client, db):
    before = counts(db)
    response = client.post("/operator/accounts", data=staff_body("operator"))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert counts(db) == before
