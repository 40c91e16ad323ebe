"""attachments: files of tasks and bids, stored by SHA-256 outside the web root

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_org_id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=8), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_attachment_task_id_task")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_org_id"],
            ["organization.id"],
            name=op.f("fk_attachment_uploaded_by_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint(
            "task_id",
            "owner_kind",
            "uploaded_by_org_id",
            "sha256",
            name=op.f("uq_attachment_task_id_owner_kind_uploaded_by_org_id_sha256"),
        ),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_task_id"), ["task_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachment_uploaded_by_org_id"), ["uploaded_by_org_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_uploaded_by_org_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_task_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))

    op.drop_table("attachment")
