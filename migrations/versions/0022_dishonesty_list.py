"""the serious-dishonesty list: proposals with their notice, statement and decision; entries;
imports of other authorities' lists; a misconduct record's confirmed collusion

Revision ID: 0022
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0023"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("misconductrecord", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("collusion", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "dishonestyproposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("notice_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_by_user_id", sa.Integer(), nullable=True),
        sa.Column("statement_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("statement_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statement_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("statement_files", sa.JSON(), nullable=False),
        _fk("dishonestyproposal", "agency_id", "organization"),
        _fk("dishonestyproposal", "record_id", "misconductrecord"),
        _fk("dishonestyproposal", "proposed_by_user_id", "user"),
        _fk("dishonestyproposal", "notice_by_user_id", "user"),
        _fk("dishonestyproposal", "statement_by_user_id", "user"),
        _fk("dishonestyproposal", "decided_by_user_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonestyproposal")),
    )
    with op.batch_alter_table("dishonestyproposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dishonestyproposal_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dishonestyproposal_record_id"), ["record_id"], unique=False
        )
    op.create_table(
        "dishonestyimport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_org_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        _fk("dishonestyimport", "uploaded_by_user_id", "user"),
        _fk("dishonestyimport", "uploaded_by_org_id", "organization"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonestyimport")),
    )
    op.create_table(
        "dishonestyentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("authority_org_id", sa.Integer(), nullable=True),
        sa.Column("decision_ref", sa.String(length=100), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("removal_conditions", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_reason", sa.Text(), nullable=True),
        sa.Column("lifted_by_user_id", sa.Integer(), nullable=True),
        _fk("dishonestyentry", "agency_id", "organization"),
        _fk("dishonestyentry", "authority_org_id", "organization"),
        _fk("dishonestyentry", "proposal_id", "dishonestyproposal"),
        _fk("dishonestyentry", "import_id", "dishonestyimport"),
        _fk("dishonestyentry", "lifted_by_user_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonestyentry")),
        sa.UniqueConstraint(
            "uscc",
            "authority",
            "decision_ref",
            name=op.f("uq_dishonestyentry_uscc_authority_decision_ref"),
        ),
    )
    with op.batch_alter_table("dishonestyentry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dishonestyentry_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dishonestyentry_uscc"), ["uscc"], unique=False)


def downgrade() -> None:
    op.drop_table("dishonestyentry")
    op.drop_table("dishonestyimport")
    op.drop_table("dishonestyproposal")
    with op.batch_alter_table("misconductrecord", schema=None) as batch_op:
        batch_op.drop_column("collusion")
