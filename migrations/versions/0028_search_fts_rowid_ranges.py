"""search: the SQLite full-text index by index rowid ranges, with prefix indexes

Revision ID: 0028
Revises: 0024
Create Date: 2026-11-29

PostgreSQL: an index on (index_name, id), so one index's newest documents are read in order
without stepping over every other index's. SQLite: `search_fts` is rebuilt from its own rows:

- rowid = the index's base + search_document.id (`market.search.embedded.rowid_base`), so a
  query restricts itself to one index by a rowid range instead of intersecting every word with
  the index's marker token, which every document of the index holds;
- `prefix = '1 2 3'`: prefix indexes for words of one to three characters, so the word being
  typed ("项目…", "环…") is one list to read instead of the merge of every longer word's list.
"""

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0024"
branch_labels = None
depends_on = None

COLUMNS = "ix, f, a, b, c, d"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"


def _base(name: str) -> int:
    # As market.search.embedded.rowid_base at this revision (a migration does not import the app).
    return (zlib.crc32(name.encode()) & 0x3FFFFF) << 40


def _rebuild(options: str, sign: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE search_fts_new USING fts5({COLUMNS}, {options})")
    names = list(bind.execute(sa.text("SELECT DISTINCT index_name FROM search_document")).scalars())
    for name in names:
        base = _base(name)
        old = "s.rowid" if sign > 0 else f"s.rowid - {base}"
        bind.execute(
            sa.text(
                f"INSERT INTO search_fts_new (rowid, {COLUMNS}) "
                f"SELECT d.id + :new_base, s.ix, s.f, s.a, s.b, s.c, s.d "
                f"FROM search_document d JOIN search_fts s ON {old} = d.id "
                f"WHERE d.index_name = :ix"
            ),
            {"new_base": base if sign > 0 else 0, "ix": name},
        )
    op.execute("DROP TABLE search_fts")
    op.execute("ALTER TABLE search_fts_new RENAME TO search_fts")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_search_document_index_id", "search_document", ["index_name", "id"])
    _rebuild(f"{TOKENIZE}, prefix = '1 2 3'", +1)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_search_document_index_id", table_name="search_document")
    _rebuild(TOKENIZE, -1)
