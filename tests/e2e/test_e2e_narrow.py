"""Pages with tables on a 390 px wide phone, in Chromium: the page itself never scrolls sideways;
a wide table scrolls inside its own box, and long hashes and codes wrap."""

from __future__ import annotations

import pytest

from tests.e2e import people

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

PUBLIC_PAGES = (
    "/tasks",
    "/service-items",
    "/agencies",
    "/policy",
    "/calendar",
    "/audit/checkpoints",
)


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_pages_with_tables_fit_a_390_px_wide_screen(new_page, live_db, new_uscc):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@narrow.e2e", "长春窄屏示例开发有限公司"
        )
        people.agency(session, new_uscc(), "bidder@narrow.e2e", "吉林窄屏环境咨询有限公司")
        number = people.published_task(session, applicant, "窄屏示例环评报告书编制").number

    page = new_page(width=PHONE["width"], height=PHONE["height"])
    too_wide = {}
    for path in (*PUBLIC_PAGES, f"/tasks/{number}"):
        page.goto(path)
        assert page.locator("main").count() == 1, path
        too_wide[path] = overflow(page)
    people.log_in(page, "bidder@narrow.e2e")
    page.goto(f"/tasks/{number}")
    my_bid = page.locator("#my-bid")
    my_bid.get_by_label("报价（元）", exact=True).fill("90000")
    my_bid.get_by_label("服务期限（天）", exact=True).fill("45")
    my_bid.get_by_label("技术方案", exact=True).fill("现状调查与预测评价。")
    my_bid.get_by_role("button", name="提交密封报价").click()
    page.locator("table.receipts").wait_for()
    too_wide[f"/tasks/{number} (with a receipt)"] = overflow(page)
    page.goto("/my/bids")
    page.locator("#stage-sealed table").wait_for()
    too_wide["/my/bids"] = overflow(page)
    assert too_wide == dict.fromkeys(too_wide, 0)
