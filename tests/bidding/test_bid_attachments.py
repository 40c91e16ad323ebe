"""Bid attachments: an agency uploads files for its sealed bid and puts their SHA-256 in the bid;
before opening only that agency can read them, afterwards the applicant and regulators too; the
upload reveals nothing to anyone else (docs/rules.md §5)."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlmodel import func, select

from bidding import sealed
from market.models import AuditEvent
from tests.conftest import login

API = "/api/v1"
PDF = b"%PDF-1.4\n% proposal\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 16
HTML = b"<html><body>not a pdf</body></html>"


@pytest.fixture
def as_(app):
    def make(user=None):
        client = app.test_client()
        if user is not None:
            login(client, user)
        return client

    return make


def upload(client, number, name, data):
    return client.post(
        f"{API}/tasks/{number}/bids/mine/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def bid_body(*hashes):
    return {
        "price_fen": 1_000_000,
        "duration_days": 30,
        "proposal_text": "技术方案",
        "attachment_sha256s": list(hashes),
    }


def url(number, digest):
    return f"{API}/tasks/{number}/bid-attachments/{digest}"


def audit_count(db):
    return db.exec(select(func.count()).select_from(AuditEvent)).one()


def test_agency_uploads_and_bids_with_the_file(world, as_, db):
    task = world.post_task()
    agency = as_(world.agency())
    before = audit_count(db)
    response = upload(agency, task.number, "方案.pdf", PDF)
    assert response.status_code == 201, response.get_json()
    digest = response.get_json()["items"][0]["sha256"]
    assert digest == hashlib.sha256(PDF).hexdigest()
    assert audit_count(db) == before  # nothing in the log names the bidder
    listed = agency.get(f"{API}/tasks/{task.number}/bids/mine/attachments").get_json()["items"]
    assert [a["filename"] for a in listed] == ["方案.pdf"]
    ack = agency.post(f"{API}/tasks/{task.number}/bids", json=bid_body(digest))
    assert ack.status_code == 201
    assert ack.get_json()["content"]["attachments"] == [digest]
    got = agency.get(url(task.number, digest))
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")


def test_sealed_until_opening_then_applicant_and_regulator(world, as_, make, db):
    task = world.post_task()
    bidder = world.agency()
    client = as_(bidder)
    digest = upload(client, task.number, "proposal.pdf", PDF).get_json()["items"][0]["sha256"]
    assert client.post(f"{API}/tasks/{task.number}/bids", json=bid_body(digest)).status_code == 201
    other_agency = world.agency()
    outsiders = {
        "public": as_(),
        "applicant": as_(world.applicant),
        "regulator": as_(make.staff("regulator")),
        "other agency": as_(other_agency),
        "operator": as_(make.staff("operator")),
    }
    unknown = hashlib.sha256(b"nothing").hexdigest()
    # Without a login the answer is to log in (401), for any file.
    refused = {who: 401 if who == "public" else 404 for who in outsiders}
    for who, c in outsiders.items():
        sealed_answer = c.get(url(task.number, digest))
        assert sealed_answer.status_code == refused[who], who
        # Indistinguishable from a file that does not exist.
        assert c.get(url(task.number, unknown)).status_code == refused[who], who
        assert sealed_answer.get_data() == c.get(url(task.number, unknown)).get_data(), who
    world.shift_to(task, "opened")
    for who in ("applicant", "regulator"):
        got = outsiders[who].get(url(task.number, digest))
        assert got.status_code == 200, who
        assert got.data == PDF
    for who in ("public", "other agency", "operator"):
        assert outsiders[who].get(url(task.number, digest)).status_code == refused[who], who
    assert client.get(url(task.number, digest)).status_code == 200


def test_a_file_not_in_a_standing_bid_stays_private_after_opening(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    in_bid = upload(client, task.number, "a.pdf", PDF).get_json()["items"][0]["sha256"]
    loose = upload(client, task.number, "b.png", PNG).get_json()["items"][0]["sha256"]
    assert client.post(f"{API}/tasks/{task.number}/bids", json=bid_body(in_bid)).status_code == 201
    world.shift_to(task, "opened")
    applicant = as_(world.applicant)
    assert applicant.get(url(task.number, in_bid)).status_code == 200
    assert applicant.get(url(task.number, loose)).status_code == 404


def test_uploading_the_same_file_as_another_agency_reveals_nothing(world, as_):
    task = world.post_task()
    first, second = as_(world.agency()), as_(world.agency())
    a = upload(first, task.number, "same.pdf", PDF)
    b = upload(second, task.number, "same.pdf", PDF)
    assert a.status_code == b.status_code == 201
    assert a.get_json() == b.get_json()
    mine = second.get(f"{API}/tasks/{task.number}/bids/mine/attachments").get_json()["items"]
    assert len(mine) == 1


def test_bid_file_refusals(world, as_, use_policy):
    task = world.post_task()
    client = as_(world.agency())
    fake = upload(client, task.number, "proposal.pdf", HTML)
    assert fake.status_code == 422
    assert list(fake.get_json()["errors"]) == ["file"]
    assert upload(client, task.number, "empty.pdf", b"").status_code == 422
    use_policy({"attachment_max_files": 1})
    assert upload(client, task.number, "one.pdf", PDF).status_code == 201
    assert upload(client, task.number, "two.png", PNG).status_code == 422
    # The applicant is no agency: it cannot upload bid files.
    assert upload(as_(world.applicant), task.number, "x.pdf", PDF).status_code == 403


def test_no_upload_after_the_deadline(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    world.shift_to(task, "opened")
    assert upload(client, task.number, "late.pdf", PDF).status_code == 403


def test_bid_files_are_not_task_files(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    digest = upload(client, task.number, "proposal.pdf", PDF).get_json()["items"][0]["sha256"]
    public = as_()
    assert public.get(f"{API}/tasks/{task.number}/attachments").get_json()["items"] == []
    assert public.get(f"{API}/tasks/{task.number}/attachments/{digest}").status_code == 404
    assert public.get(f"/tasks/{task.number}/attachments/{digest}").status_code == 404


def test_the_bid_form_uploads_and_attaches_files(world, as_, db):
    from bidding.models import Bid

    task = world.post_task()
    agency_user = world.agency()
    client = as_(agency_user)
    response = client.post(
        f"/tasks/{task.number}/bid/attachments",
        data={"file": (io.BytesIO(PDF), "技术方案.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    digest = hashlib.sha256(PDF).hexdigest()
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert "技术方案.pdf" in page and digest in page
    assert client.get(f"/tasks/{task.number}/bid-attachments/{digest}").status_code == 200
    response = client.post(
        f"/tasks/{task.number}/bid",
        data={
            "bid-price": "9000",
            "bid-duration_days": "30",
            "bid-proposal_text": "方案",
            "bid-attachments": digest,
        },
    )
    assert response.status_code == 302
    bid = db.exec(select(Bid).where(Bid.task_id == task.id)).one()
    db.refresh(bid)
    assert bid.attachments == [digest]
    # Others see neither the file nor its name before opening.
    for other in (as_(), as_(world.applicant), as_(world.agency())):
        assert other.get(f"/tasks/{task.number}/bid-attachments/{digest}").status_code == 404
        assert "技术方案.pdf" not in other.get(f"/tasks/{task.number}").get_data(as_text=True)
    world.shift_to(task, "opened")
    applicant = as_(world.applicant)
    assert applicant.get(f"/tasks/{task.number}/bid-attachments/{digest}").status_code == 200


def bid_form_files(client, number) -> list[str]:
    """The hashes the task page's bid form ticks among its attachment checkboxes."""
    page = client.get(f"/tasks/{number}").get_data(as_text=True)
    assert 'class="bid-form"' in page, "no bid form on the page"
    return re.findall(r'name="bid-attachments" value="([0-9a-f]{64})" checked>', page)


def test_the_bid_form_holds_the_files_uploaded_since_and_never_those_taken_out(world, as_):
    task = world.post_task()
    agency = world.agency()
    client = as_(agency)
    pdf, png = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()
    assert bid_form_files(client, task.number) == []
    assert upload(client, task.number, "a.pdf", PDF).status_code == 201
    assert bid_form_files(client, task.number) == [pdf]  # no bid yet: every file of the agency

    world.bid(agency, task, attachments=[pdf])
    assert upload(client, task.number, "b.png", PNG).status_code == 201
    assert bid_form_files(client, task.number) == [pdf, png]  # the bid's, then the new one

    # The agency takes the PDF out of its bid: the form does not put it back.
    sealed.change_bid(
        world.db,
        agency,
        task.number,
        price_fen=900_000,
        duration_days=30,
        proposal_text="方案",
        attachment_sha256s=[png],
    )
    world.db.commit()
    assert bid_form_files(client, task.number) == [png]


def test_a_bid_commits_only_to_files_its_agency_uploaded_for_that_task(world, as_):
    """A hash uploaded by another agency for the same task, by the bidder for another task, or by
    nobody is refused on the field with one message: the answer never tells whether somebody else
    uploaded that file."""
    task, elsewhere = world.post_task(), world.post_task()
    bidder, rival = as_(world.agency()), as_(world.agency())
    own = upload(bidder, task.number, "own.pdf", PDF).get_json()["items"][0]["sha256"]
    theirs = upload(rival, task.number, "theirs.png", PNG).get_json()["items"][0]["sha256"]
    other_task = upload(bidder, elsewhere.number, "other.png", PNG + b"\x02").get_json()["items"][
        0
    ]["sha256"]
    never = hashlib.sha256(b"never uploaded").hexdigest()
    bids, mine = f"{API}/tasks/{task.number}/bids", f"{API}/tasks/{task.number}/bids/mine"
    refusals = []
    for method, path in (("post", bids), ("put", mine)):  # submitting, then changing
        for digest in (theirs, other_task, never):
            response = getattr(bidder, method)(path, json=bid_body(own, digest))
            assert response.status_code == 422, (method, digest, response.get_json())
            refusals.append(response.get_json())
        created = {"post": 201, "put": 200}[method]  # a bid submitted, then changed
        assert getattr(bidder, method)(path, json=bid_body(own)).status_code == created
    assert list(refusals[0]["errors"]) == ["attachments"]
    assert all(r == refusals[0] for r in refusals)
    assert rival.post(bids, json=bid_body(theirs)).status_code == 201


def upload_many(client, number, *files):
    return client.post(
        f"{API}/tasks/{number}/bids/mine/attachments",
        data={"file": [(io.BytesIO(data), name) for name, data in files]},
        content_type="multipart/form-data",
    )


def test_several_files_are_uploaded_at_once_through_the_api_all_or_none(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    response = upload_many(client, task.number, ("a.pdf", PDF), ("b.png", PNG))
    assert response.status_code == 201
    assert [(a["filename"], a["sha256"]) for a in response.get_json()["items"]] == [
        ("a.pdf", hashlib.sha256(PDF).hexdigest()),
        ("b.png", hashlib.sha256(PNG).hexdigest()),
    ]
    refused = upload_many(client, task.number, ("c.pdf", PDF + b"c"), ("fake.pdf", HTML))
    assert refused.status_code == 422
    listed = client.get(f"{API}/tasks/{task.number}/bids/mine/attachments").get_json()["items"]
    assert [a["filename"] for a in listed] == ["a.pdf", "b.png"]  # c.pdf went with fake.pdf


def test_several_files_are_uploaded_at_once_through_the_page(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    client.get("/?lang=en")
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    assert re.search(r'<input id="bid-attachment-file" type="file" name="file" multiple', page)
    response = client.post(
        f"/tasks/{task.number}/bid/attachments",
        data={"file": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(PNG), "b.png")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        "2 files are uploaded and ticked in your bid&#39;s form below: submitting the bid "
        "attaches them." in html
    )
    pdf, png = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()
    assert bid_form_files(client, task.number) == [pdf, png]
    assert 'name="bid-attachments" value=' in html and 'textarea id="bid-attachments"' not in html


def test_a_file_is_removed_before_the_deadline_unless_the_standing_bid_attaches_it(world, as_):
    task = world.post_task()
    agency = world.agency()
    client = as_(agency)
    client.get("/?lang=en")
    pdf, png = (
        upload(client, task.number, name, data).get_json()["items"][0]["sha256"]
        for name, data in (("a.pdf", PDF), ("b.png", PNG))
    )
    assert client.post(f"{API}/tasks/{task.number}/bids", json=bid_body(pdf)).status_code == 201
    # The API: the loose file goes; the one the standing bid's receipt commits to stays.
    assert (
        client.delete(f"{API}/tasks/{task.number}/bids/mine/attachments/{png}").status_code == 204
    )
    kept = client.delete(f"{API}/tasks/{task.number}/bids/mine/attachments/{pdf}")
    assert kept.status_code == 403
    assert kept.get_json()["detail"] == (
        "Your standing bid attaches this file: change your bid without it first, then remove it."
    )
    gone = client.delete(f"{API}/tasks/{task.number}/bids/mine/attachments/{png}")
    assert gone.status_code == 404
    listed = client.get(f"{API}/tasks/{task.number}/bids/mine/attachments").get_json()["items"]
    assert [a["sha256"] for a in listed] == [pdf]
    # The page: after a change that leaves it out, the file is removed with its button.
    assert client.put(f"{API}/tasks/{task.number}/bids/mine", json=bid_body()).status_code == 200
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    remove_url = f"/tasks/{task.number}/bid/attachments/{pdf}/remove"
    assert f'action="{remove_url}"' in page
    removed = client.post(remove_url, follow_redirects=True)
    assert "The file a.pdf is removed." in removed.get_data(as_text=True)
    assert client.get(f"{API}/tasks/{task.number}/bids/mine/attachments").get_json() == {
        "items": []
    }
    # Nobody else can remove an agency's file, and nothing is removed after the deadline.
    again = upload(client, task.number, "a.pdf", PDF).get_json()["items"][0]["sha256"]
    other = as_(world.agency())
    assert (
        other.delete(f"{API}/tasks/{task.number}/bids/mine/attachments/{again}").status_code == 404
    )
    world.shift_to(task, "opened")
    late = client.delete(f"{API}/tasks/{task.number}/bids/mine/attachments/{again}")
    assert late.status_code == 403
    assert late.get_json()["detail"] == "The deadline for bids on this task has passed."


def test_the_receipt_shows_the_hashes_of_the_files_it_commits_to(world, as_):
    task = world.post_task()
    client = as_(world.agency())
    client.get("/?lang=en")
    pdf = upload(client, task.number, "a.pdf", PDF).get_json()["items"][0]["sha256"]
    form = {"bid-price": "9000", "bid-duration_days": "30", "bid-attachments": pdf}
    refused = client.post(f"/tasks/{task.number}/bid", data=form)
    assert refused.status_code == 422  # no proposal: the ticked file stays ticked
    assert f'name="bid-attachments" value="{pdf}" checked>' in refused.get_data(as_text=True)
    sent = client.post(f"/tasks/{task.number}/bid", data=form | {"bid-proposal_text": "方案"})
    assert sent.status_code == 302
    page = client.get(f"/tasks/{task.number}").get_data(as_text=True)
    facts = re.search(r'<section id="my-bid".*?<dl class="facts">.*?</dl>', page, re.S).group(0)
    assert re.search(rf"<dt>Files \(SHA-256\)</dt><dd>a\.pdf <code>{pdf}</code>", facts)
    receipts = re.search(r'<table class="list receipts">.*?</table>', page, re.S).group(0)
    assert f'<ul class="receipt-files"><li><code>{pdf}</code></li></ul>' in receipts
