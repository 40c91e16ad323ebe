"""Ratings' tables. Importing this package registers them on the shared metadata."""

from ratings.models.misconduct import MisconductProposal

__all__ = ["MisconductProposal"]
