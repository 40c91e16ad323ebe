"""The service catalog (docs/rules.md §1.2, §3 operator): seeded, public, filterable, bilingual, and edited
only by operators, every edit audited with its old and new values."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest
from sqlmodel import func, select

from market import audit, catalog, search
from market.catalog_data import SERVICE_ITEMS
from market.models import AuditEvent, ServiceItem
from market.models.catalog import CATEGORIES
from tests.conftest import FROZEN_AT, login

SEED = {item["code"]: item for item in SERVICE_ITEMS}
COMMISSIONED = "EIA-TECH-REVIEW"  # department_commissioned in the seed
NOTICE_EN = (
    "This is a technical review that the approving department commissions for its own "
    "review: only a department may post it, paid from its own budget, never by the "
    "enterprise."
)


@pytest.fixture
def operator(client, make):
    user = make.staff("operator")
    login(client, user)
    return user


def shown(text: str) -> str:
    """`text` as Jinja autoescaping writes it into a page."""
    return escape(text, quote=True).replace("&#x27;", "&#39;")


def events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
    )


def codes_in_table(html: str) -> list[str]:
    return re.findall(r"<td><code>([A-Z0-9-]+)</code></td>", html)


# --- seeded and public -------------------------------------------------------------------------


def test_catalog_is_seeded_with_at_least_twenty_items(db):
    count = db.exec(select(func.count()).select_from(ServiceItem)).one()
    assert count >= 20
    assert set(db.exec(select(ServiceItem.code))) == set(SEED)
    # Seeding again adds nothing.
    assert catalog.seed_catalog(db) == 0


def test_seeded_items_carry_their_rules(db):
    item = catalog.get_item(db, "EIA-REPORT")
    seed = SEED["EIA-REPORT"]
    assert item.legal_basis_zh == seed["legal_basis_zh"] and item.legal_basis_zh
    assert item.time_limit_wd == seed["time_limit_wd"] > 0
    assert item.workflow_zh == seed["workflow_zh"] and item.workflow_zh
    assert item.fee_standard in ("market", "government")
    assert item.required_qualifications == seed["required_qualifications"]


def test_public_catalog_lists_every_item(client):
    response = client.get("/service-items")
    assert response.status_code == 200
    assert sorted(codes_in_table(response.get_data(as_text=True))) == sorted(SEED)


def test_catalog_filters_by_category(client):
    html = client.get("/service-items?category=water").get_data(as_text=True)
    expected = sorted(c for c, i in SEED.items() if i["category"] == "water")
    assert len(expected) >= 2
    assert sorted(codes_in_table(html)) == expected
    api = client.get("/api/v1/service-items?category=water").get_json()["items"]
    assert sorted(i["code"] for i in api) == expected


def test_unknown_category_lists_nothing(client):
    html = client.get("/service-items?category=astrology&lang=en").get_data(as_text=True)
    assert codes_in_table(html) == []
    assert "No service item matches." in html
    assert client.get("/api/v1/service-items?category=astrology").get_json()["items"] == []


@pytest.mark.parametrize(
    "q, expected",
    [
        ("flood", {"FLOOD-IMPACT"}),
        ("FLOOD", {"FLOOD-IMPACT"}),
        ("flood-imp", {"FLOOD-IMPACT"}),  # part of the code
        ("洪水影响", {"FLOOD-IMPACT"}),
        ("lightning", {"LIGHTNING-INSPECTION"}),
        ("no such service", set()),
    ],
)
def test_catalog_search_by_part_of_the_name_or_code(client, q, expected):
    html = client.get("/service-items", query_string={"q": q}).get_data(as_text=True)
    assert set(codes_in_table(html)) == expected
    api = client.get("/api/v1/service-items", query_string={"q": q}).get_json()["items"]
    assert {i["code"] for i in api} == expected


def test_catalog_search_matches_every_item_whose_name_contains_the_words(client):
    expected = {c for c, i in SEED.items() if "环境影响" in i["name_zh"]}
    assert len(expected) >= 2
    api = client.get("/api/v1/service-items", query_string={"q": "环境影响"}).get_json()["items"]
    assert {i["code"] for i in api} == expected


def test_catalog_search_treats_wildcards_literally(client):
    assert client.get("/api/v1/service-items?q=%25").get_json()["items"] == []
    assert client.get("/api/v1/service-items?q=_").get_json()["items"] == []


def test_category_and_search_combine(client):
    api = client.get("/api/v1/service-items?category=water&q=review").get_json()["items"]
    assert [i["code"] for i in api] == ["SWC-PLAN-REVIEW"]
    html = client.get("/service-items?category=water&q=review").get_data(as_text=True)
    assert codes_in_table(html) == ["SWC-PLAN-REVIEW"]


@pytest.mark.parametrize(
    "q, code",
    [
        ("地震", "SEISMIC-SAFETY"),  # 建设工程地震安全性评价: a word inside the name
        ("复垦", "LAND-RECLAMATION"),  # 土地复垦方案编制
        ("地震评价", "SEISMIC-SAFETY"),  # two words of the name, apart in it
        ("geological hazard", "GEO-HAZARD-ASSESS"),  # words the code does not have
        ("devices lightning", "LIGHTNING-INSPECTION"),  # …protection devices, in any order
    ],
)
def test_the_catalog_page_finds_an_item_by_a_word_of_its_chinese_or_english_name(client, q, code):
    html = client.get("/service-items", query_string={"q": q}).get_data(as_text=True)
    assert codes_in_table(html) == [code]


def test_the_catalog_page_lists_what_it_finds_in_relevance_order(client, db):
    found = search.search(db, "service-items", search.Query("review", per_page=100))
    best_first = [db.get(ServiceItem, int(hit.id)).code for hit in found.hits]
    by_category = [c for _, c in sorted((SEED[c]["category"], c) for c in best_first)]
    assert len(best_first) >= 3 and best_first != by_category
    html = client.get("/service-items?q=review").get_data(as_text=True)
    assert codes_in_table(html) == best_first


@pytest.mark.parametrize(
    "q", ['"', "*", "OR", "(", ")", '"flood" OR (fire*)', "NEAR(flood fire)", "flood AND", "-", "^"]
)
def test_search_syntax_in_the_catalog_query_gives_a_normal_page(client, q):
    response = client.get("/service-items", query_string={"q": q, "lang": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert codes_in_table(html) or "No service item matches." in html


def test_a_blank_catalog_query_lists_the_whole_catalog(client):
    html = client.get("/service-items?q=%20%20").get_data(as_text=True)
    assert sorted(codes_in_table(html)) == sorted(SEED)


# --- the item page ----------------------------------------------------------------------------------


def test_item_page_publishes_basis_time_limit_workflow_fee_and_qualifications(client):
    seed = SEED["EIA-REPORT"]
    html = client.get("/service-items/EIA-REPORT?lang=en").get_data(as_text=True)
    assert shown(seed["name_en"]) in html
    assert shown(seed["legal_basis_en"]) in html
    assert f"{seed['time_limit_wd']} working days" in html
    for step in seed["workflow_en"]:
        assert f"<li>{shown(step)}</li>" in html
    assert "market-regulated" in html and shown(seed["fee_note_en"]) in html
    assert shown(seed["conditions_en"]) in html
    assert seed["required_qualifications"]
    for qualification in seed["required_qualifications"]:
        assert shown(qualification["name_en"]) in html
    assert NOTICE_EN not in unescape(html)


def test_item_page_in_chinese_by_default(client):
    seed = SEED["EIA-REPORT"]
    html = client.get("/service-items/EIA-REPORT").get_data(as_text=True)
    assert shown(seed["name_zh"]) in html
    assert shown(seed["legal_basis_zh"]) in html
    for step in seed["workflow_zh"]:
        assert f"<li>{shown(step)}</li>" in html
    assert shown(seed["workflow_en"][0]) not in html


def test_department_commissioned_item_says_who_commissions_and_pays(client):
    seed = SEED[COMMISSIONED]
    assert seed["department_commissioned"] is True
    html = client.get(f"/service-items/{COMMISSIONED}?lang=en").get_data(as_text=True)
    assert NOTICE_EN in unescape(html)
    assert shown(seed["legal_basis_en"]) in html
    assert "None: any agency may offer this service." in html
    listing = client.get("/service-items?lang=en").get_data(as_text=True)
    row = re.search(rf"<tr>\s*<td><code>{COMMISSIONED}</code>.*?</tr>", listing, re.S).group(0)
    assert "commissioned by the department" in row


def test_item_page_counts_the_agencies_offering_it(client, make):
    make.agency()  # offers EIA-REPORT
    html = client.get("/service-items/EIA-REPORT?lang=en").get_data(as_text=True)
    assert "1 agencies offer this service" in html
    html = client.get("/service-items/SWC-PLAN?lang=en").get_data(as_text=True)
    assert "0 agencies offer this service" in html


def test_unknown_item_is_404(client):
    assert client.get("/service-items/NO-SUCH").status_code == 404
    response = client.get("/api/v1/service-items/NO-SUCH")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_english_ui_shows_english_names(client):
    english = client.get("/service-items?lang=en").get_data(as_text=True)
    chinese = client.get("/service-items?lang=zh").get_data(as_text=True)
    for seed in SEED.values():
        assert shown(seed["name_en"]) in english
        assert shown(seed["name_zh"]) in chinese
        assert shown(seed["name_zh"]) not in english


# --- API reads ----------------------------------------------------------------------------------------


def test_api_lists_the_catalog(client):
    body = client.get("/api/v1/service-items").get_json()
    assert [i["code"] for i in body["items"]] == [
        c for _, c in sorted((i["category"], c) for c, i in SEED.items())
    ]


def test_api_item_publishes_its_rules(client):
    body = client.get(f"/api/v1/service-items/{COMMISSIONED}").get_json()
    seed = SEED[COMMISSIONED]
    for key in (
        "code",
        "name_zh",
        "name_en",
        "category",
        "legal_basis_zh",
        "legal_basis_en",
        "time_limit_wd",
        "workflow_zh",
        "workflow_en",
        "conditions_zh",
        "fee_standard",
        "fee_note_zh",
        "required_qualifications",
        "department_commissioned",
    ):
        assert body[key] == seed[key], key
    assert body["updated_at"] == FROZEN_AT.isoformat()


# --- operator edits through the API -------------------------------------------------------------------


def test_operator_edits_an_item_and_the_edit_is_audited_with_old_and_new(
    client, operator, db, frozen
):
    old = SEED["FLOOD-IMPACT"]
    frozen.advance(hours=1)
    response = client.patch(
        "/api/v1/service-items/FLOOD-IMPACT",
        json={
            "name_en": "Flood impact assessment (revised)",
            "time_limit_wd": 25,
            "workflow_en": [*old["workflow_en"][:-1], "Deliver the report"],
            "name_zh": old["name_zh"],
        },
    )  # unchanged: not in the diff
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name_en"] == "Flood impact assessment (revised)"
    assert body["time_limit_wd"] == 25
    assert body["updated_at"] == frozen.now().isoformat()
    assert client.get("/api/v1/service-items/FLOOD-IMPACT").get_json()["time_limit_wd"] == 25

    [event] = events(db, "service_item.updated")
    assert event.object_type == "service_item" and event.object_id == "FLOOD-IMPACT"
    assert event.actor_user_id == operator.id
    assert event.data == {
        "name_en": {"old": old["name_en"], "new": "Flood impact assessment (revised)"},
        "time_limit_wd": {"old": old["time_limit_wd"], "new": 25},
        "workflow_en": {
            "old": old["workflow_en"],
            "new": [*old["workflow_en"][:-1], "Deliver the report"],
        },
    }
    assert audit.verify(db) == []


def test_every_edit_is_a_separate_audit_event(client, operator, db):
    for limit in (11, 12, 13):
        assert (
            client.patch(
                "/api/v1/service-items/SWC-PLAN", json={"time_limit_wd": limit}
            ).status_code
            == 200
        )
    changes = [e.data["time_limit_wd"] for e in events(db, "service_item.updated")]
    assert changes == [
        {"old": SEED["SWC-PLAN"]["time_limit_wd"], "new": 11},
        {"old": 11, "new": 12},
        {"old": 12, "new": 13},
    ]


def test_an_edit_that_changes_nothing_writes_no_event(client, operator, db):
    response = client.patch(
        "/api/v1/service-items/SWC-PLAN", json={"time_limit_wd": SEED["SWC-PLAN"]["time_limit_wd"]}
    )
    assert response.status_code == 200
    assert events(db, "service_item.updated") == []


def test_operator_can_mark_an_item_department_commissioned(client, operator, db):
    response = client.patch(
        "/api/v1/service-items/SWC-PLAN", json={"department_commissioned": True}
    )
    assert response.status_code == 200
    html = client.get("/service-items/SWC-PLAN?lang=en").get_data(as_text=True)
    assert NOTICE_EN in unescape(html)
    [event] = events(db, "service_item.updated")
    assert event.data == {"department_commissioned": {"old": False, "new": True}}


BAD_EDITS = {
    "unknown-category": ({"category": "astrology"}, "category", "Unknown service category."),
    "empty-workflow": (
        {"workflow_zh": []},
        "workflow_zh",
        "List at least one workflow step, one per line.",
    ),
    "blank-workflow-steps": (
        {"workflow_en": ["  ", ""]},
        "workflow_en",
        "List at least one workflow step, one per line.",
    ),
    "time-limit-zero": ({"time_limit_wd": 0}, "time_limit_wd", "Must be at least 1."),
    "time-limit-over-a-year": ({"time_limit_wd": 366}, "time_limit_wd", "Must be at most 365."),
    "over-long-name": (
        {"name_zh": "测" * 101},
        "name_zh",
        "At most 100 characters (you gave 101).",
    ),
    "empty-name": ({"name_en": ""}, "name_en", "This field is required."),
    "markup-in-name": (
        {"name_en": "<script>x</script>"},
        "name_en",
        "Markup such as < > or & entities is not allowed here.",
    ),
    "unknown-fee-standard": (
        {"fee_standard": "free"},
        "fee_standard",
        "Choose market or government-guided pricing.",
    ),
    "workflow-languages-differ": (
        {"workflow_zh": ["一", "二"], "workflow_en": ["one"]},
        "workflow_en",
        "The English workflow needs as many steps as the Chinese.",
    ),
}


@pytest.mark.parametrize("patch, key, message", BAD_EDITS.values(), ids=BAD_EDITS.keys())
def test_bad_edit_is_refused_with_its_own_message_and_changes_nothing(
    client, operator, db, patch, key, message
):
    before = client.get("/api/v1/service-items/SWC-PLAN").get_json()
    response = client.patch("/api/v1/service-items/SWC-PLAN?lang=en", json=patch)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {key: [message]}
    assert client.get("/api/v1/service-items/SWC-PLAN").get_json() == before
    assert events(db, "service_item.updated") == []


def test_unknown_field_in_an_edit_is_refused(client, operator):
    response = client.patch("/api/v1/service-items/SWC-PLAN", json={"code": "OTHER"})
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]


def test_editing_an_unknown_item_is_404(client, operator):
    response = client.patch("/api/v1/service-items/NO-SUCH", json={"time_limit_wd": 3})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "kind", [None, "agency", "enterprise", "regulator", "department", "expert"]
)
def test_only_operators_edit_the_catalog(client, make, db, kind):
    if kind == "agency":
        login(client, make.agency())
    elif kind == "enterprise":
        login(client, make.enterprise())
    elif kind is not None:
        login(client, make.staff(kind))
    response = client.patch("/api/v1/service-items/SWC-PLAN", json={"time_limit_wd": 1})
    assert response.status_code == (401 if kind is None else 403)
    assert response.mimetype == "application/problem+json"
    assert (
        client.get("/api/v1/service-items/SWC-PLAN").get_json()["time_limit_wd"]
        == SEED["SWC-PLAN"]["time_limit_wd"]
    )
    assert events(db, "service_item.updated") == []


# --- operator edits through the page ------------------------------------------------------------------


class FormValues(HTMLParser):
    """What a browser submits back from the rendered form."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") != "submit":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value", "y")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = self.values[self._textarea].replace("\r\n", "\n")
            self.values[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def field_errors(html: str, field_id: str) -> list[str]:
    match = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-err">(.*?)</ul>', html, re.S)
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def edit_form(client, code: str) -> dict[str, str]:
    response = client.get(f"/operator/service-items/{code}?lang=en")
    assert response.status_code == 200
    return FormValues(response.get_data(as_text=True)).values


def test_edit_page_shows_the_item_as_it_is(client, operator):
    seed = SEED[COMMISSIONED]
    values = edit_form(client, COMMISSIONED)
    assert values["name_zh"] == seed["name_zh"]
    assert values["category"] == seed["category"]
    assert values["time_limit_wd"] == str(seed["time_limit_wd"])
    assert values["workflow_en"].splitlines() == seed["workflow_en"]
    assert values["legal_basis_zh"] == seed["legal_basis_zh"]
    assert values["department_commissioned"] == "y"


def test_saving_the_page_unchanged_changes_nothing(client, operator, db):
    values = edit_form(client, COMMISSIONED)
    response = client.post(f"/operator/service-items/{COMMISSIONED}", data=values)
    assert response.status_code == 302
    assert events(db, "service_item.updated") == []
    assert (
        client.get(f"/api/v1/service-items/{COMMISSIONED}").get_json()["name_en"]
        == SEED[COMMISSIONED]["name_en"]
    )


def test_operator_edits_through_the_page_and_it_is_audited(client, operator, db):
    values = edit_form(client, "SWC-PLAN")
    seed = SEED["SWC-PLAN"]
    values.update(
        {
            "name_en": "Soil and water conservation plan",
            "time_limit_wd": "21",
            "workflow_zh": "\r\n".join([*seed["workflow_zh"], "归档"]),
            "workflow_en": "\r\n".join([*seed["workflow_en"], "File the records"]),
        }
    )
    response = client.post("/operator/service-items/SWC-PLAN?lang=en", data=values)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/service-items/SWC-PLAN")
    body = client.get("/api/v1/service-items/SWC-PLAN").get_json()
    assert body["name_en"] == "Soil and water conservation plan"
    assert body["time_limit_wd"] == 21
    assert body["workflow_zh"] == [*seed["workflow_zh"], "归档"]
    [event] = events(db, "service_item.updated")
    assert event.actor_user_id == operator.id
    assert set(event.data) == {"name_en", "time_limit_wd", "workflow_zh", "workflow_en"}
    assert event.data["time_limit_wd"] == {"old": seed["time_limit_wd"], "new": 21}
    assert event.data["name_en"]["old"] == seed["name_en"]
    html = client.get("/service-items/SWC-PLAN?lang=en").get_data(as_text=True)
    assert "Soil and water conservation plan" in html and "File the records" in html


@pytest.mark.parametrize(
    "change, field_id, message",
    [
        ({"category": "astrology"}, "category", "Unknown service category."),
        (
            {"workflow_zh": "  \r\n  "},
            "workflow_zh",
            "List at least one workflow step, one per line.",
        ),
        ({"time_limit_wd": "0"}, "time_limit_wd", "Must be at least 1."),
        ({"name_en": "x" * 101}, "name_en", "At most 100 characters (you gave 101)."),
    ],
    ids=["unknown-category", "empty-workflow", "time-limit-zero", "over-long-name"],
)
def test_bad_edit_on_the_page_is_shown_inline_and_kept(
    client, operator, db, change, field_id, message
):
    values = edit_form(client, "SWC-PLAN")
    values.update(change)
    response = client.post("/operator/service-items/SWC-PLAN?lang=en", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, field_id) == [message]
    kept = FormValues(html).values
    if field_id != "category":  # an unknown category is not among the options shown
        assert kept[field_id].strip() == change[field_id].replace("\r\n", "\n").strip()
    assert events(db, "service_item.updated") == []
    assert (
        client.get("/api/v1/service-items/SWC-PLAN").get_json()["time_limit_wd"]
        == SEED["SWC-PLAN"]["time_limit_wd"]
    )


def test_edit_page_is_for_operators_only(client, make):
    assert client.get("/operator/service-items/SWC-PLAN").status_code == 302  # log in first
    login(client, make.agency())
    assert client.get("/operator/service-items/SWC-PLAN").status_code == 403
    assert (
        client.post("/operator/service-items/SWC-PLAN", data={"name_en": "Hijacked"}).status_code
        == 403
    )
    assert (
        client.get("/api/v1/service-items/SWC-PLAN").get_json()["name_en"]
        == SEED["SWC-PLAN"]["name_en"]
    )


def test_regulator_cannot_open_the_edit_page(client, make):
    login(client, make.staff("regulator"))
    assert client.get("/operator/service-items/SWC-PLAN").status_code == 403


def test_every_category_has_a_label_in_the_edit_form(client, operator):
    html = client.get("/operator/service-items/SWC-PLAN?lang=en").get_data(as_text=True)
    options = re.search(r'<select id="category"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert set(re.findall(r'value="([^"]+)"', options)) == set(CATEGORIES)
