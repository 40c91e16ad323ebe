"""The Meilisearch engine, through the official client.

Same query semantics as the embedded engine: the query's words (cut by jieba, synonyms from the
same table), keyword filters and time conditions as a filter expression with every value quoted,
facets, named sorts, page/hitsPerPage pagination. Every write waits for Meilisearch's task and
fails unless the task succeeded.

Traditional and simplified characters find each other (`market.search.text`): a document's
searchable fields are sent in simplified characters, like the query's words, and its text as
written rides along in `original_text`, which is neither searched nor filtered; hits show that
text, highlighted and cropped by the same function as the embedded engine's (Meilisearch's own
highlights would mark the simplified copy). A document sent before `original_text` existed shows
its searchable fields until `flask --app wsgi search reindex` resends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import meilisearch
import requests
from meilisearch.errors import MeilisearchError

from market.search.registry import (
    MAX_OFFSET,
    RELEVANCE,
    Condition,
    Document,
    Hit,
    IndexSpec,
    Query,
    Results,
    epoch,
    sorted_facets,
)
from market.search.text import SYNONYMS, ParsedQuery, query_words, simplified


class EngineFailed(RuntimeError):
    """A Meilisearch task ended in another state than `succeeded`."""


#: What "Meilisearch could not do it" looks like through the client.
ENGINE_ERRORS = (MeilisearchError, requests.RequestException, OSError, EngineFailed)
TASK_TIMEOUT_MS = 30_000
#: The attribute holding a document's text as written (its searchable fields are simplified).
ORIGINAL = "original_text"


def filter_string(value: str) -> str:
    """A Meilisearch filter string: double-quoted, backslashes and quotes escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition(c: Condition, now: int) -> str:
    return {
        "before_now": f"{c.field} <= {now}",
        "after_now": f"{c.field} > {now}",
        "missing": f"{c.field} IS NULL",
        "missing_or_before_now": f"({c.field} IS NULL OR {c.field} <= {now})",
        "missing_or_after_now": f"({c.field} IS NULL OR {c.field} > {now})",
    }[c.op]


def filter_expression(spec: IndexSpec, query: Query, now: datetime) -> list[str]:
    """The filters as a list of expressions (Meilisearch ANDs them)."""
    at = epoch(now)
    out = []
    for name, values in sorted(query.filters.items()):
        if name in spec.states:
            options = []
            for value in values:
                conds = [_condition(c, at) for c in spec.states[name].options[value].conditions]
                options.append("(" + " AND ".join(conds) + ")" if conds else "")
            options = [o for o in options if o]
            if options and len(options) == len(values):
                out.append("(" + " OR ".join(options) + ")")
        else:
            out.append(f"{name} IN [" + ", ".join(filter_string(v) for v in values) + "]")
    out.extend(_condition(c, at) for c in spec.always)
    return out


def settings(spec: IndexSpec) -> dict:
    order = {w: i for i, w in enumerate("ABCD")}
    searchable = [f.name for f in sorted(spec.searchable, key=lambda f: order[f.weight])]
    return {
        "searchableAttributes": searchable,
        "filterableAttributes": sorted(set(spec.filters) | set(spec.numbers)),
        "sortableAttributes": sorted({s.field for s in spec.sorts.values()}),
        "synonyms": {term: list(others) for term, others in SYNONYMS.items()},
        "pagination": {"maxTotalHits": MAX_OFFSET},
        "faceting": {"maxValuesPerFacet": 100},
    }


class MeiliEngine:
    name = "meilisearch"
    #: (url, index uid) whose settings this process has applied (see `ensure_settings`).
    _settings_applied: set[tuple[str, str]] = set()

    def __init__(self, url: str, api_key: str | None = None, prefix: str = "", timeout: float = 3):
        self.client = meilisearch.Client(url, api_key or None, timeout=timeout)
        self.url, self.prefix = url, prefix

    def index(self, spec: IndexSpec):
        return self.client.index(self.prefix + spec.name)

    def _wait(self, task_info) -> None:
        task = self.client.wait_for_task(
            task_info.task_uid, timeout_in_ms=TASK_TIMEOUT_MS, interval_in_ms=50
        )
        if task.status != "succeeded":
            raise EngineFailed(f"task {task.uid} {task.status}: {task.error}")

    def apply_settings(self, spec: IndexSpec) -> None:
        if not self._exists(spec):
            self._wait(self.client.create_index(self.prefix + spec.name, {"primaryKey": "id"}))
        self._wait(self.index(spec).update_settings(settings(spec)))
        self._settings_applied.add((self.url, self.prefix + spec.name))

    def ensure_settings(self, spec: IndexSpec) -> None:
        """Apply the settings once per process before the first delivery to an index, so that
        documents sent before any `search reindex` are filterable and sortable as specified."""
        if (self.url, self.prefix + spec.name) not in self._settings_applied:
            self.apply_settings(spec)

    def _exists(self, spec: IndexSpec) -> bool:
        try:
            self.client.get_index(self.prefix + spec.name)
            return True
        except meilisearch.errors.MeilisearchApiError as exc:
            if getattr(exc, "code", None) == "index_not_found":
                return False
            raise

    @staticmethod
    def document(spec: IndexSpec, doc: Document) -> dict:
        text = {f.name: doc.text.get(f.name) or "" for f in spec.searchable}
        body: dict = {"id": doc.id, ORIGINAL: text}
        body.update({name: simplified(value) for name, value in text.items()})
        body.update({name: [str(v) for v in doc.terms.get(name) or []] for name in spec.filters})
        body.update({name: doc.numbers.get(name) for name in spec.numbers})
        return body

    def put_many(self, spec: IndexSpec, docs: Iterable[Document]) -> None:
        bodies = [self.document(spec, d) for d in docs]
        if bodies:
            self._wait(self.index(spec).add_documents(bodies, primary_key="id"))

    def delete_many(self, spec: IndexSpec, ids: list[str]) -> None:
        if ids:
            self._wait(self.index(spec).delete_documents(ids))

    def clear(self, spec: IndexSpec) -> None:
        self._wait(self.index(spec).delete_all_documents())

    def search(self, spec: IndexSpec, query: Query, parsed: ParsedQuery, now: datetime) -> Results:
        params: dict = {
            "page": query.page,
            "hitsPerPage": query.per_page,
            "facets": list(spec.filters) if query.facets else [],
            "attributesToRetrieve": ["id", ORIGINAL, *(f.name for f in spec.searchable)],
        }
        filters = filter_expression(spec, query, now)
        if filters:
            params["filter"] = filters
        if query.sort != RELEVANCE:
            option = spec.sorts[query.sort]
            params["sort"] = [f"{option.field}:{'desc' if option.descending else 'asc'}"]
        words = " ".join(query_words(query.text))
        answer = self.index(spec).search(words, params)
        marks = parsed.marks()
        hits = [self.hit(spec, h, marks) for h in answer.get("hits", [])]
        distribution = answer.get("facetDistribution") or {}
        facets = sorted_facets({name: dict(distribution.get(name) or {}) for name in spec.filters})
        # With page/hitsPerPage Meilisearch counts exhaustively (totalHits); with offset/limit it
        # estimates (estimatedTotalHits), which the results then say.
        estimated = "totalHits" not in answer
        total = answer.get("totalHits", answer.get("estimatedTotalHits", len(hits)))
        return Results(
            hits,
            int(total),
            query.page,
            query.per_page,
            facets,
            engine=self.name,
            estimated=estimated and "estimatedTotalHits" in answer,
        )

    @staticmethod
    def hit(spec: IndexSpec, found: dict, marks: set[str]) -> Hit:
        """A Meilisearch hit as the embedded engine gives it: the text as written, highlighted."""
        original = found.get(ORIGINAL) or {}
        data = {f.name: original.get(f.name, found.get(f.name)) or "" for f in spec.searchable}
        return Hit(str(found["id"]), data, spec.highlights(data, marks))
