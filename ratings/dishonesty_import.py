"""Importing serious-dishonesty lists decided by other authorities (docs/rules.md §6).

An operator or a regulator uploads a CSV (UTF-8, a header row) or JSON file (an array of objects,
or ``{"entries": [...]}``) with the columns `COLUMNS`. Every row is checked: the USCC (its check
character, `market.validation.Checker.uscc`), the dates (ISO, the end after the start, the start
not after today, the end not past), the required fields and their lengths, and duplicates — a
row repeating an earlier row of the file (same USCC, authority and decision reference) is
refused; one already imported is reported as such and changes nothing. The valid new rows become
entries in one transaction with the stored `DishonestyImport` and its report: each matched to a
registered agency by USCC (enforced like a decision: `dishonest_until`, the `dishonesty_listed`
signal) or kept by USCC alone (it then refuses that USCC's registration while in force). A file
that cannot be read at all is refused whole; nothing is ever half-imported."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

from sqlmodel import Session, select

from market import audit, clock
from market.models import Organization, OrgKind, User
from market.permissions import is_operator, is_regulator
from market.validation import N_, Checker, Forbidden, Invalid, Message, NotFound
from market.workdays import end_of_day, shanghai_date
from ratings.appeals import row_by_id
from ratings.dishonesty import (
    MAX_BASIS,
    MAX_CONDITIONS,
    MAX_FACTS,
    MAX_NAME,
    MAX_REF,
    apply_entry,
    start_of_day,
)
from ratings.models import DishonestyEntry, DishonestyImport
from ratings.models.dishonesty import IMPORT

COLUMNS = (
    "uscc",
    "name",
    "authority",
    "decision_ref",
    "legal_basis",
    "facts",
    "starts_on",
    "ends_on",
    "removal_conditions",
)
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_FILENAME = 200


def _refuse_file(msgid: str, **params) -> Invalid:
    return Invalid({"file": [Message(msgid, params)]})


def parse(content: bytes, filename: str) -> tuple[str, list[dict]]:
    """The file's format and its rows (each a dict of the columns' raw values)."""
    if not content:
        raise _refuse_file(N_("Choose a CSV or JSON file."))
    if len(content) > MAX_BYTES:
        raise _refuse_file(N_("The file is larger than %(max)d bytes."), max=MAX_BYTES)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse_file(N_("The file is not UTF-8 text.")) from None
    lower = (filename or "").lower()
    if lower.endswith(".json") or text.lstrip().startswith(("[", "{")):
        fmt = "json"
        try:
            data = json.loads(text)
        except ValueError:
            raise _refuse_file(N_("The file is not valid JSON.")) from None
        if isinstance(data, dict):
            data = data.get("entries")
        if not isinstance(data, list):
            raise _refuse_file(N_('A JSON list is an array of entries (or {"entries": [...]}).'))
        rows = [r if isinstance(r, dict) else None for r in data]
    elif lower.endswith(".csv") or not lower:
        fmt = "csv"
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise _refuse_file(
                N_("The CSV header lacks the columns: %(columns)s."), columns=", ".join(missing)
            )
        reader.fieldnames = header
        try:
            rows = [dict(r) for r in reader]
        except csv.Error:
            raise _refuse_file(N_("The file is not valid CSV.")) from None
    else:
        raise _refuse_file(N_("Upload a .csv or .json file."))
    if len(rows) > MAX_ROWS:
        raise _refuse_file(N_("At most %(max)d rows per file."), max=MAX_ROWS)
    return fmt, rows


def check_row(raw: dict | None, today: date) -> tuple[dict | None, list[str]]:
    """The clean row, or the reasons it is refused (each 'field: message' as msgid texts)."""
    if raw is None:
        return None, [N_("The row is not an object.")]
    check = Checker()
    clean = {
        "uscc": check.uscc("uscc", raw.get("uscc")),
        "name": check.text("name", raw.get("name"), max_length=MAX_NAME, identity=True),
        "authority": check.text("authority", raw.get("authority"), max_length=MAX_NAME),
        "decision_ref": check.text("decision_ref", raw.get("decision_ref"), max_length=MAX_REF),
        "legal_basis": check.text(
            "legal_basis", raw.get("legal_basis"), max_length=MAX_BASIS, multiline=True
        ),
        "facts": check.text("facts", raw.get("facts"), max_length=MAX_FACTS, multiline=True),
        "removal_conditions": check.text(
            "removal_conditions",
            raw.get("removal_conditions"),
            max_length=MAX_CONDITIONS,
            multiline=True,
        ),
        "starts_on": check.date("starts_on", raw.get("starts_on")),
        "ends_on": check.date("ends_on", raw.get("ends_on")),
    }
    start, end = clean["starts_on"], clean["ends_on"]
    if start is not None and start > today:
        check.add("starts_on", N_("The listing starts after today; import it once it applies."))
    if start is not None and end is not None and end <= start:
        check.add("ends_on", N_("The end date must be after the start date."))
    elif end is not None and end < today:
        check.add("ends_on", N_("The end date is already past."))
    if check.errors:
        return None, [
            {"field": name, "msgid": m.msgid, "params": _plain(m.params)}
            for name, messages in check.errors.items()
            for m in messages
        ]
    return clean, []


def _plain(params) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in dict(params).items()}


def may_import(session: Session, user: User | None) -> bool:
    return is_operator(session, user) or is_regulator(session, user)


def import_file(session: Session, actor: User, content: bytes, filename: str) -> DishonestyImport:
    """Check every row, import the valid new ones, and store the import with its report."""
    if not may_import(session, actor):
        raise Forbidden(N_("Only an operator or a regulator may import lists."))
    check = Checker()
    name = check.text("file", filename or "upload", max_length=MAX_FILENAME)
    check.raise_if_any()
    fmt, raws = parse(content, filename)
    now = clock.now()
    today = shanghai_date(now)
    report = {"matched": [], "unmatched": [], "already": [], "refused": []}
    seen: dict[tuple, int] = {}
    valid = []
    for number, raw in enumerate(raws, start=1):
        clean, reasons = check_row(raw, today)
        if clean is None:
            report["refused"].append({"row": number, "reasons": reasons})
            continue
        key = (clean["uscc"], clean["authority"], clean["decision_ref"])
        if key in seen:
            report["refused"].append(
                {
                    "row": number,
                    "reasons": [
                        {
                            "field": "",
                            "msgid": N_(
                                "Duplicate of row %(row)d (same USCC, authority and "
                                "decision reference)."
                            ),
                            "params": {"row": seen[key]},
                        }
                    ],
                }
            )
            continue
        seen[key] = number
        existing = session.exec(
            select(DishonestyEntry.id).where(
                DishonestyEntry.source == IMPORT,
                DishonestyEntry.uscc == key[0],
                DishonestyEntry.authority == key[1],
                DishonestyEntry.decision_ref == key[2],
            )
        ).first()
        if existing is not None:
            report["already"].append({"row": number, "uscc": key[0], "entry": existing})
            continue
        valid.append((number, clean))
    row = DishonestyImport(
        filename=name,
        file_format=fmt,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=now,
        uploaded_by_user_id=actor.id,
        uploaded_by_org_id=actor.organization_id,
        report={},
    )
    session.add(row)
    session.flush()
    entries = []
    for number, clean in valid:
        agency = session.exec(
            select(Organization).where(
                Organization.uscc == clean["uscc"], Organization.kind == OrgKind.agency
            )
        ).first()
        entry = DishonestyEntry(
            agency_id=agency.id if agency else None,
            uscc=clean["uscc"],
            name=clean["name"],
            authority=clean["authority"],
            decision_ref=clean["decision_ref"],
            legal_basis=clean["legal_basis"],
            facts=clean["facts"],
            removal_conditions=clean["removal_conditions"],
            starts_at=start_of_day(clean["starts_on"]),
            ends_at=end_of_day(clean["ends_on"]),
            source=IMPORT,
            import_id=row.id,
            created_at=now,
        )
        session.add(entry)
        session.flush()
        entries.append(entry)
        line = {"row": number, "uscc": clean["uscc"], "name": clean["name"], "entry": entry.id}
        if agency is not None:
            report["matched"].append({**line, "agency_id": agency.id, "agency": agency.name})
        else:
            report["unmatched"].append(line)
    row.report = report
    session.add(row)
    session.flush()
    audit.record(
        session,
        "dishonesty.imported",
        "dishonesty_import",
        row.id,
        {
            "filename": name,
            "sha256": row.sha256,
            "matched": len(report["matched"]),
            "unmatched": len(report["unmatched"]),
            "already": len(report["already"]),
            "refused": len(report["refused"]),
        },
        actor_user_id=actor.id,
        actor_org_id=actor.organization_id,
    )
    for entry in entries:
        apply_entry(session, entry, now)
    return row


def get_import(session: Session, actor: User | None, import_id: object) -> DishonestyImport:
    if not may_import(session, actor):
        raise Forbidden(N_("Only an operator or a regulator may import lists."))
    row = row_by_id(session, DishonestyImport, import_id)
    if row is None:
        raise NotFound()
    return row


def imports(session: Session, actor: User | None) -> list[DishonestyImport]:
    if not may_import(session, actor):
        raise Forbidden(N_("Only an operator or a regulator may import lists."))
    return list(
        session.exec(select(DishonestyImport).order_by(DishonestyImport.id.desc()).limit(100))
    )
