"""The service catalog: seeding from the checked data, reading, and audited edits by operators."""

from __future__ import annotations

import unicodedata

from sqlmodel import Session, col, select

from market import audit, clock, search
from market.accounts import require_kind
from market.catalog_data import QUALIFICATION_TYPES, SERVICE_ITEMS
from market.models import OrgKind, ServiceItem, User
from market.models.catalog import CATEGORIES, FEE_STANDARDS
from market.search.registry import MAX_PER_PAGE
from market.validation import N_, Checker, NotFound

TEXT_FIELDS = {
    # field: (max length, multiline)
    "name_zh": (100, False),
    "name_en": (100, False),
    "approval_item_zh": (200, False),
    "approval_item_en": (200, False),
    "approving_department_zh": (200, False),
    "approving_department_en": (200, False),
    "legal_basis_zh": (2000, True),
    "legal_basis_en": (2000, True),
    "conditions_zh": (2000, True),
    "conditions_en": (2000, True),
    "fee_note_zh": (2000, True),
    "fee_note_en": (2000, True),
}


def seed_catalog(session: Session) -> int:
    """Insert the catalog items that are missing (by code); returns how many were added."""
    existing = set(session.exec(select(ServiceItem.code)))
    now = clock.now()
    added = 0
    new_items = []
    for data in SERVICE_ITEMS:
        if data["code"] in existing:
            continue
        new_items.append(ServiceItem(created_at=now, updated_at=now, **data))
        session.add(new_items[-1])
        added += 1
    session.flush()
    search.index_many(session, "service-items", [item.id for item in new_items])
    if added:
        audit.record(session, "catalog.seeded", "service_item", "*", {"added": added})
    return added


def list_items(
    session: Session, category: str | None = None, q: str | None = None
) -> list[ServiceItem]:
    """The catalog by category and code; with words `q`, the items the search port finds for
    them (Chinese segmented, synonyms, any syntax taken as plain words), in its relevance order."""
    if q:
        return search_items(session, q, category)
    query = select(ServiceItem)
    if category:
        query = query.where(ServiceItem.category == category)
    return list(session.exec(query.order_by(ServiceItem.category, ServiceItem.code)))


def search_items(session: Session, q: str, category: str | None = None) -> list[ServiceItem]:
    """Every item of the "service-items" index matching `q` (and `category`), best first."""
    filters = {"category": [category]} if category else {}
    ids: list[int] = []
    page, pages = 1, 1
    while page <= pages:  # the catalog page is not paged: gather every page of results
        found = search.search(
            session,
            "service-items",
            search.Query(q, filters, page=page, per_page=MAX_PER_PAGE, facets=False),
        )
        ids += [int(hit.id) for hit in found.hits]
        page, pages = page + 1, found.pages
    by_id = {
        item.id: item
        for item in session.exec(select(ServiceItem).where(col(ServiceItem.id).in_(ids)))
    }
    return [by_id[i] for i in ids if i in by_id]


def get_item(session: Session, code: str) -> ServiceItem:
    item = session.exec(select(ServiceItem).where(ServiceItem.code == code)).first()
    if item is None:
        raise NotFound()
    return item


def _lines(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def update_item(session: Session, actor: User, code: str, data: dict) -> ServiceItem:
    """An operator edits an item; the audit event records each changed field, old and new."""
    require_kind(session, actor, OrgKind.operator)
    item = get_item(session, code)
    checker = Checker()
    changes: dict[str, object] = {}
    for name, (max_length, multiline) in TEXT_FIELDS.items():
        if name in data:
            changes[name] = checker.text(
                name, data[name], max_length=max_length, multiline=multiline, markup=multiline
            )
    if "category" in data:
        if data["category"] not in CATEGORIES:
            checker.add("category", N_("Unknown service category."))
        changes["category"] = data["category"]
    if "fee_standard" in data:
        if data["fee_standard"] not in FEE_STANDARDS:
            checker.add("fee_standard", N_("Choose market or government-guided pricing."))
        changes["fee_standard"] = data["fee_standard"]
    if "time_limit_wd" in data:
        changes["time_limit_wd"] = checker.integer(
            "time_limit_wd", data["time_limit_wd"], minimum=1, maximum=365
        )
    for name in ("workflow_zh", "workflow_en"):
        if name in data:
            steps = _lines(data[name])
            if not steps:
                checker.add(name, N_("List at least one workflow step, one per line."))
            elif len(steps) > 20 or any(len(s) > 200 for s in steps):
                checker.add(name, N_("At most 20 steps of at most 200 characters."))
            changes[name] = steps
    if "department_commissioned" in data:
        changes["department_commissioned"] = bool(data["department_commissioned"])
    if (
        changes.get("workflow_zh")
        and changes.get("workflow_en")
        and len(changes["workflow_zh"]) != len(changes["workflow_en"])
    ):
        checker.add("workflow_en", N_("The English workflow needs as many steps as the Chinese."))
    checker.raise_if_any()
    diff = {}
    for name, value in changes.items():
        old = getattr(item, name)
        if old != value:
            diff[name] = {"old": old, "new": value}
            setattr(item, name, value)
    if diff:
        item.updated_at = clock.now()
        session.add(item)
        audit.record(
            session,
            "service_item.updated",
            "service_item",
            item.code,
            diff,
            actor_user_id=actor.id,
            actor_org_id=actor.organization_id,
        )
        search.index(session, "service-items", item.id)
    return item


# --- qualification types -----------------------------------------------------------------------

TYPES_BY_CODE: dict[str, dict] = {t["code"]: t for t in QUALIFICATION_TYPES}


def qualification_type(code: str | None) -> dict | None:
    return TYPES_BY_CODE.get(code or "")


def grade_codes(type_code: str | None) -> list[str]:
    """The grades of a type, highest first (empty: the type has no grades)."""
    t = qualification_type(type_code)
    return [g["code"] for g in t["grades"]] if t else []


def grade_meets(type_code: str, grade: str | None, minimum: str | None) -> bool:
    """Whether `grade` of type `type_code` is `minimum` or higher (no minimum: any grade)."""
    if not minimum:
        return True
    order = grade_codes(type_code)
    if grade not in order or minimum not in order:
        return False
    return order.index(grade) <= order.index(minimum)


def grade_name(type_code: str | None, grade: str | None, lang: str = "zh") -> str:
    t = qualification_type(type_code)
    for g in t["grades"] if t else []:
        if g["code"] == grade:
            return g[f"name_{lang}"]
    return ""


def type_label(type_code: str | None, grade: str | None = None, lang: str = "zh") -> str:
    """ "测绘资质 甲级" / "Surveying and mapping qualification, grade A"."""
    t = qualification_type(type_code)
    if t is None:
        return type_code or ""
    name = t[f"name_{lang}"]
    g = grade_name(type_code, grade, lang)
    return (f"{name} {g}" if lang == "zh" else f"{name}, {g}") if g else name


def parse_requirement(value: str) -> tuple[str, str | None]:
    """A task's requirement "type" or "type:minimum grade" as (type, minimum grade or None)."""
    code, _, minimum = str(value).partition(":")
    return code, minimum or None


def requirement_label(value: str, lang: str = "zh") -> str:
    code, minimum = parse_requirement(value)
    if qualification_type(code) is None:
        return value  # a free-text requirement migration 0009 could not match
    label = type_label(code, lang=lang)
    grades = grade_codes(code)
    if minimum and grades and minimum != grades[-1]:
        g = grade_name(code, minimum, lang)
        return f"{label}（{g}及以上）" if lang == "zh" else f"{label}, {g} or higher"
    return label


def requirement_choices(item: ServiceItem | None, lang: str = "zh") -> list[tuple[str, str]]:
    """What a task for `item` may require: each legal type, and each minimum grade above its
    lowest (the lowest grade is any grade)."""
    out: list[tuple[str, str]] = []
    for q in item.required_qualifications if item else []:
        code = q.get("type")
        if not code or qualification_type(code) is None or any(c == code for c, _ in out):
            continue
        out.append((code, requirement_label(code, lang)))
        for g in grade_codes(code)[:-1]:
            out.append((f"{code}:{g}", requirement_label(f"{code}:{g}", lang)))
    return out


_GRADE_WORDS = {
    "甲级": "A",
    "甲": "A",
    "乙级": "B",
    "乙": "B",
    "一级": "1",
    "一类": "1",
    "二级": "2",
    "二类": "2",
    "三级": "3",
}


def normalized(text: str) -> str:
    """NFKC (full-width brackets and digits made plain), without spaces."""
    return unicodedata.normalize("NFKC", "".join(str(text).split()))


def match_free_text(name: str) -> tuple[str | None, str | None]:
    """The type and grade a free-text qualification name states, as far as it states them:
    (None, None) when no type's words appear in it; the grade when the name holds exactly one of
    the type's grades ("测绘资质证书（甲级）" is surveying, grade A)."""
    text = normalized(name)
    found = None
    for t in QUALIFICATION_TYPES:
        if any(normalized(n) in text for n in t["names"]):
            found = t
            break
    if found is None:
        return None, None
    codes = {g["code"] for g in found["grades"]}
    stated = {code for word, code in _GRADE_WORDS.items() if word in text and code in codes}
    # One grade named: that grade; none, or several ("甲级或乙级"): the agency chooses.
    return found["code"], stated.pop() if len(stated) == 1 else None
