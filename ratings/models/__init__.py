"""Ratings' tables. Importing this package registers them on the shared metadata."""

from ratings.models.credit import Commendation, CreditEvent, CreditSnapshot, MisconductRecord
from ratings.models.dishonesty import DishonestyEntry, DishonestyImport, DishonestyProposal
from ratings.models.exits import ExitAction, ExitAppeal, ExitNotice
from ratings.models.honour import HonourEntry, HonourGrade, HonourRoll
from ratings.models.misconduct import MisconductProposal
from ratings.models.ratings import Rating, RatingAppeal
from ratings.models.repair import RepairApplication

__all__ = [
    "Commendation",
    "CreditEvent",
    "CreditSnapshot",
    "ExitAction",
    "ExitAppeal",
    "ExitNotice",
    "DishonestyEntry",
    "DishonestyImport",
    "DishonestyProposal",
    "HonourEntry",
    "HonourGrade",
    "HonourRoll",
    "MisconductProposal",
    "MisconductRecord",
    "Rating",
    "RatingAppeal",
    "RepairApplication",
]
