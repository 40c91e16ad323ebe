"""A complaint upheld against an agency's conduct becomes a misconduct-record proposal, made by
ratings' handler of `bidding.signals.complaint_decided` in the decision's transaction, and shown on
the regulator's complaint page (docs/rules.md §4, §6)."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select

from bidding.models.objections import DISMISSED, UPHELD
from bidding.objections import services as objections
from bidding.policy import DEFAULT_POLICY
from market import clock
from ratings.models import MisconductProposal
from tests.bidding.test_awards import in_publicity
from tests.conftest import login

P = DEFAULT_POLICY


def complained(world, db):
    task, agencies = in_publicity(world)
    row = objections.file_objection(db, agencies[1], task.number, "中选人串通报价", P)
    objections.answer_objection(db, world.applicant, row.id, "未发现串通", P)
    complaint = objections.file_complaint(db, agencies[1], row.id, "答复未核查", P)
    db.commit()
    return task, agencies, complaint


def test_an_upheld_complaint_naming_an_agency_proposes_a_record(world, db, app):
    task, agencies, complaint = complained(world, db)
    objections.decide(
        db,
        world.regulator,
        complaint.id,
        UPHELD,
        "经查中选人与他人串通报价",
        agencies[0].organization_id,
        P,
    )
    db.commit()
    (proposal,) = db.exec(select(MisconductProposal)).all()
    assert (proposal.agency_id, proposal.source, proposal.complaint_id) == (
        agencies[0].organization_id,
        "complaint",
        complaint.id,
    )
    assert (proposal.facts, proposal.proposed_at, proposal.decided_at) == (
        "经查中选人与他人串通报价",
        clock.now(),
        None,
    )
    client = app.test_client()
    login(client, world.regulator)
    client.get("/?lang=en")
    page = html.unescape(client.get(f"/regulator/complaints/{complaint.id}").get_data(as_text=True))
    assert "Misconduct record proposals" in page
    assert f"{world.org(agencies[0]).name}, proposed on " in page
    assert "awaiting a decision" in page


@pytest.mark.parametrize("decision", [UPHELD, DISMISSED])
def test_no_proposal_without_an_agency_at_fault(world, db, decision):
    task, agencies, complaint = complained(world, db)
    objections.decide(db, world.regulator, complaint.id, decision, "理由", None, P)
    db.commit()
    assert db.exec(select(MisconductProposal)).all() == []
