"""tasks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("applicant_org_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("service_item_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("project_code", sa.String(length=40), nullable=True),
        sa.Column("approval_item", sa.String(length=200), nullable=True),
        sa.Column("funding", sa.String(length=16), nullable=False),
        sa.Column("budget_code", sa.String(length=60), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("price_cap_fen", sa.BigInteger(), nullable=True),
        sa.Column("fixed_fee_fen", sa.BigInteger(), nullable=True),
        sa.Column("min_bids", sa.Integer(), nullable=False),
        sa.Column("weight_price", sa.Integer(), nullable=True),
        sa.Column("weight_credit", sa.Integer(), nullable=True),
        sa.Column("weight_quality", sa.Integer(), nullable=True),
        sa.Column("panel_size", sa.Integer(), nullable=True),
        sa.Column("invited_agency_id", sa.Integer(), nullable=True),
        sa.Column("service_days", sa.Integer(), nullable=False),
        sa.Column("bidding_wd", sa.Integer(), nullable=False),
        sa.Column("required_qualifications", sa.JSON(), nullable=False),
        sa.Column("reposted_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_calendar_fallback", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publicity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publicity_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terminated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_approved_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_org_id"],
            ["organization.id"],
            name=op.f("fk_task_applicant_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["cancel_approved_by_user_id"],
            ["user.id"],
            name=op.f("fk_task_cancel_approved_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user.id"], name=op.f("fk_task_created_by_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["invited_agency_id"],
            ["organization.id"],
            name=op.f("fk_task_invited_agency_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["reposted_from_id"], ["task.id"], name=op.f("fk_task_reposted_from_id_task")
        ),
        sa.ForeignKeyConstraint(
            ["service_item_id"],
            ["serviceitem.id"],
            name=op.f("fk_task_service_item_id_serviceitem"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("number", name=op.f("uq_task_number")),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_applicant_org_id"), ["applicant_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_service_item_id"), ["service_item_id"], unique=False
        )

    op.create_table(
        "taskamendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("deadline_extended_to", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_taskamendment_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taskamendment")),
    )
    with op.batch_alter_table("taskamendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taskamendment_task_id"), ["task_id"], unique=False)

    op.create_table(
        "taskexclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=32), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_taskexclusion_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_taskexclusion_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taskexclusion")),
    )
    with op.batch_alter_table("taskexclusion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taskexclusion_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("taskexclusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taskexclusion_task_id"))

    op.drop_table("taskexclusion")
    with op.batch_alter_table("taskamendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taskamendment_task_id"))

    op.drop_table("taskamendment")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_service_item_id"))
        batch_op.drop_index(batch_op.f("ix_task_applicant_org_id"))

    op.drop_table("task")
