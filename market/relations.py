"""Related agencies (docs/rules.md §5): the legal representative's identity, relations of control,
and regulators' findings that a declaration was false.

Agencies with the same legal representative, or one controlling the other, may not both bid on
one task. Entry is zero-barrier and what an agency declares is unchecked, so a declaration alone
may never cost another agency its bid: a shell could declare a rival's representative (or a
relation with the rival) and have the rival's bid thrown out. Hence two kinds of relation:

- **established**: the same representative's identity document declared by both agencies *and
  verified by a regulator for both*, or a relation of control a regulator recorded with its basis.
  At opening both bids are invalid, with the reason published (`bidding.opening`);
- **flagged**: the same identity where not both are verified, or a relation one of the two agencies
  declared itself. At opening the pair is listed for the applicant and the regulators to review;
  both bids stand.

Nothing here is looked at before opening, and nothing at submission: whether another agency bids
is sealed (`bidding.sealed`). The identity number is never stored, shown or audited
(`market.identity`); a regulator verifies a declaration by entering the number from the documents
it checked, which must give the same digest. A declaration found false is recorded as a finding
and announced with `signals.declaration_found_false`, from which `ratings` makes the misconduct
record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from sqlmodel import Session, or_, select

from market import audit, clock, identity, signals
from market.db import in_ids
from market.models import (
    AgencyRelation,
    DeclarationFinding,
    Organization,
    OrgKind,
    RepresentativeIdentity,
    Task,
    User,
)
from market.models.relations import DECLARED, REGULATOR
from market.permissions import kind_of, regulator_covers
from market.validation import MAX_ID, N_, Checker, Forbidden, Invalid, Message, NotFound

HOLDING, MANAGEMENT = "holding", "management"
#: The relations of control the rule names (单位负责人为同一人或者存在直接控股、管理关系).
RELATION_KINDS = {
    HOLDING: N_("holds a controlling share in"),
    MANAGEMENT: N_("manages"),
}
#: What a finding of a false declaration is about.
IDENTITY_DECLARATION, RELATION_DECLARATION = "representative_identity", "relation"
DECLARATIONS = {
    IDENTITY_DECLARATION: N_("the legal representative's identity"),
    RELATION_DECLARATION: N_("a declared relation"),
}
#: Grounds of a pair of related bidders: the established ones invalidate, the others flag.
SAME_REPRESENTATIVE, CONTROL = "related_legal_representative", "related_by_control"
IDENTITY_UNVERIFIED, DECLARED_RELATION = "identity_unverified", "declared_relation"
MAX_BASIS = 1000


def _regulator(session: Session, actor: User, *agencies: Organization) -> None:
    """A regulator whose jurisdiction covers every agency concerned: a relation recorded by one
    regulator can cost both agencies their bids, so it must supervise both."""
    if kind_of(session, actor) != OrgKind.regulator:
        raise Forbidden(N_("Only a regulator may do this."))
    if not all(regulator_covers(session, actor, region_code=a.region_code) for a in agencies):
        raise Forbidden(N_("This agency is outside your jurisdiction."))


def _agency(session: Session, agency_id: int) -> Organization:
    org = session.get(Organization, agency_id)
    if org is None or org.kind != OrgKind.agency:
        raise NotFound()
    return org


def _own_agency(session: Session, actor: User, agency_id: int) -> Organization:
    org = _agency(session, agency_id)
    if actor.organization_id != org.id:
        raise Forbidden(N_("Only the agency itself may declare this."))
    return org


def _basis(
    checker: Checker, name: str, value: object, document: identity.Document | None = None
) -> str | None:
    text = checker.text(name, value, max_length=MAX_BASIS, markup=False)
    if document is not None and identity.mentions(text, document):
        checker.add(name, N_("Do not write the identity number here: this text is kept and shown."))
    return text


# --- the legal representative's identity ---------------------------------------------------------


def identity_of(session: Session, org_id: int) -> RepresentativeIdentity | None:
    return session.exec(
        select(RepresentativeIdentity).where(RepresentativeIdentity.organization_id == org_id)
    ).first()


def may_see_identity(session: Session, viewer: User | None, org: Organization) -> bool:
    """Whether `viewer` may learn the state of `org`'s declaration (never the number): the agency
    itself and the regulators whose jurisdiction covers it."""
    if viewer is None:
        return False
    return viewer.organization_id == org.id or regulator_covers(
        session, viewer, region_code=org.region_code
    )


def identity_for(
    session: Session, viewer: User | None, agency_id: int
) -> tuple[Organization, RepresentativeIdentity | None]:
    """The agency and the state of its declaration, for those who `may_see_identity`."""
    org = _agency(session, agency_id)
    if not may_see_identity(session, viewer, org):
        raise Forbidden(N_("Only the agency itself and the regulators covering it see this."))
    return org, identity_of(session, org.id)


def store_declared_identity(
    session: Session, org: Organization, actor: User, document: identity.Document
) -> RepresentativeIdentity:
    """Keep the digest of the identity `org` declared. Declaring the same document again changes
    nothing; a different one replaces the old and needs verifying again."""
    digest = identity.digest(document)
    row = identity_of(session, org.id)
    if (
        row is not None
        and row.digest == digest
        and row.document_type == document.document_type
        and row.found_false_at is None
    ):
        return row
    replaces = row is not None
    if row is None:
        row = RepresentativeIdentity(organization_id=org.id)
    row.document_type, row.digest, row.source = document.document_type, digest, DECLARED
    row.declared_at, row.declared_by_user_id = clock.now(), actor.id
    row.verified_at = row.verified_by_user_id = row.verification_basis = None
    row.found_false_at = None
    session.add(row)
    session.flush()
    # The fact of the declaration, never its value (not even the digest: with the key, a digest
    # of a number with a birth date in it is searched in minutes).
    audit.record(
        session,
        "agency.representative_identity_declared",
        "organization",
        org.id,
        {"document_type": document.document_type, "replaces": replaces},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    return row


def declare_identity(
    session: Session, actor: User, agency_id: int, document_type: object, number: object
) -> RepresentativeIdentity:
    """The agency declares its legal representative's identity document (on its profile)."""
    org = _own_agency(session, actor, agency_id)
    checker = Checker()
    document = identity.check_document(checker, "document_type", "number", document_type, number)
    checker.raise_if_any()
    return store_declared_identity(session, org, actor, document)


def verify_identity(
    session: Session,
    actor: User,
    agency_id: int,
    document_type: object,
    number: object,
    basis: object,
) -> RepresentativeIdentity:
    """A regulator covering the agency verifies its representative's identity: it enters the number
    from the documents it checked (the licence, the registration record, the card), which must be
    the one the agency declared. When the agency declared none, the regulator's entry is kept as
    verified, so an agency cannot escape the rule by declaring nothing."""
    org = _agency(session, agency_id)
    _regulator(session, actor, org)
    checker = Checker()
    document = identity.check_document(checker, "document_type", "number", document_type, number)
    clean_basis = _basis(checker, "basis", basis, document)
    checker.raise_if_any()
    digest = identity.digest(document)
    row = identity_of(session, org.id)
    now = clock.now()
    if row is not None and row.found_false_at is None:
        if row.digest != digest or row.document_type != document.document_type:
            raise Invalid(
                {
                    "number": [
                        Message(
                            N_(
                                "This is not the identity document the agency declared. If its "
                                "declaration is false, record it as found false."
                            )
                        )
                    ]
                }
            )
    else:
        row = row or RepresentativeIdentity(organization_id=org.id)
        row.document_type, row.digest, row.source = document.document_type, digest, REGULATOR
        row.declared_at, row.declared_by_user_id, row.found_false_at = now, actor.id, None
        row.verified_at = row.verified_by_user_id = row.verification_basis = None
    if row.verified_at is None:
        row.verified_at, row.verified_by_user_id = now, actor.id
        row.verification_basis = clean_basis
        session.add(row)
        session.flush()
        audit.record(
            session,
            "agency.representative_identity_verified",
            "organization",
            org.id,
            {"document_type": row.document_type, "source": row.source, "basis": clean_basis},
            actor_user_id=actor.id,
            actor_org_id=actor.organization_id,
        )
    return row


def identities_to_verify(
    session: Session, actor: User
) -> list[tuple[RepresentativeIdentity, Organization]]:
    """Declared identities not yet verified (nor found false), of agencies the regulator covers."""
    rows = session.exec(
        select(RepresentativeIdentity, Organization)
        .join(Organization, Organization.id == RepresentativeIdentity.organization_id)
        .where(
            RepresentativeIdentity.verified_at.is_(None),
            RepresentativeIdentity.found_false_at.is_(None),
        )
        .order_by(RepresentativeIdentity.declared_at, RepresentativeIdentity.id)
    ).all()
    return [(r, o) for r, o in rows if regulator_covers(session, actor, region_code=o.region_code)]


# --- relations of control -------------------------------------------------------------------------


def _agency_by_uscc(session: Session, checker: Checker, name: str, value: object):
    uscc = checker.uscc(name, value)
    if uscc is None:
        return None
    org = session.exec(
        select(Organization).where(Organization.uscc == uscc, Organization.kind == OrgKind.agency)
    ).first()
    if org is None:
        checker.add(name, N_("No agency on the platform has this unified social credit code."))
    return org


def find_agency(session: Session, uscc: object, name: str = "uscc") -> Organization:
    """The agency with this USCC, or `Invalid` on the field `name` saying what is wrong."""
    checker = Checker()
    org = _agency_by_uscc(session, checker, name, uscc)
    checker.raise_if_any()
    return org


def record_relation(session: Session, actor: User, data: dict) -> AgencyRelation:
    """Put a relation of control on record: `first` holds a controlling share in, or manages,
    `second` (both named by their USCC), with its basis.

    Recorded by a regulator covering both agencies, it is established; declared by one of the two
    agencies about itself, it is self-declared and only ever flags a pair for review.
    """
    kind = kind_of(session, actor)
    if kind not in (OrgKind.regulator, OrgKind.agency):
        raise Forbidden(N_("Only a regulator or one of the two agencies may record a relation."))
    checker = Checker()
    relation = data.get("kind")
    if relation not in RELATION_KINDS:
        checker.add("kind", N_("Choose the kind of relation."))
    first = _agency_by_uscc(session, checker, "first_uscc", data.get("first_uscc"))
    second = _agency_by_uscc(session, checker, "second_uscc", data.get("second_uscc"))
    basis = _basis(checker, "basis", data.get("basis"))
    if first is not None and second is not None and first.id == second.id:
        checker.add("second_uscc", N_("An agency is not related to itself."))
    checker.raise_if_any()
    if kind == OrgKind.regulator:
        _regulator(session, actor, first, second)
        source = REGULATOR
    else:
        if actor.organization_id not in (first.id, second.id):
            raise Forbidden(
                N_("An agency declares only its own relations: one of the two must be yours.")
            )
        source = DECLARED
    standing = session.exec(
        select(AgencyRelation.id).where(
            AgencyRelation.kind == relation,
            AgencyRelation.first_org_id == first.id,
            AgencyRelation.second_org_id == second.id,
            AgencyRelation.source == source,
            AgencyRelation.revoked_at.is_(None),
        )
    ).first()
    if standing is not None:
        raise Invalid({"kind": [Message(N_("This relation is already on record."))]})
    row = AgencyRelation(
        kind=relation,
        first_org_id=first.id,
        second_org_id=second.id,
        source=source,
        basis=basis,
        recorded_at=clock.now(),
        recorded_by_user_id=actor.id,
        recorded_by_org_id=actor.organization_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "agency.relation_recorded",
        "agency_relation",
        row.id,
        {
            "kind": relation,
            "first": first.id,
            "second": second.id,
            "source": source,
            "basis": basis,
        },
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    return row


def revoke_relation(
    session: Session, actor: User, relation_id: int, reason: object
) -> AgencyRelation:
    """Take a relation off the record from now on, with a reason: a regulator covering both
    agencies, or the agency that declared it. Tasks already opened keep their decisions."""
    row = session.get(AgencyRelation, relation_id)
    if row is None:
        raise NotFound()
    first, second = _agency(session, row.first_org_id), _agency(session, row.second_org_id)
    if kind_of(session, actor) == OrgKind.regulator:
        _regulator(session, actor, first, second)
    elif not (row.source == DECLARED and actor.organization_id == row.recorded_by_org_id):
        raise Forbidden(N_("Only a regulator or the agency that declared it may withdraw this."))
    checker = Checker()
    clean = checker.text("reason", reason, max_length=MAX_BASIS, markup=False)
    checker.raise_if_any()
    if row.revoked_at is not None:
        raise Forbidden(N_("This relation was already taken off the record."))
    row.revoked_at, row.revoked_by_user_id, row.revoked_reason = clock.now(), actor.id, clean
    session.add(row)
    audit.record(
        session,
        "agency.relation_revoked",
        "agency_relation",
        row.id,
        {"reason": clean},
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    return row


@dataclass(frozen=True)
class RelationRow:
    relation: AgencyRelation
    first: Organization
    second: Organization


def relation_row(session: Session, relation: AgencyRelation) -> RelationRow:
    """`relation` with its two agencies, as serializers show it."""
    return RelationRow(
        relation, _agency(session, relation.first_org_id), _agency(session, relation.second_org_id)
    )


def relations_for(
    session: Session, viewer: User, agency_id: int | None = None
) -> list[RelationRow]:
    """The relations `viewer` may read, newest first: an agency those it is part of; a regulator
    those with an agency in its jurisdiction. `agency_id` narrows them to one agency."""
    kind = kind_of(session, viewer)
    if kind not in (OrgKind.agency, OrgKind.regulator):
        raise Forbidden(N_("Only regulators and the agencies concerned read relations."))
    query = select(AgencyRelation).order_by(AgencyRelation.id.desc())
    if kind == OrgKind.agency:
        agency_id = viewer.organization_id if agency_id is None else agency_id
        if agency_id != viewer.organization_id:
            raise Forbidden(N_("Only regulators and the agencies concerned read relations."))
    if agency_id is not None:
        query = query.where(
            or_(AgencyRelation.first_org_id == agency_id, AgencyRelation.second_org_id == agency_id)
        )
    out = []
    for row in session.exec(query):
        found = relation_row(session, row)
        if kind == OrgKind.regulator and not any(
            regulator_covers(session, viewer, region_code=o.region_code)
            for o in (found.first, found.second)
        ):
            continue
        out.append(found)
    return out


# --- false declarations ---------------------------------------------------------------------------


def record_false_declaration(
    session: Session, actor: User, agency_id: int, data: dict
) -> DeclarationFinding:
    """A regulator covering the agency records that a declaration of the agency was false — its
    representative's identity (a borrowed identity) or a relation it declared — with a statement
    of the facts. The declaration stops counting at once: the identity is set aside until the
    agency declares again, the relation is taken off the record.

    This is a misconduct ground: `signals.declaration_found_false` announces the finding, and
    `ratings` makes the misconduct record from it (docs/rules.md §6).
    """
    org = _agency(session, agency_id)
    _regulator(session, actor, org)
    checker = Checker()
    declaration = data.get("declaration")
    statement = checker.text(
        "statement", data.get("statement"), max_length=4000, multiline=True, markup=False
    )
    declared_identity = relation = task = None
    if declaration == IDENTITY_DECLARATION:
        declared_identity = identity_of(session, org.id)
        if (
            declared_identity is None
            or declared_identity.source != DECLARED
            or declared_identity.found_false_at is not None
        ):
            checker.add(
                "declaration", N_("This agency has no declared identity on record to find false.")
            )
    elif declaration == RELATION_DECLARATION:
        relation_id = str(data.get("relation_id") or "").strip()
        # Only a number an id can be is looked up: the database refuses a wider one (a 500), and
        # int() refuses digits such as "²" that isdigit() accepts.
        known = (
            relation_id.isascii()
            and relation_id.isdigit()
            and len(relation_id) <= 10
            and int(relation_id) <= MAX_ID
        )
        relation = session.get(AgencyRelation, int(relation_id)) if known else None
        if relation is None or relation.source != DECLARED or relation.recorded_by_org_id != org.id:
            checker.add("relation_id", N_("Choose a relation this agency declared."))
    else:
        checker.add("declaration", N_("Choose which declaration was found false."))
    number = data.get("task")
    if number not in (None, ""):
        task = session.exec(select(Task).where(Task.number == str(number).strip())).first()
        if task is None:
            checker.add("task", N_("No task has this number."))
    checker.raise_if_any()
    now = clock.now()
    finding = DeclarationFinding(
        organization_id=org.id,
        declaration=declaration,
        relation_id=relation.id if relation else None,
        task_id=task.id if task else None,
        statement=statement,
        found_at=now,
        found_by_user_id=actor.id,
        found_by_org_id=actor.organization_id,
    )
    session.add(finding)
    if declared_identity is not None:
        declared_identity.found_false_at = now
        session.add(declared_identity)
    if relation is not None and relation.revoked_at is None:
        relation.revoked_at, relation.revoked_by_user_id = now, actor.id
        relation.revoked_reason = statement
        session.add(relation)
    session.flush()
    audit.record(
        session,
        "agency.declaration_found_false",
        "declaration_finding",
        finding.id,
        {
            "agency": org.id,
            "declaration": declaration,
            "relation": finding.relation_id,
            "task": task.number if task else None,
            "statement": statement,
        },
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    signals.declaration_found_false.send(finding, session=session)
    return finding


@dataclass(frozen=True)
class FindingRow:
    finding: DeclarationFinding
    agency: Organization
    task_number: str | None


def finding_row(session: Session, finding: DeclarationFinding) -> FindingRow:
    """`finding` with its agency and task number, as serializers show it."""
    task = session.get(Task, finding.task_id) if finding.task_id else None
    return FindingRow(
        finding, _agency(session, finding.organization_id), task.number if task else None
    )


def findings_for(session: Session, viewer: User, agency_id: int | None = None) -> list[FindingRow]:
    """Findings of false declarations, newest first: an agency's own (it is told why), or for a
    regulator those against agencies in its jurisdiction; `agency_id` narrows them to one agency."""
    query = select(DeclarationFinding, Organization).join(
        Organization, Organization.id == DeclarationFinding.organization_id
    )
    if kind_of(session, viewer) == OrgKind.agency:
        if agency_id not in (None, viewer.organization_id):
            raise Forbidden(N_("Only regulators and the agency concerned read these findings."))
        agency_id = viewer.organization_id
    elif kind_of(session, viewer) != OrgKind.regulator:
        raise Forbidden(N_("Only regulators and the agency concerned read these findings."))
    if agency_id is not None:
        query = query.where(DeclarationFinding.organization_id == agency_id)
    out = []
    for finding, org in session.exec(query.order_by(DeclarationFinding.id.desc())):
        if may_see_identity(session, viewer, org):
            out.append(finding_row(session, finding))
    return out


# --- at opening -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedPair:
    """Two agencies found related: `established` pairs make both bids invalid, the others are
    flagged. `message` is published with the decision (or shown with the flag)."""

    first_id: int
    second_id: int
    ground: str
    established: bool
    message: Message


_RELATION_MESSAGES = {
    (REGULATOR, HOLDING): N_(
        "A regulator recorded that %(first)s holds a controlling share in %(second)s (basis: "
        "%(basis)s); related agencies may not both bid on one task, so both bids are invalid."
    ),
    (REGULATOR, MANAGEMENT): N_(
        "A regulator recorded that %(first)s manages %(second)s (basis: %(basis)s); related "
        "agencies may not both bid on one task, so both bids are invalid."
    ),
    (DECLARED, HOLDING): N_(
        "%(declarer)s declared that %(first)s holds a controlling share in %(second)s. A "
        "self-declared relation is only flagged for review: both bids stand."
    ),
    (DECLARED, MANAGEMENT): N_(
        "%(declarer)s declared that %(first)s manages %(second)s. A self-declared relation is only "
        "flagged for review: both bids stand."
    ),
}


def _identity_pair(
    a: RepresentativeIdentity, b: RepresentativeIdentity, orgs: dict[int, Organization]
) -> RelatedPair:
    names = {"first": orgs[a.organization_id].name, "second": orgs[b.organization_id].name}
    verified = [orgs[r.organization_id].name for r in (a, b) if r.verified_at is not None]
    if len(verified) == 2:
        message = Message(
            N_(
                "%(first)s and %(second)s have the same legal representative, by identity "
                "documents a regulator verified; related agencies may not both bid on one task, "
                "so both bids are invalid."
            ),
            names,
        )
        return RelatedPair(a.organization_id, b.organization_id, SAME_REPRESENTATIVE, True, message)
    if verified:
        message = Message(
            N_(
                "%(first)s and %(second)s declared the same legal representative's identity "
                "document, verified only for %(verified)s. An unverified declaration is only "
                "flagged for review: both bids stand."
            ),
            {**names, "verified": verified[0]},
        )
    else:
        message = Message(
            N_(
                "%(first)s and %(second)s declared the same legal representative's identity "
                "document, verified for neither. An unverified declaration is only flagged for "
                "review: both bids stand."
            ),
            names,
        )
    return RelatedPair(a.organization_id, b.organization_id, IDENTITY_UNVERIFIED, False, message)


def related_pairs(
    session: Session, org_ids: list[int]
) -> tuple[list[RelatedPair], list[RelatedPair]]:
    """The related pairs among the agencies `org_ids` (a task's bidders at opening): established
    pairs, and flagged pairs not also established, each in a stable order.

    Compared on the identities' digests and on relations on record now; names decide nothing.
    """
    ids = sorted(set(org_ids))
    if len(ids) < 2:
        return [], []
    # Names are all a pair's message reads: rows of two columns (an opening passes a thousand).
    orgs = {
        o.id: o
        for o in session.exec(
            select(Organization.id, Organization.name).where(in_ids(session, Organization.id, ids))
        )
    }
    pairs: list[RelatedPair] = []
    by_digest: dict[tuple[str, str], list[RepresentativeIdentity]] = defaultdict(list)
    for row in session.exec(
        select(RepresentativeIdentity)
        .where(
            in_ids(session, RepresentativeIdentity.organization_id, ids),
            RepresentativeIdentity.found_false_at.is_(None),
        )
        .order_by(RepresentativeIdentity.organization_id)
    ):
        by_digest[(row.document_type, row.digest)].append(row)
    for group in by_digest.values():
        pairs.extend(_identity_pair(a, b, orgs) for a, b in combinations(group, 2))
    for row in session.exec(
        select(AgencyRelation)
        .where(
            in_ids(session, AgencyRelation.first_org_id, ids),
            in_ids(session, AgencyRelation.second_org_id, ids),
            AgencyRelation.revoked_at.is_(None),
        )
        .order_by(AgencyRelation.id)
    ):
        params = {
            "first": orgs[row.first_org_id].name,
            "second": orgs[row.second_org_id].name,
        }
        if row.source == REGULATOR:
            params["basis"] = row.basis
        else:
            declarer = orgs.get(row.recorded_by_org_id)
            params["declarer"] = declarer.name if declarer else ""
        pairs.append(
            RelatedPair(
                row.first_org_id,
                row.second_org_id,
                CONTROL if row.source == REGULATOR else DECLARED_RELATION,
                row.source == REGULATOR,
                Message(_RELATION_MESSAGES[(row.source, row.kind)], params),
            )
        )
    established = [p for p in pairs if p.established]
    linked = {frozenset((p.first_id, p.second_id)) for p in established}
    flagged = [
        p for p in pairs if not p.established and frozenset((p.first_id, p.second_id)) not in linked
    ]
    return established, flagged
