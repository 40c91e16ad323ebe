"""The task page's reads for a logged-in reader: one read of each of the task's rows per section
that shows them, however many bids it has, and the rows several sections show read once
(docs/architecture.md, "Rendering for a logged-in reader"). Counted in statements, never timed."""

from __future__ import annotations

import re
from collections import Counter

from tests.bidding.contract_support import signed_contract_for_tests
from tests.bidding.test_lists import statements

TABLE = re.compile(r"\bFROM (\w+)")


def page_reads(world, db, frozen, as_, bidders: int) -> tuple[int, Counter]:
    """Statements, and statements per table read first (of those reading one), for the winner's view of a contracted
    task with `bidders` bids."""
    agencies = [world.qualified_agency() for _ in range(bidders)]
    signed = signed_contract_for_tests(world, db, frozen, bidders=agencies)
    client = as_(signed.agency)
    path = f"/tasks/{signed.task.number}"
    assert client.get(path).status_code == 200
    with statements(db) as seen:
        response = client.get(path)
    assert response.status_code == 200
    assert signed.task.number in response.get_data(as_text=True)
    return len(seen), Counter(m.group(1) for s in seen if (m := TABLE.search(s)))


def test_the_task_page_reads_as_much_for_one_bid_as_for_four(world, db, frozen, as_):
    one, one_tables = page_reads(world, db, frozen, as_, 1)
    four, four_tables = page_reads(world, db, frozen, as_, 4)
    assert one == four
    assert one_tables == four_tables


def test_the_task_pages_sections_share_the_rows_they_all_show(world, db, frozen, as_):
    _, tables = page_reads(world, db, frozen, as_, 2)
    # The opening: the timeline's grouped read of every listed task's, and the bids section's
    # one (its bid list and the bids standing at opening share it).
    assert tables["opening"] == 2
    # The task: loaded once by number, and the bidder's own bid and its versions found from it.
    assert tables["task"] == 1
    assert tables["bidversion"] == 1
    # The contracts: the timeline's grouped read, the delivery link's current one, and the
    # contracts section's list (its own and its public parts share it).
    assert tables["contract"] == 3
    # Validity decisions and explanation requests: the bid list's read of the task's; the own
    # bid part reads its bid's two in one statement (from bid, counted there).
    assert tables["validitydecision"] == 1
    assert tables["explanationrequest"] == 1
    # Organizations: the reader's once (the page holds it for its menu and its regulator check),
    # the applicant's, the ranked agencies', and a signed contract's party.
    assert tables["organization"] == 4
