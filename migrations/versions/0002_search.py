"""search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "searchoutbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_name", sa.String(length=32), nullable=False),
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_searchoutbox")),
    )
    with op.batch_alter_table("searchoutbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_searchoutbox_pending", ["done_at", "next_attempt_at"], unique=False
        )

    # The embedded full-text index (market.search.embedded). Not models: the `search_` prefix keeps
    # these tables out of the autogenerate comparison (market.db.include_object).
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_name", sa.String(length=32), nullable=False),
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        # facets before data: SQLite reads a row's columns in order, and data can be long.
        sa.Column("facets", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_document"),
        sa.UniqueConstraint("index_name", "doc_id", name="uq_search_document_index_name"),
    )
    op.create_table(
        "search_number",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("index_name", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["search_document.id"],
            ondelete="CASCADE",
            name="fk_search_number_document_id_search_document",
        ),
        sa.PrimaryKeyConstraint("document_id", "field", name="pk_search_number"),
    )
    op.create_index("ix_search_number_lookup", "search_number", ["index_name", "field", "value"])
    if op.get_bind().dialect.name == "sqlite":
        # Segmented text (jieba) joined by spaces: column ix holds the index's marker, f a token
        # per keyword value, a–d the text of the fields by weight. rowid = search_document.id.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "ix, f, a, b, c, d, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "ALTER TABLE search_document ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector"
        )
        op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_index("ix_search_number_lookup", table_name="search_number")
    op.drop_table("search_number")
    op.drop_table("search_document")
    with op.batch_alter_table("searchoutbox", schema=None) as batch_op:
        batch_op.drop_index("ix_searchoutbox_pending")
    op.drop_table("searchoutbox")
