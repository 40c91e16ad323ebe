"""Task attachments: checked by content and extension, size and count limits, stored by SHA-256
under UPLOAD_DIR (outside the web root), served as downloads; drafts' files stay private."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlmodel import select

from market import attachments, search, tasks
from market.attachments import AttachmentPolicy
from market.config import ROOT
from market.models import TaskAmendment
from market.models.attachments import Attachment
from market.validation import Forbidden, Invalid
from tests.conftest import login
from tests.market.test_tasks import task_data

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture
def enterprise(make):
    return make.enterprise()


@pytest.fixture
def upload_dir(app):
    return app.config["UPLOAD_DIR"]


def refusal(excinfo) -> str:
    return excinfo.value.errors["file"][0].msgid


def test_a_pdf_is_stored_by_its_sha256_under_upload_dir(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    row = attachments.add_to_task(db, enterprise, task.number, "报告.pdf", PDF, upload_dir)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (row.sha256, row.size, row.content_type) == (digest, len(PDF), "application/pdf")
    path = Path(upload_dir) / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == PDF
    assert Path(upload_dir).resolve() in path.resolve().parents
    assert (ROOT / "market" / "static").resolve() not in path.resolve().parents
    assert row.uploaded_by_org_id == enterprise.organization_id and row.owner_kind == "task"


def test_png_and_jpeg_are_accepted(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    assert (
        attachments.add_to_task(
            db, enterprise, task.number, "map.PNG", PNG, upload_dir
        ).content_type
        == "image/png"
    )
    assert (
        attachments.add_to_task(
            db, enterprise, task.number, "photo.jpeg", JPEG, upload_dir
        ).content_type
        == "image/jpeg"
    )


def test_a_pdf_that_is_really_html_is_refused(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    with pytest.raises(Invalid) as exc:
        attachments.add_to_task(db, enterprise, task.number, "report.pdf", HTML, upload_dir)
    assert refusal(exc) == attachments.WRONG_TYPE
    digest = hashlib.sha256(HTML).hexdigest()
    assert not (Path(upload_dir) / digest[:2] / digest[2:4] / digest).exists()


def test_a_real_pdf_with_another_extension_is_refused(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    for name in ("report.html", "report.png", "report"):
        with pytest.raises(Invalid) as exc:
            attachments.add_to_task(db, enterprise, task.number, name, PDF, upload_dir)
        assert refusal(exc) == attachments.WRONG_TYPE


def test_an_empty_file_is_refused(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    with pytest.raises(Invalid) as exc:
        attachments.add_to_task(db, enterprise, task.number, "empty.pdf", b"", upload_dir)
    assert refusal(exc) == attachments.EMPTY


def test_size_limit(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    policy = AttachmentPolicy(attachment_max_bytes=len(PDF) + 10)
    attachments.add_to_task(
        db, enterprise, task.number, "ok.pdf", PDF + b"x" * 10, upload_dir, policy
    )
    with pytest.raises(Invalid) as exc:
        attachments.add_to_task(
            db, enterprise, task.number, "big.pdf", PDF + b"x" * 11, upload_dir, policy
        )
    assert refusal(exc) == attachments.TOO_LARGE
    assert AttachmentPolicy().attachment_max_bytes == 20 * 1024 * 1024


def test_count_limit(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    policy = AttachmentPolicy()
    for i in range(policy.attachment_max_files):
        attachments.add_to_task(
            db, enterprise, task.number, f"{i}.pdf", PDF + bytes([i]), upload_dir
        )
    # The same file again is no new file.
    again = attachments.add_to_task(
        db, enterprise, task.number, "again.pdf", PDF + b"\x00", upload_dir
    )
    assert again.filename == "0.pdf"
    with pytest.raises(Invalid) as exc:
        attachments.add_to_task(db, enterprise, task.number, "11.pdf", PDF + b"eleven", upload_dir)
    assert refusal(exc) == attachments.TOO_MANY
    assert len(attachments.of_task(db, task)) == 10


def test_file_names_are_sanitized():
    assert attachments.sanitize_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert attachments.sanitize_filename("C:\\x\\<b>评估\n报告.PDF") == "_b_评估_报告.pdf"
    assert attachments.sanitize_filename(".hidden.png") == "hidden.png"
    assert attachments.sanitize_filename('a";b.pdf') == "a__b.pdf"
    assert attachments.sanitize_filename(".pdf") == "pdf"
    assert len(attachments.sanitize_filename("长" * 500 + ".pdf")) == 200


def test_only_the_applicant_attaches(db, enterprise, make, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    other = make.enterprise(uscc="91220101MA0Y4Q6X33")
    with pytest.raises(Forbidden) as refused:
        attachments.add_to_task(db, other, task.number, "x.pdf", PDF, upload_dir)
    assert refused.value.message.msgid == "This task belongs to another applicant."


def test_an_open_task_gets_a_change_log_entry(db, enterprise, upload_dir):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    row = attachments.add_to_task(db, enterprise, task.number, "补充说明.pdf", PDF, upload_dir)
    log = db.exec(select(TaskAmendment).where(TaskAmendment.task_id == task.id)).all()
    assert [a.reason for a in log] == ["attachment added"]
    assert log[0].changes["attachments"]["new"] == f"补充说明.pdf ({row.sha256})"


def test_a_deadline_extended_by_an_attachment_keeps_the_task_open_in_search(
    db, enterprise, upload_dir, frozen
):
    task = tasks.create_draft(db, enterprise, task_data(title="补充图纸的环评任务"))
    tasks.publish(db, enterprise, task.number)
    first_deadline = task.deadline_at
    frozen.advance(days=5)  # Monday 11-30: two working days left, under the five required
    attachments.add_to_task(db, enterprise, task.number, "补充图纸.pdf", PDF, upload_dir)
    assert task.deadline_at > first_deadline
    frozen.set(first_deadline)  # past the first deadline, before the extended one
    found = search.search(db, "tasks", search.Query(filters={"phase": ["open"]}))
    assert [hit.id for hit in found.hits] == [str(task.id)]


def test_no_attachment_after_the_deadline(db, enterprise, upload_dir, frozen):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    frozen.advance(days=30)
    with pytest.raises(Forbidden) as exc:
        attachments.add_to_task(db, enterprise, task.number, "late.pdf", PDF, upload_dir)
    assert exc.value.message.msgid == attachments.NOT_ATTACHABLE


def upload(client, number: str, name: str, data: bytes, prefix: str = "/api/v1"):
    return client.post(
        f"{prefix}/tasks/{number}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_api_upload_list_and_download_headers(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    response = upload(client, task.number, "评估 报告.pdf", PDF)
    assert response.status_code == 201, response.get_json()
    digest = response.get_json()["sha256"]
    assert digest == hashlib.sha256(PDF).hexdigest()
    items = client.get(f"/api/v1/tasks/{task.number}/attachments").get_json()["items"]
    assert [(a["sha256"], a["filename"]) for a in items] == [(digest, "评估 报告.pdf")]
    assert client.get(f"/api/v1/tasks/{task.number}").get_json()["attachments"] == items
    for url in (
        f"/api/v1/tasks/{task.number}/attachments/{digest}",
        f"/tasks/{task.number}/attachments/{digest}",
    ):
        got = client.get(url)
        assert got.status_code == 200
        assert got.data == PDF
        assert got.headers["Content-Type"] == "application/pdf"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E8%AF%84%E4%BC%B0%20%E6%8A%A5%E5%91%8A.pdf" in disposition


def test_api_refusals_are_problems_with_their_own_message(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    response = upload(client, task.number, "fake.pdf", HTML)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert (
        "PDF, PNG and JPEG" in response.get_json()["errors"]["file"][0]
        or "PDF、PNG" in response.get_json()["errors"]["file"][0]
    )
    empty = client.post(
        f"/api/v1/tasks/{task.number}/attachments", data={}, content_type="multipart/form-data"
    )
    assert empty.status_code == 422


def test_api_size_limit_from_policy(client, db, enterprise, use_policy):
    use_policy({"attachments": {"attachment_max_bytes": 100}})
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    response = upload(client, task.number, "big.pdf", PDF + b"x" * 100, prefix="/api/v1")
    assert response.status_code == 422
    assert len(response.get_json()["errors"]["file"]) == 1
    assert upload(client, task.number, "small.pdf", PDF).status_code == 201


def test_draft_files_are_private_until_publication(app, client, db, enterprise, make):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    digest = upload(client, task.number, "draft.pdf", PDF).get_json()["sha256"]
    assert client.get(f"/tasks/{task.number}/attachments/{digest}").status_code == 200
    outsider = app.test_client()
    urls = [
        f"/api/v1/tasks/{task.number}/attachments",
        f"/api/v1/tasks/{task.number}/attachments/{digest}",
        f"/tasks/{task.number}/attachments/{digest}",
    ]
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    login(outsider, make.agency())
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    refused = upload(outsider, task.number, "x.pdf", PDF)
    assert refused.status_code == 403, refused.get_json()
    assert (
        refused.get_json()["detail"] == "您所在单位的类型无权进行此项操作。"
    )  # an agency posts nothing
    assert client.post(f"/api/v1/tasks/{task.number}/publish").status_code == 200
    anonymous = app.test_client()
    for url in urls:
        assert anonymous.get(url).status_code == 200, url
    page = anonymous.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert f"/tasks/{task.number}/attachments/{digest}" in page
    assert 'enctype="multipart/form-data"' not in page  # the upload form is the applicant's


def test_unknown_or_malformed_hash_is_404(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    tasks.publish(db, enterprise, task.number)
    db.commit()
    for digest in ("0" * 64, "../../etc/passwd", "A" * 64):
        assert client.get(f"/tasks/{task.number}/attachments/{digest}").status_code == 404
        assert client.get(f"/api/v1/tasks/{task.number}/attachments/{digest}").status_code == 404


def test_the_task_page_form_uploads_and_lists(client, db, enterprise):
    task = tasks.create_draft(db, enterprise, task_data())
    db.commit()
    login(client, enterprise)
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    response = upload(client, task.number, "图纸.png", PNG, prefix="")
    assert response.status_code == 302
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert "图纸.png" in page
    response = upload(client, task.number, "evil.png", HTML, prefix="")
    assert response.status_code == 302
    assert len(db.exec(select(Attachment).where(Attachment.task_id == task.id)).all()) == 1
