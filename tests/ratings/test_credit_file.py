"""The credit file (docs/rules.md §6): the page and the API show the score as of a moment with the
lines adding up to it, the minor records only as points to the public, the grade history; the
policy page computes its worked examples with the same function; the agency profile links it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from market import clock
from market.demo import load_all
from market.models import Organization, OrgKind
from ratings import credit_events
from ratings.credit import local_date
from ratings.models.credit import COMMENDATION, LATE, MISCONDUCT_MINOR, RATING
from tests.bidding.helpers import text


def agency_with_a_history(world, db, frozen):
    user = world.agency()
    org = user.organization_id
    credit_events.record(db, org, LATE, clock.now(), "contract:1:late")
    frozen.advance(days=1)
    credit_events.record(db, org, MISCONDUCT_MINOR, clock.now(), "misconduct:1")
    credit_events.record(
        db,
        org,
        RATING,
        clock.now(),
        "rating:1",
        {"stars": "5", "applicant_id": 1, "price_fen": 500_000},
    )
    frozen.advance(days=1)
    credit_events.record(db, org, COMMENDATION, clock.now(), "commendation:1")
    db.commit()
    return user


def test_the_public_file_adds_up_and_hides_a_minor_record(world, db, frozen, client):
    org = agency_with_a_history(world, db, frozen).organization_id
    body = client.get(f"/api/v1/agencies/{org}/credit").get_json()
    # 80 − 2 − 5 + 3 + a day-old five-star rating (weight 0.998103): 10 × 0.998103 / 5.998103.
    assert [(line["kind"], line["points_milli"]) for line in body["lines"]] == [
        ("base", 80_000),
        ("ratings", 1_664),
        ("late", -2_000),
        ("misconduct_minor", -5_000),
        ("commendation", 3_000),
    ]
    assert body["score_milli"] == sum(line["points_milli"] for line in body["lines"]) == 77_664
    assert (body["grade"], body["detailed"]) == ("B", False)
    minor = body["lines"][3]
    assert (minor["source"], minor["at"], minor["last_day"]) == (None, None, None)
    assert body["ratings"] == [
        {
            "source": "rating:1",
            "at": body["ratings"][0]["at"],
            "stars": "5",
            "age_days": 1,
            "weight": "998103/1000000",
            "note": None,
        }
    ]
    assert body["stored"]["score_milli"] == 77_664
    assert [h["score_milli"] for h in body["history"]] == [78_000, 73_000, 74_667, 77_664]
    assert body["counts"]["misconduct_minor"] == 1


def test_the_agency_sees_its_minor_record_in_full(world, db, frozen, as_):
    user = agency_with_a_history(world, db, frozen)
    body = as_(user).get(f"/api/v1/agencies/{user.organization_id}/credit").get_json()
    assert body["detailed"] is True
    assert body["lines"][3]["source"] == "misconduct:1"


def test_a_covering_regulator_sees_the_details_and_others_do_not(world, db, frozen, as_, make):
    org = agency_with_a_history(world, db, frozen).organization_id
    url = f"/api/v1/agencies/{org}/credit"
    regulator = as_(world.regulator)
    assert regulator.get(url).get_json()["lines"][3]["source"] == "misconduct:1"
    elsewhere = as_(make.staff("regulator", region_prefixes=["11"]))
    for client in (elsewhere, as_(world.applicant), as_(world.agency())):
        body = client.get(url).get_json()
        assert (body["detailed"], body["lines"][3]["source"]) == (False, None)


def test_as_of_a_moment_before_and_bad_moments(world, db, frozen, as_):
    org = agency_with_a_history(world, db, frozen).organization_id
    client = as_(None, "en")
    day_before = local_date(clock.now() - timedelta(days=2))
    body = client.get(f"/api/v1/agencies/{org}/credit?as_of={day_before.isoformat()}").get_json()
    assert body["score_milli"] == 78_000  # only the late delivery yet
    bad = client.get(f"/api/v1/agencies/{org}/credit?as_of=yesterday")
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["as_of"] == [
        "Give a date (2026-11-30) or a time with its offset (2026-11-30T08:00:00+08:00)."
    ]
    later = (clock.now() + timedelta(days=3)).isoformat()
    future = client.get(f"/api/v1/agencies/{org}/credit", query_string={"as_of": later})
    assert future.status_code == 422
    assert future.get_json()["errors"]["as_of"] == [
        "A credit file is computed as of now or an earlier moment, not a later one."
    ]
    assert client.get("/api/v1/agencies/999999/credit").status_code == 404


def test_the_page_in_chinese_and_english(world, db, frozen, as_):
    org = agency_with_a_history(world, db, frozen).organization_id
    page = text(as_(None, "zh").get(f"/agencies/{org}/credit"))
    assert "信用档案" in page and "77.664" in page and "轻微不良行为记录" in page
    assert "misconduct:1" not in page
    assert "<svg" in page and "信用等级历史" in page
    page = text(as_(None, "en").get(f"/agencies/{org}/credit"))
    assert "Credit file of" in page and "Minor misconduct record" in page
    refused = as_(None, "en").get(f"/agencies/{org}/credit?as_of=tomorrow-ish")
    assert refused.status_code == 422
    assert 'value="tomorrow-ish"' in refused.get_data(as_text=True)  # what was typed is kept
    profile = text(as_(None, "zh").get(f"/agencies/{org}"))
    assert f"/agencies/{org}/credit" in profile and "信用分77.664" in profile


def test_the_policy_page_shows_worked_examples(as_):
    page = text(as_(None, "en").get("/policy"))
    assert "How the credit score is computed" in page
    assert "One five-star rating today" in page and "81.667 (B)" in page
    assert "Twelve contracts accepted on time" in page and "85.000 (B)" in page
    assert "一年前的一次五星评价" in text(as_(None, "zh").get("/policy"))


def test_every_demo_agencys_file_adds_up_to_its_stored_score(app, db, frozen, bidding_keys, client):
    load_all(app, db)
    db.commit()
    agencies = db.exec(
        select(Organization).where(
            Organization.kind == OrgKind.agency, Organization.listed_at.is_not(None)
        )
    ).all()
    assert agencies
    with_events = 0
    for org in agencies:
        body = client.get(f"/api/v1/agencies/{org.id}/credit").get_json()
        assert sum(line["points_milli"] for line in body["lines"]) == body["score_milli"], org.name
        if body["stored"]["score_milli"] is not None:
            with_events += 1
            assert body["stored"]["score_milli"] == body["score_milli"], org.name
    assert with_events >= 1  # the demo's accepted contracts made credit events
