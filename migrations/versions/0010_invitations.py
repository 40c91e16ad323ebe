"""invitations of a direct selection: the invited agency accepts or declines, or the invitation
lapses at the task's deadline

A direct task published before this revision gets its invitation, made when it was published and
due at its deadline, so its invited agency can answer it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: Every direct task already published gets its invitation, as publication makes one now.
BACKFILL = (
    "INSERT INTO invitation (task_id, agency_id, invited_at, due_at) "
    "SELECT id, invited_agency_id, published_at, deadline_at FROM task "
    "WHERE method = 'direct' AND published_at IS NOT NULL "
    "AND invited_agency_id IS NOT NULL AND deadline_at IS NOT NULL"
)


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("price_fen", sa.BigInteger(), nullable=True),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("bid_id", sa.Integer(), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("lapsed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_invitation_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"],
            ["user.id"],
            name=op.f("fk_invitation_answered_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(["bid_id"], ["bid.id"], name=op.f("fk_invitation_bid_id_bid")),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["user.id"],
            name=op.f("fk_invitation_invited_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_invitation_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_task_id"), ["task_id"], unique=False)
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_task_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_agency_id"))
    op.drop_table("invitation")
