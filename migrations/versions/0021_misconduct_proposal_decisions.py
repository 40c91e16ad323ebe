"""misconduct proposals' decisions: recorded or dismissed, the dismissal's reason, who decided

Revision ID: 0021
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("misconductproposal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("dismissed_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_misconductproposal_decided_by_user_id_user"),
            "user",
            ["decided_by_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("misconductproposal", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_misconductproposal_decided_by_user_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("decided_by_user_id")
        batch_op.drop_column("dismissed_reason")
        batch_op.drop_column("decision")
