"""Zero-barrier agency entry through the JSON API and the service (docs/rules.md §1.1, §3, §10).

An agency is listed the moment it registers: no fee, no approval, no quota, no condition on region.
It must sign the commitment statement. Every bad input is refused with its own message, keyed by
the field, as application/problem+json, and nothing of a refused registration is stored.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from stdnum.cn import uscc as stdnum_uscc

from market import agencies, audit
from market.models import (
    AgencyService,
    AuditEvent,
    Organization,
    Professional,
    Qualification,
    User,
)
from market.validation import Invalid, yuan_text
from tests.conftest import FROZEN_AT, agency_payload, login

API = "/api/v1/agencies?lang=en"
EXISTING_USCC = "91220101MA0Y4Q6X33"  # agency_payload()'s code


def valid_uscc(n: int) -> str:
    first17 = f"91220101{n:09d}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


def row_counts(db) -> dict[str, int]:
    db.expire_all()
    return {
        model.__name__: db.exec(select(func.count()).select_from(model)).one()
        for model in (Organization, User, AgencyService, Professional, Qualification, AuditEvent)
    }


def service(**overrides) -> dict:
    row = {
        "service_item": "EIA-REPORT",
        "commitment_days": 30,
        "commitment_scope": "报告书编制",
        "price_min_fen": 5000000,
        "price_max_fen": 20000000,
    }
    row.update(overrides)
    return row


def qualification(**overrides) -> dict:
    row = {
        "name": "测绘资质证书",
        "certificate_no": "甲测资字001",
        "issuer": "自然资源部",
        "valid_until": "2029-12-31",
    }
    row.update(overrides)
    return row


def assert_problem(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    return body


# --- entry: listed at once, no barrier ------------------------------------------------------------


def test_agency_registered_through_the_api_is_listed_at_once(client, db):
    response = client.post(API, json=agency_payload())
    assert response.status_code == 201, response.get_json()
    agency_id = response.get_json()["id"]

    listed = client.get("/api/v1/agencies").get_json()
    assert [a["id"] for a in listed["items"]] == [agency_id]
    assert listed["total"] == 1
    assert "吉林测试环境咨询有限公司" in client.get("/agencies").get_data(as_text=True)
    profile = client.get(f"/api/v1/agencies/{agency_id}").get_json()
    assert profile["listed_at"] == FROZEN_AT.isoformat()
    assert profile["services"][0]["service_item"] == "EIA-REPORT"

    org = db.get(Organization, agency_id)
    assert org.kind == "agency"
    # No approval step: listed and signed at the moment of registration.
    assert org.listed_at == org.created_at == FROZEN_AT
    assert org.commitment_signed_at == FROZEN_AT
    assert org.commitment_version == agencies.COMMITMENT_VERSION
    admin = db.exec(select(User).where(User.organization_id == agency_id)).one()
    assert admin.role == "admin"


def test_registration_asks_for_no_fee_and_accepts_no_such_field(client, db):
    before = row_counts(db)
    body = assert_problem(client.post(API, json=agency_payload(fee_fen=100)))
    assert set(body["errors"]) == {"fee_fen"}
    assert row_counts(db) == before


def test_no_quota_and_no_regional_restriction(client, db):
    """Many agencies for the same item, from any province, are all listed."""
    ids = []
    for n, region in enumerate(["220102", "110105", "440305", "650102", "220102", "310115"]):
        response = client.post(
            API,
            json=agency_payload(
                name=f"第{n}测试咨询有限公司",
                uscc=valid_uscc(n),
                email=f"a{n}@test.zjm",
                region_code=region,
            ),
        )
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    listed = client.get("/api/v1/agencies?service_item=EIA-REPORT&limit=100").get_json()
    assert sorted(a["id"] for a in listed["items"]) == sorted(ids)
    assert {a["region_code"] for a in listed["items"]} >= {"110105", "440305", "650102"}


def test_registration_is_audited_with_the_change(client, db):
    response = client.post(API, json=agency_payload())
    agency_id = response.get_json()["id"]
    db.expire_all()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "agency.registered")).one()
    assert event.object_id == str(agency_id)
    assert event.data["uscc"] == EXISTING_USCC
    assert event.data["commitment_version"] == agencies.COMMITMENT_VERSION
    assert event.data["services"] == ["EIA-REPORT"]
    assert audit.verify(db) == []


def test_uscc_is_stored_in_its_compact_upper_case_form(client, db):
    response = client.post(API, json=agency_payload(uscc=" 9122 0101-ma0y 4q6x33 "))
    assert response.status_code == 201, response.get_json()
    assert db.get(Organization, response.get_json()["id"]).uscc == EXISTING_USCC


def test_api_registration_does_not_expose_personal_data_publicly(client):
    agency_id = client.post(API, json=agency_payload()).get_json()["id"]
    public = client.get(f"/api/v1/agencies/{agency_id}").get_json()
    assert "contact_phone" not in public and "contact_email" not in public
    assert "id_number" not in public["professionals"][0]
    assert public["professionals"][0]["name"] == "李四"


# --- the commitment statement ---------------------------------------------------------------------


@pytest.mark.parametrize("commitment", [False, "absent"])
def test_commitment_statement_must_be_signed(client, db, commitment):
    before = row_counts(db)
    payload = agency_payload(commitment=commitment)
    if commitment == "absent":
        del payload["commitment"]
    body = assert_problem(client.post(API, json=payload))
    assert body["errors"] == {
        "commitment": ["The commitment statement must be signed to register."]
    }
    assert row_counts(db) == before


@pytest.mark.parametrize("commitment", ["yes", "true", 1])
def test_only_an_explicit_true_signs_the_commitment(client, db, commitment):
    before = row_counts(db)
    body = assert_problem(client.post(API, json=agency_payload(commitment=commitment)))
    assert list(body["errors"]) == ["commitment"]
    assert row_counts(db) == before


# --- each bad input, its own message ---------------------------------------------------------------

USCC_LENGTH = "A unified social credit code has 18 characters."
USCC_FORMAT = (
    "A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z."
)
USCC_CHECK = (
    "The check character of this unified social credit code is wrong; please copy it "
    "again from the business licence."
)

BAD_INPUTS = {
    "uscc-too-short": ({"uscc": EXISTING_USCC[:-1]}, "uscc", USCC_LENGTH),
    "uscc-too-long": ({"uscc": EXISTING_USCC + "1"}, "uscc", USCC_LENGTH),
    "uscc-bad-character": ({"uscc": "91220101MA0Y4Q6O33"}, "uscc", USCC_FORMAT),
    "uscc-letter-in-first-eight": ({"uscc": "9122A101MA0Y4Q6X33"}, "uscc", USCC_FORMAT),
    "uscc-bad-check-digit": ({"uscc": EXISTING_USCC[:-1] + "4"}, "uscc", USCC_CHECK),
    "missing-legal-representative": (
        {"legal_representative": None},
        "legal_representative",
        "This field is required.",
    ),
    "blank-name": ({"name": "   "}, "name", "This field is required."),
    "over-long-name": ({"name": "测" * 101}, "name", "At most 100 characters (you gave 101)."),
    "script-in-name": (
        {"name": "<script>alert(1)</script>咨询有限公司"},
        "name",
        "Markup such as < > or & entities is not allowed here.",
    ),
    "entity-in-name": (
        {"name": "测试&amp;咨询有限公司"},
        "name",
        "Markup such as < > or & entities is not allowed here.",
    ),
    "bad-region": (
        {"region_code": "2201"},
        "region_code",
        "An administrative division code has 6 digits, e.g. 220102.",
    ),
    "bad-phone": (
        {"contact_phone": "call me"},
        "contact_phone",
        "A phone number has only digits, spaces, + and -.",
    ),
    "no-service": ({"services": []}, "services", "Offer at least one service item."),
    "unknown-service-item": (
        {"services": [service(service_item="NO-SUCH-ITEM")]},
        "services.0.service_item",
        "Unknown service item.",
    ),
    "service-listed-twice": (
        {"services": [service(), service(price_min_fen=1)]},
        "services.1.service_item",
        "This service item is listed twice.",
    ),
    "price-min-above-max": (
        {"services": [service(price_min_fen=300, price_max_fen=200)]},
        "services.0.price_max_fen",
        "The highest price is below the lowest price.",
    ),
    "negative-price": (
        {"services": [service(price_min_fen=-1)]},
        "services.0.price_min_fen",
        "An amount cannot be negative.",
    ),
    "price-beyond-maximum": (
        {"services": [service(price_max_fen=agencies.MAX_PRICE_FEN + 1)]},
        "services.0.price_max_fen",
        f"Must be at most {yuan_text(agencies.MAX_PRICE_FEN)} yuan.",
    ),
    "zero-commitment-days": (
        {"services": [service(commitment_days=0)]},
        "services.0.commitment_days",
        "Must be at least 1.",
    ),
    "expired-qualification": (
        {"qualifications": [qualification(valid_until="2026-11-24")]},
        "qualifications.0.valid_until",
        "This qualification has already expired.",
    ),
    "bad-date-format": (
        {"qualifications": [qualification(valid_until="31/12/2029")]},
        "qualifications.0.valid_until",
        "A date looks like 2027-06-30.",
    ),
    "qualification-without-issuer": (
        {"qualifications": [qualification(issuer="")]},
        "qualifications.0.issuer",
        "This field is required.",
    ),
    "professional-markup": (
        {
            "professionals": [
                {"name": "<b>李四</b>", "certificate": "环评工程师", "certificate_no": "HP1"}
            ]
        },
        "professionals.0.name",
        "Markup such as < > or & entities is not allowed here.",
    ),
    "bad-email": ({"email": "not-an-address"}, "email", "Not a valid e-mail address."),
}


@pytest.mark.parametrize("overrides, key, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_its_own_message_and_nothing_is_saved(client, db, overrides, key, message):
    before = row_counts(db)
    body = assert_problem(client.post(API, json=agency_payload(**overrides)))
    assert body["errors"] == {key: [message]}
    assert row_counts(db) == before
    assert client.get("/api/v1/agencies").get_json()["total"] == 0


def test_the_three_malformed_uscc_messages_differ():
    assert len({USCC_LENGTH, USCC_FORMAT, USCC_CHECK}) == 3


def test_duplicate_uscc_is_refused_even_when_typed_differently(client, make, db):
    make.agency()
    before = row_counts(db)
    for typed in (EXISTING_USCC, EXISTING_USCC.lower(), "9122 0101 MA0Y 4Q6X 33"):
        body = assert_problem(
            client.post(API, json=agency_payload(uscc=typed, email="other@test.zjm"))
        )
        assert body["errors"] == {
            "uscc": ["An organization with this unified social credit code is already registered."]
        }
    assert row_counts(db) == before


def test_uscc_of_a_registered_enterprise_cannot_be_reused_by_an_agency(client, make, db):
    enterprise = make.enterprise()
    uscc = db.get(Organization, enterprise.organization_id).uscc
    body = assert_problem(client.post(API, json=agency_payload(uscc=uscc)))
    assert list(body["errors"]) == ["uscc"]


def test_duplicate_email_is_refused(client, make, db):
    make.agency(email="taken@test.zjm")
    before = row_counts(db)
    body = assert_problem(
        client.post(API, json=agency_payload(uscc=valid_uscc(1), email="Taken@Test.zjm"))
    )
    assert body["errors"] == {"email": ["An account with this e-mail address already exists."]}
    assert row_counts(db) == before


def test_every_problem_is_reported_at_once(client, db):
    before = row_counts(db)
    body = assert_problem(
        client.post(
            API,
            json=agency_payload(
                uscc="123",
                name="<script>",
                commitment=False,
                services=[service(price_min_fen=-5), service(service_item="NOPE")],
                qualifications=[qualification(valid_until="2020-01-01")],
            ),
        )
    )
    assert set(body["errors"]) == {
        "uscc",
        "name",
        "commitment",
        "services.0.price_min_fen",
        "services.1.service_item",
        "qualifications.0.valid_until",
    }
    assert row_counts(db) == before


def test_qualification_valid_until_today_is_not_expired(client):
    response = client.post(
        API, json=agency_payload(qualifications=[qualification(valid_until="2026-11-25")])
    )
    assert response.status_code == 201, response.get_json()


def test_the_highest_allowed_price_is_stored(client, db):
    response = client.post(
        API,
        json=agency_payload(
            services=[service(price_min_fen=0, price_max_fen=agencies.MAX_PRICE_FEN)]
        ),
    )
    assert response.status_code == 201, response.get_json()
    profile = client.get(f"/api/v1/agencies/{response.get_json()['id']}").get_json()
    assert profile["services"][0]["price_max_fen"] == agencies.MAX_PRICE_FEN
    assert profile["services"][0]["price_min_fen"] == 0


def test_blank_rows_are_ignored_not_refused(client, db):
    response = client.post(
        API,
        json=agency_payload(
            professionals=[{"name": "", "certificate": " ", "certificate_no": None}],
            qualifications=[],
        ),
    )
    assert response.status_code == 201, response.get_json()
    agency_id = response.get_json()["id"]
    db.expire_all()
    assert (
        db.exec(
            select(func.count())
            .select_from(Professional)
            .where(Professional.organization_id == agency_id)
        ).one()
        == 0
    )


def test_service_refuses_without_writing_anything(db):
    before = row_counts(db)
    with pytest.raises(Invalid) as caught:
        agencies.register_agency(db, agency_payload(services=[service(), service()]))
    assert set(caught.value.errors) == {"services.1.service_item"}
    db.commit()
    assert row_counts(db) == before


# --- self-declared until verified ----------------------------------------------------------------


def test_qualifications_show_self_declared_until_a_regulator_verifies_them(client, make, db):
    agency = make.agency()
    agency_id = agency.organization_id
    profile = client.get(f"/api/v1/agencies/{agency_id}").get_json()
    [q] = profile["qualifications"]
    assert q["verification"] == "self_declared"
    assert q["verified_at"] is None
    assert "self-declared" in client.get(f"/agencies/{agency_id}?lang=en").get_data(as_text=True)

    # The agency itself cannot verify its own declaration.
    login(client, agency)
    refused = client.post(f"/api/v1/agencies/{agency_id}/qualifications/{q['id']}/verify")
    assert_problem(refused, 403)
    client.delete("/api/v1/session")

    regulator = make.staff("regulator")
    login(client, regulator)
    response = client.post(f"/api/v1/agencies/{agency_id}/qualifications/{q['id']}/verify")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["verification"] == "verified"

    [q] = client.get(f"/api/v1/agencies/{agency_id}").get_json()["qualifications"]
    assert q["verification"] == "verified"
    assert q["verified_at"] == FROZEN_AT.isoformat()
    page = client.get(f"/agencies/{agency_id}?lang=en").get_data(as_text=True)
    assert "self-declared" not in page and "verified" in page
    db.expire_all()
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.verified")).one()
    assert event.actor_user_id == regulator.id


def test_regulator_outside_the_agency_region_cannot_verify(client, make):
    agency = make.agency()  # region 220102
    regulator = make.staff("regulator", region_prefixes=["11"])
    login(client, regulator)
    [q] = client.get(f"/api/v1/agencies/{agency.organization_id}").get_json()["qualifications"]
    response = client.post(
        f"/api/v1/agencies/{agency.organization_id}/qualifications/{q['id']}/verify"
    )
    assert_problem(response, 403)
    [q] = client.get(f"/api/v1/agencies/{agency.organization_id}").get_json()["qualifications"]
    assert q["verification"] == "self_declared"
