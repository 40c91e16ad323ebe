"""bidding: questions about a task, and objections to its announcement

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taskquestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asker_org_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_org_id"],
            ["organization.id"],
            name=op.f("fk_taskquestion_asker_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_taskquestion_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taskquestion")),
    )
    with op.batch_alter_table("taskquestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taskquestion_task_id"), ["task_id"], unique=False)

    op.create_table(
        "announcementobjection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("objector_org_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["objector_org_id"],
            ["organization.id"],
            name=op.f("fk_announcementobjection_objector_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_announcementobjection_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcementobjection")),
    )
    with op.batch_alter_table("announcementobjection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcementobjection_task_id"), ["task_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("announcementobjection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcementobjection_task_id"))

    op.drop_table("announcementobjection")
    with op.batch_alter_table("taskquestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taskquestion_task_id"))

    op.drop_table("taskquestion")
