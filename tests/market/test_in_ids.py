"""`market.db.in_ids`: a long list of ids as one array parameter on PostgreSQL, `IN (…)`
elsewhere, selecting the same rows."""

from __future__ import annotations

from sqlmodel import select

from market.db import in_ids
from market.models import Organization


def test_the_same_rows_as_in_with_one_parameter_on_postgresql(make, db):
    agency, enterprise = make.agency().organization_id, make.enterprise().organization_id
    wanted = [agency, 10**9]  # and an id that matches nothing
    query = select(Organization.id).where(in_ids(db, Organization.id, wanted))
    assert list(db.exec(query)) == [agency]
    both = select(Organization.id).where(in_ids(db, Organization.id, [enterprise, agency]))
    assert sorted(db.exec(both)) == sorted([agency, enterprise])
    assert list(db.exec(select(Organization.id).where(in_ids(db, Organization.id, [])))) == []
    sql = str(query.compile(bind=db.get_bind()))
    if db.get_bind().dialect.name == "postgresql":
        assert "= ANY (" in sql and sql.count("%(") == 1
    else:
        assert " IN (" in sql
