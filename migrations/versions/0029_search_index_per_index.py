"""search: one GIN index per search index (PostgreSQL); the numbers' index covers document_id

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-29

PostgreSQL: the one GIN index over every search document's tsvector made an agency search read
the tasks' posting lists of its common words too. It is replaced by partial GIN indexes, one per
index the application registers and one for every other name; a query states its index's name (a
parameter the custom plan sees as a constant), so the planner picks the partial index holding
only that index's documents. The predicate is `index_name BETWEEN '…' AND '…'`, not `= '…'`:
the planner proves it from either form of the query's condition, and a query reading the newest
matches in (index_name, id) order states its index as that range (an equality would let it walk
the primary key over every other index's documents).

Both engines: `ix_search_number_lookup` (index_name, field, value) gains document_id, so a
condition on the clock ("open until after now") reads its set of documents from the index alone
instead of looking every entry's row up.
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

#: The indexes the application registers at this revision (market.search.indexes and
#: task_index): each gets a GIN index of its own; any other name shares the last one.
NAMES = {"tasks": "tasks", "agencies": "agencies", "service-items": "service_items"}


def _names_sql() -> str:
    return ", ".join(f"'{name}'" for name in NAMES)


def upgrade() -> None:
    op.drop_index("ix_search_number_lookup", table_name="search_number")
    op.create_index(
        "ix_search_number_lookup", "search_number", ["index_name", "field", "value", "document_id"]
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, suffix in NAMES.items():
        op.execute(
            f"CREATE INDEX ix_search_document_tsv_{suffix} ON search_document "
            f"USING gin (tsv) WHERE index_name BETWEEN '{name}' AND '{name}'"
        )
    op.execute(
        "CREATE INDEX ix_search_document_tsv_other ON search_document "
        f"USING gin (tsv) WHERE index_name NOT IN ({_names_sql()})"
    )
    op.execute("DROP INDEX ix_search_document_tsv")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)")
        for suffix in [*NAMES.values(), "other"]:
            op.execute(f"DROP INDEX ix_search_document_tsv_{suffix}")
    op.drop_index("ix_search_number_lookup", table_name="search_number")
    op.create_index("ix_search_number_lookup", "search_number", ["index_name", "field", "value"])
