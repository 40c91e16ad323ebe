"""contract termination proposal: one side proposes ending a contract by agreement, the other
confirms

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 11:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("termination_proposed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("termination_proposed_by_user_id", sa.Integer(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("termination_proposed_side", sa.String(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("termination_proposal_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_termination_proposed_by_user_id_user"),
            "user",
            ["termination_proposed_by_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contract_termination_proposed_by_user_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("termination_proposal_reason")
        batch_op.drop_column("termination_proposed_side")
        batch_op.drop_column("termination_proposed_by_user_id")
        batch_op.drop_column("termination_proposed_at")
