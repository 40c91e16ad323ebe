"""Credit repair through the API and the pages (docs/rules.md §6): apply, the refusals with their
messages, the regulator's queue and decision, a refused form keeping what was typed, and the
commitment published on the agency's profile with the decision."""

from __future__ import annotations

import re

from ratings import records
from ratings.credit import ends_at
from tests.bidding.helpers import text

API = "/api/v1"
COMMITMENT = "本机构承诺今后如实提供业绩材料。"


def recorded(world, db):
    agency = world.agency()
    row = records.record_misconduct(
        db, world.regulator, agency.organization_id, "general", "《办法》第二十条", "虚假材料"
    )
    db.commit()
    return agency, row


def test_the_api_application_and_its_decision(world, db, frozen, as_, make):
    agency, record = recorded(world, db)
    client = as_(agency)
    body = {"record_id": record.id, "evidence": "已整改。", "commitment": COMMITMENT}
    assert as_().post(f"{API}/repair-applications", json=body).status_code == 401
    early = client.post(f"{API}/repair-applications", json=body)
    assert (early.status_code, early.get_json()["detail"]) == (
        403,
        "This record may be repaired from 2027-02-25 (00:00, Asia/Shanghai).",
    )
    frozen.set(ends_at(record.decided_at, 3))
    empty = client.post(f"{API}/repair-applications", json={"record_id": record.id})
    assert (empty.status_code, empty.get_json()["errors"]) == (
        422,
        {"evidence": ["This field is required."], "commitment": ["This field is required."]},
    )
    other = as_(world.agency()).post(f"{API}/repair-applications", json=body)
    assert (other.status_code, other.get_json()["errors"]) == (
        422,
        {"record_id": ["No such misconduct record of your agency."]},
    )
    unknown = client.post(f"{API}/repair-applications", json={**body, "record_id": 10**9})
    assert unknown.get_json()["errors"] == {
        "record_id": ["No such misconduct record of your agency."]
    }
    assert as_(world.agency()).post(f"/account/credit-repair/{record.id}").status_code == 404
    made = client.post(f"{API}/repair-applications", json=body)
    assert made.status_code == 201, made.get_data(as_text=True)
    application = made.get_json()
    assert (application["record"]["id"], application["decision"], application["overdue"]) == (
        record.id,
        None,
        False,
    )
    assert [i["id"] for i in client.get(f"{API}/repair-applications").get_json()["items"]] == [
        application["id"]
    ]
    regulator = as_(world.regulator)
    queue = regulator.get(f"{API}/repair-applications").get_json()
    assert (queue["state"], queue["counts"]) == ("pending", {"pending": 1, "decided": 0})
    url = f"{API}/repair-applications/{application['id']}/decide"
    assert client.post(url, json={"decision": "repaired"}).status_code == 403
    refused = regulator.post(url, json={"decision": "refused"})
    assert (refused.status_code, refused.get_json()["errors"]) == (
        422,
        {"reason": ["This field is required."]},
    )
    done = regulator.post(url, json={"decision": "repaired"})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["record"]["repaired_at"] is not None
    public = as_().get(f"{API}/misconduct-records?agency_id={agency.organization_id}")
    assert public.get_json()["items"] == []
    own = client.get(f"{API}/misconduct-records?agency_id={agency.organization_id}")
    assert [i["id"] for i in own.get_json()["items"]] == [record.id]
    profile = text(as_(None).get(f"/agencies/{agency.organization_id}"))
    assert COMMITMENT in profile and "虚假材料" not in profile


def test_the_pages_keep_what_was_typed_and_the_regulator_decides(world, db, frozen, as_):
    agency, record = recorded(world, db)
    frozen.set(ends_at(record.decided_at, 3))
    client = as_(agency)
    page = text(client.get("/account/credit-repair"))
    assert "Apply for credit repair" in page
    typed = "长" * 2001
    kept = client.post(
        f"/account/credit-repair/{record.id}",
        data={f"rp{record.id}-evidence": "已整改。", f"rp{record.id}-commitment": typed},
    )
    assert kept.status_code == 422
    assert "At most 2000 characters (you gave 2001)." in text(kept)
    assert typed in text(kept) and "已整改。" in text(kept)
    sent = client.post(
        f"/account/credit-repair/{record.id}",
        data={f"rp{record.id}-evidence": "已整改。", f"rp{record.id}-commitment": COMMITMENT},
    )
    assert sent.status_code == 302
    application_id = int(re.search(r"/repair-applications/(\d+)", sent.location).group(1))
    regulator = as_(world.regulator)
    queue = text(regulator.get("/regulator/repair-applications"))
    assert f'id="repair-{application_id}"' in queue and "To decide (1)" in queue
    empty = regulator.post(
        f"/repair-applications/{application_id}/decision",
        data={"dec-decision": "refused", "dec-reason": ""},
    )
    assert empty.status_code == 422 and "This field is required." in text(empty)
    done = regulator.post(
        f"/repair-applications/{application_id}/decision",
        data={"dec-decision": "refused", "dec-reason": "整改证明不充分。"},
    )
    assert done.status_code == 302
    mine = text(client.get(f"/repair-applications/{application_id}"))
    assert "refused" in mine and "整改证明不充分。" in mine
    assert as_(world.agency()).get(f"/repair-applications/{application_id}").status_code == 404
