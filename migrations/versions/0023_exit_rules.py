"""exit rules: warnings, suspensions and removals of agencies, their appeals, expiry notices

Revision ID: 0023
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "organization", sa.Column("warned_since", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "exitaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("qualification_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_exitaction_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["user.id"], name=op.f("fk_exitaction_decided_by_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["qualification_id"],
            ["qualification.id"],
            name=op.f("fk_exitaction_qualification_id_qualification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exitaction")),
        sa.UniqueConstraint(
            "agency_id", "kind", "source", name=op.f("uq_exitaction_agency_id_kind_source")
        ),
    )
    with op.batch_alter_table("exitaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exitaction_agency_id"), ["agency_id"], unique=False)
    op.create_table(
        "exitappeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by_user_id", sa.Integer(), nullable=False),
        sa.Column("decide_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["exitaction.id"], name=op.f("fk_exitappeal_action_id_exitaction")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_exitappeal_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["user.id"], name=op.f("fk_exitappeal_decided_by_user_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_user_id"], ["user.id"], name=op.f("fk_exitappeal_filed_by_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exitappeal")),
        sa.UniqueConstraint("action_id", name=op.f("uq_exitappeal_action_id")),
    )
    with op.batch_alter_table("exitappeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exitappeal_agency_id"), ["agency_id"], unique=False)
    op.create_table(
        "exitnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("qualification_id", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organization.id"], name=op.f("fk_exitnotice_agency_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["qualification_id"],
            ["qualification.id"],
            name=op.f("fk_exitnotice_qualification_id_qualification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exitnotice")),
        sa.UniqueConstraint(
            "qualification_id",
            "valid_until",
            name=op.f("uq_exitnotice_qualification_id_valid_until"),
        ),
    )
    with op.batch_alter_table("exitnotice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exitnotice_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_exitnotice_qualification_id"), ["qualification_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exitnotice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exitnotice_qualification_id"))
        batch_op.drop_index(batch_op.f("ix_exitnotice_agency_id"))
    op.drop_table("exitnotice")
    with op.batch_alter_table("exitappeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exitappeal_agency_id"))
    op.drop_table("exitappeal")
    with op.batch_alter_table("exitaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exitaction_agency_id"))
    op.drop_table("exitaction")
    # A plain DROP COLUMN, never a batch copy of `organization` (see 0020).
    op.drop_column("organization", "warned_since")
