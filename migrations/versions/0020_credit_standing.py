"""credit standing: when and under which policy an agency's score was computed, and its snapshots

Revision ID: 0020
Revises: 0021
Create Date: 2026-11-29 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "organization", sa.Column("credit_computed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("organization", sa.Column("credit_policy_version", sa.Integer(), nullable=True))
    op.create_table(
        "creditsnapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score_milli", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["organization.id"],
            name=op.f("fk_creditsnapshot_agency_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creditsnapshot")),
    )
    with op.batch_alter_table("creditsnapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_creditsnapshot_agency_id"), ["agency_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("creditsnapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_creditsnapshot_agency_id"))
    op.drop_table("creditsnapshot")
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), never a batch copy: copying
    # `organization` means dropping it, which the foreign keys of every table referencing it refuse.
    op.drop_column("organization", "credit_policy_version")
    op.drop_column("organization", "credit_computed_at")
