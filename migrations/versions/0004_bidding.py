"""bidding: bids and receipts, draw seeds and draws, validity, panels, ranking and awards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("proposal_text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("credit_snapshot_milli", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_bid_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_bid_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid")),
        sa.UniqueConstraint("task_id", "agency_id", name=op.f("uq_bid_task_id_agency_id")),
    )
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bid_task_id"), ["task_id"], unique=False)

    op.create_table(
        "draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("picks", sa.JSON(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_draw_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw")),
        sa.UniqueConstraint("task_id", "purpose", name=op.f("uq_draw_task_id_purpose")),
    )
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_task_id"), ["task_id"], unique=False)

    op.create_table(
        "drawseed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("seed_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seed_hex", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_drawseed_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawseed")),
        sa.UniqueConstraint("task_id", name=op.f("uq_drawseed_task_id")),
    )
    op.create_table(
        "opening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standing_receipts", sa.JSON(), nullable=False),
        sa.Column("panel_pool", sa.JSON(), nullable=True),
        sa.Column("validity_final_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_opening_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening")),
        sa.UniqueConstraint("task_id", name=op.f("uq_opening_task_id")),
    )
    op.create_table(
        "panelmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("expert_org_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["expert_org_id"],
            ["organization.id"],
            name=op.f("fk_panelmember_expert_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_panelmember_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panelmember")),
        sa.UniqueConstraint(
            "task_id", "expert_org_id", name=op.f("uq_panelmember_task_id_expert_org_id")
        ),
    )
    with op.batch_alter_table("panelmember", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panelmember_task_id"), ["task_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("candidate_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_award_bid_id_bid")),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_award_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_task_id"), ["task_id"], unique=False)

    op.create_table(
        "bidversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_bidversion_bid_id_bid")),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_bidversion_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bidversion")),
        sa.UniqueConstraint("bid_id", "version", name=op.f("uq_bidversion_bid_id_version")),
        sa.UniqueConstraint("receipt", name=op.f("uq_bidversion_receipt")),
    )
    with op.batch_alter_table("bidversion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bidversion_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bidversion_task_id"), ["task_id"], unique=False)

    op.create_table(
        "explanationrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("tests", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_explanationrequest_bid_id_bid")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user.id"],
            name=op.f("fk_explanationrequest_decided_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_explanationrequest_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanationrequest")),
        sa.UniqueConstraint("bid_id", name=op.f("uq_explanationrequest_bid_id")),
    )
    with op.batch_alter_table("explanationrequest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_explanationrequest_task_id"), ["task_id"], unique=False
        )

    op.create_table(
        "panelmark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("expert_org_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_panelmark_bid_id_bid")),
        sa.ForeignKeyConstraint(
            ["expert_org_id"],
            ["organization.id"],
            name=op.f("fk_panelmark_expert_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_panelmark_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panelmark")),
        sa.UniqueConstraint(
            "task_id",
            "expert_org_id",
            "bid_id",
            name=op.f("uq_panelmark_task_id_expert_org_id_bid_id"),
        ),
    )
    with op.batch_alter_table("panelmark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panelmark_task_id"), ["task_id"], unique=False)

    op.create_table(
        "rankingentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("tie_purpose", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_rankingentry_bid_id_bid")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_rankingentry_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rankingentry")),
        sa.UniqueConstraint("task_id", "bid_id", name=op.f("uq_rankingentry_task_id_bid_id")),
        sa.UniqueConstraint("task_id", "rank", name=op.f("uq_rankingentry_task_id_rank")),
    )
    with op.batch_alter_table("rankingentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rankingentry_task_id"), ["task_id"], unique=False)

    op.create_table(
        "validitydecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=True),
        sa.Column("ground", sa.String(length=40), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_validitydecision_bid_id_bid")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user.id"],
            name=op.f("fk_validitydecision_decided_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_validitydecision_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validitydecision")),
        sa.UniqueConstraint("bid_id", name=op.f("uq_validitydecision_bid_id")),
    )
    with op.batch_alter_table("validitydecision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_validitydecision_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("validitydecision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validitydecision_task_id"))

    op.drop_table("validitydecision")
    with op.batch_alter_table("rankingentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rankingentry_task_id"))

    op.drop_table("rankingentry")
    with op.batch_alter_table("panelmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panelmark_task_id"))

    op.drop_table("panelmark")
    with op.batch_alter_table("explanationrequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_explanationrequest_task_id"))

    op.drop_table("explanationrequest")
    with op.batch_alter_table("bidversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bidversion_task_id"))
        batch_op.drop_index(batch_op.f("ix_bidversion_bid_id"))

    op.drop_table("bidversion")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_task_id"))

    op.drop_table("award")
    with op.batch_alter_table("panelmember", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panelmember_task_id"))

    op.drop_table("panelmember")
    op.drop_table("opening")
    op.drop_table("drawseed")
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_task_id"))

    op.drop_table("draw")
    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_task_id"))
        batch_op.drop_index(batch_op.f("ix_bid_agency_id"))

    op.drop_table("bid")
