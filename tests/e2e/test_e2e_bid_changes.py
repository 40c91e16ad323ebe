"""An agency's bid after the first submission, in Chinese, in Chromium: it uploads a file for its
bid and sees it listed with its SHA-256, changes the bid to attach it (a new version with a new
receipt that acknowledges the file), downloads its file back, and withdraws the bid; the page
then says so and offers to bid again."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import people

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FILENAME = "资质证明.pdf"


def test_an_agency_uploads_a_file_changes_its_bid_to_attach_it_then_withdraws_it(
    new_page, live_db, new_uscc, draw_keys, screenshot_dir
):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@changes.e2e", "长春变更示例开发有限公司"
        )
        people.agency(session, new_uscc(), "bidder@changes.e2e", "吉林变更环境咨询有限公司")
        number = people.published_task(session, applicant, "变更与撤回示例环评报告书编制").number
    sha256 = hashlib.sha256(PDF).hexdigest()

    page = new_page()
    people.log_in(page, "bidder@changes.e2e")
    page.goto(f"/tasks/{number}")
    my_bid = page.locator("#my-bid")
    my_bid.get_by_label("报价（元）", exact=True).fill("90000")
    my_bid.get_by_label("服务期限（天）", exact=True).fill("45")
    my_bid.get_by_label("技术方案", exact=True).fill("现状调查与预测评价。")
    my_bid.get_by_role("button", name="提交密封报价").click()
    expect(page.get_by_role("status")).to_contain_text("您的密封报价已收到。回执：")
    first = page.locator("code.receipt").first.inner_text()

    # The file goes up through its own form, sealed like the bid, and is listed with its hash.
    my_bid.get_by_label("PDF、PNG 或 JPEG 文件").set_input_files(
        {"name": FILENAME, "mimeType": "application/pdf", "buffer": PDF}
    )
    my_bid.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"文件已上传。请将其 SHA-256 填入报价：{sha256}"
    )
    listed = my_bid.locator("ul.attachments li")
    expect(listed).to_have_count(1)
    expect(listed).to_have_text(f"{FILENAME} {sha256}")

    # Changing the bid: the form holds the standing version; the agency lowers the price and
    # attaches the file by its hash.
    expect(my_bid.get_by_label("报价（元）", exact=True)).to_have_value("90000.00")
    expect(my_bid.get_by_label("服务期限（天）", exact=True)).to_have_value("45")
    my_bid.get_by_label("报价（元）", exact=True).fill("85000.50")
    my_bid.get_by_label("附件（每行填写一个已上传文件的 SHA-256）").fill(sha256)
    my_bid.get_by_role("button", name="变更报价").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("报价已变更（第2版）。新回执：")
    second = re.search(r"[0-9a-f]{64}", status.inner_text()).group(0)
    assert second != first
    facts = my_bid.locator("dl.facts")
    expect(facts).to_contain_text("85,000.50")
    expect(facts).to_contain_text(second)
    expect(my_bid.get_by_label("附件（每行填写一个已上传文件的 SHA-256）")).to_have_value(sha256)
    rows = my_bid.locator("table.receipts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("code.receipt")).to_have_text(second)
    rows.nth(1).get_by_text("回执所确认的内容（RFC 8785 JSON）").click()
    jcs = rows.nth(1).locator("pre code").inner_text()
    assert hashlib.sha256(jcs.encode("utf-8")).hexdigest() == second
    content = json.loads(jcs)
    assert (content["attachments"], content["price_fen"]) == ([sha256], 8_500_050)

    # The agency reads its own sealed file back, byte for byte.
    with page.expect_download() as download:
        listed.get_by_role("link", name=FILENAME).click()
    assert download.value.suggested_filename == FILENAME
    assert Path(download.value.path()).read_bytes() == PDF
    page.screenshot(path=str(screenshot_dir / "bid-changed-zh.png"), full_page=True)

    # Withdrawing: the page says which receipt is withdrawn, and the agency may bid again.
    my_bid.get_by_role("button", name="撤回报价").click()
    expect(page.get_by_role("status")).to_have_text(f"报价 {second} 已撤回。")
    expect(my_bid).to_contain_text(re.compile(r"您已于 \d{4}-\d\d-\d\d \d\d:\d\d 撤回报价。"))
    expect(my_bid.locator("dl.facts")).to_have_count(0)
    expect(my_bid.get_by_role("button", name="撤回报价")).to_have_count(0)
    expect(rows.nth(1).locator("td").first).to_contain_text("已于")
    expect(rows.nth(1).locator("td").first).to_contain_text("撤回")
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(my_bid.get_by_role("button", name="提交密封报价")).to_be_visible()
    expect(my_bid.get_by_label("报价（元）", exact=True)).to_have_value("")
