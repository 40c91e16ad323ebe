"""The award notice and the result notice as pages, PDFs and JSON: public once there is something
to publish, 404 before, and no PDF (503, saying why) without a CJK font."""

from __future__ import annotations

from bidding import awards
from bidding.policy import DEFAULT_POLICY
from tests.bidding.test_awards import in_publicity


def finalize(db, frozen, task):
    frozen.set(awards.current(db, task).publicity_ends_at)
    assert awards.finalize_due_awards(db, DEFAULT_POLICY) == 1
    db.refresh(task)
    return awards.current(db, task)


def test_the_result_notice_is_public_in_publicity_and_the_award_notice_once_final(
    world, db, frozen, client
):
    task, _ = in_publicity(world)
    base = f"/tasks/{task.number}/award"
    assert client.get(f"{base}/notice").status_code == 404
    assert client.get(f"{base}/notice.pdf").status_code == 404
    assert client.get(f"/api/v1/tasks/{task.number}/award/notice").status_code == 404
    page = client.get(f"{base}/result-notice")
    assert page.status_code == 200
    assert "结果公告" in page.text
    pdf = client.get(f"{base}/result-notice.pdf")
    assert (pdf.status_code, pdf.mimetype, pdf.data[:5]) == (200, "application/pdf", b"%PDF-")

    award = finalize(db, frozen, task)
    page = client.get(f"{base}/notice")
    assert page.status_code == 200
    assert "中选通知书" in page.text and award.notice_number in page.text
    pdf = client.get(f"{base}/notice.pdf")
    assert (pdf.status_code, pdf.mimetype, pdf.data[:5]) == (200, "application/pdf", b"%PDF-")
    assert pdf.headers["Content-Disposition"] == f'inline; filename="{award.notice_number}.pdf"'
    data = client.get(f"/api/v1/tasks/{task.number}/award/notice").get_json()
    assert data["notice_number"] == award.notice_number
    assert data["price_fen"] == 1_000_000
    assert data["pdf_url"] == f"{base}/notice.pdf"
    assert data["html_url"] == f"{base}/notice"
    assert "notice.pdf" in client.get(base).text


def test_without_a_cjk_font_the_pdf_is_refused_and_says_why(world, db, frozen, client, app):
    task, _ = in_publicity(world)
    app.config["PDF_FONT"] = "/nonexistent/font.ttc"
    try:
        refused = client.get(f"/tasks/{task.number}/award/result-notice.pdf")
    finally:
        app.config["PDF_FONT"] = ""
    assert refused.status_code == 503
    assert "PDF_FONT" in refused.text and "/nonexistent/font.ttc" in refused.text
