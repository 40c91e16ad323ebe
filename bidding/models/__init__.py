"""Bidding's tables: sealed bids and receipts, draw seeds and draws, validity, panels, results,
questions, related-agency flags, invitations of a direct selection, objections and complaints,
contracts, deliverables, contract payments and applicants' records. Importing this package
registers them on the shared metadata.

Money is integer fen in BigInteger columns; every number of a result is stored as the string of an
exact fraction (``str(Fraction)``, e.g. ``"1234/5"``), so a reader recomputes it without floats.
"""

from bidding.models.bids import Bid, BidVersion, ExplanationRequest, ValidityDecision
from bidding.models.contracts import ApplicantRecord, Contract, Deliverable
from bidding.models.draws import Draw, DrawSeed, Opening
from bidding.models.escrow import EscrowRefund
from bidding.models.invitations import Invitation
from bidding.models.objections import Complaint, Objection
from bidding.models.panels import PanelMark, PanelMember
from bidding.models.payments import ContractPayment
from bidding.models.questions import AnnouncementObjection, TaskQuestion
from bidding.models.relations import RelationFlag
from bidding.models.results import Award, RankingEntry

__all__ = [
    "AnnouncementObjection",
    "ApplicantRecord",
    "Award",
    "Bid",
    "BidVersion",
    "Complaint",
    "Contract",
    "ContractPayment",
    "Deliverable",
    "Draw",
    "EscrowRefund",
    "DrawSeed",
    "ExplanationRequest",
    "Invitation",
    "Objection",
    "Opening",
    "PanelMark",
    "PanelMember",
    "RankingEntry",
    "RelationFlag",
    "TaskQuestion",
    "ValidityDecision",
]
