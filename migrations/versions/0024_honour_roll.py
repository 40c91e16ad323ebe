"""honour roll and credit repair: monthly grades, rolls and entries, the organization's run, the
bid's snapshot, and repair applications

Revision ID: 0024
Revises: 0022
Create Date: 2026-11-29 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organization", sa.Column("honour_roll_since", sa.Date(), nullable=True))
    op.add_column("bid", sa.Column("honour_at_deadline", sa.Boolean(), nullable=True))
    op.create_table(
        "honourgrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("score_milli", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_honourgrade_agency_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honourgrade")),
        sa.UniqueConstraint("month", "agency_id", name=op.f("uq_honourgrade_month_agency_id")),
    )
    with op.batch_alter_table("honourgrade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_honourgrade_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_honourgrade_month"), ["month"], unique=False)
    op.create_table(
        "honourroll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honourroll")),
        sa.UniqueConstraint("month", name=op.f("uq_honourroll_month")),
    )
    op.create_table(
        "honourentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roll_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_honourentry_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["roll_id"], ["honourroll.id"], name=op.f("fk_honourentry_roll_id_honourroll")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_honourentry")),
        sa.UniqueConstraint("roll_id", "agency_id", name=op.f("uq_honourentry_roll_id_agency_id")),
    )
    with op.batch_alter_table("honourentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_honourentry_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_honourentry_roll_id"), ["roll_id"], unique=False)
    op.create_table(
        "repairapplication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by_user_id", sa.Integer(), nullable=False),
        sa.Column("decide_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_org_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["organization.id"],
            name=op.f("fk_repairapplication_agency_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["applied_by_user_id"],
            ["user.id"],
            name=op.f("fk_repairapplication_applied_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_org_id"],
            ["organization.id"],
            name=op.f("fk_repairapplication_decided_by_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user.id"],
            name=op.f("fk_repairapplication_decided_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["misconductrecord.id"],
            name=op.f("fk_repairapplication_record_id_misconductrecord"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repairapplication")),
    )
    with op.batch_alter_table("repairapplication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repairapplication_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repairapplication_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("repairapplication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repairapplication_record_id"))
        batch_op.drop_index(batch_op.f("ix_repairapplication_agency_id"))
    op.drop_table("repairapplication")
    with op.batch_alter_table("honourentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honourentry_roll_id"))
        batch_op.drop_index(batch_op.f("ix_honourentry_agency_id"))
    op.drop_table("honourentry")
    op.drop_table("honourroll")
    with op.batch_alter_table("honourgrade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_honourgrade_month"))
        batch_op.drop_index(batch_op.f("ix_honourgrade_agency_id"))
    op.drop_table("honourgrade")
    # Plain DROP COLUMN, never a batch copy of a table others reference (see 0020).
    op.drop_column("bid", "honour_at_deadline")
    op.drop_column("organization", "honour_roll_since")
