"""The serious-dishonesty list through the JSON API and the pages: the whole flow from the
proposal to the public list, statuses and messages of refusals, forms keeping what was typed, the
downloads and the import's report (docs/rules.md §6)."""

from __future__ import annotations

import io
import json

import pytest

from ratings import dishonesty, records
from ratings.dishonesty_policy import DEFAULT_POLICY as DP
from tests.bidding.helpers import new_uscc
from tests.ratings.test_dishonesty import BASIS, CONDITIONS, DUE, FACTS, LIST_BASIS, REASON
from tests.ratings.test_dishonesty_import import as_csv, row

API = "/api/v1"


def detail(response) -> str:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json()["detail"]


def test_the_api_flow_from_proposal_to_the_public_list(world, db, as_, make):
    agency = world.agency()
    org_id = agency.organization_id
    regulator = as_(world.regulator)
    body = {"agency_id": org_id, "reason": REASON, "legal_basis": BASIS, "facts": FACTS}
    assert as_().post(f"{API}/dishonesty-proposals", json=body).status_code == 401
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    outside = beijing.post(f"{API}/dishonesty-proposals", json=body)
    assert (outside.status_code, detail(outside)) == (
        403,
        "Only a regulator whose jurisdiction covers this agency's region may do this.",
    )
    empty = regulator.post(f"{API}/dishonesty-proposals", json={"agency_id": org_id})
    assert (empty.status_code, empty.get_json()["errors"]) == (
        422,
        {
            "reason": ["This field is required."],
            "legal_basis": ["This field is required."],
            "facts": ["This field is required."],
        },
    )
    made = regulator.post(f"{API}/dishonesty-proposals", json=body)
    assert made.status_code == 201, made.get_data(as_text=True)
    proposal = made.get_json()
    assert (proposal["state"], proposal["statement_due"]) == ("notice_period", DUE.isoformat())
    pid = proposal["id"]

    early = regulator.post(
        f"{API}/dishonesty-proposals/{pid}/decision", json={"decision": "dismissed", "reason": "x"}
    )
    assert (early.status_code, detail(early)) == (
        403,
        "The agency may state its case until 2026-12-09 24:00; the proposal may be decided "
        "from then, or as soon as its statement is in (Asia/Shanghai).",
    )
    assert as_(world.agency()).get(f"{API}/dishonesty-proposals/{pid}").status_code == 404
    mine = as_(agency)
    assert [p["id"] for p in mine.get(f"{API}/dishonesty-proposals").get_json()["items"]] == [pid]
    world.frozen.set(DUE)
    late = mine.post(
        f"{API}/dishonesty-proposals/{pid}/statement",
        data={"statement": "迟到"},
        content_type="multipart/form-data",
    )
    assert (late.status_code, detail(late)) == (
        403,
        "The period to state your case ended at 2026-12-09 24:00 (Asia/Shanghai).",
    )
    decision = {
        "decision": "listed",
        "legal_basis": LIST_BASIS,
        "starts_on": "2026-12-10",
        "ends_on": "2027-12-09",
        "removal_conditions": CONDITIONS,
    }
    decided = regulator.post(f"{API}/dishonesty-proposals/{pid}/decision", json=decision)
    assert decided.status_code == 200, decided.get_data(as_text=True)
    entry = decided.get_json()["entry"]
    assert (entry["starts_on"], entry["ends_on"], entry["source"]) == (
        "2026-12-10",
        "2027-12-09",
        "decision",
    )
    listed = as_().get(f"{API}/lists/dishonest").get_json()
    assert (listed["total"], [e["id"] for e in listed["items"]], listed["next_cursor"]) == (
        1,
        [entry["id"]],
        None,
    )
    lifted = regulator.post(f"{API}/lists/dishonest/{entry['id']}/lift", json={"reason": "已整改"})
    assert (lifted.status_code, lifted.get_json()["lifted_reason"]) == (200, "已整改")
    assert as_().get(f"{API}/lists/dishonest").get_json()["total"] == 0


def test_the_public_list_pages_and_downloads(world, db, as_):
    agencies = [world.agency() for _ in range(3)]
    for agency in agencies:
        dishonesty.propose(db, world.regulator, agency.organization_id, REASON, BASIS, FACTS, DP)
    db.commit()
    world.frozen.set(DUE)
    for proposal, _org in dishonesty.queue(db, world.regulator, "to_decide", DUE)["rows"]:
        dishonesty.decide(
            db, world.regulator, proposal.id, "listed", DP, legal_basis=LIST_BASIS,
            starts_on="2026-12-10", ends_on="2027-12-09", removal_conditions=CONDITIONS,
        )  # fmt: skip
    db.commit()
    public = as_()
    first = public.get(f"{API}/lists/dishonest?limit=2").get_json()
    assert (len(first["items"]), first["total"]) == (2, 3)
    rest = public.get(f"{API}/lists/dishonest?limit=2&cursor={first['next_cursor']}").get_json()
    assert (len(rest["items"]), rest["next_cursor"]) == (1, None)
    page = public.get("/lists/dishonest")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "3 entries in force." in text and LIST_BASIS in text
    csv_text = public.get("/lists/dishonest.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "\ufeffid,name,uscc,authority,decision_ref,legal_basis," \
        "facts,starts_on,ends_on,removal_conditions,source"  # fmt: skip
    assert len(csv_text.splitlines()) == 4
    downloaded = json.loads(public.get("/lists/dishonest.json").get_data(as_text=True))
    assert [e["ends_on"] for e in downloaded["items"]] == ["2027-12-09"] * 3
    profile = public.get(f"/agencies/{agencies[0].organization_id}").get_data(as_text=True)
    assert "On the serious-dishonesty list until 2027-12-09" in profile
    # A visitor reaches both public lists from the header, and the directory flags the listed.
    header = public.get("/tasks").get_data(as_text=True)
    assert '<a href="/lists/dishonest">Dishonesty list</a>' in header
    assert '<a href="/lists/honour">Honour roll</a>' in header
    directory = public.get("/agencies").get_data(as_text=True)
    assert directory.count("On the serious-dishonesty list until 2027-12-09 24:00") == 3
    zh = as_(lang="zh").get("/lists/dishonest")
    assert zh.status_code == 200 and "严重失信主体名单" in zh.get_data(as_text=True)


def test_the_pages_keep_what_was_typed(world, db, as_):
    agency = world.agency()
    regulator = as_(world.regulator)
    org_id = agency.organization_id
    refused = regulator.post(
        f"/agencies/{org_id}/dishonesty-proposals", data={"dp-reason": "串通报价"}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "串通报价" in text and "This field is required." in text
    made = regulator.post(
        f"/agencies/{org_id}/dishonesty-proposals",
        data={"dp-reason": REASON, "dp-legal_basis": BASIS, "dp-facts": FACTS},
    )
    assert made.status_code == 302
    [proposal] = dishonesty.own_proposals(db, world.org(agency))
    mine = as_(agency)
    page = mine.get("/account/dishonesty").get_data(as_text=True)
    assert REASON in page and "2026-12-09 24:00" in page
    stated = mine.post(
        f"/dishonesty-proposals/{proposal.id}/statement", data={f"st{proposal.id}-statement": "无"}
    )
    assert stated.status_code == 302
    queue = regulator.get("/regulator/dishonesty-proposals?state=to_decide").get_data(as_text=True)
    assert (
        "无" in queue
        and f'action="/regulator/dishonesty-proposals/{proposal.id}/decision"' in queue
    )
    bad = regulator.post(
        f"/regulator/dishonesty-proposals/{proposal.id}/decision",
        data={f"de{proposal.id}-decision": "listed", f"de{proposal.id}-legal_basis": LIST_BASIS,
              f"de{proposal.id}-starts_on": "2026-11-25", f"de{proposal.id}-ends_on": "2026-11-01",
              f"de{proposal.id}-removal_conditions": CONDITIONS},
    )  # fmt: skip
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and LIST_BASIS in text
    assert "The end date must be after the start date." in text


def test_the_import_page_and_api_report(world, db, as_, make):
    agency = world.agency()
    free = new_uscc()
    content = as_csv([row(world.org(agency).uscc), row(free, decision_ref="另号"), row("bad")])
    assert as_(agency).get("/lists/dishonest/imports").status_code == 403
    regulator = as_(world.regulator)
    done = regulator.post(
        "/lists/dishonest/imports", data={"file": (io.BytesIO(content), "list.csv")}
    )
    assert done.status_code == 302
    report = regulator.get(done.headers["Location"]).get_data(as_text=True)
    assert agency_name(world, agency) in report and free in report
    assert "A unified social credit code has 18 characters." in report
    again = regulator.post(
        f"{API}/lists/dishonest/imports",
        data={"file": (io.BytesIO(content), "list.csv")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 201
    assert [len(again.get_json()["report"][k]) for k in ("matched", "unmatched", "already")] == [
        0,
        0,
        2,
    ]
    empty = regulator.post("/lists/dishonest/imports", data={"file": (io.BytesIO(b""), "x.csv")})
    assert empty.status_code == 422 and "Choose a CSV or JSON file." in empty.get_data(as_text=True)


def agency_name(world, agency) -> str:
    return world.org(agency).name


@pytest.fixture
def dashboard(as_):
    """`dashboard(user)`: the user's dishonesty items from the API (one login per user: a
    second factor's code is accepted once)."""
    clients = {}

    def items(user) -> list[tuple]:
        if user.id not in clients:
            clients[user.id] = as_(user)
        return dishonesty_items(clients[user.id].get(f"{API}/dashboard").get_json())

    return items


def dishonesty_items(body) -> list[tuple]:
    return [
        (i["kind"], i["action"], i["url"], i["due_at"], i["overdue"])
        for i in body["items"]
        if i["kind"].startswith("dishonesty_")
    ]


def test_the_dashboard_asks_the_agency_then_the_covering_regulator(world, db, dashboard, make):
    agency = world.agency()
    records.record_misconduct(
        db, world.regulator, agency.organization_id, "general", BASIS, FACTS, True
    )
    db.commit()
    [proposal] = dishonesty.queue(db, world.regulator, "to_notify", DUE)["rows"][0][:1]
    name = world.org(agency).name
    url = f"/regulator/dishonesty-proposals?state=to_notify#proposal-{proposal.id}"
    assert dashboard(world.regulator) == [
        (
            "dishonesty_notice",
            f"Issue the notice of the serious-dishonesty proposal about {name}",
            url,
            None,
            False,
        )
    ]
    assert dashboard(agency) == []
    beijing = make.staff("regulator", region_prefixes=["11"])
    assert dashboard(beijing) == []
    dishonesty.issue_notice(db, world.regulator, proposal.id, REASON, None, None, DP)
    db.commit()
    assert dashboard(agency) == [
        (
            "dishonesty_statement",
            "State your case against the proposed serious-dishonesty listing",
            f"/account/dishonesty#proposal-{proposal.id}",
            DUE.isoformat(),
            False,
        )
    ]
    assert dashboard(world.regulator) == []
    world.frozen.set(DUE)
    assert dashboard(agency) == []
    assert dashboard(world.regulator) == [
        (
            "dishonesty_decide",
            f"Decide the serious-dishonesty proposal about {name}",
            f"/regulator/dishonesty-proposals?state=to_decide#proposal-{proposal.id}",
            DUE.isoformat(),
            True,
        )
    ]
    assert dashboard(beijing) == []


PDF = b"%PDF-1.4\n% the agency's evidence\n%%EOF\n"


def test_a_statement_with_its_pdfs_read_by_the_agency_and_the_covering_regulators(
    world, db, as_, make
):
    agency = world.agency()
    _a, proposal = (
        agency,
        dishonesty.propose(db, world.regulator, agency.organization_id, REASON, BASIS, FACTS, DP),
    )
    db.commit()
    url = f"{API}/dishonesty-proposals/{proposal.id}/statement"
    mine = as_(agency)
    png = mine.post(
        url,
        data={
            "statement": "附证据",
            "file": [(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 20), "a.png")],
        },
        content_type="multipart/form-data",
    )
    assert (png.status_code, png.get_json()["errors"]) == (
        422,
        {"file": ["A statement's files are PDF files."]},
    )
    stated = mine.post(
        url,
        data={"statement": "附证据", "file": [(io.BytesIO(PDF), "情况说明.pdf")]},
        content_type="multipart/form-data",
    )
    assert stated.status_code == 200, stated.get_data(as_text=True)
    [described] = stated.get_json()["statement_files"]
    assert (described["filename"], described["size"]) == ("情况说明.pdf", len(PDF))
    download = f"/dishonesty-proposals/{proposal.id}/files/{described['sha256']}"
    regulator = as_(world.regulator)
    assert mine.get(download).data == PDF
    assert regulator.get(download).data == PDF
    assert as_(world.agency()).get(download).status_code == 404
    beijing = as_(make.staff("regulator", region_prefixes=["11"]))
    assert beijing.get(download).status_code == 404
    assert as_().get(download).status_code == 302  # to the login page
    queue = regulator.get("/regulator/dishonesty-proposals?state=to_decide")
    assert "情况说明.pdf" in queue.get_data(as_text=True)
