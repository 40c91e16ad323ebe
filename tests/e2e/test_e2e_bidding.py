"""A task from posting to result in Chinese, in Chromium: the applicant posts and publishes it, an
agency bids through the task page and checks its receipt, nobody else sees anything while the
bids are sealed, and once the deadline has passed (moved in the database: the live server runs on
the real clock) the applicant sees the ranking and the public the result and the draw record."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
PRICE_YUAN = "88000.00"
MARKER = "E2E-PROPOSAL-5b7e"


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("电子邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("status")).to_contain_text("欢迎您")


def test_a_task_goes_from_posting_through_a_sealed_bid_to_a_published_result(
    browser, base_url, live_db, new_uscc, draw_keys, screenshot_dir
):
    from sqlmodel import select

    from bidding import sealed
    from market import accounts, agencies, clock
    from market.models import Task

    applicant_email, agency_email = "owner@bidding.e2e", "bidder@bidding.e2e"
    agency_name, rival_name = "吉林长白环境评价有限公司", "吉林松花江环境技术有限公司"
    with live_db.transaction() as session:
        accounts.register_enterprise(
            session,
            {
                "name": "长春示例产业园开发有限公司",
                "uscc": new_uscc(),
                "legal_representative": "孙七",
                "region_code": "220106",
                "user_name": "孙七",
                "email": applicant_email,
                "password": PASSWORD,
            },
        )
        for name, email, representative in (
            (agency_name, agency_email, "周八"),
            (rival_name, "rival@bidding.e2e", "吴九"),
        ):
            agencies.register_agency(
                session,
                {
                    "name": name,
                    "uscc": new_uscc(),
                    "legal_representative": representative,
                    "region_code": "220102",
                    "contact_name": representative,
                    "contact_phone": "0431-88880000",
                    "commitment": True,
                    "services": [
                        {
                            "service_item": "EIA-REPORT",
                            "commitment_days": 30,
                            "commitment_scope": "报告书编制",
                            "price_min_fen": 5_000_000,
                            "price_max_fen": 20_000_000,
                        }
                    ],
                    "user_name": representative,
                    "email": email,
                    "password": PASSWORD,
                },
            )

    def new_page() -> Page:
        context = browser.new_context(base_url=base_url, locale="zh-CN")
        context.set_default_timeout(15_000)
        return context.new_page()

    # The applicant posts the task through the form and publishes it.
    owner = new_page()
    log_in(owner, applicant_email)
    owner.goto("/tasks/new")
    owner.get_by_label("中介服务事项").select_option("EIA-REPORT")
    owner.get_by_label("项目名称").fill("示例产业园环境影响报告书编制")
    owner.get_by_label("服务内容").fill("编制环境影响报告书并配合技术评估。")
    owner.get_by_label("服务时限（天）").fill("60")
    owner.get_by_label("资金性质").select_option("private")
    owner.get_by_label("选取方式").select_option("lowest_price")
    owner.get_by_label("最高限价（元）").fill("100000")
    owner.get_by_label("最少有效报价数").fill("1")
    owner.get_by_label("报价期限（工作日）").fill("2")
    owner.get_by_role("button", name="保存草稿").click()
    expect(owner.get_by_role("status")).to_have_text("草稿已保存，准备就绪后即可发布。")
    owner.get_by_role("button", name="发布", exact=True).click()
    expect(owner.get_by_role("status")).to_contain_text("发布成功")
    number = re.search(r"/tasks/([A-Z0-9-]+)", owner.url).group(1)
    expect(owner.locator("#bids")).to_contain_text("报价在截止后开启报价前一律密封")

    # The agency bids through the task page and gets a receipt it can recompute.
    bidder = new_page()
    log_in(bidder, agency_email)
    bidder.goto(f"/tasks/{number}")
    my_bid = bidder.locator("#my-bid")
    my_bid.get_by_label("报价（元）", exact=True).fill(PRICE_YUAN)
    my_bid.get_by_label("服务期限（天）", exact=True).fill("45")
    my_bid.get_by_label("技术方案", exact=True).fill(f"现状调查、预测评价与公众参与。{MARKER}")
    my_bid.get_by_role("button", name="提交密封报价").click()
    expect(bidder.get_by_role("status")).to_contain_text("您的密封报价已收到。回执：")
    receipt = bidder.locator("code.receipt").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", receipt)
    bidder.get_by_text("回执所确认的内容（RFC 8785 JSON）").click()
    jcs = bidder.locator("table.receipts pre code").first.inner_text()
    assert hashlib.sha256(jcs.encode("utf-8")).hexdigest() == receipt
    expect(bidder.locator("#my-bid dl.facts")).to_contain_text("88,000.00")
    bidder.screenshot(path=str(screenshot_dir / "bid-receipt-zh.png"), full_page=True)

    # A rival bids the same price (through the service), so a tie is broken by a draw.
    with live_db.transaction() as session:
        from market.models import User

        rival = session.exec(select(User).where(User.email == "rival@bidding.e2e")).one()
        sealed.submit_bid(
            session, rival, number, price_fen=8_800_000, duration_days=50, proposal_text="竞争方案"
        )

    # While sealed, the applicant and the public see nothing of either bid.
    for viewer in (owner, new_page()):
        viewer.goto(f"/tasks/{number}")
        expect(viewer.locator("#bids")).to_contain_text("报价在截止后开启报价前一律密封")
        content = viewer.content()
        assert "88,000.00" not in content and MARKER not in content
        assert agency_name not in content and rival_name not in content

    # The deadline passes: moved in the database, since the live server runs on the real clock.
    with live_db.transaction() as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        task.deadline_at = clock.now() - timedelta(seconds=1)
        session.add(task)

    # The applicant's first look opens the bids: ranking, award candidate, proposals.
    owner.goto(f"/tasks/{number}")
    bids = owner.locator("#bids")
    expect(bids).to_contain_text("已于")
    expect(bids.locator("table.ranking")).to_contain_text(agency_name)
    expect(bids.locator("table.ranking")).to_contain_text(rival_name)
    expect(bids.locator("tr.candidate")).to_have_count(1)
    expect(bids).to_contain_text("中选候选人：")
    expect(bids).to_contain_text("88,000.00")
    expect(bids).to_contain_text(MARKER)  # the applicant reads the proposals
    owner.screenshot(path=str(screenshot_dir / "ranking-applicant-zh.png"), full_page=True)

    # The public sees the result and the draw record that breaks the tie.
    public = new_page()
    public.goto(f"/tasks/{number}/award")
    expect(public.get_by_role("heading", level=1)).to_contain_text("选取结果")
    expect(public.get_by_role("status")).to_contain_text("中选候选人：")
    expect(public.locator("table.ranking")).to_contain_text("名次由第 1 名并列时的抽签确定")
    assert MARKER not in public.content()
    public.get_by_role("main").get_by_role("link", name="随机抽取记录", exact=True).click()
    expect(public.get_by_role("heading", level=1)).to_contain_text("随机抽取记录")
    expect(public.locator("#seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(public.locator("section.draw")).to_contain_text("tie:1")
    expect(public.locator("main")).to_contain_text(receipt)
    public.screenshot(path=str(screenshot_dir / "draw-record-zh.png"), full_page=True)

    from bidding.draws import spec

    record = public.request.get(f"/api/v1/tasks/{number}/draw").json()
    assert spec.verify_record(record) == []
    assert sorted(r["agency_name"] for r in record["receipts"]) == sorted([agency_name, rival_name])
