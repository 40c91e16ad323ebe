"""Ratings' sections on other packages' pages: the misconduct-record proposals a complaint's
decision made, on the regulator's complaint page (a `bidding.complaint_sections` hook)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlmodel import Session

from bidding.models import Complaint
from market.models import Organization
from ratings import misconduct


def complaint_section(session: Session, complaint: Complaint) -> Markup:
    rows = misconduct.proposals_of_complaint(session, complaint.id)
    if not rows:
        return Markup("")
    items = [(row, session.get(Organization, row.agency_id)) for row in rows]
    return Markup(render_template("ratings/_complaint_proposals.html", items=items))
