"""An agency's bid with its files, in Chinese, in Chromium: it uploads a file and sees it listed
with its SHA-256 and ticked in its bid's form, bids with it, uploads a second one and changes its bid
to attach both (a new version with a new receipt that acknowledges the files), downloads a file
back, and withdraws the bid after ticking the confirmation; the page then says so and offers to
bid again, and a file no standing bid attaches is removed."""

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
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
FILENAME, PLAN_NAME = "资质证明.pdf", "监测点位图.png"


def upload(my_bid, name: str, data: bytes) -> None:
    my_bid.get_by_label("PDF、PNG 或 JPEG 文件").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )
    my_bid.get_by_role("button", name="上传", exact=True).click()


def ticked_values(my_bid) -> list[str]:
    return my_bid.locator('input[name="bid-attachments"]:checked').evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )


def receipt_content(my_bid, row: int, receipt: str) -> dict:
    """The content the receipt of the `row`-th version acknowledges, checked against it."""
    version = my_bid.locator("table.receipts tbody tr").nth(row)
    expect(version.locator("code.receipt")).to_have_text(receipt)
    version.get_by_text("回执所确认的内容（RFC 8785 JSON）").click()
    jcs = version.locator("pre code").inner_text()
    assert hashlib.sha256(jcs.encode("utf-8")).hexdigest() == receipt
    return json.loads(jcs)


def test_an_agency_bids_with_its_files_changes_its_bid_then_withdraws_it(
    new_page, live_db, new_uscc, draw_keys, screenshot_dir
):
    with live_db.transaction() as session:
        applicant = people.enterprise(
            session, new_uscc(), "owner@changes.e2e", "长春变更示例开发有限公司"
        )
        people.agency(session, new_uscc(), "bidder@changes.e2e", "吉林变更环境咨询有限公司")
        number = people.published_task(session, applicant, "变更与撤回示例环评报告书编制").number
    pdf, png = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()

    page = new_page()
    people.log_in(page, "bidder@changes.e2e")
    page.goto(f"/tasks/{number}")
    my_bid = page.locator("#my-bid")
    ticked = my_bid.locator('input[name="bid-attachments"]:checked')
    listed = my_bid.locator("ul.attachments li")

    # The files go up first, through their own form, sealed like the bid; each is listed with
    # its hash and ticked in the bid's form, so submitting the bid attaches it.
    upload(my_bid, FILENAME, PDF)
    expect(page.get_by_role("status")).to_have_text(
        "1 个文件已上传，并已在下方报价表单中勾选，提交报价后即附于报价。"
    )
    expect(listed).to_have_text([f"{FILENAME} {pdf} 删除"])
    expect(ticked).to_have_count(1)
    expect(ticked).to_have_value(pdf)
    my_bid.get_by_label("报价（元）", exact=True).fill("90000")
    my_bid.get_by_label("服务期限（天）", exact=True).fill("45")
    my_bid.get_by_label("技术方案", exact=True).fill("现状调查与预测评价。")
    my_bid.get_by_role("button", name="提交密封报价").click()
    expect(page.get_by_role("status")).to_contain_text("您的密封报价已收到。回执：")
    first = page.locator("code.receipt").first.inner_text()
    assert receipt_content(my_bid, 0, first)["attachments"] == [pdf]

    # A second file for the standing bid joins the first in the form, which holds the standing
    # version; the agency lowers the price and changes its bid.
    upload(my_bid, PLAN_NAME, PNG)
    expect(listed).to_have_text([f"{FILENAME} {pdf} 删除", f"{PLAN_NAME} {png} 删除"])
    assert ticked_values(my_bid) == [pdf, png]
    expect(my_bid.get_by_label("报价（元）", exact=True)).to_have_value("90000.00")
    expect(my_bid.get_by_label("服务期限（天）", exact=True)).to_have_value("45")
    my_bid.get_by_label("报价（元）", exact=True).fill("85000.50")
    my_bid.get_by_role("button", name="变更报价").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("报价已变更（第2版）。新回执：")
    second = re.search(r"[0-9a-f]{64}", status.inner_text()).group(0)
    assert second != first
    facts = my_bid.locator("dl.facts")
    expect(facts).to_contain_text("85,000.50")
    expect(facts).to_contain_text(second)
    assert sorted(ticked_values(my_bid)) == sorted([pdf, png])
    expect(facts).to_contain_text(f"{FILENAME} {pdf}")  # the receipt's files, with their hashes
    rows = my_bid.locator("table.receipts tbody tr")
    expect(rows).to_have_count(2)
    content = receipt_content(my_bid, 1, second)
    assert (content["attachments"], content["price_fen"]) == (sorted([pdf, png]), 8_500_050)

    # The agency reads its own sealed file back, byte for byte.
    with page.expect_download() as download:
        listed.get_by_role("link", name=FILENAME).click()
    assert download.value.suggested_filename == FILENAME
    assert Path(download.value.path()).read_bytes() == PDF
    page.screenshot(path=str(screenshot_dir / "bid-changed-zh.png"), full_page=True)

    # Withdrawing asks for a ticked box first, in its own section apart from the files: one
    # click alone withdraws nothing.
    withdraw = my_bid.locator("#withdraw-bid")
    expect(withdraw.locator("input[type=file]")).to_have_count(0)
    withdraw.get_by_role("button", name="撤回报价").click()
    expect(page.locator("#withdraw-confirm-err")).to_have_text("请勾选确认框，确认撤回报价。")
    expect(page.locator("#my-bid dl.facts")).to_contain_text(second)
    # Withdrawing: the page says which receipt is withdrawn, and the agency may bid again.
    withdraw.get_by_label("确认撤回报价：除非在截止时间前重新报价，该报价不再计入。").check()
    withdraw.get_by_role("button", name="撤回报价").click()
    expect(page.get_by_role("status")).to_have_text(f"报价 {second} 已撤回。")
    expect(my_bid).to_contain_text(re.compile(r"您已于 \d{4}-\d\d-\d\d \d\d:\d\d 撤回报价。"))
    expect(my_bid.locator("dl.facts")).to_have_count(0)
    expect(my_bid.get_by_role("button", name="撤回报价")).to_have_count(0)
    expect(rows.nth(1).locator("td").first).to_contain_text("已于")
    expect(rows.nth(1).locator("td").first).to_contain_text("撤回")
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(my_bid.get_by_role("button", name="提交密封报价")).to_be_visible()
    expect(my_bid.get_by_label("报价（元）", exact=True)).to_have_value("")
    assert ticked_values(my_bid) == [pdf, png]

    # With no standing bid attaching them, a file is removed with its own button.
    listed.filter(has_text=PLAN_NAME).get_by_role("button", name="删除").click()
    expect(page.get_by_role("status")).to_have_text(f"文件 {PLAN_NAME} 已删除。")
    expect(listed).to_have_text([f"{FILENAME} {pdf} 删除"])
