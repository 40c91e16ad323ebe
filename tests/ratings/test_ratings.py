"""Two-way double-blind ratings (docs/rules.md §6), through the service, the pages and the API,
under the frozen clock: each bad input refused with its message and nothing changed, who reads a
rating before and after publication, publication on the second rating and by the sweep at the
period's end (not a microsecond before), the agency's credit event written once, replies."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlmodel import select

from bidding.contracts import delivery
from bidding.policy import DEFAULT_POLICY as P
from market.models import AuditEvent, Notification
from market.validation import Forbidden, Invalid, Message, NotFound
from ratings import notifying, ratings, serializers
from ratings.models import CreditEvent, Rating
from ratings.models.credit import RATING
from ratings.models.ratings import BY_AGENCY, BY_APPLICANT
from tests.bidding.contract_support import deliver_for_tests, signed_contract_for_tests
from tests.bidding.helpers import text
from tests.bidding.test_lists import statements
from tests.conftest import login

GOOD = {"quality": 5, "timeliness": 4, "attitude": 5, "fees": 4, "conduct": 3}


@pytest.fixture
def accepted(world, db, app):
    signed = signed_contract_for_tests(world, db, world.frozen)
    row = deliver_for_tests(db, signed, app.config["UPLOAD_DIR"])
    delivery.accept(db, signed.applicant, row.id, "", P)
    db.commit()
    return signed


def rows(db) -> list[Rating]:
    return list(db.exec(select(Rating).order_by(Rating.id)))


def actions(db) -> list[str]:
    return [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]


def kinds(db, user) -> list[str]:
    return [
        n.kind
        for n in db.exec(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    ]


# --- the service -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6, 2.5, "x", "", None, True, "2.5", -1])
def test_each_dimension_takes_one_to_five_whole_stars(accepted, db, bad):
    values = dict(GOOD, quality=bad, fees=bad)
    with pytest.raises(Invalid) as caught:
        ratings.rate(db, accepted.applicant, accepted.contract.id, values, "", P)
    assert caught.value.errors == {
        "quality": [Message(ratings.STARS)],
        "fees": [Message(ratings.STARS)],
    }
    db.rollback()
    assert rows(db) == []


def test_a_comment_is_optional_and_at_most_2000_characters(accepted, db):
    with pytest.raises(Invalid) as caught:
        ratings.rate(db, accepted.applicant, accepted.contract.id, GOOD, "好" * 2001, P)
    assert caught.value.errors == {
        "comment": [
            Message("At most %(max)d characters (you gave %(n)d).", {"max": 2000, "n": 2001})
        ]
    }
    db.rollback()
    row = ratings.rate(db, accepted.applicant, accepted.contract.id, GOOD, None, P)
    assert (row.comment, row.side, row.rated_org_id) == (
        "",
        BY_APPLICANT,
        accepted.contract.agency_id,
    )


def test_only_the_parties_of_an_accepted_contract_rate_within_the_period_once(accepted, world, db):
    contract = accepted.contract
    with pytest.raises(NotFound):  # another agency: someone else's contract
        ratings.rate(db, accepted.others[0], contract.id, GOOD, "", P)
    with pytest.raises(NotFound):
        ratings.rate(db, accepted.applicant, 999_999, GOOD, "", P)
    with pytest.raises(Forbidden) as caught:  # a covering regulator reads it, but is no party
        ratings.rate(db, world.regulator, contract.id, GOOD, "", P)
    assert caught.value.message == Message(ratings.ONLY_PARTIES)
    ratings.rate(db, accepted.applicant, contract.id, GOOD, "很好", P)
    db.commit()
    with pytest.raises(Forbidden) as caught:
        ratings.rate(db, accepted.applicant, contract.id, GOOD, "再评", P)
    assert caught.value.message == Message(ratings.ALREADY_RATED)
    db.rollback()
    end = ratings.ends_at(db, contract, P)
    world.frozen.set(end)
    with pytest.raises(Forbidden) as caught:
        ratings.rate(db, accepted.agency, contract.id, GOOD, "", P)
    # The period ends at 24:00 of its last day: the message names that day.
    assert end.astimezone(delivery.SHANGHAI).time() == time(0, 0)
    last_day = (end - timedelta(days=1)).astimezone(delivery.SHANGHAI).date()
    assert caught.value.message == Message(ratings.WINDOW_CLOSED, {"date": last_day.isoformat()})
    db.rollback()
    assert [r.side for r in rows(db)] == [BY_APPLICANT]


def test_a_contract_not_yet_accepted_is_not_rated(world, db):
    signed = signed_contract_for_tests(world, db, world.frozen)
    with pytest.raises(Forbidden) as caught:
        ratings.rate(db, signed.applicant, signed.contract.id, GOOD, "", P)
    assert caught.value.message == Message(ratings.NOT_ACCEPTED)


def test_ratings_are_double_blind_until_the_second_side_rates(accepted, world, db):
    contract = accepted.contract
    first = ratings.rate(db, accepted.applicant, contract.id, GOOD, "按时交付", P)
    db.commit()
    assert first.published_at is None
    assert ratings.visible(accepted.applicant, first) is True
    for reader in (accepted.agency, accepted.others[0], world.regulator, None):
        assert ratings.visible(reader, first) is False
        assert ratings.listing(db, reader, contract_id=contract.id) == []
    # The agency is told it was rated, not how; the audit log (read by all) holds no stars.
    assert kinds(db, accepted.agency)[-1:] == [notifying.RATED]
    assert "rating.publish" not in actions(db)
    assert db.exec(select(CreditEvent).where(CreditEvent.kind == RATING)).all() == []

    world.frozen.advance(hours=1)
    second = ratings.rate(db, accepted.agency, contract.id, dict(GOOD, fees=2), "付款及时", P)
    db.commit()
    db.refresh(first)
    assert first.published_at == second.published_at == world.frozen.now()
    for reader in (accepted.agency, accepted.applicant, accepted.others[0], world.regulator, None):
        assert ratings.listing(db, reader, contract_id=contract.id) == [second, first]
    assert ratings.listing(db, None, agency_id=contract.agency_id) == [first]
    assert ratings.listing(db, None, applicant_id=contract.applicant_org_id) == [second]
    assert actions(db).count("rating.publish") == 2
    assert kinds(db, accepted.applicant)[-1] == notifying.PUBLISHED
    assert kinds(db, accepted.agency)[-1] == notifying.PUBLISHED
    event = db.exec(
        select(CreditEvent).where(CreditEvent.kind == RATING)
    ).one()  # only the rating of the agency counts
    assert (event.agency_id, event.kind, event.source, event.at) == (
        contract.agency_id,
        "rating",
        f"rating:{first.id}",
        first.published_at,
    )
    assert event.data == {
        "stars": "21/5",
        "price_fen": contract.price_fen,
        "applicant_id": contract.applicant_org_id,
        "contract_id": contract.id,
    }


def test_the_sweep_publishes_at_the_period_end_and_not_a_microsecond_before(accepted, world, db):
    contract = accepted.contract
    row = ratings.rate(db, accepted.applicant, contract.id, GOOD, "", P)
    db.commit()
    end = ratings.ends_at(db, contract, P)
    world.frozen.set(end - timedelta(microseconds=1))
    assert ratings.publish_ratings(db, P) == 0
    db.refresh(row)
    assert row.published_at is None
    world.frozen.set(end)
    assert ratings.publish_ratings(db, P) == 1
    assert ratings.publish_ratings(db, P) == 0
    db.refresh(row)
    assert row.published_at == end
    assert len(db.exec(select(CreditEvent).where(CreditEvent.kind == RATING)).all()) == 1
    assert ratings.listing(db, None, agency_id=contract.agency_id) == [row]


def test_the_rated_side_replies_once_to_a_published_rating(accepted, world, db):
    contract = accepted.contract
    first = ratings.rate(db, accepted.applicant, contract.id, GOOD, "", P)
    db.commit()
    with pytest.raises(NotFound):  # unpublished: the agency does not know it yet
        ratings.reply(db, accepted.agency, first.id, "感谢")
    ratings.rate(db, accepted.agency, contract.id, GOOD, "", P)
    db.commit()
    with pytest.raises(Forbidden) as caught:
        ratings.reply(db, accepted.applicant, first.id, "自己回复")
    assert caught.value.message == Message(ratings.ONLY_RATED)
    db.rollback()
    with pytest.raises(Invalid) as caught:
        ratings.reply(db, accepted.agency, first.id, "  ")
    assert caught.value.errors == {"reply": [Message("This field is required.")]}
    db.rollback()
    ratings.reply(db, accepted.agency, first.id, "感谢评价")
    db.commit()
    with pytest.raises(Forbidden) as caught:
        ratings.reply(db, accepted.agency, first.id, "再次回复")
    assert caught.value.message == Message(ratings.ALREADY_REPLIED)
    db.rollback()
    db.refresh(first)
    assert (first.reply, first.replied_at) == ("感谢评价", world.frozen.now())
    assert kinds(db, accepted.applicant)[-1] == notifying.REPLIED
    assert "rating.reply" in actions(db)


# --- the API ---------------------------------------------------------------------------------------


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    client.get("/?lang=en")
    return client


def test_the_api_rates_lists_and_replies(app, accepted, world, db):
    contract = accepted.contract
    applicant, agency = client_of(app, accepted.applicant), client_of(app, accepted.agency)
    bad = applicant.post(
        "/api/v1/ratings", json=dict(GOOD, contract_id=contract.id, quality=2.5, fees=6)
    )
    assert bad.status_code == 422  # the JSON's type first, as for every body (strict)
    assert bad.get_json()["errors"] == {"quality": ["Wrong type of value."]}
    bad = applicant.post("/api/v1/ratings", json=dict(GOOD, contract_id=contract.id, fees=6))
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {"fees": ["Give 1 to 5 stars (a whole number)."]}
    made = applicant.post("/api/v1/ratings", json=dict(GOOD, contract_id=contract.id, comment="好"))
    assert made.status_code == 201
    body = made.get_json()
    assert (body["stars"], body["published_at"], body["mine"]) == ("21/5", None, True)
    again = applicant.post("/api/v1/ratings", json=dict(GOOD, contract_id=contract.id))
    assert (again.status_code, again.get_json()["detail"]) == (
        403,
        "Your organization has already rated this contract.",
    )
    query = f"/api/v1/ratings?contract_id={contract.id}"
    assert agency.get(query).get_json() == {"ratings": []}
    assert app.test_client().get(query).get_json() == {"ratings": []}
    assert [r["id"] for r in applicant.get(query).get_json()["ratings"]] == [body["id"]]
    other = client_of(app, accepted.others[0])
    refused = other.post("/api/v1/ratings", json=dict(GOOD, contract_id=contract.id))
    assert (refused.status_code, refused.get_json()["errors"]) == (
        422,
        {"contract_id": ["Your organization is party to no contract with this id."]},
    )
    missing = other.post("/api/v1/ratings", json=dict(GOOD, contract_id=999_999))
    assert missing.get_json() == refused.get_json()
    assert (
        agency.post("/api/v1/ratings", json=dict(GOOD, contract_id=contract.id)).status_code == 201
    )
    shown = app.test_client().get(f"/api/v1/ratings?agency_id={contract.agency_id}").get_json()
    assert [(r["id"], r["side"]) for r in shown["ratings"]] == [(body["id"], BY_APPLICANT)]
    replied = agency.post(f"/api/v1/ratings/{body['id']}/reply", json={"reply": "谢谢"})
    assert (replied.status_code, replied.get_json()["reply"]) == (200, "谢谢")
    twice = agency.post(f"/api/v1/ratings/{body['id']}/reply", json={"reply": "谢谢"})
    assert (twice.status_code, twice.get_json()["detail"]) == (
        403,
        "This rating already has its reply.",
    )
    assert app.test_client().post("/api/v1/ratings", json={}).status_code == 401
    by_agency = app.test_client().get(f"/api/v1/ratings?applicant_id={contract.applicant_org_id}")
    assert [r["side"] for r in by_agency.get_json()["ratings"]] == [BY_AGENCY]


# --- the pages -------------------------------------------------------------------------------------


def test_the_pages_keep_a_refused_rating_and_show_both_after_the_second(app, accepted, db):
    contract = accepted.contract
    applicant, agency = client_of(app, accepted.applicant), client_of(app, accepted.agency)
    page = applicant.get(f"/contracts/{contract.id}/ratings")
    assert page.status_code == 200 and "Rate the other side" in text(page)
    form = {
        "rt-quality": "5",
        "rt-timeliness": "4",
        "rt-attitude": "9",
        "rt-fees": "4",
        "rt-conduct": "3",
        "rt-comment": "评语保留",
    }
    refused = applicant.post(f"/contracts/{contract.id}/ratings", data=form)
    assert refused.status_code == 422
    assert "Give 1 to 5 stars (a whole number)." in text(refused)
    assert "评语保留" in refused.get_data(as_text=True)
    assert rows(db) == []
    form["rt-attitude"] = "5"
    done = applicant.post(f"/contracts/{contract.id}/ratings", data=form, follow_redirects=True)
    assert "Your rating is recorded." in text(done)
    assert "评语保留" not in text(agency.get(f"/contracts/{contract.id}/ratings"))
    assert "The other side has rated" in text(agency.get(f"/contracts/{contract.id}"))
    assert "评语保留" not in text(app.test_client().get(f"/agencies/{contract.agency_id}"))
    form["rt-comment"] = "按约付款"
    agency.post(f"/contracts/{contract.id}/ratings", data=form)
    assert "评语保留" in text(agency.get(f"/contracts/{contract.id}/ratings"))
    assert "评语保留" in text(app.test_client().get(f"/agencies/{contract.agency_id}"))
    record = text(app.test_client().get(f"/organizations/{contract.applicant_org_id}"))
    assert "按约付款" in record and "评语保留" not in record
    assert "付款及时：1 条评价平均 4.0 星。" in record  # the public reads it in Chinese


def test_the_rated_side_is_told_it_was_rated_but_not_how(accepted, db):
    ratings.rate(db, accepted.applicant, accepted.contract.id, GOOD, "秘密评语", P)
    db.commit()
    told = db.exec(
        select(Notification).where(
            Notification.user_id == accepted.agency.id, Notification.kind == notifying.RATED
        )
    ).one()
    assert set(told.data) == {"contract", "rater", "ends_at", "task", "title"}
    assert "秘密评语" not in str(told.data)
    assert db.exec(
        select(Notification).where(Notification.user_id == accepted.applicant.id,
                                   Notification.kind == notifying.RATED)
    ).all() == []  # fmt: skip


def test_the_reply_form_keeps_what_was_typed_and_publishes_once(app, accepted, db):
    contract = accepted.contract
    first = ratings.rate(db, accepted.applicant, contract.id, GOOD, "", P)
    ratings.rate(db, accepted.agency, contract.id, GOOD, "", P)
    db.commit()
    agency = client_of(app, accepted.agency)
    page = agency.get(f"/contracts/{contract.id}/ratings")
    assert "Your public reply (once, at most 2000 characters)" in text(page)
    long = "长" * 2001
    refused = agency.post(f"/ratings/{first.id}/reply", data={f"rp{first.id}-reply": long})
    assert refused.status_code == 422
    assert "At most 2000 characters (you gave 2001)." in text(refused)
    assert long in refused.get_data(as_text=True)
    done = agency.post(
        f"/ratings/{first.id}/reply", data={f"rp{first.id}-reply": "感谢"}, follow_redirects=True
    )
    assert "Your reply is published." in text(done)
    assert "Your public reply" not in text(done)
    db.refresh(first)
    assert first.reply == "感谢"
    applicant = client_of(app, accepted.applicant)
    assert (
        applicant.post(f"/ratings/{first.id}/reply", data={f"rp{first.id}-reply": "x"}).status_code
        == 403
    )


def test_a_list_of_ratings_reads_their_organizations_and_tasks_once(accepted, db):
    contract = accepted.contract
    ratings.rate(db, accepted.applicant, contract.id, GOOD, "按时交付", P)
    ratings.rate(db, accepted.agency, contract.id, dict(GOOD, fees=2), "付款及时", P)
    db.commit()
    listed = rows(db)
    one_by_one = [serializers.rating(db, r, accepted.agency) for r in listed]
    db.expunge_all()
    listed = rows(db)
    with statements(db) as seen:
        together = serializers.many(db, listed, accepted.agency)
    assert together == one_by_one
    assert len(together) == 2
    assert len(seen) == 2  # the organizations, the tasks
