"""The limits `bidding.sealed` puts on a bid itself, whoever calls it (the API schema, the form or
anything else): the proposal's length and characters, the number of attachments and the same file
twice. The service is called directly, so no schema in front of it stands in for its checks."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bidding import attachments as bid_attachments
from bidding import sealed
from bidding.models import Bid
from market.attachments import AttachmentPolicy
from market.validation import Invalid, Message


def submit(world, agency, task, **fields):
    values = {
        "price_fen": 1_000_000,
        "duration_days": 30,
        "proposal_text": "技术方案",
        "attachment_sha256s": (),
    }
    values.update(fields)
    return sealed.submit_bid(world.db, agency, task.number, **values)


def refused(caught) -> dict[str, list[Message]]:
    return caught.value.errors


def pdf(n: int) -> bytes:
    return b"%PDF-1.4\n% file " + str(n).encode() + b"\n%%EOF\n"


@pytest.fixture
def task(world):
    return world.post_task()


@pytest.fixture
def agency(world):
    return world.agency()


def no_bid(world, task) -> bool:
    world.db.rollback()
    return world.db.exec(select(Bid).where(Bid.task_id == task.id)).all() == []


def test_a_proposal_of_the_maximum_length_is_taken_one_more_character_is_not(world, task, agency):
    longest = "方" * sealed.MAX_PROPOSAL_CHARS
    with pytest.raises(Invalid) as caught:
        submit(world, agency, task, proposal_text=longest + "案")
    assert refused(caught) == {
        "proposal_text": [
            Message(
                "At most %(max)d characters (you gave %(n)d).",
                {"max": 20_000, "n": 20_001},
            )
        ]
    }
    assert no_bid(world, task)
    submit(world, agency, task, proposal_text=longest)
    assert sealed.own_bid(world.db, agency, task.number).proposal_text == longest


def test_the_length_is_counted_on_the_proposal_as_hashed(world, task, agency):
    """CRLF becomes LF before the count, as before the hash: what counts is what is committed."""
    text = "a\r\n" * (sealed.MAX_PROPOSAL_CHARS // 2)
    assert len(text) > sealed.MAX_PROPOSAL_CHARS
    submit(world, agency, task, proposal_text=text)
    stored = sealed.own_bid(world.db, agency, task.number).proposal_text
    assert stored == "a\n" * (sealed.MAX_PROPOSAL_CHARS // 2)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_a_proposal_with_a_control_character_is_refused(world, task, agency, char):
    with pytest.raises(Invalid) as caught:
        submit(world, agency, task, proposal_text=f"技术{char}方案")
    assert refused(caught) == {"proposal_text": [Message("Contains control characters.")]}
    assert no_bid(world, task)


def test_tabs_and_line_breaks_are_not_control_characters_to_refuse(world, task, agency):
    submit(world, agency, task, proposal_text="第一\t部分\r\n第二部分\r第三部分\n")
    stored = sealed.own_bid(world.db, agency, task.number).proposal_text
    assert stored == "第一\t部分\n第二部分\n第三部分\n"


def test_a_change_is_held_to_the_same_limits(world, task, agency):
    world.bid(agency, task)
    with pytest.raises(Invalid) as caught:
        sealed.change_bid(
            world.db,
            agency,
            task.number,
            price_fen=900_000,
            duration_days=30,
            proposal_text="技术\x00方案",
        )
    assert refused(caught) == {"proposal_text": [Message("Contains control characters.")]}
    world.db.rollback()
    assert sealed.own_bid(world.db, agency, task.number).version == 1


def upload_files(world, agency, task, count: int, tmp_path) -> list[str]:
    policy = AttachmentPolicy(attachment_max_files=sealed.MAX_ATTACHMENTS + 5)
    hashes = [
        bid_attachments.upload(
            world.db, agency, task.number, f"f{n}.pdf", pdf(n), tmp_path, policy
        ).sha256
        for n in range(count)
    ]
    world.db.commit()
    return hashes


def test_at_most_the_maximum_of_attachments_even_all_uploaded(world, task, agency, tmp_path):
    """Under an upload policy that lets more files through than a bid may list, the bid itself
    still lists at most its maximum."""
    hashes = upload_files(world, agency, task, sealed.MAX_ATTACHMENTS + 1, tmp_path)
    with pytest.raises(Invalid) as caught:
        submit(world, agency, task, attachment_sha256s=hashes)
    assert refused(caught) == {
        "attachments": [Message("At most %(max)d attachments.", {"max": 20})]
    }
    assert no_bid(world, task)
    ack = submit(world, agency, task, attachment_sha256s=hashes[: sealed.MAX_ATTACHMENTS])
    assert ack.content["attachments"] == sorted(hashes[: sealed.MAX_ATTACHMENTS])


def test_the_same_file_twice_is_refused(world, task, agency, tmp_path):
    [digest, other] = upload_files(world, agency, task, 2, tmp_path)
    with pytest.raises(Invalid) as caught:
        submit(world, agency, task, attachment_sha256s=[digest, other, digest])
    assert refused(caught) == {"attachments": [Message("The same file is attached twice.")]}
    assert no_bid(world, task)
    ack = submit(world, agency, task, attachment_sha256s=[other, digest])
    assert ack.content["attachments"] == sorted([digest, other])
