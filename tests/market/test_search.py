"""The embedded search engine through the search port (docs/rules.md §8): Chinese words inside longer
words, synonyms, filters, facets, sorts, pages, highlights, and an index that is updated in the
transaction of the change. The suite runs it on SQLite FTS5 and on PostgreSQL full-text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from market import agencies, catalog, clock, search
from market.models import Organization, Qualification, ServiceItem
from market.search.embedded import EmbeddedEngine
from tests.market.search_support import agency_factory, find, ids  # noqa: F401

EXAMPLE = "长春市某项目环境影响评价"


def test_the_engine_is_the_database_under_test(app, db):
    assert find(db, "service-items").engine == db.get_bind().dialect.name


@pytest.mark.parametrize(
    "words", ["环境影响评价", "影响评价", "环境影响", "环评", "长春", "长春市"]
)
def test_a_long_compound_is_found_by_its_inner_words_and_synonyms(db, agency, words):
    wanted = agency(description=EXAMPLE, qualifications=[f"{EXAMPLE}资质"])
    agency(name="吉林测绘有限公司", services=["SURVEYING-MAPPING"])
    assert ids(find(db, "agencies", words)) == [wanted]


@pytest.mark.parametrize(
    "query, text",
    [
        ("水保", "水土保持方案编制"),
        ("水土保持", "水保方案"),
        ("地灾", "地质灾害危险性评估"),
        ("洪评", "防洪评价报告"),
        ("洪评", "洪水影响评价报告"),
        ("能评", "节能评估报告"),
        ("安评", "安全评价"),
        ("地震安评", "地震安全性评价"),
        ("造价", "工程造价咨询"),
        ("环境影响评价", "环评报告"),
    ],
)
def test_synonyms_find_the_long_and_the_short_name(db, agency, query, text):
    wanted = agency(name=f"{text}有限公司", services=["DRAWING-REVIEW"])
    agency(name="吉林建筑设计有限公司", services=["DRAWING-REVIEW"])
    assert ids(find(db, "agencies", query)) == [wanted]


@pytest.mark.parametrize(
    "query, text",
    [
        ("環評", "环评"),
        ("环评", "環評"),
        ("測繪", "测绘"),
        ("测绘", "測繪"),
        ("環境影響評價", "环境影响评价"),
        ("环境影响评价", "環境影響評價"),
        ("環評", "环境影响评价"),  # a synonym, across the scripts
        ("水土保持", "水保"),
        ("水土保持", "水土保持"),
    ],
)
def test_traditional_and_simplified_chinese_find_each_other(db, agency, query, text):
    wanted = agency(name=f"吉林{text}有限公司", services=["DRAWING-REVIEW"])
    agency(name="吉林建筑设计有限公司", services=["DRAWING-REVIEW"])
    assert ids(find(db, "agencies", query)) == [wanted]


def test_a_document_is_shown_and_highlighted_as_written_whatever_the_script_of_the_query(
    db, agency
):
    agency(name="長春環評諮詢有限公司", qualifications=["環境影響評價工程師"])
    agency(name="吉林测绘有限公司", services=["SURVEYING-MAPPING"])
    hit = find(db, "agencies", "环评").hits[0]
    assert hit.data["name"] == "長春環評諮詢有限公司"
    assert hit.highlights["name"] == "長春<mark>環評</mark>諮詢有限公司"
    assert "<mark>環境影響評價</mark>工程師" in hit.highlights["qualifications"]
    hit = find(db, "agencies", "測繪").hits[0]
    assert hit.highlights["name"] == "吉林<mark>测绘</mark>有限公司"


def test_unrelated_words_find_nothing(db, agency):
    agency(name="吉林环境咨询有限公司")
    assert find(db, "agencies", "水土保持").total == 0
    assert find(db, "agencies", "测绘 环境").total == 0  # every word must match


def test_the_last_word_may_be_incomplete_while_typing(db, agency):
    wanted = agency(name="吉林地质灾害评估有限公司")
    assert ids(find(db, "agencies", "地质灾")) == [wanted]
    assert find(db, "agencies", "地质灾 ").total == 0  # a space ends the word


def test_service_items_are_found_by_code_name_english_and_legal_basis(db):
    def codes(text):
        return {h.data["code"] for h in find(db, "service-items", text).hits}

    assert codes("FLOOD-IMPACT") == {"FLOOD-IMPACT"}
    assert codes("flood") == {"FLOOD-IMPACT"}
    assert codes("环评") == {"EIA-REPORT", "EIA-FORM", "EIA-TECH-REVIEW"}
    assert codes("水保") == {"SWC-PLAN", "SWC-PLAN-REVIEW"}
    assert "SWC-PLAN" in codes("水土保持法")  # the legal basis


def test_filters_narrow_by_service_item_qualification_and_verification(db, agency, make):
    eia = agency(name="甲环评公司", services=["EIA-REPORT"], qualifications=["环评工程师"])
    both = agency(name="乙环评公司", services=["EIA-REPORT", "SWC-PLAN"])
    agency(name="丙水保公司", services=["SWC-PLAN"])
    assert set(ids(find(db, "agencies", "公司", filters={"service_item": ["EIA-REPORT"]}))) == {
        eia,
        both,
    }
    assert ids(
        find(
            db,
            "agencies",
            "公司",
            filters={"service_item": ["EIA-REPORT"], "qualification": ["环评工程师"]},
        )
    ) == [eia]
    assert (
        find(db, "agencies", "公司", filters={"verified_qualification": ["环评工程师"]}).total == 0
    )
    regulator = make.staff("regulator")
    q = db.exec(select(Qualification).where(Qualification.organization_id == eia)).one()
    agencies.verify_qualification(db, regulator, q.id)
    assert ids(
        find(db, "agencies", "公司", filters={"verified_qualification": ["环评工程师"]})
    ) == [eia]


def test_several_values_of_one_filter_mean_any_of_them(db):
    found = find(db, "service-items", filters={"category": ["water", "geology"]}, per_page=100)
    assert {h.data["code"] for h in found.hits} == {
        i.code
        for i in db.exec(select(ServiceItem).where(ServiceItem.category.in_(["water", "geology"])))
    }


def test_unknown_filters_and_sorts_are_ignored(db):
    everything = find(db, "service-items").total
    assert (
        find(db, "service-items", filters={"password": ["x"]}, sort="rowid; drop").total
        == everything
    )
    assert find(db, "service-items", filters={"category": ["astrology"]}).total == 0


def test_facets_count_the_matching_documents(db, agency):
    agency(name="甲环评公司", services=["EIA-REPORT", "SWC-PLAN"])
    agency(name="乙环评公司", services=["EIA-REPORT"])
    agency(name="丙测绘公司", services=["SURVEYING-MAPPING"])
    facets = find(db, "agencies", "环评").facets
    assert facets["service_item"] == [("EIA-REPORT", 2), ("SWC-PLAN", 1)]
    items = find(db, "service-items", "评审").facets
    assert dict(items["department_commissioned"])["true"] >= 1
    assert sum(n for _v, n in items["category"]) == find(db, "service-items", "评审").total


def test_sort_by_newest_and_by_credit(db, agency, frozen):
    first = agency(name="甲环评公司")
    frozen.advance(days=1)
    second = agency(name="乙环评公司")
    assert ids(find(db, "agencies", "环评", sort="newest")) == [second, first]
    db.get(Organization, first).credit_score_milli = 95_000
    db.get(Organization, second).credit_score_milli = 70_000
    search.index(db, "agencies", first)
    search.index(db, "agencies", second)
    assert ids(find(db, "agencies", "环评", sort="credit")) == [first, second]


def test_relevance_puts_a_name_match_before_a_description_match(db, agency):
    in_description = agency(name="吉林甲咨询有限公司", description="也做水土保持")
    in_name = agency(name="吉林水土保持咨询有限公司")
    assert ids(find(db, "agencies", "水土保持")) == [in_name, in_description]


def test_suggestions_skip_the_facets_but_not_the_total(db, agency):
    agency(name="甲环评公司")
    found = find(db, "agencies", "环评", facets=False)
    assert found.total == 1 and all(values == [] for values in found.facets.values())


def test_pages_split_the_results_without_overlap(db, agency):
    made = {agency(name=f"第{n}环评公司") for n in range(7)}
    pages = [find(db, "agencies", "环评", page=p, per_page=3) for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [3, 3, 1]
    assert {p.total for p in pages} == {7} and pages[0].pages == 3
    assert set(sum((ids(p) for p in pages), [])) == made
    assert find(db, "agencies", "环评", page=99, per_page=3).hits == []


def test_matches_are_highlighted_in_titles_and_snippets(db, agency):
    agency(name="长春水土保持咨询有限公司", qualifications=["水土保持方案编制能力评价"])
    hit = find(db, "agencies", "水保").hits[0]
    assert hit.highlights["name"] == "长春<mark>水土保持</mark>咨询有限公司"
    assert "<mark>水土保持</mark>" in hit.highlights["qualifications"]


def test_a_change_is_searchable_in_its_own_transaction_and_gone_with_its_rollback(db, agency):
    agency(name="甲环评公司")
    db.commit()
    nested = db.begin_nested()
    agencies.register_agency(db, {**_payload(2), "name": "乙水保公司"})
    assert find(db, "agencies", "水保").total == 1  # same transaction, before any commit
    nested.rollback()
    assert find(db, "agencies", "水保").total == 0
    assert find(db, "agencies", "环评").total == 1


def _payload(n: int) -> dict:
    from tests.conftest import agency_payload
    from tests.market.search_support import valid_uscc

    return agency_payload(uscc=valid_uscc(100 + n), email=f"search{n}@test.zjm")


def test_an_edited_service_item_is_found_by_its_new_words_only(db, make):
    operator = make.staff("operator")
    assert find(db, "service-items", "widget").total == 0
    catalog.update_item(db, operator, "FIRE-TECH-SERVICE", {"name_en": "Fire widget servicing"})
    assert [h.data["code"] for h in find(db, "service-items", "widget").hits] == [
        "FIRE-TECH-SERVICE"
    ]
    catalog.update_item(db, operator, "FIRE-TECH-SERVICE", {"name_en": "Fire servicing"})
    assert find(db, "service-items", "widget").total == 0


def test_seeding_the_catalog_indexes_every_item(db):
    assert find(db, "service-items").total == len(db.exec(select(ServiceItem)).all())


def test_standing_that_lapses_with_time_is_filtered_at_query_time(db, agency, frozen):
    suspended = agency(name="甲环评公司")
    fine = agency(name="乙环评公司")
    org = db.get(Organization, suspended)
    org.suspended_until = clock.now() + timedelta(days=1)
    search.index(db, "agencies", suspended)
    assert ids(find(db, "agencies", "环评", filters={"standing": ["suspended"]})) == [suspended]
    assert ids(find(db, "agencies", "环评", filters={"standing": ["eligible"]})) == [fine]
    frozen.advance(days=2)  # nothing is re-indexed: the suspension simply ended
    assert find(db, "agencies", "环评", filters={"standing": ["suspended"]}).total == 0
    assert set(ids(find(db, "agencies", "环评", filters={"standing": ["eligible"]}))) == {
        suspended,
        fine,
    }


def test_a_removal_hides_the_agency_from_the_moment_it_takes_effect(db, agency, frozen):
    removed = agency(name="甲环评公司")
    db.get(Organization, removed).removed_at = clock.now() + timedelta(hours=1)
    search.index(db, "agencies", removed)
    assert ids(find(db, "agencies", "环评")) == [removed]
    frozen.advance(hours=2)
    assert find(db, "agencies", "环评").total == 0


def test_reindex_rebuilds_an_index_from_the_database(db, agency):
    wanted = agency(name="甲环评公司")
    EmbeddedEngine(db).clear(search.get_index("agencies"))
    assert find(db, "agencies", "环评").total == 0
    report = search.reindex(db, "agencies")
    assert report.documents == 1 and report.meilisearch_error is None
    assert ids(find(db, "agencies", "环评")) == [wanted]


def test_reindex_command_shows_progress_and_rebuilds(app, db, agency):
    wanted = agency(name="甲环评公司")
    EmbeddedEngine(db).clear(search.get_index("agencies"))
    db.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex", "agencies"])
    assert result.exit_code == 0, result.output
    assert "agencies: 1 documents indexed (embedded)" in result.output
    assert ids(find(db, "agencies", "环评")) == [wanted]
    bad = app.test_cli_runner().invoke(args=["search", "reindex", "nonsense"])
    assert bad.exit_code == 2 and "unknown index" in bad.output


HOSTILE = [
    "' OR 1=1 --",
    '"',
    "*",
    "NEAR(",
    "NEAR(环评 水保, 2)",
    "环评*",
    "-环评",
    "a:b",
    "{a b}: c",
    "^x",
    "环评 AND",
    "OR",
    "x" * 5000,
    "环" * 5000,
    "！？。，、",
    "'",
    "\\",
    "%",
    "_",
    "\x00环评",
    "<script>alert(1)</script>",
    "環評",
    "１２３",
]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("index", ["agencies", "service-items"])
def test_hostile_queries_return_results_or_nothing_never_an_error(db, agency, index, query):
    agency(name="甲环评公司")
    found = find(db, index, query)
    assert found.total >= 0 and len(found.hits) <= found.per_page
    if found.no_terms:
        assert found.total == 0


def test_a_query_of_punctuation_only_has_no_words(db):
    found = find(db, "service-items", "！？。")
    assert found.no_terms and found.total == 0
