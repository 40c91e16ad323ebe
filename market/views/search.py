"""The search results page: one box for every index, facets as links, highlights, sort, pages.

Works without JavaScript; `static/suggest.js` only adds suggestions while typing.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import select

from market import regions, search
from market.labels import label
from market.models import ServiceItem
from market.search.registry import RELEVANCE, RELEVANCE_LABEL, IndexSpec, Query
from market.web import db, lang, localized

bp = Blueprint("search", __name__)

DEFAULT_INDEX = "agencies"


def facet_labels(field: str, values: list[str]) -> dict[str, str]:
    """What a facet value says to the reader: a service item's name, a translated code…"""
    if field == "service_item":
        items = db().exec(select(ServiceItem).where(ServiceItem.code.in_(values))).all()
        names = {i.code: localized(i, "name") for i in items}
        return {v: names.get(v, v) for v in values}
    if field == "region":
        return {
            v: regions.name(region.code) if (region := regions.by_prefix(v)) else v for v in values
        }
    if field == "department_commissioned":
        return {
            v: gettext("commissioned by the department")
            if v == "true"
            else gettext("bought by the applicant")
            for v in values
        }
    # Codes (a category, a method, a funding) are shown by their translated labels.
    return {v: gettext(label(v)) for v in values}


def hit_view(spec: IndexSpec, hit) -> dict:
    endpoint, args = spec.link(hit) if spec.link else (None, {})
    title_field = spec.title_en if lang() == "en" and spec.title_en else spec.title
    suffix = "_" + lang()
    snippets = [
        hit.highlights[name]
        for name in spec.snippets
        if not name.endswith(("_zh", "_en")) or name.endswith(suffix)
    ]
    return {
        "url": url_for(endpoint, **args) if endpoint else None,
        "title": hit.highlights.get(title_field) or hit.data.get(title_field, ""),
        "snippets": [s for s in snippets if s],
        # An agency's honour-roll badge (a stored field of its document), None for anything else.
        "honour_roll_since": hit.data.get("honour_roll_since") or None,
    }


@bp.get("/search")
def results():
    name = request.args.get("index") or DEFAULT_INDEX
    if name not in search.REGISTRY:
        name = DEFAULT_INDEX
    spec = search.get_index(name)
    query = Query.from_args(request.args, spec, current_app.config["PAGE_SIZE"])
    found = search.search(db(), name, query)
    query = query.cleaned(spec)
    base = {"index": name, "q": query.text, "sort": query.sort, **query.filters}
    base = {k: v for k, v in base.items() if v not in ("", None, [])}
    labels = {
        f: facet_labels(f, [v for v, _n in found.facets.get(f, [])] + query.filters.get(f, []))
        for f in spec.filters
    }
    sorts = {RELEVANCE: RELEVANCE_LABEL, **{k: s.label for k, s in spec.sorts.items()}}
    return render_template(
        "market/search.html",
        spec=spec,
        name=name,
        query=query,
        results=found,
        hits=[hit_view(spec, h) for h in found.hits],
        base=base,
        labels=labels,
        sorts=sorts,
        indexes=[search.get_index(n) for n in search.REGISTRY],
        with_value=_with_value,
        without_value=_without_value,
    )


def _with_value(base: dict, field: str, value: str) -> dict:
    args = {k: (list(v) if isinstance(v, list) else v) for k, v in base.items()}
    args[field] = [*args.get(field, []), value]
    return args


def _without_value(base: dict, field: str, value: str) -> dict:
    args = {k: (list(v) if isinstance(v, list) else v) for k, v in base.items()}
    args[field] = [v for v in args.get(field, []) if v != value]
    if not args[field]:
        del args[field]
    return args
