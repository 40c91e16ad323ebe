"""The sealed-bid leak check's machinery (docs/rules.md §5, docs/security.md "The seal, checked").

Complete by construction: the URLs are every GET route of the app's URL map and every GET operation
of the OpenAPI document it serves, their path parameters filled from the world by `RESOLVERS`
(keyed by converter and name; a parameter nobody resolves fails the check, it is never skipped),
plus the query variants of `QUERY_VARIANTS`. Each role fetches each URL once per state; a JSON list
with a `next_cursor` is followed to its end. Answers are compared whole — status, every header, the
body — after removing only the per-request parts that docs/security.md lists (`per_request_parts`).

`LeakCheck.run()` builds the states in savepoints of the test's connection (a branch is rolled
back, PostgreSQL's sequences included, so every branch starts from the same rows and ids), and
returns every difference it found; `tests/bidding/test_leaks.py` asserts there is none, and its
meta-test runs the same code against an app with a leaky route added and asserts it is reported.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session, select

from bidding import attachments as bid_attachments
from bidding import sealed
from bidding.questions import services as questions
from market import attachments, outages, tasks
from market.models import AuditHead, Professional, Qualification, SearchOutbox, Task, User
from tests.bidding.helpers import World, task_data
from tests.conftest import Accounts, login

SECURITY_MD = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PER_REQUEST_HEADING = "### What changes from one request to the next"

PRICES = (1_234_567, 1_345_678, 1_456_789, 1_567_891)
MARKERS = (
    "LEAKMARK-ALPHA-7f3c",
    "LEAKMARK-BRAVO-91d2",
    "LEAKMARK-CHARLIE-c0de",
    "LEAKMARK-DELTA-5e1b",
)
#: The rival's, then the other bidders' names (the last one withdraws its bid).
NAMES = (
    "密封甲号测绘咨询有限公司",
    "密封乙号环评技术有限公司",
    "密封丙号工程咨询有限公司",
    "密封丁号水保咨询有限公司",
)
TASK_PDF = b"%PDF-1.4\n% task annex\n%%EOF\n"
RIVAL_PDF = b"%PDF-1.4\n% rival's sealed proposal\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% another bidder's sealed proposal\n%%EOF\n"

#: The roles that look. `rival` bids itself (from state `own_bid` on); `agency` never bids.
ROLES = (
    "public",
    "enterprise",
    "department",
    "rival",
    "agency",
    "expert",
    "regulator",
    "operator",
)
OBSERVERS = tuple(r for r in ROLES if r != "rival")
#: Not a client: what the database shows of the audit chain's head and the search index.
DATABASE = "database"


def price_forms(fen: int) -> list[str]:
    yuan, cents = divmod(fen, 100)
    return [str(fen), f"{yuan:,}.{cents:02d}", f"{yuan}.{cents:02d}"]


# --- the per-request parts, read from docs/security.md -----------------------------------------

#: How each body part that docs/security.md names is found (the value is replaced by "…").
BODY_PATTERNS = {
    "csrf_token": (
        re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+'),
        re.compile(r'(name="csrf_token" value=")[^"]+'),
        re.compile(r'("csrf_token": ?")[^"]+'),
    ),
    "second_factor_key": (
        re.compile(r'(<code id="totp-secret">)[^<]+'),
        re.compile(r"(secret=)[A-Z2-7]+"),
        re.compile(r'(name="secret" type="hidden" value=")[^"]+'),
    ),
}


@dataclass(frozen=True)
class PerRequest:
    headers: frozenset[str]
    bodies: tuple[re.Pattern, ...]


def per_request_parts(path: Path = SECURITY_MD) -> PerRequest:
    """The headers and body parts docs/security.md lists as changing with each request: the only
    parts the comparison leaves out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(PER_REQUEST_HEADING) + 1
    section = list(itertools.takewhile(lambda line: not line.startswith("#"), lines[start:]))
    headers = {m[1] for line in section if (m := re.match(r"- header `([^`]+)`", line))}
    bodies = [m[1] for line in section if (m := re.match(r"- body `([^`]+)`", line))]
    assert headers or bodies, f"{path}: no per-request parts under {PER_REQUEST_HEADING!r}"
    unknown = set(bodies) - set(BODY_PATTERNS)
    assert not unknown, f"{path} lists body parts {unknown} that BODY_PATTERNS cannot find"
    return PerRequest(
        frozenset(h.lower() for h in headers),
        tuple(p for name in bodies for p in BODY_PATTERNS[name]),
    )


# --- the routes ----------------------------------------------------------------------------------

FLASK_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
OPENAPI_ARGUMENT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    """A GET route as a template (`/tasks/{number}`) and its parameters (name, converter)."""

    template: str
    params: tuple[tuple[str, str], ...]


def url_map_routes(app: Flask) -> set[Route]:
    out = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        params = tuple((name, conv or "string") for conv, name in FLASK_ARGUMENT.findall(rule.rule))
        template = FLASK_ARGUMENT.sub(lambda m: "{" + m[2] + "}", rule.rule)
        out.add(Route(template, params))
    return out


def openapi_routes(app: Flask) -> set[Route]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.status_code
    out = set()
    for path, operations in response.get_json()["paths"].items():
        if "get" not in operations:
            continue
        declared = {
            p["name"]: "int" if p.get("schema", {}).get("type") == "integer" else "string"
            for p in operations["get"].get("parameters", ())
            if p.get("in") == "path"
        }
        params = tuple(
            (name, declared.get(name, "string")) for name in OPENAPI_ARGUMENT.findall(path)
        )
        out.add(Route(path, params))
    return out


def get_routes(app: Flask) -> list[Route]:
    """Every GET route of the URL map and of the OpenAPI document, once each."""
    by_template: dict[str, Route] = {}
    for route in sorted(url_map_routes(app) | openapi_routes(app), key=lambda r: r.template):
        by_template.setdefault(route.template, route)  # the URL map's converter names win
    return list(by_template.values())


@dataclass
class Facts:
    """What the resolvers fill path parameters with: values that stay the same in every state."""

    task_numbers: list[str]
    bidder_org_ids: list[int]
    applicant_org_ids: list[int]
    service_item: str
    year: int
    policy_version: int
    sha256s: list[str]
    qualification_ids: list[int]
    professional_ids: list[int]
    notice_ids: list[int]


#: A path parameter's values, by "converter:name". A new route with a parameter not listed here
#: fails the leak check until its author adds a resolver (never skip: a skipped route is unchecked).
RESOLVERS: dict[str, Callable[[Facts], Iterable[object]]] = {
    "string:number": lambda f: f.task_numbers,
    "int:number": lambda f: [f.policy_version],
    "int:agency_id": lambda f: f.bidder_org_ids,
    "int:org_id": lambda f: [*f.bidder_org_ids, *f.applicant_org_ids],
    "int:year": lambda f: [f.year],
    "string:code": lambda f: [f.service_item],
    "string:sha256": lambda f: f.sha256s,
    "int:qualification_id": lambda f: f.qualification_ids,
    "int:professional_id": lambda f: f.professional_ids,
    "int:notice_id": lambda f: f.notice_ids,
    # No complaint exists in the leak check's world: each is the same 404 (or 401) for everyone.
    "int:complaint_id": lambda f: [1],
    # No contract exists before an award is final, so every reader gets the same 404.
    "int:contract_id": lambda f: [1],
    # No rating exists in the leak check's world, so no appeal: the same 404 (or 403) for each.
    "int:appeal_id": lambda f: [1],
    # No dishonesty proposal nor import exists in the leak check's world: the same 404 (or 403)
    # for each reader.
    "int:proposal_id": lambda f: [1],
    "int:import_id": lambda f: [1],
    # No misconduct record, so no repair application: the same 404 (or login) for each reader.
    "int:application_id": lambda f: [1],
    "int:record_id": lambda f: [1],
    # A password-reset link: a forged token gets the page that refuses it, the same for everyone.
    "string:token": lambda f: ["forged-reset-token"],
}

#: Query strings fetched besides the bare route: filters and searches that could count or name
#: bidders (the route must exist: a stale entry fails).
#: The task lists' filters and paging, each compared too.
LIST_FILTERS = [
    "status=opened",
    "status=deadline_passed",
    "stage=opening",
    "stage=validity",
    "stage=publicity",
    "method=lowest_price",
    "funding=private",
    "category=environment",
    "title=密封",
    "deadline_from=2000-01-01&deadline_to=2199-12-31",
    "status=nonsense",
]
QUERY_VARIANTS = {
    "/tasks": ["status=open", "q=密封", *LIST_FILTERS, "page=2"],
    "/api/v1/tasks": ["status=open", "q=密封", *LIST_FILTERS, "limit=1"],
    "/my/tasks": [*LIST_FILTERS, "status=draft", "page=2"],
    "/api/v1/tasks/mine": [*LIST_FILTERS, "limit=1"],
    "/my/bids": [*LIST_FILTERS, "page=2"],
    "/api/v1/bids/mine": [*LIST_FILTERS, "limit=1"],
    "/search": [
        f"q={NAMES[0]}",
        "q=密封测试",
        "q=咨询&index=agencies",
        "q=环境影响&index=service-items",
    ],
    "/agencies": ["q=密封"],
    "/api/v1/agencies": ["q=密封"],
    "/api/v1/search/suggest": ["q=密封"],
    "/api/v1/audit": ["limit=100"],
}


class UnresolvedParameter(AssertionError):
    pass


def expand(routes: list[Route], facts: Facts) -> list[str]:
    """The URLs to fetch: each route with every combination of its parameters' values, then the
    query variants."""
    urls = []
    for route in routes:
        values = []
        for name, converter in route.params:
            resolver = RESOLVERS.get(f"{converter}:{name}")
            if resolver is None:
                raise UnresolvedParameter(
                    f"GET {route.template}: no resolver for path parameter {name!r} "
                    f"({converter}); add one to RESOLVERS in tests/bidding/leak_support.py, "
                    "with values from the leak check's world that are the same in every state"
                )
            values.append([quote(str(v), safe="") for v in resolver(facts)])
        for combination in itertools.product(*values):
            path = route.template
            for (name, _), value in zip(route.params, combination, strict=True):
                path = path.replace("{" + name + "}", value)
            urls.append(path)
    templates = {r.template for r in routes}
    for path, queries in QUERY_VARIANTS.items():
        assert path in templates, f"QUERY_VARIANTS names {path}, which is no GET route"
        urls += [f"{path}?{q}" for q in queries]
    return urls


# --- looking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


def fetch(client: FlaskClient, url: str, parts: PerRequest) -> Observation:
    """One answer; a JSON list with a `next_cursor` followed page by page (each further page's
    status, headers and body are part of the observation)."""
    status, headers, bodies = None, [], []
    while True:
        response = client.get(url)
        if status is None:
            status = response.status_code
        else:
            bodies.append(f"--- next page: {response.status_code}")
        headers += [(k, v) for k, v in response.headers.items() if k.lower() not in parts.headers]
        body = response.get_data(as_text=True)
        for pattern in parts.bodies:
            body = pattern.sub(r"\1…", body)
        bodies.append(body)
        page = response.get_json() if response.is_json and '"next_cursor"' in body else None
        if not isinstance(page, dict) or not page.get("next_cursor"):
            break
        base = re.sub(r"([?&])cursor=[^&]*&?", r"\1", url).rstrip("?&")
        url = f"{base}{'&' if '?' in base else '?'}cursor={quote(str(page['next_cursor']))}"
    return Observation(status, tuple(headers), "\n".join(bodies))


def database_view(session: Session) -> Observation:
    """The audit chain's head and the search index's tables, as a reader of the database."""
    session.expire_all()
    head = session.get(AuditHead, 1)
    dialect = session.get_bind().dialect.name
    queries = {
        "documents": "SELECT index_name, doc_id, data, facets"
        + (", CAST(tsv AS TEXT)" if dialect == "postgresql" else "")
        + " FROM search_document ORDER BY id",
        "numbers": "SELECT document_id, index_name, field, value FROM search_number "
        "ORDER BY document_id, field",
    }
    if dialect == "sqlite":
        queries["fts"] = "SELECT rowid, ix, f, a, b, c, d FROM search_fts ORDER BY rowid"
    tables = {
        name: [list(map(str, r)) for r in session.execute(text(sql))]
        for name, sql in queries.items()
    }
    tables["outbox"] = [
        [r.index_name, r.doc_id, str(r.done_at)] for r in session.exec(select(SearchOutbox))
    ]
    body = json.dumps({"head": [head.seq, head.hash], **tables}, ensure_ascii=False)
    return Observation(200, (), body)


# --- states --------------------------------------------------------------------------------------


@dataclass
class Difference:
    role: str
    url: str
    states: tuple[str, str]
    what: str

    def __str__(self) -> str:
        return f"{self.role} GET {self.url}: {self.states[0]} ≠ {self.states[1]}: {self.what}"


def describe(a: Observation, b: Observation) -> str:
    if a.status != b.status:
        return f"status {a.status} ≠ {b.status}"
    if a.headers != b.headers:
        only_a = sorted(set(a.headers) - set(b.headers))
        only_b = sorted(set(b.headers) - set(a.headers))
        return f"headers {only_a} ≠ {only_b}"
    at = next(
        (i for i, (x, y) in enumerate(zip(a.body, b.body, strict=False)) if x != y),
        min(len(a.body), len(b.body)),
    )
    start = max(at - 40, 0)
    return f"body at {at}: {a.body[start : at + 60]!r} ≠ {b.body[start : at + 60]!r}"


#: The states compared: for every role but the rival, and for the database, 0, 1 and 3 bids
#: standing (the 3 after a change, a withdrawal and a new bid, with a fourth bid withdrawn), then
#: an amendment and a cancellation before opening, each with 0 and with 3 bids; for the rival,
#: states where its own bid is the same (none, or the one it made) and the others' change.
OBSERVER_GROUPS = (
    ("no bids", "the rival's bid", "3 bids"),
    ("amended, no bids", "amended, 3 bids"),
    ("cancelled, no bids", "cancelled, 3 bids"),
)
RIVAL_GROUPS = (
    ("no bids", "another's bid"),
    ("the rival's bid", "3 bids"),
    ("amended, the rival's bid", "amended, 3 bids"),
    ("cancelled, the rival's bid", "cancelled, 3 bids"),
)


def groups_of(role: str) -> tuple[tuple[str, ...], ...]:
    return RIVAL_GROUPS if role == "rival" else OBSERVER_GROUPS


@dataclass
class Report:
    urls: list[str]
    requests: int = 0
    #: Every observation, by state, then by (role, URL).
    seen: dict[str, dict] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    #: (role, state, url, what): a bid's price or proposal shown to a role not entitled to it.
    disclosures: list[tuple[str, str, str, str]] = field(default_factory=list)

    def leaking_urls(self) -> set[str]:
        return {d.url for d in self.differences} | {d[2] for d in self.disclosures}

    def summary(self, limit: int = 30) -> str:
        lines = [str(d) for d in self.differences[:limit]]
        lines += [f"{r} GET {u} in {s!r} shows {w!r}" for r, s, u, w in self.disclosures[:limit]]
        return "\n".join(lines)


@contextmanager
def branch(session: Session) -> Iterator[None]:
    """A savepoint on the test's connection, rolled back at the end with every sequence it moved,
    so sibling branches see the same rows and the same next ids."""
    session.commit()
    connection = session.get_bind()  # the test's connection (tests/conftest.py binds it)
    postgres = connection.dialect.name == "postgresql"
    sequences = []
    if postgres:
        sequences = list(
            connection.execute(
                text("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
            )
        )
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        session.rollback()
        savepoint.rollback()
        for name, last in sequences:
            connection.execute(
                text("SELECT setval(:name, :value, :called)"),
                {"name": name, "value": last or 1, "called": last is not None},
            )
        session.expire_all()


class LeakCheck:
    """One world — an enterprise's and a department's open task, with a file, questions and an
    objection; four would-be bidders (the first is the `rival` role); an agency that never bids;
    staff — and a client per role on `app`."""

    def __init__(
        self, app: Flask, session: Session, world: World, make: Accounts, frozen, roles=ROLES
    ):
        self.app, self.db, self.world, self.make, self.frozen = app, session, world, make, frozen
        self.roles = tuple(roles)
        self.parts = per_request_parts()
        self.upload_dir = app.config["UPLOAD_DIR"]
        self.build()

    def build(self) -> None:
        world, make, db = self.world, self.make, self.db
        self.bidders = [world.agency(name=name) for name in NAMES]
        self.rival, self.others = self.bidders[0], self.bidders[1:]
        observer = world.agency(name="旁观机构有限公司")
        self.enterprise = world.applicant
        self.department = make.staff("department")
        self.tasks = [
            world.post_task(
                min_bids=3, price_cap_fen=2_000_000, title="密封测试项目环境影响报告书编制"
            ),
            self.post(self.department, funding="budget", budget_code="B-1", min_bids=3),
        ]
        self.applicants = [self.enterprise, self.department]
        task_file = attachments.add_to_task(
            db, self.enterprise, self.tasks[0].number, "附件.pdf", TASK_PDF, self.upload_dir
        )
        db.commit()
        # Questions and objections, an other bidder's among them: their pages name nobody.
        questions.ask(db, self.rival, self.tasks[0].number, "报价是否含税？")
        questions.submit_objection(db, self.others[0], self.tasks[0].number, "资质条件过严。")
        questions.ask(db, observer, self.tasks[1].number, "工期能否延长？")
        db.commit()
        users = {
            "enterprise": self.enterprise,
            "department": self.department,
            "rival": self.rival,
            "agency": observer,
            "expert": make.staff("expert", categories=["environment"]),
            "regulator": make.staff("regulator"),
            "operator": make.staff("operator"),
        }
        # A published outage notice (an hour's outage, extended by 1 wd: no deadline caught).
        now = self.frozen.now()
        notice = outages.record(
            db,
            users["operator"],
            {
                "started_at": (now - timedelta(hours=2)).isoformat(),
                "ended_at": (now - timedelta(hours=1)).isoformat(),
                "reason": "机房断电。",
                "extension_wd": 1,
            },
        )
        db.commit()
        self.clients = {}
        for role in self.roles:
            self.clients[role] = self.app.test_client()
            if role in users:
                login(self.clients[role], users[role])
        # The policy in force is recorded lazily by its first reader: here, not in a branch.
        assert self.app.test_client().get("/api/v1/policy").status_code == 200
        facts = Facts(
            task_numbers=[t.number for t in self.tasks],
            bidder_org_ids=[b.organization_id for b in self.bidders],
            applicant_org_ids=[a.organization_id for a in self.applicants],
            service_item="EIA-REPORT",
            year=2026,
            policy_version=1,
            # The task's file, and another bidder's (the rival's own is no one else's business).
            sha256s=[task_file.sha256, attachments_sha(OTHER_PDF)],
            # Every agency's declared qualifications (each agency's page shows only its own).
            qualification_ids=list(
                self.db.exec(select(Qualification.id).order_by(Qualification.id))
            ),
            professional_ids=list(self.db.exec(select(Professional.id).order_by(Professional.id))),
            notice_ids=[notice.id],
        )
        self.urls = expand(get_routes(self.app), facts)
        self.seen_at = self.frozen.now() + timedelta(hours=3)

    def post(self, applicant: User, **overrides) -> Task:
        draft = tasks.create_draft(self.db, applicant, task_data(**overrides))
        task = tasks.publish(self.db, applicant, draft.number)
        self.db.commit()
        return task

    # -- what happens in the states --

    def at(self, hours: int) -> None:
        self.frozen.set(self.seen_at - timedelta(hours=3 - hours))

    def bid(self, index: int) -> None:
        """The index-th bidder bids on both tasks (at +1 h), with a file of its own."""
        self.at(1)
        agency = self.bidders[index]
        for task in self.tasks:
            data = RIVAL_PDF if index == 0 else OTHER_PDF
            row = bid_attachments.upload(
                self.db, agency, task.number, "方案.pdf", data, self.upload_dir
            )
            self.db.commit()
            self.world.bid(
                agency,
                task,
                PRICES[index],
                proposal=f"方案 {MARKERS[index]}",
                attachments=[row.sha256],
            )

    def others_bid(self) -> None:
        """Two more bids standing, after a change, a withdrawal and a new bid; and a fourth bid,
        withdrawn."""
        for index in (1, 2, 3):
            self.bid(index)
        x, y, z = self.others
        files = [attachments_sha(OTHER_PDF)]  # each keeps its file: a standing bid lists it
        for task in self.tasks:
            sealed.change_bid(
                self.db,
                x,
                task.number,
                price_fen=PRICES[1],
                duration_days=29,
                proposal_text=f"改 {MARKERS[1]}",
                attachment_sha256s=files,
            )
            sealed.withdraw_bid(self.db, y, task.number)
            sealed.withdraw_bid(self.db, z, task.number)
            self.db.commit()
            self.world.bid(y, task, PRICES[2], proposal=f"再投 {MARKERS[2]}", attachments=files)

    def amend(self) -> None:
        self.at(2)
        for task, applicant in zip(self.tasks, self.applicants, strict=True):
            tasks.amend(self.db, applicant, task.number, {"service_days": 45, "reason": "工期调整"})
        self.db.commit()

    def cancel(self) -> None:
        self.at(2)
        for task, applicant in zip(self.tasks, self.applicants, strict=True):
            tasks.cancel(self.db, applicant, task.number, "项目暂缓")
        self.db.commit()

    # -- looking and comparing --

    def look(self, roles: Iterable[str]) -> dict[tuple[str, str], Observation]:
        self.frozen.set(self.seen_at)
        out = {}
        for role in roles:
            if role == DATABASE:
                out[(DATABASE, "(audit head, search index)")] = database_view(self.db)
                continue
            if role not in self.clients:
                continue
            client = self.clients[role]
            with client.session_transaction() as session:
                session.pop("_flashes", None)  # left by the last state's redirects
            for url in self.urls:
                out[(role, url)] = fetch(client, url, self.parts)
        return out

    def run(self, states: Iterable[str] | None = None) -> Report:
        """Every state (or those named), each in its branch; then every group compared."""
        wanted = set(states) if states is not None else None
        everyone = (*ROLES, DATABASE)
        plan: list[tuple[str, tuple[Callable, ...], tuple[str, ...]]] = [
            ("no bids", (), everyone),
            ("another's bid", (lambda: self.bid(1),), ("rival",)),
            ("amended, no bids", (self.amend,), (*OBSERVERS, DATABASE)),
            ("cancelled, no bids", (self.cancel,), (*OBSERVERS, DATABASE)),
        ]
        with_rival = [
            ("the rival's bid", (), everyone),
            ("3 bids", (self.others_bid,), everyone),
            ("amended, the rival's bid", (self.amend,), ("rival",)),
            ("amended, 3 bids", (self.others_bid, self.amend), everyone),
            ("cancelled, the rival's bid", (self.cancel,), ("rival",)),
            ("cancelled, 3 bids", (self.others_bid, self.cancel), everyone),
        ]
        report = Report(self.urls)
        seen = report.seen

        def visit(name, actions, roles):
            if wanted is not None and name not in wanted:
                return
            with branch(self.db):
                for action in actions:
                    action()
                seen[name] = self.look(roles)
            report.requests += sum(1 for (r, _u) in seen[name] if r != DATABASE)

        for step in plan:
            visit(*step)
        if wanted is None or wanted & {name for name, _a, _r in with_rival}:
            with branch(self.db):
                self.bid(0)
                for step in with_rival:
                    visit(*step)
        self.frozen.set(self.seen_at - timedelta(hours=3))
        self.compare(seen, report)
        return report

    def compare(self, seen: dict[str, dict], report: Report) -> None:
        for state, observations in seen.items():
            for (role, url), observation in observations.items():
                if role == DATABASE:
                    continue
                # Raw: prices are digits and markers ASCII in HTML and JSON alike.
                body = observation.body
                own = {0} if role == "rival" else set()
                for index in set(range(len(PRICES))) - own:
                    for shown in (*price_forms(PRICES[index]), MARKERS[index]):
                        if shown in body:
                            report.disclosures.append((role, state, url, shown))
        for role in (*self.roles, DATABASE):
            for group in groups_of(role):
                present = [s for s in group if s in seen]
                for state in present[1:]:
                    first, other = seen[present[0]], seen[state]
                    for key, observation in first.items():
                        if key[0] != role or key not in other:
                            continue
                        if other[key] != observation:
                            report.differences.append(
                                Difference(
                                    role,
                                    key[1],
                                    (present[0], state),
                                    describe(observation, other[key]),
                                )
                            )


def attachments_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
