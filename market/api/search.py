"""Search in the JSON API: `GET /agencies?q=…` and `GET /service-items?q=…` (same parameters as
the results page) and `GET /search/suggest` for suggestions while typing."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext
from pydantic import BaseModel
from sqlmodel import select

from market import agencies, search, serializers, task_queries
from market.api import api
from market.api.openapi import operation
from market.models import Organization, ServiceItem, Task
from market.search.registry import MAX_PER_PAGE, Query
from market.search.text import MAX_QUERY_CHARS
from market.web import db, lang

SUGGEST_LIMIT = 5


class Suggestion(BaseModel):
    index: str
    #: The index's name for the reader ("Agencies", "机构").
    index_label: str
    id: str
    title: str
    #: The title as HTML: escaped, matches in <mark>.
    title_html: str
    url: str | None


class SuggestionList(BaseModel):
    items: list[Suggestion]


def search_query_docs(name: str) -> dict[str, str]:
    """Query parameters of a searchable list, for the OpenAPI document."""
    spec = search.get_index(name)
    docs = {
        "q": "words to search (Chinese segmented, inner words and synonyms match); with q "
        "the list is a search: sort, page and facets apply",
        "sort": "with q: " + " | ".join(["relevance", *spec.sorts]),
        "page": "with q: page number (or pass next_cursor as cursor)",
    }
    for field in spec.filters:
        docs.setdefault(field, f"filter on {field} (repeatable: any of the values)")
    for field, state in spec.states.items():
        docs[field] = f"with q: {field} now, one of " + " | ".join(state.options)
    return docs


def search_page(name: str, serialize) -> tuple:
    """One page of search results: items in relevance (or the chosen) order, with highlights,
    the facet counts and which engine answered."""
    spec = search.get_index(name)
    args = request.args.copy()
    if "cursor" in args and "page" not in args:
        args["page"] = args["cursor"]
    try:
        per_page = max(1, min(MAX_PER_PAGE, int(args.get("limit", 20))))
    except ValueError:
        per_page = 20
    query = Query.from_args(args, spec, per_page)
    found = search.search(db(), name, query)
    records = serialize([hit.id for hit in found.hits])
    items = []
    for hit in found.hits:
        if hit.id in records:
            items.append(
                {
                    **records[hit.id],
                    "highlights": {field: str(html) for field, html in hit.highlights.items()},
                }
            )
    more = found.page < found.pages
    return jsonify(
        {
            "items": items,
            "total": found.total,
            "total_estimated": found.estimated,
            "page": found.page,
            "next_cursor": str(found.page + 1) if more else None,
            "facets": {
                f: [{"value": v, "count": n} for v, n in values]
                for f, values in found.facets.items()
            },
            "engine": found.engine,
            "fallback": found.fallback,
            "no_terms": found.no_terms,
        }
    )


def agencies_by_id(ids: list[str]) -> dict[str, dict]:
    orgs = db().exec(select(Organization).where(Organization.id.in_([int(i) for i in ids]))).all()
    return {str(c.org.id): serializers.agency(c) for c in agencies.load_cards(db(), list(orgs))}


def service_items_by_id(ids: list[str]) -> dict[str, dict]:
    items = db().exec(select(ServiceItem).where(ServiceItem.id.in_([int(i) for i in ids]))).all()
    return {str(i.id): serializers.service_item(i) for i in items}


@operation(
    api,
    "/search/suggest",
    "GET",
    summary="Suggestions while typing: the best few "
    "agencies and service items for the words so far (the last word may be incomplete)",
    tag="search",
    response=SuggestionList,
    query={"q": "what has been typed", "limit": f"per index, 1–{SUGGEST_LIMIT * 2}"},
)
def search_suggest():
    text = (request.args.get("q") or "")[:MAX_QUERY_CHARS]
    try:
        limit = max(1, min(SUGGEST_LIMIT * 2, int(request.args.get("limit", SUGGEST_LIMIT))))
    except ValueError:
        limit = SUGGEST_LIMIT
    items = []
    if text.strip():
        for spec, hit in search.suggest(db(), text, limit):
            title_field = spec.title_en if lang() == "en" and spec.title_en else spec.title
            endpoint, url_args = spec.link(hit) if spec.link else (None, {})
            items.append(
                {
                    "index": spec.name,
                    "index_label": gettext(spec.label),
                    "id": hit.id,
                    "title": hit.data.get(title_field, ""),
                    "title_html": str(hit.highlights.get(title_field, "")),
                    "url": url_for(endpoint, **url_args) if endpoint else None,
                }
            )
    return jsonify({"items": items})


def tasks_by_id(ids: list[str]) -> dict[str, dict]:
    rows = db().exec(select(Task).where(Task.id.in_([int(i) for i in ids]))).all()
    return {str(t.id): task_queries.describe(db(), t) for t in rows if t.published_at}
