"""notifications: in-app notifications mailed by a sweep, and the user's choice to get the mail

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE … ADD COLUMN with its default, never a batch copy of `user` (see below).
    op.add_column(
        "user",
        sa.Column("mail_notifications", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "user",
        sa.Column("notifications_made", sa.Integer(), nullable=False, server_default="0"),
    )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_notification_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_notification_task_id_task")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "number", name=op.f("uq_notification_user_id_number")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_id_read_at", ["user_id", "read_at"])


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_id_read_at")
    op.drop_table("notification")
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), never a batch copy: copying `user`
    # means dropping it, which the foreign keys of every table that references a user refuse.
    op.drop_column("user", "notifications_made")
    op.drop_column("user", "mail_notifications")
