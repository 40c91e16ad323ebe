"""Bidding's share of the demo (`seed demo`): one task at each stage, so every page shows.

Everything goes through the real services — publishing, sealed bids, opening, validity, the
panel's declaration and marks, cancelling — with the clock seam moved back for the stages that
happened in the past, so dates, deadlines, receipts, draws and the audit log are what the platform
would have made. The stages, by title:

- open for bids, with three sealed bids;
- opened, an abnormally low bid's explanation pending (validity not yet final);
- under scoring: the panel drawn, one panellist has declared and marked;
- in publicity, with its ranking and award candidate (decided without a draw: its draw page says
  none was needed);
- in publicity by average price: the `factor` draw, and a reference price that is a fraction of fen;
- failed (fewer valid bids than the minimum);
- cancelled before its deadline, with the published reason;
- a random draw open for sign-ups at its fixed fee, with one sign-up;
- under complaint: its result objected to by a bidder, the objection answered, a complaint filed
  and the task suspended by the demo regulator while it decides.
- awarded: the award final, its contract awaiting both sides' confirmations;
- contracted: the contract signed by both sides.
- contracted and delivered, the delivery awaiting the applicant's decision;
- a `budget` task of the demo department, delivered, accepted with its report and paid (its
  rating period still running).

The first bid on the open task attaches two files uploaded at once.

Idempotent: a second run finds the first task and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from flask import Flask
from sqlmodel import Session, select

from bidding import attachments as bid_attachments
from bidding import awards, marking, opening, panel, sealed
from bidding.contracts import delivery
from bidding.contracts import services as contracts
from bidding.models import Contract
from bidding.objections import services as objections
from bidding.policy import SECTION, BiddingPolicy
from bidding.questions import services as questions
from market import clock, demo, tasks
from market.attachments import AttachmentPolicy
from market.models import Task, User
from market.policy import TASKS, TaskPolicy, registry_of
from market.workdays import shanghai_date

APPLICANT = "enterprise@demo.zjm"
#: Three agencies of the demo that are not related to one another.
BIDDERS = ("agency@demo.zjm", "survey@demo.zjm", "cost@demo.zjm")

OPEN = "（演示）长春某产业园区规划环境影响报告书编制"
OPENED = "（演示）某污水处理厂扩建项目环境影响报告书编制"
SCORING = "（演示）某新材料生产线项目环境影响报告书编制（综合评分）"
PUBLICITY = "（演示）某道路改造工程环境影响报告书编制"
AVERAGE = "（演示）某新材料仓储中心环境影响报告书编制（平均价法）"
FAILED = "（演示）某仓储物流项目环境影响报告书编制"
CANCELLED = "（演示）某厂房改建项目环境影响报告书编制"
RANDOM = "（演示）某小型建设项目环境影响报告表编制（随机抽取）"
DELIVERED = "（演示）某污水管网改造工程环境影响报告书编制（待验收）"
ACCEPTED = "（演示）某市级生态公园建设项目环境影响报告书编制（已验收）"
COMPLAINED = "（演示）某垃圾中转站项目环境影响报告书编制（投诉处理中）"
AWARDED = "（演示）某热电联产项目环境影响报告书编制（待签合同）"
CONTRACTED = "（演示）某城市更新片区规划环境影响报告书编制（已签合同）"
TITLES = (
    OPEN,
    OPENED,
    SCORING,
    PUBLICITY,
    AVERAGE,
    FAILED,
    CANCELLED,
    RANDOM,
    COMPLAINED,
    AWARDED,
    CONTRACTED,
    DELIVERED,
    ACCEPTED,
)
#: The demo regulator, whose jurisdiction (the province) covers every demo task.
REGULATOR = "regulator@demo.zjm"
DEPARTMENT = "department@demo.zjm"
#: What the awarded agency delivers on the two contracted tasks.
DELIVERED_FILES = (("环境影响报告书（送审稿）.pdf", b"%PDF-1.7\n% demo: the report\n%%EOF\n"),)

#: The first bidder's files for the open task, uploaded at once and attached to its bid.
FILES = (
    ("资质证明.pdf", b"%PDF-1.7\n% demo: qualification certificate\n%%EOF\n"),
    ("项目组人员表.pdf", b"%PDF-1.7\n% demo: project team\n%%EOF\n"),
)

#: Past stages are published this long before the seeding: the bidding period (5 working days)
#: has ended even across the longest holiday.
PAST = timedelta(days=21)


@contextmanager
def _at(when: datetime) -> Iterator[clock.FrozenClock]:
    """The platform's clock stopped at `when` while the services act."""
    frozen = clock.FrozenClock(when)
    previous = clock.use(frozen)
    try:
        yield frozen
    finally:
        clock.use(previous)


def _user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _task_data(title: str, method: str = "lowest_price", **overrides) -> dict:
    data = {
        "service_item": "EIA-REPORT",
        "title": title,
        "description": "编制建设项目环境影响报告书，并配合完成技术评估与审批答疑（演示数据）。",
        "funding": "private",
        "method": method,
        "price_cap_fen": 250_000_00,
        "min_bids": 2,
        "service_days": 60,
        "bidding_wd": 5,
    }
    if method == "scoring":
        data.update(weight_price=30, weight_credit=10, weight_quality=60, panel_size=3)
    data.update(overrides)
    return data


class _Stages:
    def __init__(self, session: Session, policy: BiddingPolicy, task_policy: TaskPolicy):
        self.session, self.policy, self.task_policy = session, policy, task_policy
        self.applicant = _user(session, APPLICANT)
        self.bidders = [_user(session, email) for email in BIDDERS]

    def post(self, title: str, method: str = "lowest_price", **overrides) -> Task:
        draft = tasks.create_draft(
            self.session, self.applicant, _task_data(title, method, **overrides), self.task_policy
        )
        return tasks.publish(self.session, self.applicant, draft.number, self.task_policy)

    def bid(
        self, task: Task, bidder: int, price_yuan: int, proposal: str, files: list[str] = ()
    ) -> None:
        sealed.submit_bid(
            self.session,
            self.bidders[bidder],
            task.number,
            price_fen=price_yuan * 100,
            duration_days=45,
            proposal_text=proposal,
            attachment_sha256s=list(files),
        )

    def past_task(
        self,
        start: datetime,
        title: str,
        bids: list[tuple[int, int]],
        opened_at: datetime,
        method: str = "lowest_price",
        **overrides,
    ) -> Task:
        """Published at `start`, bid on the next day, opened at `opened_at` (after its deadline:
        the first reader or the sweep opened it then)."""
        with _at(start) as frozen:
            task = self.post(title, method, **overrides)
            frozen.advance(days=1)
            for bidder, price in bids:
                self.bid(task, bidder, price, PROPOSALS[bidder])
        if task.deadline_at >= opened_at:
            raise RuntimeError(f"demo task {title}: its deadline is not past at {opened_at}")
        with _at(opened_at):
            opening.open_if_due(self.session, task, self.policy)
        return task

    def finalize(self, task: Task) -> tuple[Contract, datetime]:
        """Make the award final when its publicity ended (that moment must be past)."""
        award = awards.current(self.session, task)
        at = max(award.publicity_ends_at, award.objections_until)
        if at >= clock.now():
            raise RuntimeError(f"demo task {task.title}: its publicity is not over")
        with _at(at):
            awards.finalize_if_due(self.session, task, self.policy)
        contract = self.session.exec(select(Contract).where(Contract.award_id == award.id)).one()
        return contract, at


PROPOSALS = (
    "项目负责人具有环境影响评价工程师职业资格，拟投入 5 人团队，45 日内完成报告书编制。",
    "组建 4 人项目组，现场踏勘与监测同步开展，提供报告书及技术评估答疑服务。",
    "依托既往同类项目经验，提供报告书编制、专家评审会组织与修改完善全流程服务。",
)


def load_bidding_demo(
    session: Session, *, policy: BiddingPolicy, task_policy: TaskPolicy, upload_dir: str
) -> str:
    stages = _Stages(session, policy, task_policy)
    if stages.applicant is None or None in stages.bidders:
        return "demo tasks skipped: the demo accounts are missing"
    existing = session.exec(select(Task.id).where(Task.title == OPEN)).first()
    if existing is not None:
        return "demo tasks already loaded"
    now = clock.now()
    start = now - PAST

    # In publicity: opened a few days ago, every bid valid, ranked, the candidate named.
    stages.past_task(
        start - timedelta(days=3),
        PUBLICITY,
        [(0, 198_000), (1, 186_000), (2, 205_000)],
        now - timedelta(days=3),
    )
    # In publicity by average price: the factor drawn at opening sets the reference price.
    stages.past_task(
        start - timedelta(days=4),
        AVERAGE,
        [(0, 188_000), (1, 195_000), (2, 199_999)],
        now - timedelta(days=4),
        "average_price",
        min_bids=3,
    )
    # Failed: one bid where two were needed.
    stages.past_task(start - timedelta(days=2), FAILED, [(1, 150_000)], now - timedelta(days=2))
    # Under scoring: the panel drawn at opening; its first member declared and marked one bid.
    scoring = stages.past_task(
        start,
        SCORING,
        [(0, 210_000), (1, 195_000), (2, 220_000)],
        now - timedelta(hours=3),
        "scoring",
    )
    first = panel.active_members(session, scoring)[0]
    expert = session.exec(select(User).where(User.organization_id == first.expert_org_id)).first()
    with _at(now - timedelta(hours=2)):
        marking.declare_no_conflict(session, expert, scoring.number, "与各投标机构均无利害关系。")
        to_mark = marking.bids_to_mark(session, expert, scoring.number)
        marking.submit_mark(
            session,
            expert,
            scoring.number,
            to_mark[0].id,
            82,
            "技术路线清晰，监测方案完整。",
            policy=policy,
        )
    # Opened, validity pending: the lowest price is abnormally low and its explanation is due.
    stages.past_task(
        start,
        OPENED,
        [(0, 180_000), (1, 175_000), (2, 60_000)],
        now - timedelta(hours=1),
    )
    # Cancelled while open, with the published reason.
    with _at(now - timedelta(days=2)):
        cancelled = stages.post(CANCELLED)
    with _at(now - timedelta(days=1)):
        tasks.cancel(
            session, stages.applicant, cancelled.number, "项目选址调整，原委托事项不再实施。"
        )
    # Open for bids: published yesterday, three sealed bids; the first attaches two files.
    with _at(now - timedelta(days=1)) as frozen:
        task = stages.post(OPEN)
        files = bid_attachments.upload_many(
            session, stages.bidders[0], task.number, list(FILES), upload_dir
        )
        for bidder, price in ((0, 230_000), (1, 215_000), (2, 240_000)):
            frozen.advance(hours=2)
            stages.bid(
                task,
                bidder,
                price,
                PROPOSALS[bidder],
                [f.sha256 for f in files] if bidder == 0 else [],
            )
    # A random draw open for sign-ups at its fixed fee: one agency signed up.
    with _at(now - timedelta(hours=6)):
        drawn = stages.post(RANDOM, "random", price_cap_fen=None, fixed_fee_fen=30_000_00)
        stages.bid(drawn, 1, 30_000, "")
        # A question awaiting the applicant's answer: "my tasks" counts it.
        frozen.advance(hours=1)
        questions.ask(session, stages.bidders[1], task.number, "现场踏勘是否需要业主陪同？")
    _under_complaint(stages, start, now)
    # Awarded: publicity over, the award final; the contract awaits both confirmations.
    awarded = stages.past_task(
        start - timedelta(days=12),
        AWARDED,
        [(0, 176_000), (1, 182_000)],
        now - timedelta(days=12),
    )
    stages.finalize(awarded)
    # Contracted: the award final, the agency confirmed the next day, the applicant the day after.
    contracted = stages.past_task(
        start - timedelta(days=20),
        CONTRACTED,
        [(1, 168_000), (2, 174_000)],
        now - timedelta(days=20),
    )
    contract, final_at = stages.finalize(contracted)
    for days, user in ((1, _user(session, BIDDERS[1])), (2, stages.applicant)):
        with _at(final_at + timedelta(days=days)):
            contracts.sign(session, user, contract.id, policy)
    _delivery_stages(stages, now, upload_dir)
    session.flush()
    return f"demo tasks loaded ({len(TITLES)}, at every stage)"


def _under_complaint(stages: _Stages, start: datetime, now: datetime) -> None:
    """In publicity two days ago; the second-lowest bidder objected to the candidate, the
    applicant answered, the objector complained and the regulator suspended the task."""
    session, policy = stages.session, stages.policy
    task = stages.past_task(
        start - timedelta(days=5),
        COMPLAINED,
        [(0, 192_000), (1, 185_000), (2, 207_000)],
        now - timedelta(days=2),
    )
    objector = stages.bidders[0]
    with _at(now - timedelta(days=2) + timedelta(hours=3)):
        objection = objections.file_objection(
            session,
            objector,
            task.number,
            "中选候选人报价明显低于同类项目市场价格，且其项目负责人同期承担另两个项目，"
            "难以保证 45 日内完成报告书编制，请核实其报价构成与人员安排。",
            policy,
        )
    with _at(now - timedelta(days=1)):
        objections.answer_objection(
            session,
            stages.applicant,
            objection.id,
            "经核实，中选候选人已书面说明报价构成，并承诺由具备资格的项目负责人专职负责，"
            "异议理由不成立。",
            policy,
        )
    with _at(now - timedelta(days=1) + timedelta(hours=2)):
        complaint = objections.file_complaint(
            session,
            objector,
            objection.id,
            "答复未附中选候选人的报价说明及人员承诺材料，无法核实，请监管部门调查。",
            policy,
        )
    with _at(now - timedelta(days=1) + timedelta(hours=5)):
        objections.suspend_for(
            session,
            _user(session, REGULATOR),
            complaint.id,
            "投诉涉及中选候选人的报价与人员安排，调查期间暂停本任务。",
        )


def _signed(stages: _Stages, by: User, title: str, start: datetime, **overrides) -> Contract:
    """A task of `by` published at `start`, bid on by the three agencies (the second lowest),
    opened after its deadline, its award final after publicity and the objection period, and its
    contract confirmed by both sides the day after."""
    session, policy = stages.session, stages.policy
    with _at(start) as frozen:
        draft = tasks.create_draft(session, by, _task_data(title, **overrides), stages.task_policy)
        task = tasks.publish(session, by, draft.number, stages.task_policy)
        frozen.advance(days=1)
        for bidder, price in ((0, 196_000), (1, 182_000), (2, 204_000)):
            stages.bid(task, bidder, price, PROPOSALS[bidder])
    with _at(task.deadline_at + timedelta(hours=1)):
        opening.open_if_due(session, task, policy)
    award = awards.current(session, task)
    with _at(max(award.publicity_ends_at, award.objections_until)):
        awards.finalize_if_due(session, task, policy)
    contract = delivery.contract_of(session, task)
    with _at(contract.created_at + timedelta(days=1)):
        contracts.sign(session, stages.bidders[1], contract.id, policy)
        contracts.sign(session, by, contract.id, policy)
    return contract


def _delivery_stages(stages: _Stages, now: datetime, upload_dir: str) -> None:
    session, policy = stages.session, stages.policy
    agency = stages.bidders[1]
    # Delivered yesterday, awaiting the enterprise's decision.
    waiting = _signed(stages, stages.applicant, DELIVERED, now - timedelta(days=45))
    with _at(now - timedelta(days=1)):
        delivery.deliver(
            session, agency, waiting.id, "报告书送审稿及附图附件，请审阅。", list(DELIVERED_FILES),
            upload_dir, AttachmentPolicy(), policy,
        )  # fmt: skip
    # The department's budget task: delivered, accepted with its report, paid.
    department = _user(session, DEPARTMENT)
    if department is None:
        return
    paid = _signed(
        stages, department, ACCEPTED, now - timedelta(days=50), funding="budget",
        budget_code="2026-生态-017", min_bids=3,
    )  # fmt: skip
    with _at(now - timedelta(days=6)):
        row = delivery.deliver(
            session, agency, paid.id, "报告书终稿（已按技术评估意见修改）。", list(DELIVERED_FILES),
            upload_dir, AttachmentPolicy(), policy,
        )  # fmt: skip
    with _at(now - timedelta(days=3)):
        delivery.accept(
            session, department, row.id, "经组织验收，报告书内容完整，符合合同约定，验收合格。",
            policy,
        )  # fmt: skip
    with _at(now - timedelta(days=1)) as frozen:
        delivery.record_payment(
            session, department, paid.id, shanghai_date(frozen.now()).isoformat(),
            "国库集中支付 2026-0417", policy,
        )  # fmt: skip


def register_demo(app: Flask) -> None:
    """Add the stages to `seed demo`, under the app's configured policy."""
    registry = registry_of(app)
    demo.register(
        app,
        partial(
            load_bidding_demo,
            policy=registry.section(SECTION.name),
            task_policy=registry.section(TASKS.name),
            upload_dir=app.config["UPLOAD_DIR"],
        ),
    )
