"""Bidding benchmarks: opening and selection of a large task, and bid submission over HTTP.

    .venv/bin/python -m bench.bidding_bench                     # both parts, throw-away PostgreSQL
    .venv/bin/python -m bench.bidding_bench --db sqlite         # both parts on a temporary SQLite
    .venv/bin/python -m bench.bidding_bench --part opening      # only (a); --part http: only (b)

(a) **Opening** one task with 1,000 bids (1,000 agencies) for each of `lowest_price`,
`average_price` and `random`: the time of `bidding.opening.open_if_due` (lock, publish receipts,
re-check eligibility as at the deadline, abnormally-low tests) and the `progress.advance` it
calls (validity final, draws, ranking, award candidate, publicity), plus the commit — median of
several fresh tasks per method, next to two baselines timed in the same run: 1,000 single-row
primary-key reads through the same session, and submitting one bid (`sealed.submit_bid` + commit)
on a task that already holds 999.

(b) **Bid submission over HTTP**: the app served by werkzeug's threaded server on 127.0.0.1 (in a
child process by default, so the clients do not compete with it for the GIL), 50 client threads
each with its own agency and API token and a keep-alive connection: first the baseline, an empty
authenticated request (``GET /api/v1/session``), then ``POST /api/v1/tasks/{number}/bids``, each
client bidding once on each of the tasks. Throughput, median and p95 latency of each, and ratios.

Everything is bounded in count and time and stays on loopback. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import http.client
import importlib
import json
import logging
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select
from stdnum.cn import uscc as stdnum_uscc

ROOT = Path(__file__).resolve().parent.parent
EIA_TYPE = "eia-engineer"  # 环境影响评价工程师职业资格证书（编制主持人）, tied to a person
PASSWORD = "bench password 12345"
CAP_FEN, FIXED_FEE_FEN = 2_000_000, 1_000_000
METHODS = ("lowest_price", "average_price", "random")


# --- the app and its data -------------------------------------------------------------------------


def app_config(url: str, tmp: Path) -> dict:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "MEILISEARCH_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": False,
        # Passwords are not what is measured: the cheapest Argon2 parameters.
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8,
        "DRAW_SEED_KEY": "bench draw seed key",
        "SIGNING_KEY_PATH": str(tmp / "signing_key.pem"),
        "UPLOAD_DIR": str(tmp / "uploads"),
    }


def make_app(url: str, tmp: Path, pool: int):
    from market.db import make_engine
    from wsgi import create_app

    app = create_app(app_config(url, tmp))
    if pool and not url.startswith("sqlite"):
        # The app has no pool setting (SQLAlchemy's default is 5 + 10 overflow); the threaded
        # server runs up to 50 requests at once, so give it a pool that is not the bottleneck.
        app.extensions["market.db"].bind = make_engine(url, pool_size=pool, max_overflow=10)
    return app


def migrate_and_seed(app) -> None:
    from alembic import command

    from market import catalog, holidays
    from market.cli import alembic_config

    with app.app_context():
        command.upgrade(alembic_config(), "head")
    with app.extensions["market.db"].transaction() as session:
        catalog.seed_catalog(session)
        holidays.import_official(session)


class Registry:
    """Unique USCCs, e-mails and legal representatives for generated organizations."""

    def __init__(self, tag: str):
        self.tag, self.n = tag, 0

    def uscc(self) -> str:
        self.n += 1
        body = f"91220101M{self.tag}{self.n:07d}"
        return body + stdnum_uscc.calc_check_digit(body)

    def enterprise(self, session: Session):
        from market import accounts

        user = accounts.register_enterprise(
            session,
            {
                "name": f"基准测试企业{self.tag}有限公司",
                "uscc": self.uscc(),
                "legal_representative": f"企业代表{self.tag}",
                "region_code": "220106",
                "user_name": "张三",
                "email": f"enterprise-{self.tag}@bench.zjm",
                "password": PASSWORD,
            },
        )
        session.commit()
        return user

    def agencies(self, session: Session, count: int) -> list:
        """`count` listed agencies holding the EIA qualification, committed in batches."""
        from market import agencies

        users = []
        for i in range(count):
            uscc = self.uscc()
            users.append(
                agencies.register_agency(
                    session,
                    {
                        "name": f"吉林基准咨询{self.tag}{self.n}有限公司",
                        "uscc": uscc,
                        "legal_representative": f"代表人{self.tag}{self.n}",
                        "region_code": "220102",
                        "address": "长春市南关区",
                        "description": "环评。",
                        "contact_name": "王五",
                        "contact_phone": "0431-88888888",
                        "contact_email": "contact@agency.test",
                        "services": [
                            {
                                "service_item": "EIA-REPORT",
                                "commitment_days": 30,
                                "commitment_scope": "报告书编制",
                                "price_min_fen": 1_000_000,
                                "price_max_fen": 2_000_000,
                            }
                        ],
                        "professionals": [
                            {
                                "name": "李四",
                                "certificate": "环境影响评价工程师",
                                "certificate_no": f"HP{self.n:06d}",
                                "id_number": "220102199001011239",
                            }
                        ],
                        "qualifications": [
                            {
                                "type": EIA_TYPE,
                                "certificate_no": "HP-1",
                                "issuer": "生态环境部",
                                "valid_until": "2030-12-31",
                            }
                        ],
                        "commitment": True,
                        "user_name": "王五",
                        "email": f"agency-{self.tag}-{self.n}@bench.zjm",
                        "password": PASSWORD,
                    },
                )
            )
            if i % 100 == 99:
                session.commit()
        session.commit()
        return users


def post_task(session: Session, applicant, method: str):
    from market import tasks

    data = {
        "service_item": "EIA-REPORT",
        "title": "某项目环境影响报告书编制",
        "description": "编制环境影响报告书。",
        "funding": "private",
        "method": method,
        "price_cap_fen": CAP_FEN,
        "min_bids": 3,
        "service_days": 60,
        "bidding_wd": 5,
        "required_qualifications": [EIA_TYPE],
    }
    if method == "random":
        data["fixed_fee_fen"] = FIXED_FEE_FEN
    draft = tasks.create_draft(session, applicant, data)
    task = tasks.publish(session, applicant, draft.number)
    session.commit()
    return task


def write_bids(session: Session, task, agencies: list, rng: random.Random) -> None:
    """One bid per agency, written straight into the tables: the rows `sealed.submit_bid` writes
    (real receipts and signatures, version 1), without its checks, so that
    generating 1,000 bids does not take longer than what is measured. Prices are 60–100 % of the
    cap, so none is abnormally low and opening goes straight on to the ranking."""
    from bidding import keys, receipts
    from bidding.models import Bid, BidVersion
    from market import clock
    from market.models import Organization

    signing_key, now = keys.current().signing_key(), clock.now()
    orgs = {
        o.id: o
        for o in session.exec(
            select(Organization).where(Organization.id.in_([u.organization_id for u in agencies]))
        )
    }
    rows = []
    for user in agencies:
        org = orgs[user.organization_id]
        price = (
            FIXED_FEE_FEN if task.method == "random" else rng.randint(CAP_FEN * 6 // 10, CAP_FEN)
        )
        text = receipts.normalize_proposal(f"技术方案 {org.id}")
        content = receipts.receipt_content(
            task.number, org.uscc, 1, price, 30, text, [], receipts.new_nonce()
        )
        receipt = receipts.receipt(content)
        bid = Bid(
            task_id=task.id,
            agency_id=org.id,
            version=1,
            price_fen=price,
            duration_days=30,
            proposal_text=text,
            attachments=[],
            receipt=receipt,
            submitted_at=now,
        )
        rows.append((bid, content, receipts.sign_receipt(signing_key, receipt)))
    session.add_all([bid for bid, _, _ in rows])
    session.flush()
    session.add_all(
        [
            BidVersion(
                bid_id=bid.id,
                task_id=task.id,
                version=1,
                content=content,
                receipt=bid.receipt,
                signature=signature,
                submitted_at=now,
            )
            for bid, content, signature in rows
        ]
    )
    session.commit()


# --- statistics -----------------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


# --- (a) opening and selection --------------------------------------------------------------------


def bench_opening(app, bids: int, reps: int, profile: str | None = None) -> list[dict]:
    """Part (a); prints its table and returns its rows (see `row`). With `profile`, the timed
    openings (not the warm-ups) run under cProfile and its statistics are dumped to that file
    (`python -m pstats FILE`): the times are then the profiler's, not comparable."""
    from bidding import opening, progress, sealed, selection
    from bidding.models import Bid
    from market import clock, lifecycle
    from market.policy import registry_of

    policy = registry_of(app).section("bidding")  # the app's configured bidding policy

    db = app.extensions["market.db"]
    rng = random.Random(20261125)
    real = clock.now()
    frozen = clock.FrozenClock(real.replace(microsecond=0))
    previous = clock.use(frozen)
    try:
        start = time.perf_counter()
        with db.session() as session:
            reg = Registry("A")
            applicant = reg.enterprise(session)
            agencies = reg.agencies(session, bids + 1)
            bidders, spare = agencies[:bids], agencies[bids]
            print(
                f"[a] {bids + 1:,} agencies registered in {time.perf_counter() - start:.0f} s",
                file=sys.stderr,
            )
            # A task for the submission baseline, holding bids - 1 bids already.
            base_task = post_task(session, applicant, "lowest_price")
            write_bids(session, base_task, bidders[: bids - 1], rng)
            published = frozen.now()
            tasks = {m: [] for m in METHODS}
            for method in METHODS:
                for _ in range(reps + 1):  # the first of each method is a warm-up
                    task = post_task(session, applicant, method)
                    write_bids(session, task, bidders, rng)
                    tasks[method].append(task)
            print(
                f"[a] {len(METHODS) * (reps + 1)} tasks of {bids:,} bids written "
                f"({time.perf_counter() - start:.0f} s so far)",
                file=sys.stderr,
            )

            # Baseline 1: as many single-row reads as there are bids, through the same session.
            ids = list(session.exec(select(Bid.id).where(Bid.task_id == base_task.id)))
            reads = []
            for _ in range(reps + 1):
                session.rollback()
                t0 = time.perf_counter()
                for bid_id in ids[:bids]:
                    session.exec(select(Bid.price_fen).where(Bid.id == bid_id)).one()
                reads.append(time.perf_counter() - t0)
            reads = reads[1:]

            # Baseline 2: submit the last bid of a task that holds bids - 1 (withdrawn in
            # between, untimed, so that each repetition submits afresh).
            frozen.set(published + timedelta(hours=2))
            submits = []
            for _ in range(reps + 1):
                t0 = time.perf_counter()
                sealed.submit_bid(
                    session,
                    spare,
                    base_task.number,
                    price_fen=1_500_000,
                    duration_days=30,
                    proposal_text="技术方案",
                )
                session.commit()
                submits.append(time.perf_counter() - t0)
                sealed.withdraw_bid(session, spare, base_task.number)
                session.commit()
            submits = submits[1:]

            # The measured operation: open (and so rank) each task, with its commit.
            advance_seconds: list[float] = []
            real_advance = progress.advance

            def timed_advance(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return real_advance(*args, **kwargs)
                finally:
                    advance_seconds.append(time.perf_counter() - t0)

            progress.advance = timed_advance
            # The garbage collector's time inside the measured openings (`gc.callbacks`): it
            # grows with every container the process holds, not with what the opening does.
            gc_seconds, gc_started = [0.0], [0.0]

            def collecting(phase: str, _info: dict) -> None:
                if phase == "start":
                    gc_started[0] = time.perf_counter()
                else:
                    gc_seconds[0] += time.perf_counter() - gc_started[0]

            results = {}
            try:
                frozen.set(tasks[METHODS[0]][0].deadline_at + timedelta(seconds=1))
                profiler = cProfile.Profile() if profile else None
                gc.callbacks.append(collecting)
                for method in METHODS:
                    totals, advances, commits, collected = [], [], [], []
                    for n, task in enumerate(tasks[method]):
                        session.rollback()
                        if profiler is not None and n:
                            profiler.enable()
                        gc_seconds[0] = 0.0
                        t0 = time.perf_counter()
                        assert opening.open_if_due(session, task, policy)
                        t1 = time.perf_counter()
                        session.commit()
                        t2 = time.perf_counter()
                        if profiler is not None and n:
                            profiler.disable()
                        totals.append(t2 - t0)
                        advances.append(advance_seconds[-1])
                        commits.append(t2 - t1)
                        collected.append(gc_seconds[0])
                        assert lifecycle.status(task) == lifecycle.PUBLICITY, lifecycle.status(task)
                        assert len(selection.ranking_of(session, task)) == bids
                    results[method] = (totals[1:], advances[1:], commits[1:], collected[1:])
                if profiler is not None:
                    profiler.dump_stats(profile)
            finally:
                progress.advance = real_advance
                gc.callbacks.remove(collecting)
    finally:
        clock.use(previous)

    print(
        f"\n(a) opening and selection, {db.dialect}: {bids:,} bids per task; median (p95) of "
        f"{reps} fresh tasks per method after one warm-up\n"
    )
    header = (
        f"{'':<46}{'median':>13}{'p95':>13}{'judge':>13}{'rank':>12}{'commit':>11}"
        f"{'gc':>10}{'× reads':>9}{'× submit':>10}"
    )
    print(header + "\n" + "-" * len(header))
    read_med, submit_med = statistics.median(reads), statistics.median(submits)
    print(f"{f'baseline: {bids:,} single-row reads':<46}{ms(read_med):>13}{ms(p95(reads)):>13}")
    print(
        f"{f'baseline: submit 1 bid (the {bids:,}th) + commit':<46}{ms(submit_med):>13}"
        f"{ms(p95(submits)):>13}"
    )
    for method, (totals, advances, commits, collected) in results.items():
        total = statistics.median(totals)
        judge = statistics.median(
            [t - a - c for t, a, c in zip(totals, advances, commits, strict=True)]
        )
        print(
            f"{f'open_if_due + ranking + commit: {method}':<46}{ms(total):>13}"
            f"{ms(p95(totals)):>13}{ms(judge):>13}{ms(statistics.median(advances)):>12}"
            f"{ms(statistics.median(commits)):>11}{ms(statistics.median(collected)):>10}"
            f"{total / read_med:>8.1f}x"
            f"{total / submit_med:>9.1f}x"
        )
    print(
        "\njudge = open_if_due without the advance it calls (lock, receipts published, "
        "eligibility as at the deadline, abnormally-low tests); rank = progress.advance "
        "(validity final and published, draws, ranking, award candidate, publicity); "
        "gc = median time in the garbage collector; "
        "× = median / baseline median."
    )
    return [
        row(
            f"(a) open {bids:,} bids: {method} ÷ {bids:,} PK reads",
            statistics.median(totals),
            read_med,
            "<=",
            0.25,
            "s",
        )
        for method, (totals, _advances, _commits, _collected) in results.items()
    ]


# --- (b) bid submission over HTTP -----------------------------------------------------------------


def _serve(config: dict, pool: int, ready, stop) -> None:
    """The child process: build the app and serve it until `stop` is set."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on stderr
    url = config["DATABASE_URL"]
    app = make_app(url, Path(config["SIGNING_KEY_PATH"]).parent, pool)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True).start()
    ready.put(server.port)
    server.serve_forever()


def _free_port() -> int:
    """A loopback port nothing listens on now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The app on 127.0.0.1: under gunicorn with the project's `gunicorn.conf.py` (the
    production server; by default), or under werkzeug's threaded server in a child process or a
    thread (what the benchmark measured before)."""

    def __init__(self, url: str, tmp: Path, pool: int, mode: str, workers: int = 0):
        self.mode, self.workers = mode, workers
        if mode == "gunicorn":
            self.port = _free_port()
            env = dict(os.environ)
            env.update(
                {k: str(v) for k, v in app_config(url, tmp).items() if k != "WTF_CSRF_ENABLED"}
            )
            env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
            env["GUNICORN_LOG_LEVEL"] = "warning"
            if workers:
                env["WEB_CONCURRENCY"] = str(workers)
            self.workers = int(env.get("WEB_CONCURRENCY") or os.cpu_count() * 2 + 1)
            self._log = open(tmp / "gunicorn.log", "w+b")  # noqa: SIM115 - closed in stop()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 120
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    conn.request("GET", "/api/v1/health")
                    if conn.getresponse().status == 200:
                        conn.close()
                        break
                except OSError:
                    pass
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("gunicorn did not start:\n" + self.log()[-3000:])
                time.sleep(0.2)
        elif mode == "process":
            ctx = multiprocessing.get_context("spawn")
            ready, self._stop = ctx.Queue(), ctx.Event()
            # By its module's name, which the child can import also when this runs as __main__.
            serve = importlib.import_module("bench.bidding_bench")._serve
            self._proc = ctx.Process(
                target=serve, args=(app_config(url, tmp), pool, ready, self._stop), daemon=True
            )
            self._proc.start()
            self.port = ready.get(timeout=120)
        else:
            from werkzeug.serving import make_server

            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            self._server = make_server("127.0.0.1", 0, make_app(url, tmp, pool), threaded=True)
            self.port = self._server.port
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.mode == "gunicorn":
            if self._proc.poll() is None:
                self._proc.terminate()  # our own child, by its handle: gunicorn stops its workers
                try:
                    self._proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=10)
        elif self.mode == "process":
            self._stop.set()
            self._proc.join(timeout=30)
            if self._proc.is_alive():
                self._proc.terminate()  # our own child, by its handle
                self._proc.join(timeout=10)
        else:
            self._server.shutdown()
            self._thread.join(timeout=30)


def _phase(
    port: int,
    plans: list[list[tuple[str, str, bytes | None]]],
    tokens: list[str | None],
    seconds: float,
) -> dict:
    """Run one phase: client i sends plans[i] in order on its own keep-alive connection, all
    starting together; stops early at `seconds`. Returns latencies, statuses and wall time."""
    clients = len(plans)
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[Counter] = [Counter() for _ in range(clients)]
    failures: list[str] = []
    stop_at = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": "application/json"}
        if tokens[i] is not None:
            headers["Authorization"] = f"Bearer {tokens[i]}"
        try:
            barrier.wait(timeout=60)
            for method, path, body in plans[i]:
                if time.monotonic() > stop_at[0]:
                    break
                t0 = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                latencies[i].append(time.perf_counter() - t0)
                statuses[i][response.status] += 1
                if response.status >= 400 and len(failures) < 5:
                    failures.append(f"{method} {path}: {response.status} {payload[:300]!r}")
        except Exception as exc:  # noqa: BLE001 - reported with the results
            failures.append(f"client {i}: {type(exc).__name__}: {exc}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    barrier.wait(timeout=60)
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout=seconds + 180)
    wall = time.perf_counter() - t0
    flat = [x for per in latencies for x in per]
    return {
        "latencies": flat,
        "statuses": sum(statuses, Counter()),
        "wall": wall,
        "failures": failures,
        "hung": sum(t.is_alive() for t in threads),
    }


def bench_http(
    url: str,
    tmp: Path,
    clients: int,
    per_client: int,
    seconds: float,
    pool: int,
    mode: str,
    workers: int = 0,
) -> list[dict]:
    """Part (b); prints its table and returns its rows (see `row`)."""
    from bidding.models import Bid
    from market import accounts, audit

    app = make_app(url, tmp, pool)
    db = app.extensions["market.db"]
    with db.session() as session:
        reg = Registry("B")
        applicant = reg.enterprise(session)
        agencies = reg.agencies(session, clients)
        tokens = []
        for user in agencies:
            tokens.append(accounts.create_token(session, user, "bench")[1])
        session.commit()
        tasks = [post_task(session, applicant, "lowest_price").number for _ in range(per_client)]
    db.engine.dispose()  # the server's processes open their own connections
    server = Server(url, tmp, pool, mode, workers)
    try:
        session_plan = [("GET", "/api/v1/session", None)] * per_client
        health_plan = [("GET", "/api/v1/health", None)] * per_client
        _phase(server.port, [[("GET", "/api/v1/session", None)] * 3] * clients, tokens, seconds)
        warmup = _phase(server.port, [health_plan[:3]] * clients, [None] * clients, seconds)
        health = _phase(server.port, [health_plan] * clients, [None] * clients, seconds)
        baseline = _phase(server.port, [session_plan] * clients, tokens, seconds)
        rng = random.Random(7)
        bid_plans = []
        for i in range(clients):
            plan = []
            for j in range(per_client):
                number = tasks[(i + j) % len(tasks)]
                body = json.dumps(
                    {
                        "price_fen": rng.randint(CAP_FEN * 6 // 10, CAP_FEN),
                        "duration_days": 30,
                        "proposal_text": f"技术方案 {i}-{j}",
                    }
                ).encode()
                plan.append(("POST", f"/api/v1/tasks/{number}/bids", body))
            bid_plans.append(plan)
        bidding = _phase(server.port, bid_plans, tokens, seconds)
    finally:
        server.stop()
        if mode == "gunicorn":
            errors = [line for line in server.log().splitlines() if "Traceback" in line]
            if errors:
                print(
                    f"gunicorn logged {len(errors)} tracebacks; see its log:\n{server.log()[-3000:]}"
                )

    with db.session() as session:
        from market.models import Task

        stored = session.exec(
            select(func.count())
            .select_from(Bid)
            .join(Task, Task.id == Bid.task_id)
            .where(Task.number.in_(tasks))
        ).one()
        # Every (task, agency) at most once: a doubled bid would be a second row.
        doubled = session.exec(
            select(func.count()).select_from(
                select(Bid.task_id, Bid.agency_id)
                .join(Task, Task.id == Bid.task_id)
                .where(Task.number.in_(tasks))
                .group_by(Bid.task_id, Bid.agency_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).one()
        chain = audit.verify(session)
    db.engine.dispose()

    where = (
        f"gunicorn (gunicorn.conf.py: {server.workers} gthread workers)"
        if mode == "gunicorn"
        else f"werkzeug threaded server in a {mode}"
    )
    print(
        f"\n(b) bid submission over HTTP, {db.dialect}: {clients} clients (own agency, token "
        f"and keep-alive connection each), {where}, up to "
        f"{per_client} requests per client or {seconds:.0f} s per phase\n"
    )
    header = f"{'':<40}{'requests':>9}{'seconds':>9}{'req/s':>9}{'median':>12}{'p95':>12}  statuses"
    print(header + "\n" + "-" * (len(header) + 12))
    for label, r in (
        ("floor: GET /api/v1/health (no login)", health),
        ("baseline: GET /api/v1/session", baseline),
        ("POST /api/v1/tasks/{number}/bids", bidding),
    ):
        n = len(r["latencies"])
        print(
            f"{label:<40}{n:>9}{r['wall']:>9.1f}{n / r['wall']:>9.1f}"
            f"{ms(statistics.median(r['latencies'])):>12}{ms(p95(r['latencies'])):>12}"
            f"  {dict(sorted(r['statuses'].items()))}"
        )
    b_lat, s_lat, h_lat = bidding["latencies"], baseline["latencies"], health["latencies"]
    bid_rate = len(b_lat) / bidding["wall"]
    noop_rate = len(s_lat) / baseline["wall"]
    health_rate = len(h_lat) / health["wall"]
    print(
        f"\nratio bids / baseline: throughput {bid_rate / noop_rate:.2f}×, median latency "
        f"{statistics.median(b_lat) / statistics.median(s_lat):.1f}×, "
        f"p95 latency {p95(b_lat) / p95(s_lat):.1f}×; baseline / floor: throughput "
        f"{noop_rate / health_rate:.2f}×"
    )
    print(
        f"bids stored: {stored} (201 responses: {bidding['statuses'][201]}, doubled: {doubled}); "
        f"audit chain {'intact' if not chain else f'BROKEN: {chain[:3]}'}"
    )
    for name, r in (("warm-up", warmup), ("baseline", baseline), ("bids", bidding)):
        if r["failures"] or r["hung"]:
            print(f"{name}: {r['hung']} clients hung; first failures: {r['failures']}")
    lost = abs(stored - bidding["statuses"][201]) + doubled
    return [
        row("(b) bids/s ÷ no-op req/s", bid_rate, noop_rate, ">=", 0.3, "req/s"),
        row("(b) bid p95 ÷ no-op p95", p95(b_lat), p95(s_lat), "<=", 3.0, "s"),
        row("(b) no-op req/s ÷ /health req/s", noop_rate, health_rate, ">=", 0.5, "req/s"),
        {
            "figure": "(b) bids lost or doubled (stored vs 201s) + audit chain",
            "value": lost + len(chain),
            "baseline": 0,
            "ratio": None,
            "target": "= 0",
            "ok": lost == 0 and not chain,
        },
    ]


def row(figure: str, value: float, baseline: float, sense: str, target: float, unit: str) -> dict:
    """One line of the benchmark table `make bench` prints: the figure measured, its value and
    its baseline (in `unit`, rounded), their ratio and the target it must meet."""
    ratio = value / baseline if baseline else None
    ok = ratio is not None and (ratio <= target if sense == "<=" else ratio >= target)
    scale, digits = (1000, 1) if unit == "s" else (1, 1)
    return {
        "figure": figure + (" (ms)" if unit == "s" else f" ({unit})"),
        "value": round(value * scale, digits),
        "baseline": round(baseline * scale, digits),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": f"{'≤' if sense == '<=' else '≥'} {target}",
        "ok": ok,
    }


def print_rows(rows: list[dict]) -> None:
    """The rows of every part run, as one table."""
    print(f"\n{'figure':<58}{'value':>12}{'baseline':>12}{'ratio':>9}{'target':>9}  ok")
    print("-" * 104)
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.3f}"
        print(
            f"{r['figure']:<58}{r['value']:>12}{r['baseline']:>12}{ratio:>9}{r['target']:>9}"
            f"  {({True: 'yes', False: 'NO', None: '(info)'})[r['ok']]}"
        )


# --- entry point ----------------------------------------------------------------------------------


def load_average() -> str:
    """The machine's load, printed with the results: other processes skew every number."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def run(url: str, args) -> list[dict]:
    from market import heap

    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="zjm-bidbench-") as tmp:
        app = make_app(url, Path(tmp), args.pool)
        if not args.no_freeze:
            # As the server's workers and the scheduler do once the app is built (market.heap).
            heap.freeze()
        print(f"migrating {app.extensions['market.db'].dialect}…", file=sys.stderr)
        migrate_and_seed(app)
        rows: list[dict] = []
        if args.part in ("all", "opening"):
            rows += bench_opening(app, args.bids, args.reps, args.profile)
        app.extensions["market.db"].engine.dispose()
        if args.part in ("all", "http"):
            rows += bench_http(
                url,
                Path(tmp),
                args.clients,
                args.requests,
                args.seconds,
                args.pool,
                args.server,
                args.workers,
            )
    print_rows(rows)
    print(f"\nload average at end: {load_average()}")
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the parts the options choose; print and return their rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--part", choices=["all", "opening", "http"], default="all")
    parser.add_argument("--bids", type=int, default=1000, help="(a) bids per task")
    parser.add_argument("--reps", type=int, default=5, help="(a) timed tasks per method")
    parser.add_argument("--clients", type=int, default=50, help="(b) concurrent clients")
    parser.add_argument(
        "--requests",
        type=int,
        default=40,
        help="(b) requests per client per phase (= tasks each client bids on)",
    )
    parser.add_argument("--seconds", type=float, default=120.0, help="(b) time limit of each phase")
    parser.add_argument(
        "--server",
        choices=["gunicorn", "process", "thread"],
        default="gunicorn",
        help="(b) gunicorn with gunicorn.conf.py (production), or werkzeug in a child process "
        "or in a thread",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="(b) gunicorn workers (0: gunicorn.conf.py's, twice the cores plus one)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=60,
        help="PostgreSQL connection pool size of the app (0: the app's default)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="(a) run the timed openings under cProfile and dump its statistics to FILE",
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="(a) leave the app's start-up heap to the garbage collector (market.heap.freeze "
        "is what the server's workers and the scheduler do)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.db == "postgresql":
        sys.path.insert(0, str(ROOT))
        from tests.pgserver import PostgresServer

        server = PostgresServer()
        try:
            return run(server.start(), args)
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="zjm-bidbench-") as tmp:
        return run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
