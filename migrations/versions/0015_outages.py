"""outages: published notices of platform outages, the deadlines they moved, and the change-log
entries they made

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outagenotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extension_wd", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_user_id"],
            ["user.id"],
            name=op.f("fk_outagenotice_published_by_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outagenotice")),
    )
    op.create_table(
        "outagemove",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("old_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["outagenotice.id"], name=op.f("fk_outagemove_notice_id_outagenotice")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_outagemove_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outagemove")),
    )
    with op.batch_alter_table("outagemove", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outagemove_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outagemove_task_id"), ["task_id"], unique=False)
    with op.batch_alter_table("taskamendment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outage_notice_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_taskamendment_outage_notice_id_outagenotice"),
            "outagenotice",
            ["outage_notice_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("taskamendment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_taskamendment_outage_notice_id_outagenotice"), type_="foreignkey"
        )
        batch_op.drop_column("outage_notice_id")
    with op.batch_alter_table("outagemove", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outagemove_task_id"))
        batch_op.drop_index(batch_op.f("ix_outagemove_notice_id"))
    op.drop_table("outagemove")
    op.drop_table("outagenotice")
