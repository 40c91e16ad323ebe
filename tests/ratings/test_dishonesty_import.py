"""Importing other authorities' serious-dishonesty lists (docs/rules.md §6): every row checked,
a report of matched, unmatched, already imported and refused rows, nothing half-imported, and the
same file imported again changes no entry."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from market import clock
from market.models import AuditEvent, Organization
from market.validation import Forbidden, Invalid
from ratings import dishonesty
from ratings import dishonesty_import as imports
from ratings.dishonesty_import import COLUMNS
from ratings.models import DishonestyEntry, DishonestyImport
from tests.bidding.helpers import new_uscc

UNREGISTERED = "91110000100000000A"  # wrong check character: checked below


def row(uscc, **overrides):
    data = {
        "uscc": uscc,
        "name": "某咨询有限公司",
        "authority": "北京市发展和改革委员会",
        "decision_ref": "京发改信〔2026〕12号",
        "legal_basis": "《北京市社会信用条例》第三十条",
        "facts": "提供虚假材料骗取资质",
        "starts_on": "2026-11-01",
        "ends_on": "2027-10-31",
        "removal_conditions": "期满且完成整改",
    }
    data.update(overrides)
    return data


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_json(rows) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def reasons(report, number):
    [line] = [r for r in report["refused"] if r["row"] == number]
    return [(r["field"], r["msgid"] % r["params"]) for r in line["reasons"]]


@pytest.mark.parametrize(("encode", "name"), [(as_csv, "list.csv"), (as_json, "list.json")])
def test_an_import_reports_every_row_and_enforces_the_matched(world, db, encode, name):
    agency = world.agency()
    org = world.org(agency)
    free = new_uscc()
    rows = [
        row(org.uscc),  # 1 matched
        row(free, decision_ref="京发改信〔2026〕13号"),  # 2 unmatched
        row("91220101MA0000001X"),  # 3 bad checksum
        row(new_uscc(), starts_on="2026-13-01", ends_on="2026-10-01"),  # 4 bad dates
        row(new_uscc(), legal_basis="", name=""),  # 5 missing fields
        row(org.uscc),  # 6 duplicate of row 1
        row(new_uscc(), starts_on="2026-11-10", ends_on="2026-11-10"),  # 7 end not after start
        row(new_uscc(), decision_ref="x" * 101),  # 8 too long
    ]
    done = imports.import_file(db, world.regulator, encode(rows), name)
    db.commit()
    report = done.report
    assert done.file_format == name.rsplit(".", 1)[1]
    [matched] = report["matched"]
    assert (matched["row"], matched["agency_id"], matched["agency"]) == (1, org.id, org.name)
    assert [(u["row"], u["uscc"]) for u in report["unmatched"]] == [(2, free)]
    assert [r["row"] for r in report["refused"]] == [3, 4, 5, 6, 7, 8]
    assert reasons(report, 3) == [
        (
            "uscc",
            "The check character of this unified social credit code is wrong; please copy it "
            "again from the business licence.",
        )
    ]
    assert reasons(report, 4) == [
        ("starts_on", "A date looks like 2027-06-30."),
        ("ends_on", "The end date is already past."),
    ]
    assert reasons(report, 5) == [
        ("name", "This field is required."),
        ("legal_basis", "This field is required."),
    ]
    assert reasons(report, 6) == [
        ("", "Duplicate of row 1 (same USCC, authority and decision reference).")
    ]
    assert reasons(report, 7) == [("ends_on", "The end date must be after the start date.")]
    assert reasons(report, 8) == [("decision_ref", "At most 100 characters (you gave 101).")]
    assert org.dishonest_until == datetime(2027, 10, 31, 16, 0, tzinfo=UTC)
    entries = db.exec(select(DishonestyEntry).order_by(DishonestyEntry.id)).all()
    assert [(e.uscc, e.agency_id, e.source) for e in entries] == [
        (org.uscc, org.id, "import"),
        (free, None, "import"),
    ]
    # The unmatched entry refuses its USCC's registration while in force.
    assert dishonesty.registration_check(db, free, clock.now()) is not None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "dishonesty.imported")).one()

    again = imports.import_file(db, world.regulator, encode(rows), name)
    db.commit()
    assert again.report["matched"] == again.report["unmatched"] == []
    assert [(a["row"], a["entry"]) for a in again.report["already"]] == [
        (1, entries[0].id),
        (2, entries[1].id),
    ]
    assert len(db.exec(select(DishonestyEntry)).all()) == 2


def test_a_file_that_cannot_be_read_is_refused_whole(world, db):
    for content, name, message in [
        (b"", "a.csv", "Choose a CSV or JSON file."),
        (b"uscc,name\n1,2\n", "a.csv", None),
        (b"{not json", "a.json", "The file is not valid JSON."),
        (b"\xff\xfe", "a.csv", "The file is not UTF-8 text."),
        (b"x", "a.xlsx", "Upload a .csv or .json file."),
    ]:
        with pytest.raises(Invalid) as refused:
            imports.import_file(db, world.regulator, content, name)
        [got] = refused.value.errors["file"]
        text = got.msgid % dict(got.params)
        if message is None:
            assert text.startswith("The CSV header lacks the columns: authority, decision_ref")
        else:
            assert text == message
    assert db.exec(select(DishonestyImport)).all() == []


def test_only_operators_and_regulators_import(world, db, make):
    with pytest.raises(Forbidden):
        imports.import_file(db, world.agency(), as_csv([row(new_uscc())]), "a.csv")
    operator = make.staff("operator")
    done = imports.import_file(db, operator, as_csv([row(new_uscc())]), "a.csv")
    assert len(done.report["unmatched"]) == 1


def test_an_imported_entry_lifted_by_a_regulator(world, db):
    agency = world.agency()
    org = db.get(Organization, agency.organization_id)
    imports.import_file(db, world.regulator, as_json([row(org.uscc)]), "a.json")
    db.commit()
    entry = db.exec(select(DishonestyEntry)).one()
    dishonesty.lift(db, world.regulator, entry.id, "原决定机关已撤销")
    db.commit()
    assert org.dishonest_until is None


# --- any file at all ------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
ROWS = st.lists(
    st.dictionaries(
        st.sampled_from(COLUMNS), st.one_of(st.none(), st.text(max_size=30), st.integers())
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        ROWS.map(lambda rows: json.dumps(rows).encode()),
    ),
    st.sampled_from(["a.csv", "a.json", "a.CSV", "", "a.txt"]),
)
def test_any_file_is_parsed_into_rows_or_refused_whole(content, name):
    try:
        fmt, rows = imports.parse(content, name)
    except Invalid as refused:
        assert list(refused.errors) == ["file"] and refused.errors["file"][0].msgid
        return
    assert fmt in ("csv", "json")
    today = datetime(2026, 11, 25, tzinfo=UTC).date()
    for raw in rows:
        clean, reasons = imports.check_row(raw, today)
        assert (clean is None) == bool(reasons)
