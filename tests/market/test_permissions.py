"""Who may see and do what (docs/rules.md §3): personal data is never public, a regulator acts only
inside its jurisdiction, every check is made on the server for the object at hand."""

from __future__ import annotations

import pytest
from sqlalchemy import true
from sqlmodel import select

from market import permissions
from market.models import AuditEvent, Jurisdiction, Organization, Qualification, ServiceItem
from tests.conftest import login
from tests.market.accounts_support import (  # noqa: F401  (fixtures: db, english)
    english_messages,
    uscc,
)

CONTACT_PHONE = "0431-88888888"
CONTACT_EMAIL = "contact@agency.test"
ID_NUMBER = "220102199001011239"
PERSONAL = (CONTACT_PHONE, CONTACT_EMAIL, ID_NUMBER)


@pytest.fixture
def agency(make):
    """The agency of `agency_payload()`: region 220102, one professional, one qualification."""
    return make.agency()


@pytest.fixture
def qualification(db, agency) -> Qualification:
    return db.exec(
        select(Qualification).where(Qualification.organization_id == agency.organization_id)
    ).one()


def another_agency(make):
    return make.agency(
        uscc=uscc("91220301MA0Y7K2P1"),
        name="四平另一家咨询有限公司",
        region_code="220302",
        contact_phone="0434-7777777",
        contact_email="other@agency.test",
        professionals=[
            {
                "name": "陈十",
                "certificate": "注册测绘师",
                "certificate_no": "CH0002",
                "id_number": "220302198502021116",
            }
        ],
    )


def client_of(app, make, agency, who: str):
    """A test client logged in as `who` ("anonymous" stays logged out)."""
    client = app.test_client()
    user = {
        "anonymous": lambda: None,
        "itself": lambda: agency,
        "another agency": lambda: another_agency(make),
        "enterprise": make.enterprise,
        "department": lambda: make.staff("department"),
        "expert": lambda: make.staff("expert"),
        "operator": lambda: make.staff("operator"),
        "regulator": lambda: make.staff("regulator"),
        "regulator elsewhere": lambda: make.staff("regulator", region_prefixes=["2202"]),
    }[who]()
    if user is not None:
        login(client, user)
    return client


HIDDEN_FROM = ["anonymous", "another agency", "enterprise", "department", "expert"]
SHOWN_TO = ["itself", "operator", "regulator", "regulator elsewhere"]


# --- personal data --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", HIDDEN_FROM)
def test_organization_hides_contact_details_from_the_public_and_other_organizations(
    app, make, agency, who
):
    response = client_of(app, make, agency, who).get(
        f"/api/v1/organizations/{agency.organization_id}"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "吉林测试环境咨询有限公司"
    assert body["uscc"] == "91220101MA0Y4Q6X33"  # what the business licence makes public
    for key in ("contact_name", "contact_phone", "contact_email"):
        assert key not in body
    text = response.get_data(as_text=True)
    assert not any(value in text for value in PERSONAL)


@pytest.mark.parametrize("who", SHOWN_TO)
def test_organization_shows_contact_details_to_itself_operators_and_regulators(
    app, make, agency, who
):
    body = (
        client_of(app, make, agency, who)
        .get(f"/api/v1/organizations/{agency.organization_id}")
        .get_json()
    )
    assert body["contact_phone"] == CONTACT_PHONE
    assert body["contact_email"] == CONTACT_EMAIL


@pytest.mark.parametrize("who", HIDDEN_FROM)
def test_agency_profile_hides_contacts_and_id_numbers_from_the_public(app, make, agency, who):
    client = client_of(app, make, agency, who)
    response = client.get(f"/api/v1/agencies/{agency.organization_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert "contact_phone" not in body and "contact_email" not in body
    assert body["professionals"] == [
        {"name": "李四", "certificate": "环境影响评价工程师", "certificate_no": "HP0001"}
    ]
    assert not any(value in response.get_data(as_text=True) for value in PERSONAL)
    page = client.get(f"/agencies/{agency.organization_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "吉林测试环境咨询有限公司" in html and "HP0001" in html
    assert not any(value in html for value in PERSONAL)


@pytest.mark.parametrize("who", SHOWN_TO)
def test_agency_profile_shows_contacts_and_id_numbers_to_those_entitled(app, make, agency, who):
    client = client_of(app, make, agency, who)
    body = client.get(f"/api/v1/agencies/{agency.organization_id}").get_json()
    assert body["contact_phone"] == CONTACT_PHONE
    assert body["professionals"][0]["id_number"] == ID_NUMBER
    html = client.get(f"/agencies/{agency.organization_id}").get_data(as_text=True)
    assert all(value in html for value in PERSONAL)


@pytest.mark.parametrize("who", ["anonymous", "operator"])
def test_agency_directory_never_lists_personal_data(app, make, agency, who):
    client = client_of(app, make, agency, who)
    listing = client.get("/api/v1/agencies")
    assert listing.status_code == 200
    assert agency.organization_id in [a["id"] for a in listing.get_json()["items"]]
    assert not any(value in listing.get_data(as_text=True) for value in PERSONAL)
    assert not any(value in client.get("/agencies").get_data(as_text=True) for value in PERSONAL)


def test_sees_personal_data_is_decided_by_the_viewers_kind(db, make, agency):
    org = db.get(Organization, agency.organization_id)
    assert permissions.sees_personal_data(db, None, org) is False
    assert permissions.sees_personal_data(db, agency, org) is True
    assert permissions.sees_personal_data(db, make.enterprise(), org) is False
    assert permissions.sees_personal_data(db, make.staff("operator"), org) is True
    assert permissions.sees_personal_data(db, make.staff("regulator"), org) is True
    assert permissions.sees_personal_data(db, make.staff("expert"), org) is False


# --- jurisdiction ---------------------------------------------------------------------------------


def test_regulator_covers_regions_under_its_prefixes_only(db, make):
    regulator = make.staff("regulator", region_prefixes=["2201", "220302"])

    def covers(code):
        return permissions.regulator_covers(db, regulator, region_code=code)

    assert covers("220102") and covers("220100") and covers("220302")
    assert not covers("220303") and not covers("210102") and not covers(None)


def test_regulator_covers_only_its_categories(db, make):
    regulator = make.staff("regulator", categories=["environment"], region_prefixes=["22"])
    assert permissions.regulator_covers(db, regulator, category="environment", region_code="220102")
    assert not permissions.regulator_covers(db, regulator, category="water", region_code="220102")


def test_regulator_without_restrictions_covers_everything(db, make):
    regulator = make.staff("regulator")
    assert permissions.regulator_covers(db, regulator, category="water", region_code="650102")


def test_only_regulators_have_a_jurisdiction(db, make):
    operator = make.staff("operator")
    db.add(Jurisdiction(organization_id=operator.organization_id))  # even a stray row
    db.commit()
    assert not permissions.regulator_covers(db, operator, region_code="220102")
    assert not permissions.regulator_covers(db, None, region_code="220102")


# --- a regulator verifies a declared qualification ------------------------------------------------


def verify_url(agency, qualification) -> str:
    return f"/api/v1/agencies/{agency.organization_id}/qualifications/{qualification.id}/verify"


def verification_of(client, agency) -> str:
    body = client.get(f"/api/v1/agencies/{agency.organization_id}").get_json()
    return body["qualifications"][0]["verification"]


@pytest.mark.parametrize(
    "prefixes",
    [["2201"], ["22"], ["220102"], []],
    ids=["city", "province", "district", "everywhere"],
)
def test_regulator_covering_the_agency_region_verifies_a_qualification(
    app, db, make, agency, qualification, frozen, prefixes
):
    regulator = make.staff("regulator", region_prefixes=prefixes)
    client = app.test_client()
    login(client, regulator)
    public = app.test_client()
    assert verification_of(public, agency) == "self_declared"
    response = client.post(verify_url(agency, qualification))
    assert response.status_code == 200
    assert response.get_json()["verification"] == "verified"
    assert verification_of(public, agency) == "verified"
    db.expire_all()
    row = db.get(Qualification, qualification.id)
    assert row.verified_at == frozen.now()
    assert row.verified_by_user_id == regulator.id
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.verified")).one()
    assert event.object_id == str(qualification.id)
    assert event.actor_user_id == regulator.id
    assert event.data["agency"] == agency.organization_id


def test_verifying_twice_changes_nothing(app, db, make, agency, qualification, frozen):
    client = app.test_client()
    login(client, make.staff("regulator", region_prefixes=["2201"]))
    client.post(verify_url(agency, qualification))
    db.expire_all()
    first = db.get(Qualification, qualification.id).verified_at
    assert first == frozen.now()
    frozen.advance(hours=1)
    assert client.post(verify_url(agency, qualification)).status_code == 200
    db.expire_all()
    assert db.get(Qualification, qualification.id).verified_at == first
    assert (
        len(db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.verified")).all())
        == 1
    )


@pytest.mark.parametrize(
    ("who", "detail"),
    [
        ("regulator elsewhere", "This agency is outside your jurisdiction."),
        ("itself", None),
        ("another agency", None),
        ("enterprise", None),
        ("operator", None),
        ("anonymous", "Please log in first."),
    ],
)
def test_nobody_else_verifies_a_qualification(app, db, make, agency, qualification, who, detail):
    client = client_of(app, make, agency, who)
    response = client.post(verify_url(agency, qualification))
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert response.mimetype == "application/problem+json"
    if detail:
        assert response.get_json()["detail"] == detail
    assert verification_of(app.test_client(), agency) == "self_declared"
    assert (
        db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.verified")).all() == []
    )


def test_a_qualification_is_verified_only_under_its_own_agency(
    app, db, make, agency, qualification
):
    other = another_agency(make)
    client = app.test_client()
    login(client, make.staff("regulator"))
    wrong = client.post(
        f"/api/v1/agencies/{other.organization_id}/qualifications/{qualification.id}/verify"
    )
    assert wrong.status_code == 404
    missing = client.post(f"/api/v1/agencies/{agency.organization_id}/qualifications/999999/verify")
    assert missing.status_code == 404
    assert db.get(Qualification, qualification.id).verified_at is None


def test_regulator_page_lists_only_qualifications_in_its_jurisdiction(
    app, make, agency, qualification
):
    inside, outside = app.test_client(), app.test_client()
    login(inside, make.staff("regulator", region_prefixes=["2201"]))
    login(outside, make.staff("regulator", region_prefixes=["2202"]))
    listed = inside.get("/regulator/qualifications")
    assert listed.status_code == 200
    html = listed.get_data(as_text=True)
    assert "测绘资质 甲级" in html and "吉林测试环境咨询有限公司" in html
    assert f"/regulator/qualifications/{qualification.id}/verify" in html
    other = outside.get("/regulator/qualifications").get_data(as_text=True)
    assert "测绘资质 甲级" not in other
    assert "Nothing to verify in your jurisdiction." in other


def test_regulator_page_marks_a_qualification_verified(app, db, make, agency, qualification):
    regulator = make.staff("regulator", region_prefixes=["2201"])
    client = app.test_client()
    login(client, regulator)
    response = client.post(f"/regulator/qualifications/{qualification.id}/verify")
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Qualification, qualification.id).verified_by_user_id == regulator.id
    assert "测绘资质 甲级" not in client.get("/regulator/qualifications").get_data(as_text=True)
    profile = app.test_client().get(f"/agencies/{agency.organization_id}").get_data(as_text=True)
    assert 'class="tag verified"' in profile
    assert (
        db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.verified"))
        .one()
        .actor_user_id
        == regulator.id
    )


def test_regulator_page_refuses_an_agency_outside_the_jurisdiction(
    app, db, make, agency, qualification
):
    client = app.test_client()
    login(client, make.staff("regulator", region_prefixes=["2202"]))
    response = client.post(f"/regulator/qualifications/{qualification.id}/verify")
    assert response.status_code == 303
    assert "This agency is outside your jurisdiction." in client.get(
        "/regulator/qualifications"
    ).get_data(as_text=True)
    db.expire_all()
    assert db.get(Qualification, qualification.id).verified_at is None
    profile = app.test_client().get(f"/agencies/{agency.organization_id}").get_data(as_text=True)
    assert 'class="tag declared"' in profile and 'class="tag verified"' not in profile


@pytest.mark.parametrize("who", ["itself", "another agency", "enterprise", "operator"])
def test_regulator_pages_are_forbidden_to_other_kinds(app, db, make, agency, qualification, who):
    client = client_of(app, make, agency, who)
    assert client.get("/regulator/qualifications").status_code == 403
    assert client.post(f"/regulator/qualifications/{qualification.id}/verify").status_code == 403
    db.expire_all()
    assert db.get(Qualification, qualification.id).verified_at is None


def test_regulator_pages_send_anonymous_visitors_to_log_in(client, db, qualification):
    for response in (
        client.get("/regulator/qualifications"),
        client.post(f"/regulator/qualifications/{qualification.id}/verify"),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert db.get(Qualification, qualification.id).verified_at is None


# --- the audit log --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regulator", 200),
        ("operator", 200),
        ("itself", 403),
        ("enterprise", 403),
        ("anonymous", 401),
    ],
)
def test_only_regulators_and_operators_read_the_audit_log(app, make, agency, who, status):
    response = client_of(app, make, agency, who).get("/api/v1/audit")
    assert response.status_code == status
    if status == 200:
        assert "agency.registered" in [e["action"] for e in response.get_json()["items"]]


def test_the_jurisdiction_as_sql_agrees_with_regulator_covers(db, make, agency):
    another_agency(make)
    regulators = [
        make.staff("regulator"),
        make.staff("regulator", categories=["environment"]),
        make.staff("regulator", region_prefixes=["2203"]),
        make.staff("regulator", categories=["water"], region_prefixes=["22"]),
        make.staff("regulator", region_prefixes=["11"]),
        make.staff("operator"),
    ]
    items = db.exec(select(ServiceItem)).all()
    orgs = db.exec(select(Organization).where(Organization.kind == "agency")).all()
    assert len({i.category for i in items}) > 2 and len({o.region_code for o in orgs}) == 2
    for user in regulators:
        covered = set(
            db.exec(
                # Every (service item, agency) pair: a deliberate cross join.
                select(ServiceItem.code, Organization.id)
                .join(Organization, true())
                .where(
                    Organization.kind == "agency",
                    permissions.jurisdiction_clause(
                        db,
                        user,
                        category=ServiceItem.category,
                        region_code=Organization.region_code,
                    ),
                )
            )
        )
        assert covered == {
            (i.code, o.id)
            for i in items
            for o in orgs
            if permissions.regulator_covers(
                db, user, category=i.category, region_code=o.region_code
            )
        }, user.email
    assert covered == set()  # the operator's: no jurisdiction
