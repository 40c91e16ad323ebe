"""Reindexing fast without changing a token: the quicker tokenizer cuts exactly as jieba does,
and a rebuild segmented in worker processes writes exactly what one segmented here writes."""

from __future__ import annotations

import random

import jieba
from sqlalchemy import text

from market import search, tasks
from market.search import segmenting
from market.search.embedded import rowid_base
from market.search.registry import Document
from market.search.text import SYNONYM_GROUPS, Tokenizer, tokenizer
from tests.market.test_tasks import task_data

PHRASES = [
    "长春市南关区某住宅小区项目环境影响评价",
    "吉林省水土保持方案编制及技术评审服务",
    "項目需要測繪與環評，並通過技術評估。",
    "地质灾害危险性评估报告（含压覆矿产调查）",
    "编制环境影响报告书并通过技术评估。项目编号482913。",
    "EIA report for Changchun No.3 Bridge, phase 2 (10.5 km)",
    "建设单位：长春新区发展有限公司；服务期限30日历天",
    "甲乙丙丁环评水保安评能评地灾洪评图审稳评职评可研",
    "社会稳定风险评估和交通影响评价、雷电灾害风险评估",
    "B超T恤3C认证iPhone15 Pro，5G基站的电磁辐射评价",
]
CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"


def reference_tokenizer() -> jieba.Tokenizer:
    """jieba's own tokenizer, with the words `tokenizer()` adds."""
    tk = jieba.Tokenizer()
    for group in SYNONYM_GROUPS:
        for term in group:
            if not term.isascii():
                tk.add_word(term)
    return tk


def corpus(n: int = 1500) -> list[str]:
    rng = random.Random(7)
    texts = list(PHRASES)
    for _ in range(n):
        texts.append("".join(rng.choice(PHRASES)[rng.randrange(0, 8) :][:12] for _ in range(3)))
        texts.append("".join(rng.choice(CHARS) for _ in range(rng.randint(1, 40))))
    return texts


def test_the_quicker_tokenizer_cuts_exactly_as_jieba():
    ours, theirs = tokenizer(), reference_tokenizer()
    assert isinstance(ours, Tokenizer)
    for sentence in corpus():
        assert ours.get_DAG(sentence) == theirs.get_DAG(sentence), sentence
        for hmm in (True, False):
            assert list(ours.cut(sentence, HMM=hmm)) == list(theirs.cut(sentence, HMM=hmm)), (
                sentence
            )


def test_a_word_added_later_changes_the_quicker_cut_as_it_changes_jiebas():
    ours, theirs = Tokenizer(), jieba.Tokenizer()
    sentence = "长春市南关区某住宅小区项目环境影响评价"
    assert list(ours.cut(sentence)) == list(theirs.cut(sentence))
    for tk in (ours, theirs):
        tk.add_word("南关区某住宅")
    assert "南关区某住宅" in list(ours.cut(sentence))
    assert list(ours.cut(sentence)) == list(theirs.cut(sentence))


def index_rows(db) -> dict:
    """What the tasks index holds, keyed by task id (row ids differ from one rebuild to the next)."""
    doc = dict(
        db.execute(text("SELECT id, doc_id FROM search_document WHERE index_name = 'tasks'")).all()
    )
    tsv = "" if db.get_bind().dialect.name == "sqlite" else ", CAST(tsv AS TEXT)"
    documents = {
        row[0]: row[1:]
        for row in db.execute(
            text(
                f"SELECT doc_id, data, facets{tsv} FROM search_document WHERE index_name = 'tasks'"
            )
        )
    }
    numbers = sorted(
        (doc[d], f, v)
        for d, f, v in db.execute(
            text("SELECT document_id, field, value FROM search_number WHERE index_name = 'tasks'")
        )
    )
    fts = []
    if db.get_bind().dialect.name == "sqlite":
        base = rowid_base("tasks")
        fts = sorted(
            (doc[rowid - base], *columns)
            for rowid, *columns in db.execute(
                text(
                    "SELECT rowid, ix, f, a, b, c, d FROM search_fts "
                    "WHERE rowid BETWEEN :lo AND :hi"
                ),
                {"lo": base, "hi": base + (1 << 40) - 1},
            )
        )
    return {"documents": documents, "numbers": numbers, "fts": fts}


def test_a_rebuild_cut_in_worker_processes_writes_what_one_cut_here_writes(db, make):
    applicant = make.enterprise()
    rng = random.Random(3)
    for n in range(23):
        draft = tasks.create_draft(
            db,
            applicant,
            task_data(
                title=f"{rng.choice(PHRASES)[:14]}{n}",
                description="；".join(rng.sample(PHRASES, 3)),
            ),
        )
        if n % 5:
            tasks.publish(db, applicant, draft.number)
    report = search.reindex(db, "tasks", workers=0)
    here = index_rows(db)
    assert report.documents == len(here["documents"]) == 18
    progress: list[int] = []
    report = search.reindex(db, "tasks", batch=4, workers=2, on_progress=progress.append)
    assert report.documents == 18 and sum(progress) == 18 and len(progress) == 5
    assert index_rows(db) == here


def test_the_workers_cut_in_order_as_this_process_does():
    spec = search.get_index("tasks")
    names = [f.name for f in spec.searchable]
    docs = [
        Document(id=str(i), text=dict(zip(names, PHRASES[i:] + PHRASES[:i], strict=False)))
        for i in range(len(PHRASES))
    ]
    with segmenting.Segmenter(spec, workers=2, depth=2) as segmenter:
        assert segmenter.pool is not None
        out = list(segmenter.map(docs, lambda doc: [doc]))
    assert [batch for batch, _docs, _weighted in out] == docs
    assert [weighted for _batch, _docs, weighted in out] == [
        segmenting.weighted_tokens(spec, [doc]) for doc in docs
    ]


def test_a_large_rebuild_uses_one_worker_per_core_and_a_small_one_none(monkeypatch):
    monkeypatch.setattr(segmenting.os, "cpu_count", lambda: 4)
    assert segmenting.pool_size(segmenting.POOL_THRESHOLD) == 4
    assert segmenting.pool_size(segmenting.POOL_THRESHOLD - 1) == 0
    assert segmenting.pool_size(10, workers=3) == 3
    monkeypatch.setattr(segmenting.os, "cpu_count", lambda: 1)
    assert segmenting.pool_size(10**6) == 0
