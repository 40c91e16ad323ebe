"""Demo data for every role, loaded by `flask --app wsgi seed demo` (README lists the logins).

The core's share is `load_demo`; upper packages add theirs (bidding: a task at every stage) with
`register(app, part)`, without market importing them; `load_all` runs the core's, then each part,
in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlmodel import Session, select

from market import accounts, agencies, catalog, clock, holidays, outages, relations, tasks
from market.models import Organization, Qualification, User

DEMO_PASSWORD = "demo-password-2026"
#: Fixed so the README can document them; `flask --app wsgi accounts totp EMAIL` prints a code.
DEMO_TOTP = {
    "operator@demo.zjm": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "regulator@demo.zjm": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
}

DEMO_DISABLED_REASON = "已调离专家库，账号停用（演示数据）"

#: A made-up resident identity card number (valid checksum) of 王立新, who represents two demo
#: agencies: declared by both, verified by the demo regulator, so their bids on one task are both
#: invalid at opening (docs/rules.md §5). Never shown by the platform, which keeps only its HMAC.
DEMO_REPRESENTATIVE_ID = "220104198506120316"

AGENCIES = [
    {
        "name": "吉林绿源环境科技有限公司",
        "uscc": "91220101MA0Y4Q6X33",
        "legal_representative": "王立新",
        "representative_id": DEMO_REPRESENTATIVE_ID,
        "region_code": "220102",
        "address": "长春市南关区人民大街 1000 号",
        "email": "agency@demo.zjm",
        "description": "专注建设项目环境影响评价与水土保持方案编制。",
        "services": [
            ("EIA-REPORT", 30, "环境影响报告书编制及技术答疑", 80000_00, 300000_00),
            ("EIA-FORM", 15, "环境影响报告表编制", 20000_00, 80000_00),
            ("SWC-PLAN", 20, "水土保持方案报告书编制", 30000_00, 120000_00),
        ],
        "professionals": [("李明", "环境影响评价工程师", "HP00012345")],
        "qualifications": [],
    },
    {
        "name": "长春市精诚测绘有限公司",
        "uscc": "91220102MA17X8Y2K8",
        "legal_representative": "赵刚",
        "region_code": "220103",
        "address": "长春市宽城区北京大街 88 号",
        "email": "survey@demo.zjm",
        "description": "甲级测绘资质，承接工程测量、不动产测绘、土地勘测定界。",
        "services": [("SURVEYING-MAPPING", 10, "工程测量与地形图测绘", 10000_00, 200000_00)],
        "professionals": [("孙丽", "注册测绘师", "CH2019000321")],
        "qualifications": [
            {
                "type": "surveying",
                "grade": "A",
                "scope": "工程测量、不动产测绘、界线与不动产测绘",
                "certificate_no": "甲测资字22100001",
                "issuer": "自然资源部",
                "valid_from": "2024-12-31",
                "valid_until": "2029-12-31",
            }
        ],
    },
    {
        "name": "吉林省正衡工程造价咨询有限公司",
        "uscc": "91220104MA0Y7JL5XH",
        "legal_representative": "周敏",
        "region_code": "220202",  # 吉林市, so the directory's region filter has two cities to show
        "address": "吉林市昌邑区解放北路 66 号",
        "email": "cost@demo.zjm",
        "description": "工程造价咨询、预结算审核。",
        "services": [("COST-CONSULTING", 15, "投资估算、概算、预算编制与审核", 5000_00, 150000_00)],
        "professionals": [("吴强", "一级注册造价工程师", "建[造]12220000123")],
        "qualifications": [],
    },
    {
        # The same legal representative as 吉林绿源环境科技有限公司 (verified identities).
        "name": "吉林绿源生态工程有限公司",
        "uscc": "91220101MA0Y8LR3Q7",
        "legal_representative": "王立新",
        "representative_id": DEMO_REPRESENTATIVE_ID,
        "region_code": "220102",
        "address": "长春市南关区人民大街 1002 号",
        "email": "ecology@demo.zjm",
        "description": "水土保持方案编制与生态修复咨询。",
        "services": [("SWC-PLAN", 20, "水土保持方案报告书编制", 25000_00, 100000_00)],
        "professionals": [("郑华", "水土保持方案编制人员", "SB2020001")],
        "qualifications": [],
    },
    {
        # Controlled by 长春市精诚测绘有限公司, as a regulator recorded.
        "name": "长春精诚地理信息有限公司",
        "uscc": "91220102MA17Y9X4P0",
        "legal_representative": "钱进",
        "region_code": "220103",
        "address": "长春市宽城区北京大街 90 号",
        "email": "geo@demo.zjm",
        "description": "地理信息数据处理、不动产测绘。",
        "services": [("SURVEYING-MAPPING", 12, "不动产测绘与地理信息数据处理", 8000_00, 150000_00)],
        "professionals": [("冯涛", "注册测绘师", "CH2020000456")],
        # Declared before qualifications had types: the agency is asked to choose its type.
        "qualifications": [
            {
                "name": "地理信息系统工程专业资质",
                "certificate_no": "乙测资字22100456",
                "issuer": "吉林省自然资源厅",
                "valid_until": "2028-06-30",
            }
        ],
    },
]

#: A relation of control the demo regulator recorded, with its basis: bids of both on one task
#: are invalid at opening.
DEMO_RELATION = {
    "kind": relations.HOLDING,
    "first_uscc": "91220102MA17X8Y2K8",
    "second_uscc": "91220102MA17Y9X4P0",
    "basis": "国家企业信用信息公示系统股东信息：长春市精诚测绘有限公司持股 80%（演示数据）",
}


def _agency_data(a: dict) -> dict:
    return {
        "name": a["name"],
        "uscc": a["uscc"],
        "legal_representative": a["legal_representative"],
        "region_code": a["region_code"],
        "address": a["address"],
        "description": a["description"],
        "contact_name": a["legal_representative"],
        "contact_phone": "0431-80000000",
        "contact_email": a["email"],
        "services": [
            {
                "service_item": code,
                "commitment_days": days,
                "commitment_scope": scope,
                "price_min_fen": low,
                "price_max_fen": high,
            }
            for code, days, scope, low, high in a["services"]
        ],
        "professionals": [
            {"name": n, "certificate": c, "certificate_no": no} for n, c, no in a["professionals"]
        ],
        "qualifications": a["qualifications"],
        "representative_id_number": a.get("representative_id"),
        "commitment": True,
        "user_name": a["legal_representative"],
        "email": a["email"],
        "password": DEMO_PASSWORD,
    }


#: The staff accounts: kind, organization, e-mail, region, expert categories, regulator regions.
STAFF = [
    ("operator", "平台运行机构（演示）", "operator@demo.zjm", "220000", [], []),
    ("regulator", "吉林省发展和改革委员会（演示监管）", "regulator@demo.zjm", "220000", [], ["22"]),
    ("department", "长春市生态环境局（演示）", "department@demo.zjm", "220100", [], []),
    ("expert", "陈专家", "expert@demo.zjm", "220100", ["environment", "water"], []),
    # A scoring panel has three members drawn from the category's pool.
    ("expert", "林专家", "expert2@demo.zjm", "220100", ["environment"], []),
    ("expert", "高专家", "expert3@demo.zjm", "220100", ["environment"], []),
]


def _create_staff(session: Session, staff: list[tuple]) -> dict[str, User]:
    created: dict[str, User] = {}
    for kind, name, email, region, categories, prefixes in staff:
        user, _ = accounts.create_by_operator(
            session,
            None,
            {
                "kind": kind,
                "name": name,
                "region_code": region,
                "categories": categories,
                "region_prefixes": prefixes,
                "user_name": name,
                "email": email,
                "password": DEMO_PASSWORD,
            },
            from_cli=True,
        )
        if email in DEMO_TOTP:
            user.totp_secret = DEMO_TOTP[email]
            session.add(user)
        created.setdefault(kind, user)
    return created


def load_demo(session: Session) -> str:
    if session.exec(select(User.id).where(User.email == "operator@demo.zjm")).first():
        # Demo data of an earlier version: the staff accounts added since (experts) are added.
        known = set(session.exec(select(User.email).where(User.email.in_([s[2] for s in STAFF]))))
        missing = [s for s in STAFF if s[2] not in known]
        if missing:
            _create_staff(session, missing)
            return f"demo data already loaded ({len(missing)} staff accounts added)"
        return "demo data already loaded"
    added = catalog.seed_catalog(session)
    holidays.import_official(session)
    created = _create_staff(session, STAFF)
    # An expert who left the pool: disabled by the operator, with the reason (audited).
    former, _ = accounts.create_by_operator(
        session,
        None,
        {
            "kind": "expert",
            "name": "王专家（已停用）",
            "region_code": "220100",
            "categories": ["environment"],
            "region_prefixes": [],
            "user_name": "王专家",
            "email": "former-expert@demo.zjm",
            "password": DEMO_PASSWORD,
        },
        from_cli=True,
    )
    session.flush()
    accounts.disable_user(session, created["operator"], former.id, DEMO_DISABLED_REASON)
    enterprise = accounts.register_enterprise(
        session,
        {
            "name": "长春示范新材料有限公司",
            "uscc": "91220106MA15AB3C42",
            "legal_representative": "刘洋",
            "region_code": "220106",
            "user_name": "刘洋",
            "email": "enterprise@demo.zjm",
            "password": DEMO_PASSWORD,
        },
    )
    for a in AGENCIES:
        agencies.register_agency(session, _agency_data(a))
    session.flush()
    _related_agencies(session, created["regulator"])
    _direct_task(session)
    _verified_qualifications(session, created["regulator"])
    _surveying_task(session, enterprise)
    _profile_change(session)
    _past_outage(session, created["operator"])
    return f"demo data loaded ({added} service items, {len(AGENCIES)} agencies)"


#: The demo's past outage notice (docs/rules.md §4, outage).
DEMO_OUTAGE_REASON = "机房供电故障，平台约两小时无法访问（演示）。"


def _past_outage(session: Session, operator: User) -> None:
    """A published notice of an outage a month ago, extended by 1 wd: no deadline of the demo fell
    in it, so it moved none, and the public /notices page shows it."""
    ended = clock.now() - timedelta(days=30)
    outages.record(
        session,
        operator,
        {
            "started_at": (ended - timedelta(hours=2)).isoformat(),
            "ended_at": ended.isoformat(),
            "reason": DEMO_OUTAGE_REASON,
            "extension_wd": 1,
        },
    )


def _related_agencies(session: Session, regulator: User) -> None:
    """Related agencies for the demo regulator's page and any task both bid on: the two identities
    of 王立新 verified, and the relation of control recorded."""
    for a in AGENCIES:
        if a.get("representative_id"):
            org = session.exec(select(Organization).where(Organization.uscc == a["uscc"])).one()
            relations.verify_identity(
                session,
                regulator,
                org.id,
                "resident_id",
                a["representative_id"],
                "营业执照与法定代表人身份证原件核对一致（演示数据）",
            )
    relations.record_relation(session, regulator, DEMO_RELATION)


#: An open task that requires the surveying qualification at grade A (甲级), which the demo
#: surveying agency holds at grade A, verified by the demo regulator.
DEMO_SURVEYING_TASK = {
    "service_item": "SURVEYING-MAPPING",
    "title": "示范新材料厂区 1:500 地形图测绘",
    "description": "厂区约 12 公顷 1:500 数字地形图测绘，提交成果报告及电子数据。",
    "funding": "private",
    "method": "lowest_price",
    "price_cap_fen": 60000_00,
    "min_bids": 1,
    "service_days": 20,
    "bidding_wd": 5,
    "required_qualifications": ["surveying:A"],
}


def _verified_qualifications(session: Session, regulator: User) -> None:
    """The demo regulator verified the surveying agency's structured qualification."""
    org = session.exec(select(Organization).where(Organization.uscc == "91220102MA17X8Y2K8")).one()
    for q in session.exec(select(Qualification).where(Qualification.organization_id == org.id)):
        agencies.verify_qualification(session, regulator, q.id)


#: The demo environmental agency moved, changed its phone and a price, added a professional: its public profile's
#: history shows the new address, that the (private) phone changed, and the new price.
DEMO_NEW_ADDRESS = "长春市南关区人民大街 2000 号 B 座"


def _profile_change(session: Session) -> None:
    org = session.exec(select(Organization).where(Organization.uscc == "91220101MA0Y4Q6X33")).one()
    user = session.exec(select(User).where(User.email == "agency@demo.zjm")).one()
    fields = {name: getattr(org, name) for name in agencies.PROFILE_FIELDS}
    fields.update(address=DEMO_NEW_ADDRESS, contact_phone="0431-80001234")
    agencies.change_profile(session, user, org.id, fields)
    # ... and raised the top of its price range for environmental impact report forms.
    agencies.change_service(
        session,
        user,
        org.id,
        "EIA-FORM",
        {
            "commitment_days": 15,
            "commitment_scope": "环境影响报告表编制",
            "price_min_fen": 20000_00,
            "price_max_fen": 90000_00,
        },
    )
    # ... and registered one more professional.
    agencies.add_professional(
        session,
        user,
        org.id,
        {"name": "陈静", "certificate": "环境影响评价工程师", "certificate_no": "HP00067890"},
    )


def _surveying_task(session: Session, enterprise: User) -> None:
    draft = tasks.create_draft(session, enterprise, DEMO_SURVEYING_TASK)
    tasks.publish(session, enterprise, draft.number)


#: A direct selection (社会资金) the demo enterprise publishes, inviting 吉林绿源环境科技有限公司
#: (agency@demo.zjm), whose invitation stays pending until the deadline, 3 working days after
#: the seed: log in as the agency to accept or decline it (docs/rules.md §5).
DEMO_DIRECT_TASK = {
    "service_item": "EIA-FORM",
    "title": "长春示范新材料有限公司厂房扩建项目环境影响报告表编制（直接选取）",
    "description": "编制厂房扩建项目环境影响报告表，并配合完成技术评估答疑。",
    "funding": "private",
    "method": "direct",
    "price_cap_fen": 60000_00,
    "service_days": 30,
    "bidding_wd": 3,
}


def _direct_task(session: Session) -> None:
    """The demo enterprise's direct selection; publishing it makes the invitation (bidding
    connects the handler that does, as for every published direct task)."""
    enterprise = session.exec(select(User).where(User.email == "enterprise@demo.zjm")).one()
    invited = session.exec(
        select(Organization).where(Organization.uscc == AGENCIES[0]["uscc"])
    ).one()
    draft = tasks.create_draft(
        session, enterprise, {**DEMO_DIRECT_TASK, "invited_agency_id": invited.id}
    )
    tasks.publish(session, enterprise, draft.number)


#: Where upper packages' demo parts are kept on the app.
PARTS = "market.demo_parts"


def register(app: Flask, part: Callable[[Session], str]) -> None:
    """Add a package's share of the demo: `part(session)` runs after the core's, in its
    transaction, is idempotent, and returns a line saying what it did."""
    app.extensions.setdefault(PARTS, []).append(part)


def load_all(app: Flask, session: Session) -> list[str]:
    """The core's demo data, then every registered part's (`seed demo`)."""
    lines = [load_demo(session)]
    session.flush()
    lines.extend(part(session) for part in app.extensions.get(PARTS, []))
    return lines
