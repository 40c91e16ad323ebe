"""qualification types: declared qualifications and task requirements name a type of the
catalog (with a grade and a scope where the type has them) instead of free text

Existing free-text declarations are matched to a type by their name, with the grade when the
name states exactly one; what matches no type keeps its text and no type, which asks its agency to
choose one (and counts for no task until it does). The service items' legal requirements get their
type, and each task's requirements (catalog names) become the type codes of its item; a name that
matches nothing is kept as written and shown to the applicant as needing a type.

The words and grades below are a frozen copy of `market.catalog_data.QUALIFICATION_TYPES` as of
this revision, so this migration means the same thing however the catalog changes later.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: (type code, grade codes highest first, words that identify the type in a name)
TYPES = [
    ("eia-engineer", [], ["环境影响评价工程师", "环评工程师"]),
    ("geo-hazard", ["A", "B"], ["地质灾害防治单位资质", "地质灾害评估", "地质灾害危险性评估"]),
    ("safety-evaluation", [], ["安全评价机构资质", "安全评价资质"]),
    ("occupational-health", [], ["职业卫生技术服务机构资质", "放射卫生技术服务机构资质"]),
    ("drawing-review-agency", ["1", "2"], ["施工图审查机构"]),
    ("drawing-reviewer", [], ["审查人员注册执业资格"]),
    ("cost-engineer", ["1", "2"], ["注册造价工程师", "造价工程师"]),
    ("surveying", ["A", "B"], ["测绘资质"]),
    ("fire-engineer", ["1", "2"], ["注册消防工程师", "消防工程师"]),
    ("fire-operator", [], ["消防设施操作员"]),
    ("real-estate-appraisal-firm", ["1", "2", "3"], ["房地产估价机构"]),
    ("real-estate-appraiser", [], ["注册房地产估价师", "房地产估价师"]),
    ("lightning-testing", ["A", "B"], ["雷电防护装置检测资质", "防雷检测资质"]),
    ("engineering-consulting", ["A", "B"], ["工程咨询单位资信", "工程咨询资信"]),
]
GRADE_WORDS = {
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


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", "".join(str(text).split()))


def match(name: str) -> tuple[str | None, str | None]:
    """(type, grade) a free-text name states: the first type one of whose words it contains, and
    the grade when the name holds exactly one of that type's grades."""
    text = _normalized(name)
    for code, grades, words in TYPES:
        if any(_normalized(w) in text for w in words):
            stated = {g for w, g in GRADE_WORDS.items() if w in text and g in grades}
            return code, stated.pop() if len(stated) == 1 else None
    return None, None


qualification = sa.table(
    "qualification",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("type_code", sa.String),
    sa.column("grade", sa.String),
)
serviceitem = sa.table(
    "serviceitem",
    sa.column("id", sa.Integer),
    sa.column("required_qualifications", sa.JSON),
)
task = sa.table(
    "task",
    sa.column("id", sa.Integer),
    sa.column("service_item_id", sa.Integer),
    sa.column("required_qualifications", sa.JSON),
)


def convert(conn) -> None:
    for row in conn.execute(sa.select(qualification.c.id, qualification.c.name)).all():
        code, grade = match(row.name)
        if code is not None:
            conn.execute(
                qualification.update()
                .where(qualification.c.id == row.id)
                .values(type_code=code, grade=grade)
            )
    names_by_item: dict[int, dict[str, str]] = {}
    for row in conn.execute(sa.select(serviceitem)).all():
        entries = [dict(q) for q in row.required_qualifications or []]
        for q in entries:
            code, _grade = match(q.get("name_zh", ""))
            if code is not None:
                q["type"] = code
        names_by_item[row.id] = {q["name_zh"]: q["type"] for q in entries if q.get("type")}
        conn.execute(
            serviceitem.update()
            .where(serviceitem.c.id == row.id)
            .values(required_qualifications=entries)
        )
    for row in conn.execute(sa.select(task)).all():
        names = names_by_item.get(row.service_item_id, {})
        old = list(row.required_qualifications or [])
        new = [names.get(n, n) for n in old]
        if new != old:
            conn.execute(
                task.update().where(task.c.id == row.id).values(required_qualifications=new)
            )


def revert(conn) -> None:
    """Back to catalog names: each task requirement's type becomes its item's name for it."""
    names_by_item: dict[int, dict[str, str]] = {}
    for row in conn.execute(sa.select(serviceitem)).all():
        entries = [dict(q) for q in row.required_qualifications or []]
        names_by_item[row.id] = {q["type"]: q["name_zh"] for q in entries if q.get("type")}
        for q in entries:
            q.pop("type", None)
        conn.execute(
            serviceitem.update()
            .where(serviceitem.c.id == row.id)
            .values(required_qualifications=entries)
        )
    for row in conn.execute(sa.select(task)).all():
        names = names_by_item.get(row.service_item_id, {})
        old = list(row.required_qualifications or [])
        new = [names.get(r.partition(":")[0], r) for r in old]
        if new != old:
            conn.execute(
                task.update().where(task.c.id == row.id).values(required_qualifications=new)
            )


def upgrade() -> None:
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("type_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("grade", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("scope", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rejected_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rejection_reason", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_qualification_rejected_by_user_id_user"),
            "user",
            ["rejected_by_user_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_qualification_type_code"), ["type_code"], unique=False)
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.alter_column("scope", server_default=None)
        batch_op.alter_column("rejection_reason", server_default=None)
    convert(op.get_bind())


def downgrade() -> None:
    revert(op.get_bind())
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_type_code"))
        batch_op.drop_constraint(
            batch_op.f("fk_qualification_rejected_by_user_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("rejected_by_user_id")
        batch_op.drop_column("rejected_at")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("scope")
        batch_op.drop_column("grade")
        batch_op.drop_column("type_code")
