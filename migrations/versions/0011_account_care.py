"""accounts: why an operator disabled an account, and second-factor recovery codes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=500), nullable=True))

    op.create_table(
        "recoverycode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_recoverycode_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recoverycode")),
    )
    with op.batch_alter_table("recoverycode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recoverycode_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recoverycode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recoverycode_user_id"))

    op.drop_table("recoverycode")
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), never a batch copy: copying `user`
    # means dropping it, which the foreign keys of every table that references a user refuse.
    op.drop_column("user", "disabled_reason")
