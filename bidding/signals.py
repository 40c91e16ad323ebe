"""Facts the bidding layer announces; `ratings` (and anyone above) connects module-level handlers
with `weak=False`. Handlers run inside the sender's transaction — they receive its session, never
commit, and a handler that raises rolls the sender's step back with it (tests/bidding/test_signals.py).

Every signal is sent with the model row as sender and `session=` the sender's session.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender=Award — the award candidate's publicity ended with nothing pending: the award is final
#: and its award notice issued.
award_final = _signals.signal("award-final")
#: sender=Award — the awarded agency did not sign its contract in time (a credit fact about the
#: agency); the next in line has already been named.
award_abandoned = _signals.signal("award-abandoned")
#: sender=Award — an upheld complaint revoked the award candidate.
award_revoked = _signals.signal("award-revoked")
#: sender=Contract — both sides confirmed the contract.
contract_signed = _signals.signal("contract-signed")
#: sender=Contract, on_time=bool — the first delivery, on time or late against the contract's
#: period.
delivered = _signals.signal("delivered")
#: sender=Contract — the applicant accepted the work (explicitly, or by silence for `private`).
accepted = _signals.signal("accepted")
#: sender=Contract, fault_party="agency" | "applicant" | "neither" — the contract was terminated.
terminated = _signals.signal("terminated")
#: sender=Complaint — a regulator decided a complaint (`decision` upheld or dismissed; an upheld
#: one against an agency's conduct names it in `conduct_agency_id`: a misconduct ground).
complaint_decided = _signals.signal("complaint-decided")
#: sender=ApplicantRecord — a fact went on an applicant's record (late signing, late payment).
applicant_recorded = _signals.signal("applicant-recorded")

#: sender=list of agency organization ids, session=Session, at=aware datetime — a `scoring` task
#: is opened and needs its bidders' credit scores as they stood at its deadline: each handler
#: returns {agency id: score in milli-points} (`ratings`, from the credit events as of `at`); an
#: agency no handler answers for keeps its stored standing (or the policy's base score).
credit_as_of = _signals.signal("credit-as-of")
#: sender=list of agency organization ids, session=Session, at=aware datetime — the same moment,
#: for the honour roll: each handler returns {agency id: whether it was on the roll in force at
#: `at`} (`ratings`, from the published rolls); an agency no handler answers for is taken as its
#: organization's standing says (`Organization.honour_roll_since` set).
honour_as_of = _signals.signal("honour-as-of")
