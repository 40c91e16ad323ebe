"""Objections to an award candidate, answers, complaints to the regulator and their decisions."""
