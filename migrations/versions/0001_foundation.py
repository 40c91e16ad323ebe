"""foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditcheckpoint",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_auditcheckpoint")),
    )
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_org_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auditevent")),
        sa.UniqueConstraint("seq", name=op.f("uq_auditevent_seq")),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_action"), ["action"], unique=False)

    op.create_table(
        "audithead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audithead")),
    )
    # The chain's genesis row, locked by every transaction that extends the chain.
    op.execute("INSERT INTO audithead (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table(
        "calendarday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendarday")),
    )
    op.create_table(
        "calendaryear",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendaryear")),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("legal_representative", sa.String(length=50), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("contact_name", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commitment_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commitment_version", sa.String(length=20), nullable=True),
        sa.Column("credit_score_milli", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("suspended_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dishonest_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("uscc", name=op.f("uq_organization_uscc")),
    )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organization_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_name"), ["name"], unique=False)

    op.create_table(
        "serviceitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("legal_basis_zh", sa.Text(), nullable=False),
        sa.Column("legal_basis_en", sa.Text(), nullable=False),
        sa.Column("approval_item_zh", sa.String(length=200), nullable=False),
        sa.Column("approval_item_en", sa.String(length=200), nullable=False),
        sa.Column("approving_department_zh", sa.String(length=200), nullable=False),
        sa.Column("approving_department_en", sa.String(length=200), nullable=False),
        sa.Column("time_limit_wd", sa.Integer(), nullable=False),
        sa.Column("workflow_zh", sa.JSON(), nullable=False),
        sa.Column("workflow_en", sa.JSON(), nullable=False),
        sa.Column("conditions_zh", sa.Text(), nullable=False),
        sa.Column("conditions_en", sa.Text(), nullable=False),
        sa.Column("fee_standard", sa.String(length=16), nullable=False),
        sa.Column("fee_note_zh", sa.Text(), nullable=False),
        sa.Column("fee_note_en", sa.Text(), nullable=False),
        sa.Column("required_qualifications", sa.JSON(), nullable=False),
        sa.Column("abolished_zh", sa.Text(), nullable=False),
        sa.Column("abolished_en", sa.Text(), nullable=False),
        sa.Column("department_commissioned", sa.Boolean(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serviceitem")),
        sa.UniqueConstraint("code", name=op.f("uq_serviceitem_code")),
    )
    with op.batch_alter_table("serviceitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serviceitem_category"), ["category"], unique=False)

    op.create_table(
        "agencyservice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("service_item_id", sa.Integer(), nullable=False),
        sa.Column("commitment_days", sa.Integer(), nullable=False),
        sa.Column("commitment_scope", sa.String(length=500), nullable=False),
        sa.Column("price_min_fen", sa.BigInteger(), nullable=False),
        sa.Column("price_max_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_agencyservice_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["service_item_id"],
            ["serviceitem.id"],
            name=op.f("fk_agencyservice_service_item_id_serviceitem"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencyservice")),
        sa.UniqueConstraint(
            "organization_id",
            "service_item_id",
            name=op.f("uq_agencyservice_organization_id_service_item_id"),
        ),
    )
    with op.batch_alter_table("agencyservice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agencyservice_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agencyservice_service_item_id"), ["service_item_id"], unique=False
        )

    op.create_table(
        "expertcategory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_expertcategory_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expertcategory")),
        sa.UniqueConstraint(
            "organization_id", "category", name=op.f("uq_expertcategory_organization_id_category")
        ),
    )
    with op.batch_alter_table("expertcategory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expertcategory_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "jurisdiction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("region_prefix", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_jurisdiction_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdiction")),
        sa.UniqueConstraint(
            "organization_id",
            "category",
            "region_prefix",
            name=op.f("uq_jurisdiction_organization_id_category_region_prefix"),
        ),
    )
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jurisdiction_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "professional",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("certificate", sa.String(length=100), nullable=False),
        sa.Column("certificate_no", sa.String(length=50), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_professional_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional")),
    )
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_professional_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("session_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_user_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_apitoken_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apitoken")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_apitoken_token_sha256")),
    )
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apitoken_user_id"), ["user_id"], unique=False)

    op.create_table(
        "qualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("certificate_no", sa.String(length=50), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_qualification_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_user_id"],
            ["user.id"],
            name=op.f("fk_qualification_verified_by_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification")),
    )
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualification_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_qualification_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("qualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_organization_id"))
        batch_op.drop_index(batch_op.f("ix_qualification_name"))

    op.drop_table("qualification")
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apitoken_user_id"))

    op.drop_table("apitoken")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_organization_id"))

    op.drop_table("user")
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_professional_organization_id"))

    op.drop_table("professional")
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jurisdiction_organization_id"))

    op.drop_table("jurisdiction")
    with op.batch_alter_table("expertcategory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expertcategory_organization_id"))

    op.drop_table("expertcategory")
    with op.batch_alter_table("agencyservice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencyservice_service_item_id"))
        batch_op.drop_index(batch_op.f("ix_agencyservice_organization_id"))

    op.drop_table("agencyservice")
    with op.batch_alter_table("serviceitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serviceitem_category"))

    op.drop_table("serviceitem")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_name"))
        batch_op.drop_index(batch_op.f("ix_organization_kind"))

    op.drop_table("organization")
    op.drop_table("calendaryear")
    op.drop_table("calendarday")
    op.drop_table("audithead")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_action"))

    op.drop_table("auditevent")
    op.drop_table("auditcheckpoint")
