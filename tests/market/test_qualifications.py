"""Structured qualifications: an agency declares, changes and withdraws its own (audited, by type),
a regulator verifies or rejects them with a reason the agency sees, pages and API alike."""

from __future__ import annotations

import pytest
from sqlmodel import select

from market import agencies
from market.models import AuditEvent, Qualification
from tests.bidding.helpers import new_uscc
from tests.conftest import login
from tests.market.accounts_support import english_messages  # noqa: F401  (autouse fixture)

SURVEYING = {
    "type": "surveying",
    "grade": "B",
    "scope": "工程测量、不动产测绘",
    "certificate_no": "乙测资字22100002",
    "issuer": "吉林省自然资源厅",
    "valid_from": "2025-01-01",
    "valid_until": "2030-06-30",
}


def actions(db) -> list[str]:
    return [
        e.action
        for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))
        if e.action.startswith("qualification.")
    ]


@pytest.fixture
def agency(make):
    return make.agency(qualifications=[])


@pytest.fixture
def agency_client(app, agency):
    client = app.test_client()
    login(client, agency)
    return client


@pytest.fixture
def regulator_client(app, make):
    client = app.test_client()
    login(client, make.staff("regulator"))
    return client


def own_url(agency, qualification_id=None) -> str:
    base = f"/api/v1/agencies/{agency.organization_id}/qualifications"
    return base if qualification_id is None else f"{base}/{qualification_id}"


def test_the_types_are_published_with_their_grades_in_order(client):
    body = client.get("/api/v1/qualification-types").get_json()
    surveying = next(t for t in body["items"] if t["code"] == "surveying")
    assert surveying == {
        "code": "surveying",
        "name_zh": "测绘资质",
        "name_en": "Surveying and mapping qualification",
        "holder": "firm",
        "grades": [
            {"code": "A", "name_zh": "甲级", "name_en": "grade A"},
            {"code": "B", "name_zh": "乙级", "name_en": "grade B"},
        ],
        "scope": True,
    }


def test_an_agency_declares_changes_and_withdraws_its_qualification_audited(
    db, agency, agency_client, regulator_client
):
    created = agency_client.post(own_url(agency), json=SURVEYING)
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("type", "grade", "grade_name_zh", "name", "verification")} == {
        "type": "surveying",
        "grade": "B",
        "grade_name_zh": "乙级",
        "name": "测绘资质 乙级",
        "verification": "self_declared",
    }
    qid = body["id"]
    verified = regulator_client.post(f"{own_url(agency, qid)}/verify")
    assert verified.get_json()["verification"] == "verified"
    changed = agency_client.put(own_url(agency, qid), json={**SURVEYING, "grade": "A"})
    assert changed.status_code == 200
    assert (changed.get_json()["grade"], changed.get_json()["verification"]) == (
        "A",
        "self_declared",  # a changed qualification waits for a regulator again
    )
    assert db.get(Qualification, qid).verified_at is None
    same = agency_client.put(own_url(agency, qid), json={**SURVEYING, "grade": "A"})
    assert same.status_code == 200
    assert agency_client.delete(own_url(agency, qid)).status_code == 204
    assert db.get(Qualification, qid) is None
    assert actions(db) == [
        "qualification.declared",
        "qualification.verified",
        "qualification.changed",  # once: saving it unchanged records nothing
        "qualification.removed",
    ]
    change = db.exec(select(AuditEvent).where(AuditEvent.action == "qualification.changed")).one()
    assert change.data["changes"] == {
        "grade": {"old": "B", "new": "A"},
        "name": {"old": "测绘资质 乙级", "new": "测绘资质 甲级"},
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"type": None}, "type", "Choose the type of qualification."),
        ({"type": "surveyin"}, "type", "Unknown type of qualification."),
        ({"grade": None}, "grade", "Choose the grade stated on the certificate."),
        ({"grade": "1"}, "grade", "Choose the grade stated on the certificate."),
        (
            {"type": "safety-evaluation", "grade": "A"},
            "grade",
            "This type of qualification has no grades.",
        ),
        ({"valid_until": "2024-12-31"}, "valid_until", "This qualification has already expired."),
        (
            {"valid_from": "2030-07-01"},
            "valid_until",
            "The end of validity is before its start.",
        ),
    ],
)
def test_a_declaration_is_checked_field_by_field(agency, agency_client, change, field, message):
    response = agency_client.post(own_url(agency), json={**SURVEYING, **change})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}


def test_free_text_is_not_a_declaration_an_agency_makes_on_its_own(agency, agency_client):
    response = agency_client.post(
        own_url(agency), json={"name": "测绘资质证书", "certificate_no": "1", "issuer": "x"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": ["Unknown field."]}


def test_only_the_agency_itself_changes_its_qualifications(app, db, make, agency, agency_client):
    qid = agency_client.post(own_url(agency), json=SURVEYING).get_json()["id"]
    other = app.test_client()
    login(other, make.agency(uscc=new_uscc(), email="other@test.zjm"))
    for response in (
        other.post(own_url(agency), json=SURVEYING),
        other.put(own_url(agency, qid), json=SURVEYING),
        other.delete(own_url(agency, qid)),
        other.get(own_url(agency)),
    ):
        assert response.status_code == 403
        assert response.get_json()["detail"] == (
            "Only the agency itself may change its qualifications."
        )
    assert agency_client.delete(own_url(agency, 999999)).status_code == 404
    assert actions(db) == ["qualification.declared"]


def test_a_regulator_rejects_with_a_reason_the_agency_sees(
    db, agency, agency_client, regulator_client
):
    qid = agency_client.post(own_url(agency), json=SURVEYING).get_json()["id"]
    queue = regulator_client.get("/api/v1/qualifications").get_json()
    assert queue["counts"] == {"self_declared": 1, "needs_type": 0, "rejected": 0, "verified": 0}
    assert [(q["id"], q["agency"]["id"]) for q in queue["items"]] == [(qid, agency.organization_id)]
    empty = regulator_client.post(f"{own_url(agency, qid)}/reject", json={"reason": " "})
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"reason": ["This field is required."]}
    rejected = regulator_client.post(
        f"{own_url(agency, qid)}/reject", json={"reason": "证书编号查无此证"}
    )
    assert rejected.status_code == 200
    assert rejected.get_json()["verification"] == "rejected"
    mine = agency_client.get(own_url(agency)).get_json()["items"]
    assert [(q["verification"], q["rejection_reason"]) for q in mine] == [
        ("rejected", "证书编号查无此证")
    ]
    public = agency_client.application.test_client().get(
        f"/api/v1/agencies/{agency.organization_id}"
    )
    assert "rejection_reason" not in public.get_json()["qualifications"][0]
    counts = regulator_client.get("/api/v1/qualifications?state=rejected").get_json()["counts"]
    assert counts == {"self_declared": 0, "needs_type": 0, "rejected": 1, "verified": 0}
    assert actions(db) == ["qualification.declared", "qualification.rejected"]


def test_the_queue_is_for_regulators(agency_client, client):
    response = agency_client.get("/api/v1/qualifications")
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only regulators verify qualifications."
    assert client.get("/api/v1/qualifications").status_code == 401


def test_a_declaration_without_a_type_cannot_be_verified(db, agency, regulator_client):
    q = Qualification(
        organization_id=agency.organization_id,
        name="地理信息系统工程专业资质",
        certificate_no="1",
        issuer="x",
    )
    db.add(q)
    db.commit()
    response = regulator_client.post(f"{own_url(agency, q.id)}/verify")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"": ["The agency has not chosen the type yet."]}
    assert agencies.state_of(q) == "needs_type"


# --- pages -----------------------------------------------------------------------------------------


def test_the_agency_page_keeps_what_was_typed_and_flags_a_declaration_without_type(
    db, agency, agency_client
):
    db.add(
        Qualification(
            organization_id=agency.organization_id,
            name="地理信息系统工程专业资质",
            certificate_no="乙测资字1",
            issuer="吉林省自然资源厅",
        )
    )
    db.commit()
    assert "please choose the type" in agency_client.get("/account/?lang=en").get_data(as_text=True)
    page = agency_client.get("/account/qualifications?lang=en").get_data(as_text=True)
    assert "Declared as “地理信息系统工程专业资质” before qualifications had types" in page
    form = {**SURVEYING, "grade": ""}
    refused = agency_client.post("/account/qualifications?lang=en", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose the grade stated on the certificate." in html
    assert 'value="乙测资字22100002"' in html and 'value="工程测量、不动产测绘"' in html
    saved = agency_client.post("/account/qualifications", data=SURVEYING)
    assert saved.status_code == 302
    assert [q.name for q in agencies.qualifications_of(db, agency.organization_id)] == [
        "地理信息系统工程专业资质",
        "测绘资质 乙级",
    ]


def test_the_agency_chooses_the_type_of_an_old_declaration_on_its_page(db, agency, agency_client):
    old = Qualification(
        organization_id=agency.organization_id,
        name="测绘资质证书",
        type_code="surveying",
        certificate_no="乙测资字1",
        issuer="吉林省自然资源厅",
    )
    db.add(old)
    db.commit()
    form = agency_client.get(f"/account/qualifications/{old.id}").get_data(as_text=True)
    assert 'value="乙测资字1"' in form
    response = agency_client.post(
        f"/account/qualifications/{old.id}", data={**SURVEYING, "certificate_no": "乙测资字1"}
    )
    assert response.status_code == 302
    db.refresh(old)
    assert (old.type_code, old.grade, agencies.state_of(old)) == ("surveying", "B", "self_declared")
    assert agency_client.post(f"/account/qualifications/{old.id}/remove").status_code == 302
    assert agencies.qualifications_of(db, agency.organization_id) == []


def test_the_regulator_page_counts_and_rejects_keeping_the_reason_typed(
    db, agency, agency_client, regulator_client
):
    qid = agency_client.post(own_url(agency), json=SURVEYING).get_json()["id"]
    page = regulator_client.get("/regulator/qualifications?lang=en").get_data(as_text=True)
    assert "Waiting for a decision (1)" in page and "Rejected (0)" in page
    empty = regulator_client.post(
        f"/regulator/qualifications/{qid}/reject?lang=en", data={"reason": ""}
    )
    assert empty.status_code == 422
    assert "This field is required." in empty.get_data(as_text=True)
    long = "证书与原件不符。" * 63  # 504 characters: refused, and kept as typed
    too_long = regulator_client.post(
        f"/regulator/qualifications/{qid}/reject?lang=en", data={"reason": long}
    )
    assert too_long.status_code == 422
    html = too_long.get_data(as_text=True)
    assert "At most 500 characters (you gave 504)." in html and f"{long}</textarea>" in html
    done = regulator_client.post(
        f"/regulator/qualifications/{qid}/reject", data={"reason": "有效期与证书不符"}
    )
    assert done.status_code == 302
    page = regulator_client.get("/regulator/qualifications?state=rejected&lang=en")
    assert "Rejected: 有效期与证书不符" in page.get_data(as_text=True)
    mine = agency_client.get("/account/qualifications?lang=en").get_data(as_text=True)
    assert "A regulator rejected it: 有效期与证书不符" in mine
