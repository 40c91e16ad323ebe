"""Checks of the service-catalog seed data: schema, allowed values, and the legal points that
the catalog must get right (which qualifications were abolished, which remain)."""

from __future__ import annotations

import re
import unicodedata

from market.catalog_data import QUALIFICATION_TYPES, SERVICE_ITEMS

KEYS = {
    "code",
    "name_zh",
    "name_en",
    "category",
    "legal_basis_zh",
    "legal_basis_en",
    "approval_item_zh",
    "approval_item_en",
    "approving_department_zh",
    "approving_department_en",
    "time_limit_wd",
    "workflow_zh",
    "workflow_en",
    "conditions_zh",
    "conditions_en",
    "fee_standard",
    "fee_note_zh",
    "fee_note_en",
    "required_qualifications",
    "abolished_zh",
    "abolished_en",
    "department_commissioned",
    "note_en",
}
CATEGORIES = {
    "environment",
    "water",
    "geology",
    "seismic",
    "meteorology",
    "cultural_relics",
    "land",
    "mineral",
    "energy",
    "safety",
    "occupational_health",
    "construction",
    "cost",
    "surveying",
    "fire",
    "real_estate",
    "transport",
    "lightning",
    "planning",
    "social",
}
QUAL_KEYS = {"type", "name_zh", "name_en", "holder", "basis_zh", "basis_en"}
# Fields shown on one line: the catalog editor refuses markup and line breaks in them.
SINGLE_LINE = {
    "name_zh": 100,
    "name_en": 100,
    "approval_item_zh": 200,
    "approval_item_en": 200,
    "approving_department_zh": 200,
    "approving_department_en": 200,
}
MULTI_LINE = {
    "legal_basis_zh",
    "legal_basis_en",
    "conditions_zh",
    "conditions_en",
    "fee_note_zh",
    "fee_note_en",
    "abolished_zh",
    "abolished_en",
    "note_en",
}
CODE_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?$")
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
MARKUP_RE = re.compile(r"[<>]|&[#a-zA-Z0-9]+;")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def by_code() -> dict[str, dict]:
    return {item["code"]: item for item in SERVICE_ITEMS}


def _strings(item: dict):
    """Every string in an item, with a label, including workflow steps and qualifications."""
    for key, value in item.items():
        if isinstance(value, str):
            yield key, value
        elif key in ("workflow_zh", "workflow_en"):
            for i, step in enumerate(value):
                yield f"{key}[{i}]", step
        elif key == "required_qualifications":
            for i, qual in enumerate(value):
                for qkey, qvalue in qual.items():
                    yield f"{key}[{i}].{qkey}", qvalue


def test_at_least_twenty_items_with_unique_well_formed_codes():
    assert isinstance(SERVICE_ITEMS, list)
    assert len(SERVICE_ITEMS) >= 20
    codes = [item["code"] for item in SERVICE_ITEMS]
    assert len(codes) == len(set(codes)), "duplicate codes"
    for code in codes:
        assert isinstance(code, str) and len(code) <= 32 and CODE_RE.match(code), code


def test_every_item_has_exactly_the_schema_keys():
    for item in SERVICE_ITEMS:
        assert isinstance(item, dict)
        assert set(item) == KEYS, (item.get("code"), set(item) ^ KEYS)


def test_field_types_and_allowed_values():
    for item in SERVICE_ITEMS:
        code = item["code"]
        for key in set(SINGLE_LINE) | MULTI_LINE | {"code"}:
            assert isinstance(item[key], str), (code, key)
        assert item["category"] in CATEGORIES, code
        assert item["fee_standard"] in {"market", "government"}, code
        limit = item["time_limit_wd"]
        assert type(limit) is int and 1 <= limit <= 365, code
        assert type(item["department_commissioned"]) is bool, code
        assert isinstance(item["required_qualifications"], list), code


def test_required_text_is_present_and_within_limits():
    for item in SERVICE_ITEMS:
        code = item["code"]
        for key, max_length in SINGLE_LINE.items():
            value = item[key]
            assert value.strip(), (code, key)
            assert len(value) <= max_length, (code, key, len(value))
            assert "\n" not in value and not MARKUP_RE.search(value), (code, key)
        for key in (
            "legal_basis_zh",
            "legal_basis_en",
            "conditions_zh",
            "conditions_en",
            "fee_note_zh",
            "fee_note_en",
        ):
            assert item[key].strip(), (code, key)
        for label, value in _strings(item):
            assert len(value) < 2000, (code, label, len(value))
            assert value == value.strip(), (code, label)
            assert unicodedata.normalize("NFC", value) == value, (code, label)
            assert not CONTROL_RE.search(value), (code, label)


def test_languages_are_in_the_right_fields():
    for item in SERVICE_ITEMS:
        code = item["code"]
        for label, value in _strings(item):
            if label.endswith("_en") or "_en[" in label:
                assert not CJK_RE.search(value), (code, label, CJK_RE.search(value).group())
            elif (label.endswith("_zh") or "_zh[" in label) and value:
                assert HAN_RE.search(value), (code, label)


def test_workflows_have_three_to_seven_steps_in_both_languages():
    for item in SERVICE_ITEMS:
        zh, en = item["workflow_zh"], item["workflow_en"]
        assert isinstance(zh, list) and isinstance(en, list), item["code"]
        assert 3 <= len(zh) <= 7, item["code"]
        assert len(zh) == len(en), item["code"]
        for step in zh + en:
            assert isinstance(step, str) and step.strip() and len(step) <= 200, item["code"]
            assert "\n" not in step, item["code"]


def test_qualifications_are_well_formed():
    for item in SERVICE_ITEMS:
        for qual in item["required_qualifications"]:
            assert isinstance(qual, dict) and set(qual) == QUAL_KEYS, item["code"]
            assert qual["holder"] in {"firm", "person"}, item["code"]
            for key in QUAL_KEYS:
                assert isinstance(qual[key], str) and qual[key].strip(), (item["code"], key)
            assert TYPES[qual["type"]]["holder"] == qual["holder"], item["code"]
        # Qualification dicts must not be shared between items (they are stored as JSON and
        # may be edited per item).
    ids = [id(q) for item in SERVICE_ITEMS for q in item["required_qualifications"]]
    assert len(ids) == len(set(ids))


def test_abolished_text_comes_in_both_languages():
    for item in SERVICE_ITEMS:
        assert bool(item["abolished_zh"]) == bool(item["abolished_en"]), item["code"]


def test_department_commissioned_reviews():
    commissioned = [item for item in SERVICE_ITEMS if item["department_commissioned"]]
    assert len(commissioned) >= 3
    for item in commissioned:
        # The department pays from its budget; the note must say so.
        assert "预算" in item["fee_note_zh"], item["code"]
        assert "budget" in item["fee_note_en"], item["code"]
    items = by_code()
    # The technical reviews are separate items from the reports the enterprise buys.
    for review, report in (
        ("EIA-TECH-REVIEW", "EIA-REPORT"),
        ("SWC-PLAN-REVIEW", "SWC-PLAN"),
        ("ENERGY-REVIEW", "ENERGY-REPORT"),
    ):
        assert items[review]["department_commissioned"] is True
        assert items[report]["department_commissioned"] is False


def test_catalog_covers_the_required_services():
    required = {
        "EIA-REPORT",
        "EIA-FORM",
        "SWC-PLAN",
        "GEO-HAZARD-ASSESS",
        "SEISMIC-SAFETY",
        "FLOOD-IMPACT",
        "CLIMATE-FEASIBILITY",
        "CULTURAL-RELICS-IMPACT",
        "MINERAL-OVERLAY",
        "ENERGY-REPORT",
        "SAFETY-PRE-EVAL",
        "OCC-HEALTH-PRE-EVAL",
        "DRAWING-REVIEW",
        "COST-CONSULTING",
        "SURVEYING-MAPPING",
        "LAND-BOUNDARY-SURVEY",
        "FIRE-TECH-SERVICE",
        "REAL-ESTATE-APPRAISAL",
        "TRAFFIC-IMPACT",
        "LIGHTNING-INSPECTION",
    }
    assert required <= set(by_code())


def _quals(code: str, holder: str) -> list[dict]:
    return [q for q in by_code()[code]["required_qualifications"] if q["holder"] == holder]


def test_eia_report_needs_no_firm_qualification_but_a_registered_eia_engineer():
    assert _quals("EIA-REPORT", "firm") == []
    assert any("环境影响评价工程师" in q["name_zh"] for q in _quals("EIA-REPORT", "person"))
    assert by_code()["EIA-REPORT"]["abolished_zh"]


def test_cost_consulting_needs_no_firm_qualification():
    assert _quals("COST-CONSULTING", "firm") == []
    assert any("造价工程师" in q["name_zh"] for q in _quals("COST-CONSULTING", "person"))
    assert "国发〔2021〕7号" in by_code()["COST-CONSULTING"]["abolished_zh"]


def test_surveying_needs_a_firm_surveying_qualification():
    assert any("测绘资质" in q["name_zh"] for q in _quals("SURVEYING-MAPPING", "firm"))


def test_abolished_firm_qualifications_are_not_required():
    # Services whose firm qualification was abolished must not list one again.
    for code in (
        "EIA-REPORT",
        "EIA-FORM",
        "SWC-PLAN",
        "WATER-RESOURCE-DEMO",
        "SEISMIC-SAFETY",
        "COST-CONSULTING",
        "FIRE-TECH-SERVICE",
        "FEASIBILITY-STUDY",
    ):
        assert _quals(code, "firm") == [], code
        assert by_code()[code]["abolished_zh"], code
    # ... while those that the law still licenses do list it.
    for code in (
        "GEO-HAZARD-ASSESS",
        "SAFETY-PRE-EVAL",
        "OCC-HEALTH-PRE-EVAL",
        "LIGHTNING-INSPECTION",
        "LAND-BOUNDARY-SURVEY",
        "REAL-ESTATE-APPRAISAL",
    ):
        assert _quals(code, "firm"), code


TYPES = {t["code"]: t for t in QUALIFICATION_TYPES}


def test_qualification_types_are_well_formed():
    assert len(TYPES) == len(QUALIFICATION_TYPES), "duplicate type codes"
    for t in QUALIFICATION_TYPES:
        assert set(t) == {"code", "name_zh", "name_en", "holder", "grades", "scope", "names"}
        assert CODE_RE.match(t["code"].upper()) and len(t["code"]) <= 40, t["code"]
        assert t["holder"] in {"firm", "person"} and type(t["scope"]) is bool, t["code"]
        assert t["name_zh"].strip() and t["name_en"].strip() and t["names"], t["code"]
        codes = [g["code"] for g in t["grades"]]
        assert len(codes) == len(set(codes)) and all(len(c) <= 8 for c in codes), t["code"]
        for g in t["grades"]:
            assert set(g) == {"code", "name_zh", "name_en"}, t["code"]


def test_the_surveying_and_consulting_types_have_their_grades_in_order():
    assert [g["name_zh"] for g in TYPES["surveying"]["grades"]] == ["甲级", "乙级"]
    assert [g["name_zh"] for g in TYPES["engineering-consulting"]["grades"]] == ["甲级", "乙级"]
