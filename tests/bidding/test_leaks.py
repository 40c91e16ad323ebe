"""The sealed-bid leak test (docs/rules.md §5): before opening, no role — the public, the applicant, another
agency, a regulator, the operator, an expert — learns a bid's price, proposal or bidder, nor how
many bids there are, from any page or API response; after opening, those entitled see them.

Bids carry distinctive prices (1 234 567 fen…), proposal markers and bidder names. Every page and
response, the audit log included (every field of every event: a blank event on a receipt would
still be counted), is fetched with 0, 1 and 3 bids standing and must be byte-for-byte the same once
CSRF tokens are blanked. The bid history reaches the audit log only at opening (`bidding.sealed`).
"""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from bidding import sealed
from market import audit
from market.models import AuditHead, SearchOutbox
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
        out[(role, "/api/v1/audit")] = (
            status,
            json.dumps(events, ensure_ascii=False, sort_keys=True),
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


# --- the audit log, its published heads, headers and the search index ---------------------------

AUDIT_URLS = ("/api/v1/audit/checkpoints", "/audit/checkpoints")
PDF = b"%PDF-1.4\n% sealed proposal\n%%EOF\n"


def chain_head(db) -> tuple[int, str]:
    db.expire_all()  # other sessions (the clients') may have moved it
    head = db.get(AuditHead, 1)
    return head.seq, head.hash


def observed(clients, urls) -> dict:
    """Each role's answer to each URL: status, headers (cookies aside) and body (CSRF blanked);
    the audit log followed page by page, every field of every event included."""
    out = {}
    for role, client in clients.items():
        for url in urls:
            with client.session_transaction() as session:
                session.pop("_flashes", None)  # a redirect's message would show on the next page
            response = client.get(url)
            headers = sorted((k, v) for k, v in response.headers.items() if k != "Set-Cookie")
            out[(role, url)] = (response.status_code, headers, normalized(body_of(response)))
        out[(role, "/api/v1/audit")] = audit_log(client)
    return out


def bid_activity(world, db, task, bidders) -> None:
    """Uploads, bids, a change, a withdrawal and a new bid: everything an agency does while open."""
    for bidder, price, marker in zip(bidders, PRICES, MARKERS, strict=True):
        world.bid(bidder, task, price, proposal=f"方案 {marker}")
    sealed.change_bid(
        db, bidders[0], task.number, price_fen=PRICES[0], duration_days=29, proposal_text="改"
    )
    sealed.withdraw_bid(db, bidders[1], task.number)
    db.commit()
    world.bid(bidders[1], task, PRICES[1], proposal="再投")


def test_before_opening_no_role_sees_the_audit_log_its_published_head_or_a_header_move_with_bids(
    world, scene, db, app, frozen
):
    """A bid, a change, a withdrawal or an uploaded bid file leaves the audit log, its chain head,
    the published checkpoints and every task page's headers exactly as they were, for every role:
    an event on a blank receipt would still tell a reader that a bid arrived (one more event, one
    more sequence number, another head)."""
    task, bidders, clients, _usccs = scene
    urls = [*AUDIT_URLS, *task_urls(task.number)]
    uploader = app.test_client()
    login(uploader, bidders[0])  # logging in is audited: before the first look
    watched_at = frozen.now()
    head_before = chain_head(db)
    before = observed(clients, urls)
    # The bids happen at another time than the looks, so a timestamp following them would move.
    frozen.advance(minutes=7)
    uploaded = uploader.post(
        f"/api/v1/tasks/{task.number}/bids/mine/attachments",
        data={"file": (io.BytesIO(PDF), "方案.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201
    bid_activity(world, db, task, bidders)
    frozen.set(watched_at)
    after = observed(clients, urls)
    for key in before:
        assert after[key] == before[key], key
    assert chain_head(db) == head_before
    published = audit.publish_checkpoint(db)
    assert (published.seq, published.hash) == head_before


def search_tables(db) -> dict:
    dialect = db.get_bind().dialect.name
    queries = {
        "documents": "SELECT index_name, doc_id, data, facets"
        + (", CAST(tsv AS TEXT)" if dialect == "postgresql" else "")
        + " FROM search_document ORDER BY id",
        "numbers": "SELECT document_id, index_name, field, value FROM search_number "
        "ORDER BY document_id, field",
    }
    if dialect == "sqlite":
        queries["fts"] = "SELECT rowid, ix, f, a, b, c, d FROM search_fts ORDER BY rowid"
    out = {name: [tuple(r) for r in db.execute(text(sql))] for name, sql in queries.items()}
    out["outbox"] = [(r.index_name, r.doc_id, r.done_at) for r in db.exec(select(SearchOutbox))]
    return out


def test_a_bid_changes_nothing_in_the_search_index(world, scene, db, frozen):
    task, bidders, _clients, _usccs = scene
    before = search_tables(db)
    assert any(row[1] == str(task.id) for row in before["documents"] if row[0] == "tasks")
    frozen.advance(minutes=7)
    bid_activity(world, db, task, bidders)
    assert search_tables(db) == before
