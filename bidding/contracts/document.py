"""The contract document the platform generates when the applicant uploads none (docs/rules.md
§4): a plain-text Jinja template per service category under
`templates/bidding/contracts/documents/` (`<category>.txt`, else `default.txt`), filled with the
parties, the task, the price in yuan and in Chinese capitals, the service period, the acceptance
terms and the award notice's number. The text is in Chinese whatever the reader's language — it is
the document both sides sign — and its SHA-256 is that of its UTF-8 bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from sqlmodel import Session

from bidding.models import Award, Contract
from bidding.policy import BiddingPolicy
from market import regions
from market.config import ROOT
from market.models import Organization, ServiceItem, Task
from market.models.tasks import Funding
from market.validation import yuan_text

FOLDER = ROOT / "templates" / "bidding" / "contracts" / "documents"
DEFAULT = "default.txt"

_ENV = Environment(
    loader=FileSystemLoader(str(FOLDER)),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "万亿")


def _integer_capitals(n: int) -> str:
    if n == 0:
        return _DIGITS[0]
    text, out, zero, group_nonzero = str(n), [], False, False
    for i, ch in enumerate(text):
        place, digit = len(text) - 1 - i, int(ch)
        if digit == 0:
            zero = True
        else:
            if zero and out:
                out.append(_DIGITS[0])
            zero = False
            out.append(_DIGITS[digit] + _SMALL[place % 4])
            group_nonzero = True
        if place % 4 == 0 and place > 0:
            if group_nonzero:
                out.append(_BIG[place // 4])
            group_nonzero = False
    return "".join(out)


def yuan_in_capitals(fen: int) -> str:
    """An amount of fen in Chinese financial capitals (大写), as contracts write it:
    1 234 567 fen → 壹万贰仟叁佰肆拾伍元陆角柒分; 1 000 000 fen → 壹万元整."""
    if fen < 0:
        raise ValueError("a contract's amount is never negative")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    out = f"{_integer_capitals(yuan)}元" if yuan or not rest else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan and cents:
        out += _DIGITS[0]
    if cents:
        out += _DIGITS[cents] + "分"
    else:
        out += "整"
    return out


@dataclass(frozen=True)
class Generated:
    text: str
    sha256: str
    template: str


def _party(org: Organization) -> dict:
    return {
        "name": org.name,
        "uscc": org.uscc or "",
        "legal_representative": org.legal_representative or "",
        "address": org.address or (regions.name(org.region_code) if org.region_code else ""),
    }


def generate(session: Session, contract: Contract, policy: BiddingPolicy) -> Generated:
    """The generated document of `contract`, with its SHA-256."""
    task = session.get(Task, contract.task_id)
    award = session.get(Award, contract.award_id)
    item = session.get(ServiceItem, task.service_item_id)
    try:
        template = _ENV.get_template(f"{item.category}.txt")
    except TemplateNotFound:
        template = _ENV.get_template(DEFAULT)
    text = template.render(
        applicant=_party(session.get(Organization, contract.applicant_org_id)),
        agency=_party(session.get(Organization, contract.agency_id)),
        task={"number": task.number, "title": task.title, "description": task.description},
        service_item={"code": item.code, "name": item.name_zh},
        price_yuan=yuan_text(contract.price_fen),
        price_capitals=yuan_in_capitals(contract.price_fen),
        service_days=contract.service_days,
        notice_number=award.notice_number or "",
        acceptance_report=task.funding in (Funding.budget, Funding.state_owned),
        budget=task.funding == Funding.budget,
        acceptance_wd=policy.acceptance_wd,
        max_revision_rounds=policy.max_revision_rounds,
        payment_days=policy.budget_payment_days,
        contract_id=contract.id,
    )
    return Generated(text, hashlib.sha256(text.encode("utf-8")).hexdigest(), template.name)
