"""Every page, read in Chinese, is Chinese: each GET route of the URL map is rendered for every
role over a small world (tasks in each state, a draw of each purpose, a panel), and no text a reader
sees may be a msgid left untranslated, a stored code standing alone (``award``, ``lowest_price``,
``environment``), or English words in a Chinese sentence. Machine values (receipts, hashes, JSON)
are shown in ``<code>`` and are not text to translate."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from bidding import marking, panel
from bidding.contracts import services as contracts
from bidding.models import Contract
from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY
from bidding.questions import services as questions
from market import agencies, outages, tasks
from market.labels import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS
from market.models import Qualification, ServiceItem
from market.models.tasks import EXCLUSION_GROUNDS, Funding, Method
from ratings import appeals, dishonesty, dishonesty_import, records
from ratings.dishonesty_policy import DEFAULT_POLICY as DP
from ratings.models import DishonestyImport, Rating, RatingAppeal, RepairApplication
from ratings.models.ratings import BY_APPLICANT, DIMENSIONS
from ratings.policy import DEFAULT_POLICY as RATINGS_POLICY
from tests.bidding.contract_support import delivery_pages, finalize_now
from tests.bidding.helpers import World, new_uscc, task_data
from tests.conftest import login
from tests.ratings.test_dishonesty_import import as_csv, row

CATALOG = Path(__file__).resolve().parents[2] / "market/translations/zh/LC_MESSAGES/messages.po"
ROLES = ("public", "applicant", "agency", "regulator", "operator", "expert")
#: Routes that answer with a file, not a page (the notices' PDFs: tests/bidding/test_notices.py
#: reads their Chinese text).
DOWNLOADS = {
    "tasks.download_attachment",
    "bidding.download_attachment",
    "bidding.award_notice_pdf",
    "bidding.result_notice_pdf",
    "bidding_delivery.download_file",
    "settlement.settlement_csv",
    "dishonesty.public_list_csv",
    "dishonesty.public_list_json",
    "dishonesty.statement_file",
}
#: Codes stored in the database, which a Chinese page must show by their label.
CODES = (
    set(CATEGORY_LABELS)
    | set(KIND_LABELS)
    | set(STATUS_LABELS)
    | {m.value for m in Method}
    | {f.value for f in Funding}
    | set(EXCLUSION_GROUNDS)
    | {"award", "factor", "panel", "tie", "budget_code"}
)
#: Latin words a Chinese page may carry: names of standards, formats and the interface.
LATIN_OK = {
    "API",
    "OpenAPI",
    "JSON",
    "SHA",
    "USCC",
    "PDF",
    "PNG",
    "JPEG",
    "TOTP",
    "UTC",
    "HTTPS",
    "int",
    "mod",
}


def _catalog() -> dict[str, str]:
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}


class _Text(HTMLParser):
    """The text a reader sees: text nodes and readable attributes, outside code and scripts, and
    outside what is marked as English on purpose (the switch to English, ``lang="en"``)."""

    SKIP = {"code", "pre", "script", "style", "kbd", "samp", "textarea"}
    ATTRS = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.skipping: list[str] = []  # the open elements whose text is not checked
        self.texts: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        elif tag in self.SKIP or (dict(attrs).get("lang") or "").startswith("en"):
            self.skipping.append(tag)
        if self.skipping:
            return
        self.texts += [v for k, v in attrs if k in self.ATTRS and v]
        if tag == "input" and ("type", "submit") in attrs:
            self.texts += [v for k, v in attrs if k == "value" and v]

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skipping:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    if not (parser.lang or "").startswith("zh"):
        return [f"<html lang={parser.lang}>", *parser.texts]
    return parser.texts


_LATIN = re.compile(r"(?<![\w@./:-])[A-Za-z][a-z]+(?:[ _-][A-Za-z][a-z]+)*(?![\w@./:-])")


def problems_of(texts: list[str], catalog: dict[str, str]) -> list[str]:
    out = []
    for text in texts:
        if text.startswith("<html lang="):
            out.append(f"a page not in Chinese: {text}")
        elif text in catalog and catalog[text] != text:
            out.append(f"untranslated msgid: {text!r}")
        elif text in CODES:
            out.append(f"raw code: {text!r}")
        else:
            words = [w for w in _LATIN.findall(text) if w not in LATIN_OK and not w.isupper()]
            if any(w in CODES for w in words):
                out.append(f"raw code in {text!r}")
            elif words:
                out.append(f"English in {text!r}")
    return out


@pytest.fixture
def town(world: World, make, db, frozen, app):
    """A task in each state, with a draw of each purpose, questions, a panel that marked and one
    that marks, a price to explain and a draft."""
    experts = [
        make.staff("expert", name=f"专家{n}", user_name=f"专家{n}", categories=["environment"])
        for n in range(3)
    ]
    agency = world.agency(name="环评咨询甲有限公司")
    other = world.agency(name="环评咨询乙有限公司")
    delivered = delivery_pages(
        world, db, frozen, [agency, other, world.agency()], app.config["UPLOAD_DIR"]
    )
    open_task = world.post_task("lowest_price", min_bids=1)
    asked = questions.ask(db, agency, open_task.number, "报告书是否需要包含专题评价？")
    questions.answer(db, world.applicant, open_task.number, asked.id, "需要包含生态专题。")
    questions.ask(db, other, open_task.number, "是否接受联合体？")
    db.commit()
    tie = world.post_task("lowest_price", min_bids=1)
    average = world.post_task("average_price", min_bids=2)
    random_ = world.post_task("random", min_bids=2)
    failed = world.post_task("lowest_price", min_bids=3)
    scoring = world.post_task("scoring", min_bids=2, price_cap_fen=2_000_000, panel_size=3)
    marking_ = world.post_task("scoring", min_bids=2, price_cap_fen=2_000_000, panel_size=3)
    low = world.post_task("lowest_price", min_bids=1)
    for task in (open_task, tie, average, random_, scoring, marking_, low):
        world.bid(agency, task, 1_000_000)
        world.bid(other, task, 1_000_000 if task is not average else 1_200_000)
    world.bid(world.agency(name="环评咨询丙有限公司"), low, 300_000)  # abnormally low
    world.bid(agency, failed, 1_000_000)
    for task in (tie, average, random_, failed, scoring, marking_, low):
        world.shift_to(task, "opened")
    by_org = {e.organization_id: e for e in experts}
    for member in panel.active_members(db, scoring):
        expert = by_org[member.expert_org_id]
        marking.declare_no_conflict(db, expert, scoring.number)
        for bid in marking.bids_to_mark(db, expert, scoring.number):
            marking.submit_mark(db, expert, scoring.number, bid.id, 80, policy=DEFAULT_POLICY)
    regulator = make.staff("regulator", name="长春市监管局", user_name="监管员")
    # A result objected to, answered, complained about and the task suspended meanwhile.
    contested = world.post_task("lowest_price", min_bids=1)
    world.bid(other, contested, 900_000)
    world.bid(agency, contested, 1_000_000)
    world.shift_to(contested, "opened")
    objection = objections.file_objection(
        db, agency, contested.number, "中选价格低于成本", DEFAULT_POLICY
    )
    objections.answer_objection(db, world.applicant, objection.id, "已核实", DEFAULT_POLICY)
    complaint = objections.file_complaint(db, agency, objection.id, "答复未回应", DEFAULT_POLICY)
    objections.suspend_for(db, regulator, complaint.id, "投诉处理期间暂停")
    # A contract awaiting signatures, and one signed whose termination is proposed.
    contract_ids = []
    for _ in range(2):
        awarded = world.post_task("lowest_price", min_bids=1)
        world.bid(agency, awarded, 1_000_000)
        world.shift_to(awarded, "opened")
        contract_ids.append(finalize_now(world, awarded).id)
    contracts.sign(db, agency, contract_ids[1], DEFAULT_POLICY)
    contracts.sign(db, world.applicant, contract_ids[1], DEFAULT_POLICY)
    contracts.propose_termination(db, agency, contract_ids[1], "项目取消")
    # A published rating of the agency on the signed contract, appealed; its records.
    regulator_records(db, world, agency, contract_ids[1], regulator)
    draft = tasks.create_draft(db, world.applicant, task_data("lowest_price"))
    db.commit()
    users = {
        "applicant": world.applicant,
        "agency": agency,
        "regulator": regulator,
        "operator": make.staff("operator", name="平台运营方", user_name="运营员"),
        "expert": experts[0],
    }
    values = {
        "number": [
            t.number
            for t in (open_task, tie, average, random_, failed, scoring, marking_, low, contested)
        ],
        "complaint_id": [complaint.id],
        "agency_id": [world.org(agency).id],
        "code": [db.get(ServiceItem, open_task.service_item_id).code],
        "year": [2026],
        "token": ["forged-reset-token"],  # the page that refuses a bad reset link
        # The agency's own declarations (its page for changing one).
        "qualification_id": list(
            db.exec(
                select(Qualification.id).where(
                    Qualification.organization_id == world.org(agency).id
                )
            )
        ),
        # The agency's own professionals (its page for changing one).
        "professional_id": [p.id for p in agencies.professionals_of(db, world.org(agency).id)],
    }
    # An outage that caught the open task's deadline (at the window's end): the notice lists it,
    # and the task's change log says so.
    now = world.frozen.now()
    notice = outages.record(
        db,
        users["operator"],
        {
            "started_at": (now - timedelta(hours=2)).isoformat(),
            "ended_at": (now - timedelta(hours=1)).isoformat(),
            "reason": "机房断电，平台无法访问。",
            "extension_wd": 5,
        },
    )
    db.commit()
    assert outages.moves_of(db, notice)
    values["notice_id"] = [notice.id]
    values["org_id"] = [world.applicant.organization_id, world.org(agency).id]
    # A state-owned task's delivery awaiting the applicant's report, an overdue budget payment.
    values["contract_id"] = contract_ids + delivered
    values["edit"] = [draft.number]
    values["appeal_id"] = list(db.exec(select(RatingAppeal.id)))
    values["import_id"] = list(db.exec(select(DishonestyImport.id)))
    values["application_id"] = list(db.exec(select(RepairApplication.id)))
    return users, values


def regulator_records(db, world, agency, contract_id, regulator) -> None:
    """A published rating of `agency` appealed to the regulator, and a minor and a general
    misconduct record and a commendation of it (ratings' pages and agency section)."""
    contract = db.get(Contract, contract_id)
    rating = Rating(
        contract_id=contract.id,
        task_id=contract.task_id,
        side=BY_APPLICANT,
        rater_org_id=world.applicant.organization_id,
        rated_org_id=agency.organization_id,
        rated_by_user_id=world.applicant.id,
        **dict.fromkeys(DIMENSIONS, 3),
        comment="报告质量一般",
        created_at=world.frozen.now(),
        published_at=world.frozen.now(),
    )
    db.add(rating)
    db.flush()
    appeals.file_appeal(db, agency, rating.id, "评价与事实不符", RATINGS_POLICY)
    for severity in ("minor", "general"):
        record = records.record_misconduct(
            db, regulator, agency.organization_id, severity, "《管理办法》第二十条", "逾期提交报告"
        )
    # The general record's repair application, waiting for the regulator (made directly: its
    # three months have not passed in this world).
    db.add(
        RepairApplication(
            record_id=record.id,
            agency_id=agency.organization_id,
            evidence="已完成整改。",
            commitment="本机构承诺按时提交报告。",
            applied_at=world.frozen.now(),
            applied_by_user_id=agency.id,
            decide_by=world.frozen.now() + timedelta(days=14),
        )
    )
    records.commend(db, regulator, agency.organization_id, "服务质量突出")
    # A serious-dishonesty proposal in its notice period with the agency's statement, and an
    # imported list with a matched, an unmatched and a refused row (the dishonesty pages).
    proposal = dishonesty.propose(
        db, regulator, agency.organization_id, "串通报价", "《管理办法》第三十条", "串通", DP
    )
    dishonesty.state_case(db, agency, proposal.id, "我方并无串通")
    other = world.agency()
    dishonesty_import.import_file(
        db,
        regulator,
        as_csv([row(world.org(other).uscc), row(new_uscc(), decision_ref="另号"), row("bad")]),
        "list.csv",
    )


def _urls(app, values) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint in DOWNLOADS:
            continue
        if rule.rule.startswith("/api/"):
            continue
        if not rule.arguments:
            urls.append(rule.rule)
            continue
        (name,) = rule.arguments
        choices = values["edit"] if rule.rule.endswith("/edit") else values[name]
        for value in choices:
            urls.append(re.sub(r"<[^>]+>", str(value), rule.rule))
    urls += [
        "/search?q=环境",
        "/search?q=环境&index=tasks",
        "/search?q=环境&index=agencies",
        "/search?q=环境&index=service-items",
        "/tasks?status=open",
        "/tasks?status=publicity",
        "/tasks?status=failed",
        # The lists' filters, and a refused one with its message beside it.
        "/tasks?stage=publicity&method=lowest_price&funding=private&category=environment",
        "/tasks?method=最便宜&deadline_from=2027-02-30&deadline_to=2026-01-01",
        "/my/tasks?stage=bidding",
        "/my/bids?stage=bidding",
        "/my/bids?title=" + "长" * 101,
    ]
    return urls


def test_every_page_in_chinese_is_chinese(app, town, db):
    users, values = town
    catalog = _catalog()
    found: dict[str, set[str]] = {}
    for role in ROLES:
        client = app.test_client()
        if role != "public":
            login(client, users[role])
        client.get("/?lang=zh")
        for url in _urls(app, values):
            response = client.get(url)
            if response.status_code in (301, 302, 303):
                continue
            assert response.mimetype == "text/html", (role, url, response.status_code)
            for problem in problems_of(visible_texts(response.get_data(as_text=True)), catalog):
                found.setdefault(problem, set()).add(url)
    assert not found, "\n".join(f"{p}  @ {sorted(u)[:2]}" for p, u in sorted(found.items()))


def test_a_visitor_reading_the_public_pages_is_given_no_session(app, town, db):
    """A page without a form to post sets no cookie for a visitor, with CSRF protection on as in
    production: a form object made for nobody would put a CSRF token in the visitor's session,
    give every reader a cookie and keep the page from the public's page cache
    (market/page_cache.py)."""
    _users, values = town
    client = app.test_client()
    previous = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        given = []
        for url in _urls(app, values):
            client.delete_cookie("session")  # a page with a form gave it one
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            if re.search(r"<form[^>]*method=\"post\"", response.get_data(as_text=True), re.I):
                continue
            if "Set-Cookie" in response.headers:
                given.append(url)
    finally:
        app.config["WTF_CSRF_ENABLED"] = previous
    assert given == [], given
