"""Search benchmark: the embedded engine against a naive LIKE scan, on the same data, in one run.

    .venv/bin/python -m bench.search_bench --db sqlite
    .venv/bin/python -m bench.search_bench --db postgresql   # a throw-away server (tests/pgserver)

Generates task-like documents (default 100,000) and agencies (default 20,000) straight into the
embedded index (the real `search_*` tables from the migrations, written by the real engine) and
the same text into a plain table, then times each query both ways: the search port's full answer
(count + first page + facets) against `count(*)` + first page of `LIKE '%word%'` on every word.
Prints median and p95 latency per query and the ratio naive / embedded.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from market import search
from market.search.embedded import EmbeddedEngine
from market.search.indexes import AGENCIES
from market.search.registry import (
    Condition,
    Document,
    IndexSpec,
    Query,
    SearchField,
    SortOption,
    State,
    StateOption,
    epoch,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

TASKS = IndexSpec(
    name="bench-tasks",
    build=lambda _s, _i: None,
    ids=lambda _s: [],
    searchable=(
        SearchField("title", "A"),
        SearchField("service", "B"),
        SearchField("description", "D"),
    ),
    title="title",
    snippets=("description",),
    filters={"funding": "Funding", "method": "Selection method", "service_item": "Service item"},
    numbers=("published_at", "deadline_at", "price_cap_fen"),
    sorts={
        "newest": SortOption("published_at", True, "Newest"),
        "deadline": SortOption("deadline_at", False, "Deadline"),
        "price_cap": SortOption("price_cap_fen", True, "Price cap"),
    },
    states={
        "status": State(
            "Status",
            {
                "open": StateOption(
                    "Open",
                    (
                        Condition("published_at", "before_now"),
                        Condition("deadline_at", "after_now"),
                    ),
                ),
                "closed": StateOption("Closed", (Condition("deadline_at", "before_now"),)),
            },
        )
    },
    browse_sort="newest",
)

CITIES = [
    "长春市",
    "吉林市",
    "四平市",
    "辽源市",
    "通化市",
    "白山市",
    "松原市",
    "白城市",
    "延吉市",
    "梅河口市",
    "公主岭市",
    "珲春市",
    "敦化市",
    "榆树市",
    "德惠市",
    "桦甸市",
    "蛟河市",
    "舒兰市",
]
DISTRICTS = [
    "南关区",
    "朝阳区",
    "宽城区",
    "二道区",
    "绿园区",
    "双阳区",
    "九台区",
    "昌邑区",
    "龙潭区",
    "船营区",
    "丰满区",
    "经济开发区",
    "高新区",
    "新区",
    "工业园区",
]
PROJECTS = [
    "道路改扩建工程",
    "污水处理厂提标改造",
    "光伏发电项目",
    "风电场工程",
    "住宅小区",
    "产业园基础设施",
    "水库除险加固",
    "垃圾焚烧发电",
    "物流园",
    "学校教学楼",
    "医院门诊楼",
    "输变电工程",
    "天然气管道",
    "铁路专用线",
    "农村饮水安全工程",
    "河道综合治理",
    "棚户区改造",
    "冷链仓储中心",
    "汽车零部件厂房",
    "数据中心",
    "热电联产",
    "矿山开采",
]
SERVICES = [
    ("EIA-REPORT", "建设项目环境影响报告书编制"),
    ("EIA-FORM", "建设项目环境影响报告表编制"),
    ("SWC-PLAN", "生产建设项目水土保持方案编制"),
    ("FLOOD-IMPACT", "洪水影响评价报告编制"),
    ("GEO-HAZARD-ASSESS", "地质灾害危险性评估"),
    ("SEISMIC-SAFETY", "建设工程地震安全性评价"),
    ("ENERGY-REPORT", "固定资产投资项目节能报告编制"),
    ("SAFETY-PRE-EVAL", "建设项目安全预评价"),
    ("COST-CONSULTING", "工程造价咨询"),
    ("SURVEYING-MAPPING", "建设工程测绘"),
    ("DRAWING-REVIEW", "施工图设计文件审查"),
    ("TRAFFIC-IMPACT", "建设项目交通影响评价"),
]
PHRASES = [
    "服务内容包括现场踏勘、资料收集、监测与报告编制",
    "配合评审会议并按专家意见修改完善",
    "成果需满足审批部门要求",
    "服务期限自合同签订之日起计算",
    "报价应包含全部服务费用",
    "项目位于规划范围内，周边无敏感目标",
    "需提交纸质成果五份及电子文档",
    "委托人提供项目可行性研究报告及设计图纸",
    "按照国家和地方现行规范开展工作",
    "涉及占用耕地的需同步开展相关论证",
    "依法开展环境影响评价",
    "环评批复后方可开工建设",
    "同步编制水土保持方案",
    "需取得地质灾害危险性评估结论",
]
BRANDS = [
    "华信",
    "中联",
    "博远",
    "吉环",
    "长测",
    "鼎盛",
    "天元",
    "正和",
    "恒通",
    "宏达",
    "金石",
    "北方",
    "东升",
    "瑞丰",
    "中科",
    "国泰",
    "新世纪",
    "泰和",
    "宇航",
    "松江",
]
TRADES = [
    "环境科技",
    "工程咨询",
    "测绘",
    "勘察设计",
    "造价咨询",
    "安全技术",
    "水利规划",
    "地质勘查",
]
QUALIFICATIONS = [
    "测绘资质证书",
    "工程造价咨询企业资质",
    "地质灾害评估资质",
    "安全评价机构资质",
    "水土保持方案编制能力评价",
    "工程勘察资质",
    "工程设计资质",
]
FUNDINGS = ["private", "state_owned", "budget"]
METHODS = ["random", "lowest_price", "average_price", "scoring", "direct"]

#: (index, words, filters, sort): what people type, from rare to very common.
QUERIES = [
    ("bench-tasks", "环境影响评价", {}, "relevance"),
    ("bench-tasks", "环评", {}, "relevance"),  # a synonym: LIKE finds only the literal word
    ("bench-tasks", "水土保持 长春市", {}, "relevance"),
    ("bench-tasks", "地质灾害 珲春市 矿山开采", {}, "newest"),
    ("bench-tasks", "测绘", {"status": ["open"]}, "deadline"),
    ("bench-tasks", "造价 数据中心", {"funding": ["budget"]}, "price_cap"),
    ("bench-tasks", "项目", {}, "newest"),  # in almost every document
    ("agencies", "环境科技", {}, "relevance"),
    ("agencies", "华信 测绘", {}, "relevance"),
    ("agencies", "造价咨询", {"service_item": ["COST-CONSULTING"]}, "relevance"),
]


def generate_tasks(n: int, rng: random.Random):
    for i in range(1, n + 1):
        code, service = rng.choice(SERVICES)
        title = f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}{rng.choice(PROJECTS)}{service}"
        description = "；".join(rng.sample(PHRASES, 3)) + f"。项目编号{rng.randint(10**5, 10**6)}。"
        published = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        yield Document(
            str(i),
            {"title": title, "service": service, "description": description},
            {
                "funding": [rng.choice(FUNDINGS)],
                "method": [rng.choice(METHODS)],
                "service_item": [code],
            },
            {
                "published_at": epoch(published),
                "deadline_at": epoch(published + timedelta(days=rng.randint(3, 20))),
                "price_cap_fen": rng.randint(1, 500) * 1000_00,
            },
        )


def generate_agencies(n: int, rng: random.Random):
    for i in range(1, n + 1):
        trade = rng.choice(TRADES)
        offered = rng.sample(SERVICES, rng.randint(1, 4))
        quals = rng.sample(QUALIFICATIONS, rng.randint(0, 2))
        name = f"{rng.choice(CITIES)[:-1]}{rng.choice(BRANDS)}{trade}有限公司"
        yield Document(
            str(i),
            {
                "name": name,
                "services": "；".join(s for _c, s in offered),
                "qualifications": "；".join(quals),
                "description": f"专业从事{trade}服务，{rng.choice(PHRASES)}。",
            },
            {
                "service_item": [c for c, _s in offered],
                "qualification": quals,
                "verified_qualification": [],
                "grade": [rng.choice("ABCD")],
            },
            {
                "listed_at": epoch(NOW - timedelta(days=rng.randint(0, 900))),
                "credit": rng.randint(50_000, 100_000),
            },
        )


def load(session: Session, spec: IndexSpec, docs, total: int) -> float:
    """Write the documents into the embedded index and the naive table; returns seconds."""
    engine = EmbeddedEngine(session)
    started, batch, done = time.perf_counter(), [], 0
    for doc in docs:
        batch.append(doc)
        if len(batch) == 2000:
            done += _write(session, engine, spec, batch)
            batch = []
            print(f"\r  {spec.name}: {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
    done += _write(session, engine, spec, batch)
    session.commit()
    print(f"\r  {spec.name}: {done:,} documents", file=sys.stderr)
    return time.perf_counter() - started


def _write(session, engine, spec, batch) -> int:
    engine.put_many(spec, batch)
    rows = [
        {
            "ix": spec.name,
            "id": int(d.id),
            "title": d.text[spec.title],
            "body": " ".join(v for k, v in d.text.items() if k != spec.title),
            "funding": (d.terms.get("funding") or [""])[0],
            "service_item": " ".join(d.terms.get("service_item") or []),
            "published_at": d.numbers.get("published_at") or d.numbers.get("listed_at"),
            "deadline_at": d.numbers.get("deadline_at"),
        }
        for d in batch
    ]
    if rows:
        session.execute(
            text(
                "INSERT INTO bench_naive (ix, id, title, body, funding, service_item, published_at, "
                "deadline_at) VALUES (:ix, :id, :title, :body, :funding, :service_item, "
                ":published_at, :deadline_at)"
            ),
            rows,
        )
    return len(batch)


def naive(session: Session, index: str, words: str, filters: dict, sort: str) -> int:
    """What a site without full-text search does: LIKE on every word, then count and a page."""
    where, params = ["ix = :ix"], {"ix": index, "now": epoch(NOW)}
    for i, word in enumerate(words.split()):
        where.append(f"(title LIKE :w{i} OR body LIKE :w{i})")
        params[f"w{i}"] = f"%{word}%"
    if filters.get("status") == ["open"]:
        where.append("published_at <= :now AND deadline_at > :now")
    if "funding" in filters:
        where.append("funding = :funding")
        params["funding"] = filters["funding"][0]
    if "service_item" in filters:
        where.append("service_item LIKE :si")
        params["si"] = f"%{filters['service_item'][0]}%"
    sql_where = " AND ".join(where)
    order = {"newest": "published_at DESC", "deadline": "deadline_at ASC"}.get(sort, "id")
    total = session.execute(
        text(f"SELECT count(*) FROM bench_naive WHERE {sql_where}"), params
    ).scalar_one()
    session.execute(
        text(
            f"SELECT id, title, body FROM bench_naive WHERE {sql_where} ORDER BY {order} LIMIT 20"
        ),
        params,
    ).all()
    return total


def timed(fn, repeat: int, cpu: list[float] | None = None) -> tuple[list[float], object]:
    """Wall-clock samples (ms) of `fn`, after one warm-up; `cpu` receives this process's CPU
    time of each run (SQLite runs in-process: its CPU time is what the load disturbs least)."""
    result = fn()  # warm-up (caches, query plans)
    samples = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return samples, result


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def generate(session: Session, dialect: str, tasks: int, agency_count: int) -> dict:
    """The benchmark's data: the naive table and both indexes; returns seconds per index."""
    session.execute(
        text(
            "CREATE TABLE bench_naive (ix VARCHAR(32), id INTEGER, title TEXT, "
            "body TEXT, funding VARCHAR(16), service_item TEXT, "
            "published_at BIGINT, deadline_at BIGINT, PRIMARY KEY (ix, id))"
        )
    )
    session.commit()
    rng = random.Random(20261125)
    print(f"generating and indexing on {dialect}…", file=sys.stderr)
    seconds = {
        TASKS.name: load(session, TASKS, generate_tasks(tasks, rng), tasks),
        AGENCIES.name: load(session, AGENCIES, generate_agencies(agency_count, rng), agency_count),
    }
    if dialect == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
    return seconds


def run(url: str, tasks: int, agency_count: int, repeat: int, fresh: bool = True) -> list[dict]:
    from alembic import command

    from market.cli import alembic_config
    from wsgi import create_app

    app = create_app({"DATABASE_URL": url, "MEILISEARCH_URL": "", "TESTING": True})
    db = app.extensions["market.db"]
    search.register_index(TASKS)
    with Session(db.engine) as session:
        if fresh:
            with app.app_context():
                command.upgrade(alembic_config(), "head")
            seconds = generate(session, db.dialect, tasks, agency_count)
            note = f"indexing {seconds[TASKS.name]:.0f} s + {seconds[AGENCIES.name]:.0f} s"
        else:
            note = "data generated by an earlier run"
        print(
            f"\n{db.dialect}: {tasks:,} task-like documents, {agency_count:,} agencies; "
            f"{note}; {repeat} timed runs per query after one warm-up\n"
        )
        header = (
            f"{'index':<12}{'query':<28}{'hits':>7}{'LIKE hits':>10}{'search med':>11}"
            f"{'p95':>8}{'LIKE med':>10}{'p95':>8}{'ratio':>8}"
        )
        print(header + "\n" + "-" * len(header))
        all_search, all_naive, table = [], [], []
        # SQLite: the CPU time of both sides too (in-process; PostgreSQL's is the server's).
        cpu_search: list[float] | None = [] if db.dialect == "sqlite" else None
        cpu_naive: list[float] | None = [] if db.dialect == "sqlite" else None
        for index, words, filters, sort in QUERIES:
            query = Query(text=words, filters=filters, sort=sort)
            s_samples, found = timed(
                lambda i=index, q=query: search.search(session, i, q, now=NOW), repeat, cpu_search
            )
            n_samples, n_total = timed(
                lambda i=index, w=words, f=filters, s=sort: naive(session, i, w, f, s),
                repeat,
                cpu_naive,
            )
            all_search += s_samples
            all_naive += n_samples
            label = (
                words
                + (f" {filters}" if filters else "")
                + (f" ↓{sort}" if sort != "relevance" else "")
            )
            s_med, n_med = statistics.median(s_samples), statistics.median(n_samples)
            total = f"{found.total}+" if found.estimated else str(found.total)
            print(
                f"{index:<12}{label[:26]:<28}{total:>7}{n_total:>10}{s_med:>9.1f}ms"
                f"{p95(s_samples):>6.1f}ms{n_med:>8.1f}ms{p95(n_samples):>6.1f}ms"
                f"{n_med / s_med:>7.1f}x"
            )
            table.append(
                row(f"{db.dialect} {label[:30]} (median ms)", s_med, n_med, "not slower than LIKE")
            )
        s_med, n_med = statistics.median(all_search), statistics.median(all_naive)
        s_p95, n_p95 = p95(all_search), p95(all_naive)
        print("-" * len(header))
        print(
            f"{'all queries':<40}{'':>7}{s_med:>9.1f}ms{s_p95:>6.1f}ms"
            f"{n_med:>8.1f}ms{n_p95:>6.1f}ms{n_med / s_med:>7.1f}x"
        )
        print(
            "\nsearch = count + first page (20) + facet counts through market.search; "
            "LIKE = count + first page of LIKE '%word%' on every word (no facets, no "
            "synonyms, no ranking); ratio = LIKE median / search median; hits 1000+ = more "
            "than the engine counts (COUNT_LIMIT)."
        )
        cpu_rows = []
        if cpu_search and cpu_naive:
            c_med, c_p95 = statistics.median(cpu_search), p95(cpu_search)
            n_cmed, n_cp95 = statistics.median(cpu_naive), p95(cpu_naive)
            print(
                f"{'all queries, CPU time':<40}{'':>7}{c_med:>9.1f}ms{c_p95:>6.1f}ms"
                f"{n_cmed:>8.1f}ms{n_cp95:>6.1f}ms{n_cmed / c_med:>7.1f}x"
            )
            cpu_rows = [
                row(
                    f"{db.dialect} all queries: CPU median (ms)",
                    c_med,
                    n_cmed,
                    "(info: ≥ 10×)",
                ),
                row(f"{db.dialect} all queries: CPU p95 (ms)", c_p95, n_cp95, "(info: ≤ 20 ms)"),
            ]
        table = [
            row(f"{db.dialect} all queries: median (ms)", s_med, n_med, "≥ 10× faster than LIKE"),
            row(f"{db.dialect} all queries: p95 (ms)", s_p95, n_p95, "≤ 20 ms"),
            *cpu_rows,
            *table,
        ]
    db.engine.dispose()
    return table


def row(figure: str, value: float, baseline: float, target: str) -> dict:
    """One row of the common benchmark table: search time against the LIKE scan's."""
    ratio = baseline / value
    if target.startswith("(info"):  # shown beside the targets, not one of them
        ok = None
    elif target.startswith("≥ 10×"):
        ok = ratio >= 10
    elif target.startswith("≤ 20 ms"):
        ok = value <= 20
    else:
        ok = ratio >= 1
    return {
        "figure": figure,
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(ratio, 1),
        "target": target,
        "ok": ok,
    }


def print_table(table: list[dict]) -> None:
    """figure, value, baseline (the LIKE scan, same run), ratio (baseline / value), target, ✓/✗."""
    header = f"{'figure':<52}{'value':>9}{'baseline':>10}{'ratio':>8}  {'target':<24}ok"
    print("\n" + header + "\n" + "-" * len(header))
    for r in table:
        print(
            f"{r['figure']:<52}{r['value']:>9}{r['baseline']:>10}{r['ratio']:>7}x  "
            f"{r['target']:<24}{({True: '✓', False: '✗', None: '·'})[r['ok']]}"
        )


def bench_rows(
    db: str = "sqlite", tasks: int = 100_000, agencies: int = 20_000, repeat: int = 20
) -> list[dict]:
    """Run the benchmark on a throw-away database; its rows ({figure, value, baseline, ratio,
    target, ok}) for a table of every benchmark."""
    if db == "postgresql":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.pgserver import PostgresServer

        server = PostgresServer()
        try:
            return run(server.start(), tasks, agencies, repeat)
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="zjm-bench-") as tmp:
        return run(f"sqlite:///{Path(tmp) / 'bench.db'}", tasks, agencies, repeat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--keep",
        metavar="FILE",
        help="SQLite only: generate into FILE and keep it; if FILE exists, reuse its data",
    )
    parser.add_argument(
        "--url",
        help="a database to use (generated into unless an earlier run did: reused then)",
    )
    args = parser.parse_args(argv)
    if args.url:
        from sqlalchemy import create_engine, inspect

        engine = create_engine(args.url)
        fresh = not inspect(engine).has_table("bench_naive")
        engine.dispose()
        table = run(args.url, args.tasks, args.agencies, args.repeat, fresh=fresh)
    elif args.keep:
        path = Path(args.keep).resolve()
        table = run(
            f"sqlite:///{path}", args.tasks, args.agencies, args.repeat, fresh=not path.exists()
        )
    else:
        table = bench_rows(args.db, args.tasks, args.agencies, args.repeat)
    print_table(table)


if __name__ == "__main__":
    main()
