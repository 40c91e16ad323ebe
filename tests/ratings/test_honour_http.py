"""The honour roll's pages and API (docs/rules.md §6): the latest roll with its date and a month
picker, CSV and JSON, a wrong or unknown month refused with its message, the badge on the agency's
profile and in the directory, and the organization's serialization."""

from __future__ import annotations

from sqlmodel import select

from market.models import Organization
from market.policy import registry_of
from ratings import honour
from tests.bidding.helpers import text
from tests.ratings.honour_support import SWEEP_AT, Facts, qualified


def published(app, world, db, frozen) -> Organization:
    facts = Facts(world, db)
    agency = world.agency(name="吉林守信咨询有限公司").organization_id
    qualified(facts, agency)
    frozen.set(SWEEP_AT)
    honour.publish_roll(db, registry_of(app))
    db.commit()
    return db.get(Organization, agency)


def test_before_any_roll_the_page_says_so(client):
    response = client.get("/lists/honour", headers={"Accept-Language": "zh"})
    assert response.status_code == 200
    assert "尚未发布守信典型名单。" in text(response)
    assert client.get("/lists/honour.csv").status_code == 404
    assert client.get("/api/v1/lists/honour").get_json() == {"months": [], "roll": None}


def test_the_latest_roll_with_its_date_and_numbers(app, world, db, frozen, client):
    org = published(app, world, db, frozen)
    page = text(client.get("/lists/honour", headers={"Accept-Language": "zh"}))
    assert "吉林守信咨询有限公司" in page
    assert "2026-12 名单，按 2026-12-01 00:00 的情况评定，发布于 2026-12-01 00:20。" in page
    answer = client.get("/api/v1/lists/honour").get_json()
    assert answer["months"] == ["2026-12"]
    assert answer["roll"]["month"] == "2026-12"
    assert answer["roll"]["published_at"] == SWEEP_AT.isoformat()
    [entry] = answer["roll"]["entries"]
    assert entry["agency"] == {"id": org.id, "name": org.name, "uscc": org.uscc}
    assert entry["since"] == "2026-12"
    assert (entry["numbers"]["contracts_accepted"], entry["numbers"]["applicants"]) == (5, 3)
    assert client.get("/lists/honour.json?month=2026-12").get_json() == answer["roll"]
    csv = client.get("/lists/honour.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").split("\r\n")
    assert lines[0] == ",".join(honour.CSV_HEADER)
    assert lines[1] == (
        f"2026-12,{org.id},吉林守信咨询有限公司,{org.uscc},2026-12,"
        "2026-12:A;2026-11:A;2026-10:A;2026-09:A;2026-08:A;2026-07:A,5,3,0,0"
    )


def test_a_wrong_or_unknown_month_is_refused_with_its_message(app, world, db, frozen, client):
    published(app, world, db, frozen)
    wrong = client.get("/api/v1/lists/honour?month=2026-13")
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"]["month"] == ["请按 YYYY-MM 格式填写月份，例如 2026-11。"]
    unknown = client.get("/lists/honour?month=2026-10", headers={"Accept-Language": "zh"})
    assert unknown.status_code == 422
    page = text(unknown)
    assert "2026-10 没有发布守信典型名单。" in page
    assert "您填写的是：2026-10" in page
    assert "吉林守信咨询有限公司" in page  # the latest roll stays shown
    assert client.get("/lists/honour.csv?month=2026-10").status_code == 404


def test_the_badge_on_the_profile_and_in_the_directory(app, world, db, frozen, client):
    org = published(app, world, db, frozen)
    profile = text(client.get(f"/agencies/{org.id}", headers={"Accept-Language": "zh"}))
    assert "自 2026-12 起列入守信典型名单。" in profile
    directory = text(client.get("/agencies", headers={"Accept-Language": "zh"}))
    assert 'class="badge honour"' in directory
    others = db.exec(select(Organization).where(Organization.id != org.id)).all()
    assert all(o.honour_roll_since is None for o in others)
    assert client.get(f"/api/v1/agencies/{org.id}").get_json()["honour_roll_since"] == "2026-12"
    found = text(
        client.get(
            "/search?index=agencies&q=吉林守信咨询有限公司", headers={"Accept-Language": "zh"}
        )
    )
    assert "吉林守信咨询有限公司" in found
    assert 'title="自 2026-12 起列入守信典型名单">守信典型名单</span>' in found
