"""An agency keeps the rest of its profile itself: address, description, contact and region
(not what the business licence states), audited and shown in the public history without the
private contact values; the search document follows."""

from __future__ import annotations

import pytest
from sqlmodel import select

from market import agencies, search
from market.models import AuditEvent, Organization, Professional
from market.search.registry import Query
from tests.bidding.helpers import new_uscc
from tests.conftest import login
from tests.market.accounts_support import english_messages  # noqa: F401  (autouse fixture)

PROFILE = {
    "region_code": "220104",
    "address": "长春市朝阳区人民大街1号",
    "description": "环评、水保与测绘。",
    "contact_name": "赵六",
    "contact_phone": "13912345678",
    "contact_email": "new@agency.test",
}


@pytest.fixture
def agency(make):
    return make.agency()


@pytest.fixture
def agency_client(app, agency):
    client = app.test_client()
    login(client, agency)
    return client


def url(agency, tail="profile") -> str:
    return f"/api/v1/agencies/{agency.organization_id}/{tail}"


def profile_events(db) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "agency.profile_changed")
            .order_by(AuditEvent.seq)
        )
    )


def test_the_agency_changes_its_profile_audited_without_private_values(db, agency, agency_client):
    response = agency_client.put(url(agency), json=PROFILE)
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in PROFILE} == PROFILE
    assert (body["name"], body["uscc"], body["legal_representative"]) == (
        "吉林测试环境咨询有限公司",
        "91220101MA0Y4Q6X33",
        "王五",
    )
    org = db.get(Organization, agency.organization_id)
    db.refresh(org)
    assert org.region_code == "220104" and org.contact_phone == "13912345678"
    [event] = profile_events(db)
    assert event.actor_user_id == agency.id
    assert event.data == {
        "changes": {
            "region_code": {"old": "220102", "new": "220104"},
            "address": {"old": "长春市南关区", "new": "长春市朝阳区人民大街1号"},
            "description": {"old": "环评与水保。", "new": "环评、水保与测绘。"},
        },
        "private_changed": ["contact_name", "contact_phone", "contact_email"],
    }
    # Saving it unchanged records nothing.
    assert agency_client.put(url(agency), json=PROFILE).status_code == 200
    assert len(profile_events(db)) == 1


def test_the_licence_fields_are_not_changed_here(agency, agency_client):
    response = agency_client.put(url(agency), json={**PROFILE, "name": "别的名字"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": ["Unknown field."]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"region_code": "229999"},
            "region_code",
            "229999 is not an administrative division code (GB/T 2260); pick one from the list.",
        ),
        ({"region_code": None}, "region_code", "This field is required."),
        ({"contact_name": ""}, "contact_name", "This field is required."),
        (
            {"contact_phone": "0431-8888x"},
            "contact_phone",
            "A phone number has only digits, spaces, + and -.",
        ),
        ({"address": "x" * 201}, "address", "At most 200 characters (you gave 201)."),
        ({"description": "x" * 2001}, "description", "At most 2000 characters (you gave 2001)."),
    ],
)
def test_the_profile_is_checked_as_at_registration(
    db, agency, agency_client, change, field, message
):
    response = agency_client.put(url(agency), json={**PROFILE, **change})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}
    assert profile_events(db) == []


def test_only_the_agency_itself_changes_its_profile(app, db, make, agency):
    other = app.test_client()
    login(other, make.agency(uscc=new_uscc(), email="other@test.zjm"))
    response = other.put(url(agency), json=PROFILE)
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only the agency itself may change its profile."
    assert app.test_client().put(url(agency), json=PROFILE).status_code == 401
    assert other.put("/api/v1/agencies/999999/profile", json=PROFILE).status_code == 404
    assert profile_events(db) == []


def test_the_public_history_shows_what_changed_but_no_private_value(app, agency, agency_client):
    assert agency_client.put(url(agency), json=PROFILE).status_code == 200
    anyone = app.test_client()
    history = anyone.get(url(agency, "history")).get_json()["items"]
    assert [(h["action"], h["changes"]["address"], h["private_changed"]) for h in history] == [
        (
            "agency.profile_changed",
            {"old": "长春市南关区", "new": "长春市朝阳区人民大街1号"},
            ["contact_name", "contact_phone", "contact_email"],
        )
    ]
    page = anyone.get(f"/agencies/{agency.organization_id}?lang=en").get_data(as_text=True)
    assert "“长春市南关区” → “长春市朝阳区人民大街1号”" in page
    assert "Contact phone changed" in page and "Contact e-mail changed" in page
    for private in ("13912345678", "0431-88888888", "new@agency.test", "contact@agency.test"):
        assert private not in page
        assert private not in str(history)


def test_the_search_document_follows_the_profile(db, agency, agency_client):
    assert agency_client.put(url(agency), json=PROFILE).status_code == 200
    hits = search.search(db, "agencies", Query(text="测绘")).hits
    assert [h.data["description"] for h in hits] == ["环评、水保与测绘。"]


def test_the_page_keeps_what_was_typed_and_saves(db, agency, agency_client):
    page = agency_client.get("/account/profile?lang=en")
    assert page.status_code == 200
    assert 'value="长春市南关区"' in page.get_data(as_text=True)
    refused = agency_client.post(
        "/account/profile?lang=en", data={**PROFILE, "contact_phone": "0431-8888x"}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "A phone number has only digits, spaces, + and -." in html
    assert 'value="长春市朝阳区人民大街1号"' in html and 'value="0431-8888x"' in html
    assert profile_events(db) == []
    saved = agency_client.post("/account/profile", data=PROFILE)
    assert saved.status_code == 302
    assert len(profile_events(db)) == 1


def test_the_profile_page_is_for_agencies(app, make):
    client = app.test_client()
    login(client, make.enterprise())
    assert client.get("/account/profile").status_code == 403


def test_the_history_and_the_page_speak_chinese(app, agency, agency_client):
    assert agency_client.put(url(agency), json=PROFILE).status_code == 200
    page = app.test_client().get(f"/agencies/{agency.organization_id}?lang=zh")
    assert "变更记录" in page.get_data(as_text=True)
    assert "联系电话已变更" in page.get_data(as_text=True)
    own = agency_client.get("/account/profile?lang=zh").get_data(as_text=True)
    assert "以营业执照为准" in own and "保存机构信息" in own
    assert agency_client.post(url(agency, "services"), json=OFFER).status_code == 201
    page = app.test_client().get(f"/agencies/{agency.organization_id}?lang=zh")
    assert "新增服务生产建设项目水土保持方案编制：20天，30,000.00 – 120,000.00元" in page.get_data(
        as_text=True
    )
    services = agency_client.get("/account/services?lang=zh").get_data(as_text=True)
    assert "我的服务与价格" in services and "保存服务" in services
    assert agency_client.post(url(agency, "professionals"), json=ENGINEER).status_code == 201
    page = app.test_client().get(f"/agencies/{agency.organization_id}?lang=zh")
    assert "登记专业人员周七 — 注册测绘师 (CH0099)" in page.get_data(as_text=True)
    people = agency_client.get("/account/professionals?lang=zh").get_data(as_text=True)
    assert "我的专业人员" in people and "留空则保留已存的号码" in people


def test_the_history_is_in_the_page_not_in_its_title(app, agency, agency_client):
    assert agency_client.put(url(agency), json=PROFILE).status_code == 200
    page = app.test_client().get(f"/agencies/{agency.organization_id}?lang=en")
    html = page.get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "吉林测试环境咨询有限公司" in title and "History" not in title


# --- services and prices -------------------------------------------------------------------------

OFFER = {
    "service_item": "SWC-PLAN",
    "commitment_days": 20,
    "commitment_scope": "水土保持方案报告书编制",
    "price_min_fen": 3000000,
    "price_max_fen": 12000000,
}


def service_actions(db) -> list[str]:
    return [
        e.action
        for e in db.exec(select(AuditEvent).order_by(AuditEvent.seq))
        if e.action.startswith("agency.service_")
    ]


def test_the_agency_offers_changes_and_withdraws_a_service_audited(db, agency, agency_client):
    offered = agency_client.post(url(agency, "services"), json=OFFER)
    assert offered.status_code == 201
    assert {k: offered.get_json()[k] for k in OFFER} == OFFER
    changed = agency_client.put(
        url(agency, "services/SWC-PLAN"),
        json={**OFFER, "price_max_fen": 15000000},
    )
    assert changed.status_code == 422  # the item is the path's, not the body's
    assert changed.get_json()["errors"] == {"service_item": ["Unknown field."]}
    body = {k: v for k, v in OFFER.items() if k != "service_item"}
    changed = agency_client.put(
        url(agency, "services/SWC-PLAN"), json={**body, "price_max_fen": 15000000}
    )
    assert changed.status_code == 200
    assert changed.get_json()["price_max_fen"] == 15000000
    assert (
        agency_client.put(
            url(agency, "services/SWC-PLAN"), json={**body, "price_max_fen": 15000000}
        ).status_code
        == 200
    )  # unchanged: nothing recorded
    assert agency_client.delete(url(agency, "services/SWC-PLAN")).status_code == 204
    assert service_actions(db) == [
        "agency.service_offered",
        "agency.service_changed",
        "agency.service_withdrawn",
    ]
    change = db.exec(select(AuditEvent).where(AuditEvent.action == "agency.service_changed")).one()
    assert change.data == {
        "service_item": "SWC-PLAN",
        "changes": {"price_max_fen": {"old": 12000000, "new": 15000000}},
    }
    public = agency_client.get(f"/api/v1/agencies/{agency.organization_id}").get_json()
    assert [s["service_item"] for s in public["services"]] == ["EIA-REPORT"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"service_item": None}, "service_item", "Choose a service item."),
        ({"service_item": "NOPE"}, "service_item", "Unknown service item."),
        (
            {"service_item": "EIA-REPORT"},
            "service_item",
            "You offer this service item already; change it instead.",
        ),
        ({"commitment_days": 0}, "commitment_days", "Must be at least 1."),
        ({"commitment_scope": ""}, "commitment_scope", "This field is required."),
        ({"price_min_fen": -1}, "price_min_fen", "An amount cannot be negative."),
        (
            {"price_max_fen": 100},
            "price_max_fen",
            "The highest price is below the lowest price.",
        ),
    ],
)
def test_a_service_is_checked_as_at_registration(db, agency, agency_client, change, field, message):
    response = agency_client.post(url(agency, "services"), json={**OFFER, **change})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}
    assert service_actions(db) == []


def test_the_last_service_stays_and_only_the_agency_changes_its_services(
    app, db, make, agency, agency_client
):
    kept = agency_client.delete(url(agency, "services/EIA-REPORT"))
    assert kept.status_code == 422
    assert kept.get_json()["errors"] == {"services": ["Offer at least one service item."]}
    assert agency_client.delete(url(agency, "services/SWC-PLAN")).status_code == 404
    other = app.test_client()
    login(other, make.agency(uscc=new_uscc(), email="other@test.zjm"))
    body = {k: v for k, v in OFFER.items() if k != "service_item"}
    for response in (
        other.post(url(agency, "services"), json=OFFER),
        other.put(url(agency, "services/EIA-REPORT"), json=body),
        other.delete(url(agency, "services/EIA-REPORT")),
    ):
        assert response.status_code == 403
        assert response.get_json()["detail"] == "Only the agency itself may change its profile."
    assert service_actions(db) == []


def test_the_services_page_in_yuan_keeps_what_was_typed(db, agency, agency_client):
    page = agency_client.get("/account/services/EIA-REPORT?lang=en")
    assert page.status_code == 200
    assert 'value="50,000.00"' in page.get_data(as_text=True)
    typed = {
        "service_item": "SWC-PLAN",
        "commitment_days": "20",
        "commitment_scope": "水保方案",
        "price_min": "3万",
        "price_max": "120,000",
    }
    refused = agency_client.post("/account/services?lang=en", data=typed)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="3万"' in html and 'value="水保方案"' in html
    assert service_actions(db) == []
    saved = agency_client.post("/account/services", data={**typed, "price_min": "30,000"})
    assert saved.status_code == 302
    changed = agency_client.post("/account/services/SWC-PLAN", data={**typed, "price_min": "40000"})
    assert changed.status_code == 302
    assert agency_client.post("/account/services/SWC-PLAN/withdraw").status_code == 302
    assert service_actions(db) == [
        "agency.service_offered",
        "agency.service_changed",
        "agency.service_withdrawn",
    ]
    history = agency_client.get(f"/agencies/{agency.organization_id}?lang=en").get_data(
        as_text=True
    )
    assert "Lowest price (yuan): “30,000.00” → “40,000.00”" in history
    assert "no longer offers" in history and "offers " in history


def test_the_search_document_follows_the_services(db, agency, agency_client):
    def offering(code: str) -> list[str]:
        query = Query(filters={"service_item": [code]})
        return [h.id for h in search.search(db, "agencies", query).hits]

    assert offering("SWC-PLAN") == []
    assert agency_client.post(url(agency, "services"), json=OFFER).status_code == 201
    assert offering("SWC-PLAN") == [str(agency.organization_id)]
    assert agency_client.delete(url(agency, "services/SWC-PLAN")).status_code == 204
    assert offering("SWC-PLAN") == []


# --- professionals -------------------------------------------------------------------------------

ENGINEER = {
    "name": "周七",
    "certificate": "注册测绘师",
    "certificate_no": "CH0099",
    "id_number": "11010519491231002X",
}


def professional_events(db) -> list[AuditEvent]:
    return [
        e
        for e in db.exec(select(AuditEvent).order_by(AuditEvent.seq))
        if e.action.startswith("agency.professional_")
    ]


def test_the_agency_registers_changes_and_removes_a_professional_never_showing_the_id(
    app, db, agency, agency_client
):
    added = agency_client.post(url(agency, "professionals"), json=ENGINEER)
    assert added.status_code == 201
    body = added.get_json()
    pid = body["id"]
    assert body == {
        "id": pid,
        "name": "周七",
        "certificate": "注册测绘师",
        "certificate_no": "CH0099",
        "has_id_number": True,
    }
    # An empty ID number keeps the stored one; a new one is recorded as changed, not its value.
    kept = agency_client.put(
        url(agency, f"professionals/{pid}"), json={**ENGINEER, "id_number": "", "name": "周七七"}
    )
    assert kept.status_code == 200 and kept.get_json()["has_id_number"] is True
    assert db.get(Professional, pid).id_number == "11010519491231002X"
    renewed = agency_client.put(
        url(agency, f"professionals/{pid}"), json={**ENGINEER, "id_number": "220102199001011239"}
    )
    assert renewed.status_code == 200
    listed = agency_client.get(url(agency, "professionals")).get_json()["items"]
    assert [p["name"] for p in listed] == ["李四", "周七"]
    assert all(
        set(p) == {"id", "name", "certificate", "certificate_no", "has_id_number"} for p in listed
    )
    assert "220102199001011239" not in str(listed)
    assert agency_client.delete(url(agency, f"professionals/{pid}")).status_code == 204
    events = professional_events(db)
    assert [(e.action, e.data.get("changes"), e.data.get("private_changed")) for e in events] == [
        ("agency.professional_added", None, ["id_number"]),
        ("agency.professional_changed", {"name": {"old": "周七", "new": "周七七"}}, []),
        ("agency.professional_changed", {"name": {"old": "周七七", "new": "周七"}}, ["id_number"]),
        ("agency.professional_removed", None, None),
    ]
    history = app.test_client().get(f"/agencies/{agency.organization_id}?lang=en")
    html = history.get_data(as_text=True)
    assert "registers the professional 周七 — 注册测绘师 (CH0099)" in html
    assert "ID number changed" in html
    for secret in ("11010519491231002X", "220102199001011239"):
        assert secret not in html
        assert all(secret not in str(e.data) for e in events)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"certificate": ""}, "certificate", "This field is required."),
        ({"certificate_no": "x" * 51}, "certificate_no", "At most 50 characters (you gave 51)."),
    ],
)
def test_a_professional_is_checked_as_at_registration(
    db, agency, agency_client, change, field, message
):
    response = agency_client.post(url(agency, "professionals"), json={**ENGINEER, **change})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}
    assert professional_events(db) == []


def test_a_wrong_check_digit_is_refused(db, agency, agency_client):
    response = agency_client.post(
        url(agency, "professionals"), json={**ENGINEER, "id_number": "110105194912310021"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "id_number": [
            "The check character of this identity card number is wrong; "
            "please copy it again from the card."
        ]
    }
    assert professional_events(db) == []


def test_only_the_agency_itself_changes_its_professionals(app, db, make, agency, agency_client):
    pid = agency_client.post(url(agency, "professionals"), json=ENGINEER).get_json()["id"]
    other = app.test_client()
    login(other, make.agency(uscc=new_uscc(), email="other@test.zjm"))
    for response in (
        other.get(url(agency, "professionals")),
        other.post(url(agency, "professionals"), json=ENGINEER),
        other.put(url(agency, f"professionals/{pid}"), json=ENGINEER),
        other.delete(url(agency, f"professionals/{pid}")),
    ):
        assert response.status_code == 403
        assert response.get_json()["detail"] == "Only the agency itself may change its profile."
    assert agency_client.delete(url(agency, "professionals/999999")).status_code == 404
    assert len(professional_events(db)) == 1


def test_the_professionals_page_keeps_what_was_typed_but_never_the_id(db, agency, agency_client):
    refused = agency_client.post(
        "/account/professionals?lang=en", data={**ENGINEER, "certificate": ""}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "This field is required." in html
    assert 'value="周七"' in html and 'value="CH0099"' in html
    assert "11010519491231002X" not in html
    assert agency_client.post("/account/professionals", data=ENGINEER).status_code == 302
    [p] = [p for p in agencies.professionals_of(db, agency.organization_id) if p.name == "周七"]
    page = agency_client.get(f"/account/professionals/{p.id}?lang=en").get_data(as_text=True)
    assert 'value="CH0099"' in page and "11010519491231002X" not in page
    assert (
        agency_client.post(
            f"/account/professionals/{p.id}",
            data={**ENGINEER, "id_number": "", "certificate_no": "CH1"},
        ).status_code
        == 302
    )
    assert db.get(Professional, p.id).id_number == "11010519491231002X"
    assert agency_client.post(f"/account/professionals/{p.id}/remove").status_code == 302
    assert [e.action for e in professional_events(db)] == [
        "agency.professional_added",
        "agency.professional_changed",
        "agency.professional_removed",
    ]
