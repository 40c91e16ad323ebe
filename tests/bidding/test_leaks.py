"""The sealed-bid leak test (docs/rules.md §5): before opening, no role — the public, the applicant, another
agency, a regulator, the operator, an expert — learns a bid's price, proposal or bidder, nor how
many bids there are, from any page or API response; after opening, those entitled see them.

Bids carry distinctive prices (1 234 567 fen…), proposal markers and bidder names. Every page and
response is fetched with 0, 1 and 3 bids standing and must be byte-for-byte the same once CSRF
tokens are blanked (the clock is frozen, so timestamps cannot differ). The audit log is the one
place that changes by design: it records each submission as an event on a random receipt, with no
actor, no task and no data (`bidding.sealed`); those events are checked to be featureless and then
left out of the comparison.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import login

PRICES = (1_234_567, 1_345_678, 1_456_789)
MARKERS = ("LEAKMARK-ALPHA-7f3c", "LEAKMARK-BRAVO-91d2", "LEAKMARK-CHARLIE-c0de")
NAMES = ("密封甲号测绘咨询有限公司", "密封乙号环评技术有限公司", "密封丙号工程咨询有限公司")
ROLES = ("public", "applicant", "agency", "regulator", "operator", "expert")


def price_forms(fen: int) -> list[str]:
    yuan, cents = divmod(fen, 100)
    return [str(fen), f"{yuan:,}.{cents:02d}", f"{yuan}.{cents:02d}"]


_CSRF = [
    re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+'),
    re.compile(r'(name="csrf_token" value=")[^"]+'),
    re.compile(r'("csrf_token": ?")[^"]+'),
]


def body_of(response) -> str:
    """The response's text; JSON re-encoded without ASCII escapes, so names can be searched."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False, sort_keys=True)
    return response.get_data(as_text=True)


def normalized(body: str) -> str:
    for pattern in _CSRF:
        body = pattern.sub(r"\1…", body)
    return body


@pytest.fixture
def scene(world, make, app, db):
    """An open task, three would-be bidders, an observing agency, and a client per role."""
    bidders = [world.agency(name=name) for name in NAMES]
    observer = world.agency(name="旁观机构有限公司")
    task = world.post_task(
        min_bids=3, price_cap_fen=2_000_000, title="密封测试项目环境影响报告书编制"
    )
    users = {
        "applicant": world.applicant,
        "agency": observer,
        "regulator": make.staff("regulator"),
        "operator": make.staff("operator"),
        "expert": make.staff("expert", categories=["environment"]),
    }
    clients = {"public": app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        login(clients[role], user)
    usccs = [world.org(b).uscc for b in bidders]
    return task, bidders, clients, usccs


def task_urls(number: str) -> list[str]:
    """Pages and responses about the task: nothing about its bidders may appear here."""
    api = "/api/v1"
    return [
        f"/tasks/{number}",
        "/tasks",
        "/tasks?status=open",
        "/my/tasks",
        "/my/bids",
        "/expert/panels",
        f"/tasks/{number}/draw",
        f"/tasks/{number}/award",
        "/regulator/cancellations",
        f"{api}/tasks",
        f"{api}/tasks?status=open",
        f"{api}/tasks/{number}",
        f"{api}/tasks/{number}/bids",
        f"{api}/tasks/{number}/draw",
        f"{api}/tasks/{number}/award",
        f"{api}/tasks/{number}/amendments",
        f"{api}/tasks/{number}/bids/mine",
        f"{api}/bids/mine",
        f"{api}/experts/panels",
    ]


def other_urls(bidder_ids: list[int]) -> list[str]:
    """Pages where agencies appear anyway (the directory, search, profiles, accounts): the bids
    must change nothing in them."""
    api = "/api/v1"
    return [
        "/",
        "/agencies",
        f"/search?q={NAMES[0]}",
        "/search?q=咨询&index=agencies",
        "/search?q=环境影响&index=service-items",
        "/account/",
        "/policy",
        "/regulator/qualifications",
        "/operator/accounts",
        "/operator/calendar",
        *[f"/agencies/{i}" for i in bidder_ids],
        f"{api}/agencies",
        f"{api}/agencies?q=密封",
        f"{api}/search/suggest?q=密封",
        f"{api}/session",
        *[f"{api}/agencies/{i}" for i in bidder_ids],
    ]


def audit_log(client) -> tuple[int, list[dict]]:
    events, cursor = [], ""
    while True:
        response = client.get(f"/api/v1/audit?limit=100{cursor}")
        if response.status_code != 200:
            return response.status_code, [response.get_json()]
        body = response.get_json()
        events += body["items"]
        if not body["next_cursor"]:
            return 200, events
        cursor = f"&cursor={body['next_cursor']}"


def snapshot(clients, urls) -> dict:
    out = {}
    for role, client in clients.items():
        for url in urls:
            response = client.get(url)
            out[(role, url)] = (response.status_code, normalized(body_of(response)))
        status, events = audit_log(client)
        receipt_events = [e for e in events if e.get("object_type") == "bid_receipt"]
        for e in receipt_events:
            assert e["data"] == {} and e["actor_user_id"] is None and e["actor_org_id"] is None
            assert re.fullmatch(r"[0-9a-f]{64}", e["object_id"])
            assert e["action"] == "bid.receipt_issued"
        kept = [
            {k: v for k, v in e.items() if k not in ("seq", "hash", "prev_hash")}
            for e in events
            if e.get("object_type") != "bid_receipt"
        ]
        out[(role, "/api/v1/audit")] = (
            status,
            json.dumps(kept, ensure_ascii=False, sort_keys=True),
        )
    return out


def assert_nothing_about_bids(snap: dict, task_specific: set[str], usccs: list[str]) -> None:
    for (role, url), (_status, body) in snap.items():
        for fen in PRICES:
            for form in price_forms(fen):
                assert form not in body, (role, url, form)
        for marker in MARKERS:
            assert marker not in body, (role, url, marker)
        if url in task_specific:
            for name in (*NAMES, *usccs):
                assert name not in body, (role, url, name)


def test_before_opening_no_role_learns_anything_about_bids_nor_their_number(world, scene, db):
    task, bidders, clients, usccs = scene
    urls = task_urls(task.number) + other_urls([world.org(b).id for b in bidders])
    task_specific = set(task_urls(task.number))
    snapshots = [snapshot(clients, urls)]
    world.bid(bidders[0], task, PRICES[0], proposal=f"方案 {MARKERS[0]}")
    snapshots.append(snapshot(clients, urls))
    for bidder, price, marker in zip(bidders[1:], PRICES[1:], MARKERS[1:], strict=True):
        world.bid(bidder, task, price, proposal=f"方案 {marker}")
    # A change and a withdrawal and a new bid on top: still nothing.
    from bidding import sealed

    sealed.change_bid(
        db,
        bidders[0],
        task.number,
        price_fen=PRICES[0],
        duration_days=29,
        proposal_text=f"改 {MARKERS[0]}",
    )
    db.commit()
    snapshots.append(snapshot(clients, urls))
    for snap in snapshots:
        assert_nothing_about_bids(snap, task_specific, usccs)
    zero, one, three = snapshots
    for key in zero:
        assert one[key] == zero[key], key
        assert three[key] == zero[key], key
    # The sealed answer about bids is the same for every role, too.
    bids_url = f"/api/v1/tasks/{task.number}/bids"
    answers = {three[(role, bids_url)] for role in ROLES}
    assert len(answers) == 1
    ((status, body),) = answers
    assert status == 200 and json.loads(body)["items"] == [] and json.loads(body)["sealed"]


def test_after_opening_those_entitled_see_prices_proposals_and_bidders(world, scene, make, app):
    task, bidders, clients, usccs = scene
    for bidder, price, marker in zip(bidders, PRICES, MARKERS, strict=True):
        world.bid(bidder, task, price, proposal=f"方案 {marker}")
    world.shift_to(task, "opened")
    page, api = f"/tasks/{task.number}", f"/api/v1/tasks/{task.number}/bids"
    pages = {role: body_of(clients[role].get(page)) for role in ROLES}
    answers = {role: body_of(clients[role].get(api)) for role in ROLES}
    seen = {role: pages[role] + answers[role] for role in ROLES}
    for role in ROLES:
        for name, uscc in zip(NAMES, usccs, strict=True):
            for body in (pages[role], answers[role]):
                assert name in body and uscc in body, role
        # The result is published (three valid bids, none abnormally low): prices are public.
        for price in PRICES:
            assert any(form in seen[role] for form in price_forms(price)), role
    for role in ("applicant", "regulator"):
        assert all(marker in seen[role] for marker in MARKERS), role
    for role in ("public", "agency", "operator", "expert"):
        assert not any(marker in seen[role] for marker in MARKERS), role
    own = app.test_client()
    login(own, bidders[1])
    mine = body_of(own.get(page)) + body_of(own.get(api))
    assert MARKERS[1] in mine and MARKERS[0] not in mine and MARKERS[2] not in mine
    record = clients["public"].get(f"/api/v1/tasks/{task.number}/draw").get_json()
    assert sorted(r["agency_name"] for r in record["receipts"]) == sorted(NAMES)
