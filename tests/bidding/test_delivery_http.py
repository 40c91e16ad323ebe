"""Delivery and acceptance on the pages and the API: the agency delivers files with a note, the
applicant accepts (with its report) or asks for a revision, the department records a budget
payment; a refused form keeps what was typed; only the parties and covering regulators see any
of it, everyone else gets 404 (docs/rules.md §4)."""

from __future__ import annotations

import hashlib
import io

from bidding.contracts import delivery
from bidding.policy import DEFAULT_POLICY
from market import attachments, clock, lifecycle
from market.views import shanghai_time
from market.workdays import shanghai_date
from tests.bidding.contract_support import OTHER_PDF, PDF, PNG, signed_contract_for_tests
from tests.bidding.helpers import text

API = "/api/v1"


def deliver(db, signed, app):
    row = delivery.deliver(
        db,
        signed.agency,
        signed.contract.id,
        "交付",
        [("a.pdf", PDF)],
        app.config["UPLOAD_DIR"],
        attachments.AttachmentPolicy(),
        DEFAULT_POLICY,
    )
    db.commit()
    return row


def files(*items):
    return [(io.BytesIO(data), name) for name, data in items]


def test_the_api_delivers_accepts_with_a_report_and_records_the_payment(world, db, frozen, as_):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    cid = signed.contract.id
    agency, department = as_(signed.agency), as_(signed.applicant)
    response = agency.post(
        f"{API}/contracts/{cid}/deliverables",
        data={"note": "交付成果", "file": files(("报告书.pdf", PDF), ("附图.png", PNG))},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["round"] == 1 and body["note"] == "交付成果" and body["overdue"] is False
    assert [f["filename"] for f in body["files"]] == ["报告书.pdf", "附图.png"]
    state = department.get(f"{API}/contracts/{cid}/deliverables").get_json()
    assert state["status"] == "delivered" and state["on_time"] is True
    assert (state["pending_id"], state["can_accept"], state["report_required"]) == (
        body["id"],
        True,
        True,
    )
    assert state["can_deliver"] is False
    download = department.get(
        f"{API}/contracts/{cid}/delivery/files/{hashlib.sha256(PDF).hexdigest()}"
    )
    assert download.status_code == 200 and download.data == PDF
    refused = department.post(
        f"{API}/deliverables/{body['id']}/accept",
        data={"report": ""},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"report": [delivery.REPORT_NEEDED]}
    accepted = department.post(
        f"{API}/deliverables/{body['id']}/accept",
        data={"report": "经验收合格。", "file": (io.BytesIO(OTHER_PDF), "验收报告.pdf")},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 200, accepted.get_json()
    state = accepted.get_json()
    assert state["status"] == "accepted" and state["acceptance_report"] == "经验收合格。"
    assert [f["filename"] for f in state["report_files"]] == ["验收报告.pdf"]
    db.refresh(signed.contract)
    assert state["payment"]["due_at"] == signed.contract.payment_due_at.isoformat()
    assert state["can_record_payment"] is True
    today = shanghai_date(clock.now()).isoformat()
    paid = department.post(
        f"{API}/contracts/{cid}/payment", json={"paid_on": today, "reference": "国库 2026-1"}
    )
    assert paid.status_code == 200, paid.get_json()
    payment = paid.get_json()["payment"]
    assert payment["reference"] == "国库 2026-1" and payment["paid_at"] is not None
    # The agency sees the payment.
    seen = agency.get(f"{API}/contracts/{cid}/deliverables").get_json()
    assert seen["payment"]["reference"] == "国库 2026-1"
    assert seen["can_record_payment"] is False
    again = department.post(
        f"{API}/contracts/{cid}/payment", json={"paid_on": today, "reference": "再次"}
    )
    assert again.status_code == 403
    assert again.get_json()["detail"] == "The payment of this contract is already recorded."


def test_the_api_asks_for_a_revision_and_refuses_the_wrong_side(world, db, frozen, as_):
    signed = signed_contract_for_tests(world, db, frozen)
    cid = signed.contract.id
    agency, applicant = as_(signed.agency), as_(signed.applicant)
    body = agency.post(
        f"{API}/contracts/{cid}/deliverables",
        data={"note": "交付", "file": files(("a.pdf", PDF))},
        content_type="multipart/form-data",
    ).get_json()
    wrong = agency.post(f"{API}/deliverables/{body['id']}/revision", json={"reason": "x"})
    assert wrong.status_code == 403
    assert wrong.get_json()["detail"] == (
        "Only the applicant accepts a delivery or asks for a revision."
    )
    empty = applicant.post(f"{API}/deliverables/{body['id']}/revision", json={"reason": " "})
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"reason": ["This field is required."]}
    asked = applicant.post(f"{API}/deliverables/{body['id']}/revision", json={"reason": "补图"})
    assert asked.status_code == 200
    state = asked.get_json()
    assert state["status"] == "contracted" and state["revision_rounds"] == 1
    assert state["deliverables"][0]["decision"] == "revision"
    no_files = agency.post(
        f"{API}/contracts/{cid}/deliverables",
        data={"note": "第二轮"},
        content_type="multipart/form-data",
    )
    assert no_files.status_code == 422
    assert no_files.get_json()["errors"] == {"file": ["Attach at least one file of the work."]}


def test_everyone_else_gets_404(world, db, frozen, as_, make, app):
    """IDOR: another bidder, another agency, another enterprise get the 404 of a contract that
    does not exist, on every route; anonymous requests are asked to log in."""
    signed = signed_contract_for_tests(world, db, frozen)
    row = deliver(db, signed, app)
    cid, sha = signed.contract.id, hashlib.sha256(PDF).hexdigest()
    outsiders = [signed.others[0], world.agency(), make.enterprise(uscc="91220106MA15AB3C42")]
    for user in outsiders:
        client = as_(user)
        for url in (
            f"{API}/contracts/{cid}/deliverables",
            f"{API}/contracts/{cid}/delivery/files/{sha}",
            f"/contracts/{cid}/delivery",
            f"/contracts/{cid}/delivery/files/{sha}",
        ):
            assert client.get(url).status_code == 404, (user.email, url)
        for url, kwargs in (
            (f"{API}/deliverables/{row.id}/revision", {"json": {"reason": "x"}}),
            (f"{API}/contracts/{cid}/payment", {"json": {"paid_on": "2026-01-01"}}),
            (f"{API}/deliverables/{row.id}/accept", {"data": {"report": "x"}}),
            (f"/deliverables/{row.id}/revision", {"data": {"rv-reason": "x"}}),
        ):
            assert client.post(url, **kwargs).status_code == 404, (user.email, url)
    assert as_().get(f"{API}/contracts/{cid}/deliverables").status_code == 401
    assert as_().get(f"/contracts/{cid}/delivery").status_code == 302
    assert as_(signed.agency).get(f"{API}/contracts/{cid + 99}/deliverables").status_code == 404
    assert lifecycle.status(signed.task) == lifecycle.DELIVERED


def test_the_pages_deliver_keep_a_refused_note_and_accept(world, db, frozen, as_):
    signed = signed_contract_for_tests(world, db, frozen, "state_owned")
    cid = signed.contract.id
    agency, applicant = as_(signed.agency), as_(signed.applicant)
    task_page = text(agency.get(f"/tasks/{signed.task.number}"))
    assert f'href="/contracts/{cid}/delivery"' in task_page
    assert f'href="/contracts/{cid}/delivery"' not in text(
        as_(signed.others[0]).get(f"/tasks/{signed.task.number}")
    )
    refused = agency.post(
        f"/contracts/{cid}/deliverables",
        data={"dl-note": "环评报告书终稿"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "Attach at least one file of the work." in page
    assert "环评报告书终稿</textarea>" in page
    done = agency.post(
        f"/contracts/{cid}/deliverables",
        data={"dl-note": "环评报告书终稿", "file": files(("报告书.pdf", PDF))},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302 and done.location.endswith(f"/contracts/{cid}/delivery#delivery")
    page = text(agency.get(f"/contracts/{cid}/delivery"))
    assert "The work is delivered: the applicant accepts it or asks for a revision." in page
    assert "awaiting the applicant's decision" in page and 'name="dl-note"' not in page
    first = delivery.contract_of(db, signed.task)
    db.refresh(first)
    when = shanghai_time(first.first_delivered_at)
    assert f'<dd id="delivery-first">{when}: on time</dd>' in page
    row = delivery.pending(db, signed.contract)
    page = text(applicant.get(f"/contracts/{cid}/delivery"))
    assert 'name="ac-report"' in page and 'name="rv-reason"' in page
    refused = applicant.post(f"/deliverables/{row.id}/accept", data={"ac-report": ""})
    assert refused.status_code == 422
    assert (
        "A budget or state-owned task is accepted only with an acceptance report: write it here."
        in text(refused)
    )
    done = applicant.post(f"/deliverables/{row.id}/accept", data={"ac-report": "验收合格。"})
    assert done.status_code == 302
    page = text(applicant.get(f"/contracts/{cid}/delivery"))
    assert "The delivery is accepted." in page and "验收合格。" in page
    # A covering regulator reads it, without forms.
    page = text(as_(world.regulator).get(f"/contracts/{cid}/delivery"))
    assert "验收合格。" in page and 'name="ac-report"' not in page


def test_the_payment_form_keeps_what_was_typed(world, db, frozen, as_, app):
    signed = signed_contract_for_tests(world, db, frozen, "budget")
    row = deliver(db, signed, app)
    delivery.accept(db, signed.applicant, row.id, "验收合格", DEFAULT_POLICY)
    db.commit()
    cid = signed.contract.id
    client = as_(signed.applicant)
    assert 'name="pay-reference"' not in text(as_(signed.agency).get(f"/contracts/{cid}/delivery"))
    refused = client.post(
        f"/contracts/{cid}/payment", data={"pay-paid_on": "2099-01-01", "pay-reference": "国库-7"}
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "The payment date cannot be in the future." in page
    assert 'value="国库-7"' in page and 'value="2099-01-01"' in page
    today = shanghai_date(clock.now()).isoformat()
    done = client.post(
        f"/contracts/{cid}/payment", data={"pay-paid_on": today, "pay-reference": "国库-7"}
    )
    assert done.status_code == 302
    assert "国库-7" in text(as_(signed.agency).get(f"/contracts/{cid}/delivery"))
