"""What an index is: the registry of indexes, their documents, queries and results.

An index is registered once with an `IndexSpec`: a document builder (what the public may find
about one record), the searchable fields with their weights, keyword filters (which are also the
facets), numbers (for sorting and for conditions on time), named sorts, and *states*: filters
whose answer changes with time alone (open/closed, suspended…). A state is never stored; it is a
set of conditions on stored timestamps evaluated against the clock when the query runs.

Adding an index (e.g. tasks) is registering a spec, and calling `market.search.index(session,
name, id)` in the transaction of every change to a record; nothing else changes. A builder puts
into a document only what the public may read at any time: an index is public (suggestions, the
API), so a sealed fact — that a task has bids, how many, from whom — must never reach it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from market.search.text import MAX_QUERY_CHARS, SNIPPET_CHARS, highlight
from market.validation import N_

WEIGHTS = ("A", "B", "C", "D")  # A: title … D: body text
MAX_FILTER_VALUES = 10
MAX_VALUE_CHARS = 100
MAX_PER_PAGE = 100
#: Deepest result reachable by paging (Meilisearch's maxTotalHits is set to the same).
MAX_OFFSET = 10_000
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class SearchField:
    name: str
    weight: str = "D"


@dataclass(frozen=True)
class SortOption:
    field: str
    descending: bool
    label: str


#: Operators of a time condition: the stored timestamp compared with the clock at query time.
CONDITION_OPS = (
    "before_now",
    "after_now",
    "missing",
    "missing_or_before_now",
    "missing_or_after_now",
)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str


@dataclass(frozen=True)
class StateOption:
    label: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class State:
    label: str
    options: dict[str, StateOption]


@dataclass
class Document:
    """What an index holds about one record. `numbers` are ints; datetimes as epoch seconds
    (see `epoch`); None means missing."""

    id: str
    text: dict[str, str]
    terms: dict[str, list[str]] = field(default_factory=dict)
    numbers: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexSpec:
    name: str
    #: The public document of one record, or None when it must not be found (deleted, unlisted).
    build: Callable[[Session, str], Document | None]
    #: Every id that should be in the index (for rebuilding it).
    ids: Callable[[Session], Iterable[int | str]]
    searchable: tuple[SearchField, ...]
    title: str
    #: The title in English, when the index has one (the English pages show it instead).
    title_en: str | None = None
    #: Keyword filters (each also a facet): field → label msgid.
    filters: dict[str, str] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    sorts: dict[str, SortOption] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)
    #: Conditions every query applies (e.g. "not removed yet").
    always: tuple[Condition, ...] = ()
    #: Sort used when a query has no words and asks for relevance.
    browse_sort: str | None = None
    #: Text fields shown as a cropped snippet under the title.
    snippets: tuple[str, ...] = ()
    #: Where a hit leads: (endpoint, url arguments) — plain strings, resolved by the web layer.
    link: Callable[[Hit], tuple[str, dict]] | None = None
    #: Label msgid of the index itself (tabs of the results page).
    label: str = ""
    #: The documents of many records at once, in the order of the ids (None where `build` gives
    #: None) — reindexing uses it when given; `build` one by one otherwise.
    build_many: Callable[[Session, list[str]], list[Document | None]] | None = None

    def build_all(self, session: Session, doc_ids: list[str]) -> list[Document | None]:
        if self.build_many is not None:
            return self.build_many(session, doc_ids)
        return [self.build(session, i) for i in doc_ids]

    @property
    def highlighted(self) -> tuple[str, ...]:
        """Text fields returned with highlights: the titles and the snippets."""
        return tuple(dict.fromkeys(f for f in (self.title, self.title_en, *self.snippets) if f))

    def highlights(self, data: Mapping[str, str], marks: Iterable[str]) -> dict[str, Markup]:
        """A hit's highlighted fields, from its text as written: each match in <mark>, snippets
        cropped around the first one. Both engines give their hits these."""
        marks = set(marks)
        return {
            name: highlight(
                data.get(name) or "", marks, crop=SNIPPET_CHARS if name in self.snippets else None
            )
            for name in self.highlighted
        }

    def validate(self) -> None:
        names = (
            [f.name for f in self.searchable]
            + list(self.filters)
            + list(self.numbers)
            + list(self.states)
        )
        if len(names) != len(set(names)) or not all(_NAME.match(n) for n in names):
            raise ValueError(f"index {self.name}: field names must be distinct identifiers")
        text_fields = {f.name for f in self.searchable}
        if not {self.title, self.title_en or self.title, *self.snippets} <= text_fields:
            raise ValueError(f"index {self.name}: titles and snippets are searchable fields")
        if any(f.weight not in WEIGHTS for f in self.searchable):
            raise ValueError(f"index {self.name}: weights are A–D")
        conditions = [
            c for s in self.states.values() for o in s.options.values() for c in o.conditions
        ] + list(self.always)
        if any(c.field not in self.numbers or c.op not in CONDITION_OPS for c in conditions):
            raise ValueError(f"index {self.name}: conditions need a number field and an operator")
        if (
            any(s.field not in self.numbers for s in self.sorts.values())
            or "relevance" in self.sorts
        ):
            raise ValueError(f"index {self.name}: sorts are on number fields")


REGISTRY: dict[str, IndexSpec] = {}


class UnknownIndex(LookupError):
    pass


def register_index(spec: IndexSpec) -> None:
    spec.validate()
    REGISTRY[spec.name] = spec


def get_index(name: str) -> IndexSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownIndex(name) from None


def epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


# --- queries and results --------------------------------------------------------------------

RELEVANCE = "relevance"
RELEVANCE_LABEL = N_("Relevance")


@dataclass
class Query:
    text: str = ""
    #: Keyword filters and states: field → accepted values (any of them).
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = RELEVANCE
    page: int = 1
    per_page: int = 20
    #: Count the facet values of the matches (suggestions need the first few hits only).
    facets: bool = True

    @classmethod
    def from_args(cls, args, spec: IndexSpec, per_page: int) -> Query:
        """The page's and the API's parameters (a MultiDict): q, a list per filter or state,
        sort, page."""
        filters = {
            name: args.getlist(name) for name in (*spec.filters, *spec.states) if args.getlist(name)
        }
        page = str(args.get("page") or "1")
        return cls(
            text=(args.get("q") or "")[:MAX_QUERY_CHARS],
            filters=filters,
            sort=args.get("sort") or RELEVANCE,
            page=int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1,
            per_page=per_page,
        )

    def cleaned(self, spec: IndexSpec) -> Query:
        """The query with unknown filters, values and sorts dropped and numbers clamped."""
        filters = {}
        for name, values in self.filters.items():
            allowed = spec.states[name].options if name in spec.states else None
            if name not in spec.filters and allowed is None:
                continue
            clean = [str(v)[:MAX_VALUE_CHARS] for v in values if v not in (None, "")]
            if allowed is not None:
                clean = [v for v in clean if v in allowed]
            clean = list(dict.fromkeys(clean))[:MAX_FILTER_VALUES]
            if clean:
                filters[name] = clean
        sort = self.sort if self.sort in spec.sorts else RELEVANCE
        if sort == RELEVANCE and not self.text.strip() and spec.browse_sort:
            sort = spec.browse_sort
        per_page = max(1, min(MAX_PER_PAGE, int(self.per_page)))
        page = max(1, min(int(self.page), MAX_OFFSET // per_page))
        return Query(self.text or "", filters, sort, page, per_page, self.facets)


@dataclass
class Hit:
    id: str
    #: The stored text fields (plain).
    data: dict[str, str]
    #: Field → escaped HTML with <mark> around matches (title whole, snippets cropped).
    highlights: dict[str, Markup] = field(default_factory=dict)


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: Field → [(value, count)], most frequent first.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    engine: str = ""
    #: Meilisearch is configured but could not answer; the embedded engine did.
    fallback: bool = False
    #: The query had text but no searchable word (only punctuation, say).
    no_terms: bool = False
    #: More documents match than were counted: `total` and the facet counts are lower bounds
    #: ("1000+"), counted over the first matches only.
    estimated: bool = False

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_OFFSET)
        return max(1, math.ceil(reachable / self.per_page))


def sorted_facets(counts: dict[str, dict[str, int]]) -> dict[str, list[tuple[str, int]]]:
    return {
        f: sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
        for f, values in counts.items()
    }
