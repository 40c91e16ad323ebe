"""Making draws, and the public draw record that anyone can recompute (docs/rules.md §5).

`make_draw` is the only place a task's draw is made: it refuses to run before every bid's validity
is final, reveals the seed with the first draw, and stores the draw as published. `draw_record`
gives the public JSON (withholding the seed and the draws from whom `bidding.visibility.sees_panel`
refuses) in exactly the shape `bidding.draws.spec.verify_record` and the standalone
`verify_draw_standalone.py` accept; `verify_task` recomputes it from the database (the
`flask draw verify TASK` command).
"""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from bidding import keys, receipts
from bidding.draws import seeds, spec
from bidding.models import Bid, BidVersion, Draw, Opening, ValidityDecision
from market import audit, clock
from market.models import Organization, Task


class DrawTooEarly(RuntimeError):
    """A draw was asked for before every bid's validity was final."""


def opening_of(session: Session, task: Task) -> Opening | None:
    return session.exec(select(Opening).where(Opening.task_id == task.id)).first()


def draws_of(session: Session, task: Task) -> list[Draw]:
    return list(session.exec(select(Draw).where(Draw.task_id == task.id).order_by(Draw.id)))


def make_draw(
    session: Session, task: Task, purpose: str, candidates: list[str], picks: int | None = None
) -> list[str]:
    """Draw `picks` of `candidates` (None: the full order) for `purpose`; idempotent per purpose.

    Candidates are sorted here, as the design requires. The key is made from the receipts fixed at
    opening, so validity decisions (which only remove candidates) never change it.
    """
    opening = opening_of(session, task)
    if opening is None or opening.validity_final_at is None:
        raise DrawTooEarly(f"task {task.number}: no draw before every bid's validity is final")
    ordered = sorted(candidates)
    existing = session.exec(
        select(Draw).where(Draw.task_id == task.id, Draw.purpose == purpose)
    ).first()
    if existing is not None:
        if existing.candidates != ordered:
            raise RuntimeError(f"task {task.number}: draw {purpose} exists with other candidates")
        return list(existing.picks)
    seed = seeds.reveal(session, task)
    key = spec.draw_key(seed, task.number, opening.standing_receipts)
    picked = spec.draw(key, purpose, ordered, picks)
    session.add(
        Draw(
            task_id=task.id, purpose=purpose, candidates=ordered, picks=picked, made_at=clock.now()
        )
    )
    session.flush()
    audit.record(
        session,
        "draw.made",
        "task",
        task.number,
        {"purpose": purpose, "candidates": ordered, "picks": picked},
    )
    return picked


def _agencies_by_receipt(
    session: Session, task: Task, receipts_: list[str]
) -> dict[str, Organization]:
    rows = session.exec(
        select(Bid, Organization)
        .join(Organization, Organization.id == Bid.agency_id)
        .where(Bid.task_id == task.id, Bid.receipt.in_(receipts_))
    )
    return {bid.receipt: org for bid, org in rows}


def draw_record(session: Session, task: Task, *, with_draws: bool) -> dict:
    """The task's draw record.

    Before opening it holds only the task number and the commitment; receipts with their agencies
    appear at opening, the seed and the key with the first draw. Keys: ``task_number``,
    ``commitment``, ``seed_hex`` and ``key_hex`` (once revealed), ``receipts``
    (``[{"receipt", "agency": USCC, "agency_name"}]``), ``draws``
    (``[{"purpose", "candidates", "picks", "made_at"}]``).

    Without `with_draws` (a reader `bidding.visibility.sees_panel` refuses) a revealed seed, the
    key and the draws are left out and ``draws_withheld`` is true instead: while a panel marks, its
    draw would name the panellists.
    """
    seed = seeds.seed_of(session, task)
    record: dict = {
        "task_number": task.number,
        "commitment": seed.commitment if seed is not None else None,
        "receipts": [],
        "draws": [],
    }
    opening = opening_of(session, task)
    if opening is not None:
        by_receipt = _agencies_by_receipt(session, task, opening.standing_receipts)
        record["receipts"] = [
            {
                "receipt": r,
                "agency": by_receipt[r].uscc if r in by_receipt else "",
                "agency_name": by_receipt[r].name if r in by_receipt else "",
            }
            for r in opening.standing_receipts
        ]
    if seed is not None and seed.seed_hex is not None and not with_draws:
        record["draws_withheld"] = True
    elif seed is not None and seed.seed_hex is not None:
        record["seed_hex"] = seed.seed_hex
        record["key_hex"] = spec.draw_key(
            bytes.fromhex(seed.seed_hex), task.number, opening.standing_receipts
        ).hex()
        record["draws"] = [
            {
                "purpose": d.purpose,
                "candidates": list(d.candidates),
                "picks": list(d.picks),
                "made_at": d.made_at.isoformat(),
            }
            for d in draws_of(session, task)
        ]
    return record


def no_draw_needed(task: Task, record: dict) -> bool:
    """Whether the task is past its selection (decided, failed or cancelled) without any draw: its
    seed is never revealed and its record verifies as "no draw" (`spec.has_draws`)."""
    settled = any(t is not None for t in (task.publicity_at, task.failed_at, task.cancelled_at))
    return settled and not spec.has_draws(record) and not record.get("draws_withheld")


def _receipt_problems(session: Session, task: Task, opening: Opening) -> list[str]:
    out = []
    standing = list(
        session.exec(select(Bid).where(Bid.task_id == task.id, Bid.withdrawn_at.is_(None)))
    )
    if sorted(b.receipt for b in standing) != opening.standing_receipts:
        out.append("the receipts fixed at opening are not those of the bids standing")
    for bid in standing:
        version = session.exec(
            select(BidVersion).where(BidVersion.bid_id == bid.id, BidVersion.version == bid.version)
        ).first()
        agency = session.get(Organization, bid.agency_id)
        if version is None or receipts.receipt(version.content) != bid.receipt:
            out.append(f"receipt {bid.receipt} is not the hash of its bid's content")
            continue
        c = version.content
        if (
            (
                c.get("task"),
                c.get("agency"),
                c.get("version"),
                c.get("price_fen"),
                c.get("duration_days"),
            )
            != (task.number, agency.uscc, bid.version, bid.price_fen, bid.duration_days)
            or c.get("proposal_sha256") != receipts.proposal_sha256(bid.proposal_text)
            or c.get("attachments") != sorted(bid.attachments)
        ):
            out.append(f"receipt {bid.receipt}: the bid differs from the content it acknowledges")
    return out


def _candidate_problems(session: Session, task: Task, opening: Opening) -> list[str]:
    valid = {
        bid.receipt
        for bid, _ in session.exec(
            select(Bid, ValidityDecision)
            .join(ValidityDecision, ValidityDecision.bid_id == Bid.id)
            .where(Bid.task_id == task.id, ValidityDecision.valid.is_(True))
        )
    }
    out = []
    for d in draws_of(session, task):
        if opening.validity_final_at is None or d.made_at < opening.validity_final_at:
            out.append(f"draw {d.purpose} was made before validity was final")
        if d.purpose == spec.AWARD and d.candidates != sorted(valid):
            out.append("the award draw's candidates are not the valid sign-ups")
        elif d.purpose.startswith("tie:") and not set(d.candidates) <= valid:
            out.append(f"draw {d.purpose} has a candidate that is not a valid bid")
        elif d.purpose == spec.PANEL and d.candidates != (opening.panel_pool or []):
            out.append("the panel draw's candidates are not the expert pool taken at opening")
    return out


def verify_task(session: Session, task: Task) -> list[str]:
    """Recompute the task's draw record from the database; returns the discrepancies (empty: OK).

    Beyond `bidding.draws.spec.verify_record` on the public record, it checks what only the platform can:
    the stored seed decrypts, matches the commitment and the revealed seed; every receipt is the
    hash of its bid's stored content; the key's receipts are the bids standing; each draw's
    candidates are what the rules say; and no draw predates final validity.
    """
    seed = seeds.seed_of(session, task)
    if seed is None:
        return [] if task.published_at is None else ["the task has no draw seed"]
    out = []
    try:
        raw = keys.current().decrypt_seed(seed.seed_encrypted, task.number)
    except Exception:  # noqa: BLE001 - any failure means the same thing here
        raw = None
        out.append("the stored seed does not decrypt with this deployment's seed key")
    if raw is not None and hashlib.sha256(raw).hexdigest() != seed.commitment:
        out.append("the stored seed does not match the published commitment")
    if raw is not None and seed.seed_hex is not None and seed.seed_hex != raw.hex():
        out.append("the revealed seed is not the stored seed")
    opening = opening_of(session, task)
    if opening is not None:
        out += _receipt_problems(session, task, opening)
        out += _candidate_problems(session, task, opening)
    if seed.seed_hex is not None:
        out += spec.verify_record(draw_record(session, task, with_draws=True))
    elif draws_of(session, task):
        out.append("draws were made but the seed is not revealed")
    return out
