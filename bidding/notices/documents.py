"""The award notice (中选通知书) and the result notice (结果公告) as plain data, and what each says.

A document is a frozen dataclass of plain values (names, amounts in fen, aware UTC instants), made
by whoever issues it; `content(doc, locale, gettext)` turns it into the translated lines of the
document once, and both renderers (`bidding.notices.html`, `bidding.notices.pdf`) lay out those
same lines, so the HTML and the PDF never say different things. Nothing here knows of Flask or of
the database: `gettext` is passed in (Flask-Babel's for a page, the catalog read directly for a PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from babel.dates import format_date

from bidding.labels import NUMBER_LABELS, fraction_text, reading_order, yuan_of_fen
from bidding.notices.capitals import rmb_capitals
from market.labels import METHOD_LABELS
from market.validation import N_, yuan_text
from market.workdays import shanghai_date

#: The service contract is signed within this many days of the award notice (docs/rules.md §4).
SIGN_WITHIN_DAYS = 30

Gettext = Callable[[str], str]


def _aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")


@dataclass(frozen=True)
class AwardNotice:
    """The award notice sent to the agency whose award became final."""

    notice_number: str
    issued_at: datetime
    task_number: str
    title: str
    service_item: str
    applicant: str
    agency: str
    agency_uscc: str
    price_fen: int
    service_days: int
    method: str
    rank: int
    publicity_starts_at: datetime
    publicity_ends_at: datetime
    #: The path of the task's public result page, where anyone can check the notice.
    verify_path: str
    #: The contract's signing limit (its `sign_by`: 24:00 of the last day), and the period in days.
    sign_by_at: datetime
    sign_within_days: int = SIGN_WITHIN_DAYS

    def __post_init__(self) -> None:
        for name in ("issued_at", "publicity_starts_at", "publicity_ends_at", "sign_by_at"):
            _aware(name, getattr(self, name))
        if self.price_fen < 0 or self.service_days < 1 or self.rank < 1:
            raise ValueError(
                "price, service period and rank must be a price ≥ 0, days ≥ 1, rank ≥ 1"
            )

    @property
    def issued_on(self) -> date:
        return shanghai_date(self.issued_at)

    @property
    def sign_by(self) -> date:
        """The last day to sign (a limit that rolled past a holiday shows the day it rolled to)."""
        return last_day(self.sign_by_at)


@dataclass(frozen=True)
class RankingRow:
    """One place of the published ranking; `numbers` are the place's numbers as
    `bidding.selection` stores them (keys of `bidding.labels.NUMBER_LABELS`)."""

    rank: int
    agency: str
    agency_uscc: str
    price_fen: int
    numbers: Mapping[str, object] = field(default_factory=dict)
    award_candidate: bool = False


@dataclass(frozen=True)
class ResultNotice:
    """The public result notice: the full ranking, the award candidate and the publicity period."""

    issued_at: datetime
    task_number: str
    title: str
    method: str
    rows: tuple[RankingRow, ...]
    publicity_starts_at: datetime
    publicity_ends_at: datetime
    objections_contact: str
    verify_path: str

    def __post_init__(self) -> None:
        for name in ("issued_at", "publicity_starts_at", "publicity_ends_at"):
            _aware(name, getattr(self, name))
        if sum(1 for r in self.rows if r.award_candidate) > 1:
            raise ValueError("a result names at most one award candidate")

    @property
    def candidate(self) -> RankingRow | None:
        return next((r for r in self.rows if r.award_candidate), None)


@dataclass(frozen=True)
class Content:
    """A document's translated lines, in reading order, as both renderers lay them out. `table` is
    a header and rows of cells, each cell a tuple of lines (the ranking of a result notice)."""

    lang: str
    title: str
    reference: str
    addressee: str
    intro: str
    fields: tuple[tuple[str, str], ...]
    table: tuple[tuple[tuple[str, ...], ...], ...]
    closing: tuple[str, ...]
    issued: str

    def text(self) -> str:
        """Every character the document shows (the PDF checks its font covers them all)."""
        cells = (line for row in self.table for cell in row for line in cell)
        parts = [self.title, self.reference, self.addressee, self.intro, self.issued]
        parts += [x for pair in self.fields for x in pair] + list(cells) + list(self.closing)
        return "".join(parts)


def long_date(d: date, locale: str) -> str:
    """A date as a notice writes it: 2026年11月29日, or November 29, 2026."""
    return format_date(d, format="long", locale="en" if locale == "en" else "zh_Hans_CN")


def last_day(end: datetime) -> date:
    """The last Shanghai day of a period that ends at `end`: a period ending at 24:00 of the 25th
    (stored as 00:00 of the 26th, `market.workdays.end_of_day`) lasts until the 25th."""
    return shanghai_date(end - timedelta(microseconds=1))


def _period(start: datetime, end: datetime, locale: str, gettext: Gettext) -> str:
    return gettext(N_("%(start)s to %(end)s")) % {
        "start": long_date(shanghai_date(start), locale),
        "end": long_date(last_day(end), locale),
    }


def _yuan(fen: int, gettext: Gettext) -> str:
    return gettext(N_("%(amount)s yuan")) % {"amount": yuan_text(fen)}


def _number_lines(row: RankingRow, gettext: Gettext) -> tuple[str, ...]:
    lines = []
    for key, value in reading_order(dict(row.numbers)):
        if isinstance(value, Mapping):
            shown = ", ".join(f"{k}: {fraction_text(v)}" for k, v in value.items()) or "—"
        elif key.endswith("_fen"):
            shown = yuan_of_fen(value)
        else:
            shown = fraction_text(value)
        label = gettext(NUMBER_LABELS.get(key, key))
        lines.append(gettext(N_("%(label)s: %(value)s")) % {"label": label, "value": shown})
    return tuple(lines)


def award_content(doc: AwardNotice, locale: str, gettext: Gettext) -> Content:
    method = gettext(METHOD_LABELS.get(doc.method, doc.method))
    period = _period(doc.publicity_starts_at, doc.publicity_ends_at, locale, gettext)
    intro = gettext(
        N_(
            "The task “%(title)s” (%(number)s) posted by %(applicant)s was decided by "
            "%(method)s, and its publicity period (%(period)s) ended without a pending objection. "
            "Your organization is awarded the task on the terms below."
        )
    ) % {
        "title": doc.title,
        "number": doc.task_number,
        "applicant": doc.applicant,
        "method": method,
        "period": period,
    }
    fields = (
        (gettext(N_("Task number")), doc.task_number),
        (gettext(N_("Project name")), doc.title),
        (gettext(N_("Service item")), doc.service_item),
        (gettext(N_("Applicant")), doc.applicant),
        (gettext(N_("Awarded agency")), doc.agency),
        (gettext(N_("Unified social credit code")), doc.agency_uscc),
        (gettext(N_("Awarded price")), _yuan(doc.price_fen, gettext)),
        (gettext(N_("Amount in capitals")), rmb_capitals(doc.price_fen)),
        (gettext(N_("Service period")), gettext(N_("%(days)s days")) % {"days": doc.service_days}),
        (gettext(N_("Selection method")), method),
        (gettext(N_("Place in the ranking")), str(doc.rank)),
        (gettext(N_("Publicity period")), period),
    )
    closing = (
        gettext(
            N_(
                "Please sign the service contract with the applicant by %(date)s, within "
                "%(days)s days of this notice."
            )
        )
        % {"date": long_date(doc.sign_by, locale), "days": doc.sign_within_days},
        gettext(N_("Anyone can check this notice against the published result at %(path)s."))
        % {"path": doc.verify_path},
    )
    return Content(
        lang=locale,
        title=gettext(N_("Award notice")),
        reference=gettext(N_("Notice number: %(number)s")) % {"number": doc.notice_number},
        addressee=gettext(N_("To %(agency)s:")) % {"agency": doc.agency},
        intro=intro,
        fields=fields,
        table=(),
        closing=closing,
        issued=gettext(N_("Issued on %(date)s")) % {"date": long_date(doc.issued_on, locale)},
    )


def result_content(doc: ResultNotice, locale: str, gettext: Gettext) -> Content:
    method = gettext(METHOD_LABELS.get(doc.method, doc.method))
    candidate = doc.candidate
    header = tuple(
        (gettext(label),) for label in (N_("Rank"), N_("Agency"), N_("Price (yuan)"), N_("Numbers"))
    )
    rows = tuple(
        (
            (str(r.rank),) + ((gettext(N_("award candidate")),) if r.award_candidate else ()),
            (r.agency, r.agency_uscc),
            (yuan_text(r.price_fen),),
            _number_lines(r, gettext),
        )
        for r in doc.rows
    )
    fields = (
        (gettext(N_("Task number")), doc.task_number),
        (gettext(N_("Project name")), doc.title),
        (gettext(N_("Selection method")), method),
        (
            gettext(N_("Award candidate")),
            gettext(N_("%(agency)s, at %(price)s"))
            % {"agency": candidate.agency, "price": _yuan(candidate.price_fen, gettext)}
            if candidate
            else gettext(N_("none")),
        ),
        (
            gettext(N_("Publicity period")),
            _period(doc.publicity_starts_at, doc.publicity_ends_at, locale, gettext),
        ),
        (gettext(N_("Objections")), doc.objections_contact),
    )
    return Content(
        lang=locale,
        title=gettext(N_("Result notice")),
        reference="",
        addressee="",
        intro=gettext(N_("The result of the task “%(title)s” (%(number)s) is published below."))
        % {"title": doc.title, "number": doc.task_number},
        fields=fields,
        table=(header, *rows) if rows else (),
        closing=(
            gettext(N_("Anyone can check this notice against the published result at %(path)s."))
            % {"path": doc.verify_path},
        ),
        issued=gettext(N_("Issued on %(date)s"))
        % {"date": long_date(shanghai_date(doc.issued_at), locale)},
    )


def content(doc: AwardNotice | ResultNotice, locale: str, gettext: Gettext) -> Content:
    if isinstance(doc, AwardNotice):
        return award_content(doc, locale, gettext)
    if isinstance(doc, ResultNotice):
        return result_content(doc, locale, gettext)
    raise TypeError(f"not a notice: {type(doc).__name__}")
