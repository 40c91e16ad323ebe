"""related agencies: representatives' identities (keyed hashes only), relations of control,
findings of false declarations, and the pairs of bids flagged at opening

The legal representative's name stays on `organization` as a public display field (a business
licence shows it); it decides nothing any more, so no existing data needs changing. Agencies
declare their representative's identity anew: no number was ever stored to convert.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing is altered, so SQLite needs no batch mode beyond the indexes.
    op.create_table(
        "agencyrelation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_org_id", sa.Integer(), nullable=False),
        sa.Column("second_org_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_org_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_org_id"],
            ["organization.id"],
            name=op.f("fk_agencyrelation_first_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_org_id"],
            ["organization.id"],
            name=op.f("fk_agencyrelation_recorded_by_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user.id"],
            name=op.f("fk_agencyrelation_recorded_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_user_id"],
            ["user.id"],
            name=op.f("fk_agencyrelation_revoked_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["second_org_id"],
            ["organization.id"],
            name=op.f("fk_agencyrelation_second_org_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencyrelation")),
    )
    with op.batch_alter_table("agencyrelation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agencyrelation_first_org_id"), ["first_org_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agencyrelation_second_org_id"), ["second_org_id"], unique=False
        )

    op.create_table(
        "representativeidentity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by_user_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_user_id", sa.Integer(), nullable=True),
        sa.Column("verification_basis", sa.Text(), nullable=True),
        sa.Column("found_false_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["declared_by_user_id"],
            ["user.id"],
            name=op.f("fk_representativeidentity_declared_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_representativeidentity_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_user_id"],
            ["user.id"],
            name=op.f("fk_representativeidentity_verified_by_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representativeidentity")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_representativeidentity_organization_id")
        ),
    )
    with op.batch_alter_table("representativeidentity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_representativeidentity_digest"), ["digest"], unique=False
        )

    op.create_table(
        "declarationfinding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("declaration", sa.String(length=24), nullable=False),
        sa.Column("relation_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by_user_id", sa.Integer(), nullable=False),
        sa.Column("found_by_org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["found_by_org_id"],
            ["organization.id"],
            name=op.f("fk_declarationfinding_found_by_org_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["found_by_user_id"],
            ["user.id"],
            name=op.f("fk_declarationfinding_found_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_declarationfinding_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["relation_id"],
            ["agencyrelation.id"],
            name=op.f("fk_declarationfinding_relation_id_agencyrelation"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_declarationfinding_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarationfinding")),
    )
    with op.batch_alter_table("declarationfinding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declarationfinding_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "relationflag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("first_bid_id", sa.Integer(), nullable=False),
        sa.Column("second_bid_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=40), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_bid_id"], ["bid.id"], name=op.f("fk_relationflag_first_bid_id_bid")
        ),
        sa.ForeignKeyConstraint(
            ["second_bid_id"], ["bid.id"], name=op.f("fk_relationflag_second_bid_id_bid")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_relationflag_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationflag")),
        sa.UniqueConstraint(
            "task_id",
            "first_bid_id",
            "second_bid_id",
            "ground",
            name=op.f("uq_relationflag_task_id_first_bid_id_second_bid_id_ground"),
        ),
    )
    with op.batch_alter_table("relationflag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relationflag_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relationflag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relationflag_task_id"))

    op.drop_table("relationflag")
    with op.batch_alter_table("declarationfinding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarationfinding_organization_id"))

    op.drop_table("declarationfinding")
    with op.batch_alter_table("representativeidentity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_representativeidentity_digest"))

    op.drop_table("representativeidentity")
    with op.batch_alter_table("agencyrelation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencyrelation_second_org_id"))
        batch_op.drop_index(batch_op.f("ix_agencyrelation_first_org_id"))

    op.drop_table("agencyrelation")
