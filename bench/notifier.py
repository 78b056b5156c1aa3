"""Benchmark: the notifier's expiry scan over 100,000 configs, and its sustained Telegram send
rate against the fake Bot API with 10,000 due notifications.

    uv run python -m bench.notifier [--configs 100000] [--notifications 10000]
                                    [--chats 2000] [--rate 25/second] [--workers 1]
                                    [--skip-scan] [--skip-send]

Needs PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379). Creates and
drops its own database. The fake Bot API runs as a separate process
(``python -m tests.fixtures.fake_bot_api``); the notifier workers run in this process, with
their limits shared through Redis. Prints a summary and writes bench/results/notifier.json.

Scan: the query behind `NotifierRepository.configs_expiring` (live configs with
``now < valid_to <= now + 72 h``) timed from the client, its plan (EXPLAIN ANALYZE), the
same without the (status, valid_to) index for comparison, and the whole `scan_expiring`
(query + INSERT … ON CONFLICT DO NOTHING of the notices), first and repeated.

Send: messages per second between the first and the last ``sendMessage`` the fake
received, the busiest one-second window, and the fake's own count of limit violations
(more than 1 message per second to a chat, more than 30 per second overall).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import sqlalchemy as sa
from pydantic import SecretStr

from bench.common import (
    REDIS_URL,
    ROOT,
    create_migrated_database,
    drop_database,
    load_avg,
    machine,
    start_fake_bot_api,
)
from rayport.db.engine import Database
from rayport.notifier import Notifier, service
from rayport.notifier.repository import (
    NotifierRepository,
    expiring_statement,
    waiting_pick,
)
from rayport.settings import (
    CacheSettings,
    DatabaseSettings,
    NotifierSettings,
    Settings,
    TelegramSettings,
)

BOT_TOKEN = "123456:BENCH-token"  # noqa: S105 - the fake accepts any token
HOURS = [72, 24, 2]
# The notification table's own counters: unlike pg_stat_database they leave out what
# autovacuum and autoanalyze read after a burst of updates.
DB_COUNTERS = (
    "seq_scan",
    "seq_tup_read",
    "idx_scan",
    "idx_tup_fetch",
    "n_tup_upd",
)


class StatementLog:
    """Counts the statements an engine sends, the time each waits for its answer, and the
    transactions it commits."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def attach(self, database: Database) -> None:
        engine = database.engine.sync_engine

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["bench_started"] = time.perf_counter()

        @sa.event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            kind = " ".join(statement.split()[:1]).upper() or "?"
            self.count[kind] = self.count.get(kind, 0) + 1
            elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
            self.seconds[kind] = self.seconds.get(kind, 0.0) + elapsed

        @sa.event.listens_for(engine, "commit")
        def _commit(conn: Any) -> None:
            self.count["COMMIT"] = self.count.get("COMMIT", 0) + 1

    def snapshot(self) -> tuple[dict[str, int], dict[str, float]]:
        return dict(self.count), dict(self.seconds)


async def db_counters(conn: asyncpg.Connection) -> dict[str, int]:
    row = await conn.fetchrow(
        f"SELECT {', '.join(DB_COUNTERS)} FROM pg_stat_user_tables "  # noqa: S608 - constants
        "WHERE relname = 'notification'"
    )
    assert row is not None
    return {key: int(row[key]) for key in DB_COUNTERS}


async def db_load(
    conn: asyncpg.Connection, log: StatementLog, start: tuple[Any, Any, dict[str, int]]
) -> dict[str, Any]:
    """Statements, their client-side wait and the server's own counters since `start`."""
    await asyncio.sleep(0.6)  # pg_stat_database is flushed by backends about every 500 ms
    count0, seconds0, server0 = start
    count, seconds = log.snapshot()
    server = await db_counters(conn)
    return {
        "statements": {k: v - count0.get(k, 0) for k, v in count.items()},
        "statement_wait_sec": {k: round(v - seconds0.get(k, 0.0), 3) for k, v in seconds.items()},
        "server": {k: server[k] - server0[k] for k in DB_COUNTERS},
    }


def db_mark(log: StatementLog, server: dict[str, int]) -> tuple[Any, Any, dict[str, int]]:
    count, seconds = log.snapshot()
    return count, seconds, server


async def seed_users(
    conn: asyncpg.Connection, count: int, chat_base: int | None
) -> list[uuid.UUID]:
    now = datetime.now(UTC)
    role_id = await conn.fetchval("SELECT id FROM role WHERE name = 'user'")
    ids = [uuid.uuid4() for _ in range(count)]
    await conn.copy_records_to_table(
        "user",
        columns=[
            "id",
            "login",
            "role_id",
            "status",
            "is_active",
            "must_change_password",
            "sub_token",
            "created_at",
            "updated_at",
        ],
        records=[
            (i, f"bench_{n}", role_id, "verified", True, False, uuid.uuid4().hex, now, now)
            for n, i in enumerate(ids)
        ],
    )
    await conn.copy_records_to_table(
        "profile",
        columns=["id", "user_id", "lang_code", "created_at", "updated_at"],
        records=[(uuid.uuid4(), i, "ru" if n % 2 else "en", now, now) for n, i in enumerate(ids)],
    )
    if chat_base is not None:
        await conn.copy_records_to_table(
            "social",
            columns=[
                "id",
                "user_id",
                "name",
                "external_id",
                "reachable",
                "created_at",
                "updated_at",
            ],
            records=[
                (uuid.uuid4(), i, "telegram", str(chat_base + n), True, now, now)
                for n, i in enumerate(ids)
            ],
        )
    return ids


async def seed_configs(conn: asyncpg.Connection, count: int) -> None:
    """`count` configs over count/2 users (vless + trojan each): expiry spread uniformly
    from 30 days ago to a year ahead; 85 % active, 5 % update_pending, 7 % expired,
    3 % disabled."""
    users = await seed_users(conn, (count + 1) // 2, None)
    now = datetime.now(UTC)
    rng = random.Random(42)  # noqa: S311 - test data
    statuses = ["active"] * 85 + ["update_pending"] * 5 + ["expired"] * 7 + ["disabled"] * 3
    records = []
    for n in range(count):
        user = users[n // 2]
        kind = "vless" if n % 2 == 0 else "trojan"
        valid_to = now + timedelta(seconds=rng.uniform(-30 * 86400, 365 * 86400))
        records.append(
            (
                uuid.uuid4(),
                user,
                kind,
                str(uuid.uuid4()),
                f"bench-{n}-{kind}",
                uuid.uuid4().hex,
                1,
                50,
                0,
                rng.randrange(0, 40 * 2**30),
                0,
                valid_to - timedelta(days=30),
                valid_to,
                rng.choice(statuses),
                None,
                now,
                now,
            )
        )
    await conn.copy_records_to_table(
        "config",
        columns=[
            "id",
            "user_id",
            "type",
            "xui_client_id",
            "client_email",
            "sub_id",
            "inbound_id",
            "total_gb",
            "limit_ip",
            "up_bytes",
            "down_bytes",
            "valid_from",
            "valid_to",
            "status",
            "last_synced_at",
            "created_at",
            "updated_at",
        ],
        records=records,
    )
    await conn.execute("ANALYZE")


def _asyncpg_sql(database: Database, stmt: Any) -> tuple[str, list[Any]]:
    """A repository statement as the SQL and parameters asyncpg runs (for timing and plans)."""
    compiled = stmt.compile(
        dialect=database.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    values = []
    for name in compiled.positiontup or []:
        value = compiled.params[name]
        values.append(value.value if hasattr(value, "value") else value)
    return str(compiled), values


async def _time_query(
    conn: asyncpg.Connection, sql: str, params: list[Any], runs: int
) -> dict[str, float]:
    await conn.fetch(sql, *params)  # warm: plan cache, buffers
    times = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(await conn.fetch(sql, *params))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "rows": rows,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "min_ms": round(times[0], 3),
    }


async def _explain(conn: asyncpg.Connection, sql: str, params: list[Any]) -> list[str]:
    rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *params)
    return [row[0] for row in rows]


async def bench_scan(count: int) -> dict[str, Any]:
    name = f"rayport_bench_notifier_{uuid.uuid4().hex[:8]}"
    url = await create_migrated_database(name)
    database = Database(url)
    try:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        conn = await asyncpg.connect(dsn)
        try:
            started = time.perf_counter()
            await seed_configs(conn, count)
            seeded_in = time.perf_counter() - started
            now = datetime.now(UTC)
            until = now + timedelta(hours=max(HOURS))
            sql, params = _asyncpg_sql(database, expiring_statement(now, until))
            # Through the pool and SQLAlchemy too: what the notifier actually pays.
            async with database.read_only() as session:
                repository = NotifierRepository(session)
                await repository.configs_expiring(now, now + timedelta(hours=72))
                through_orm = []
                for _ in range(50):
                    t0 = time.perf_counter()
                    await repository.configs_expiring(now, now + timedelta(hours=72))
                    through_orm.append((time.perf_counter() - t0) * 1000)
            with_index = await _time_query(conn, sql, params, 200)
            plan = await _explain(conn, sql, params)
            scans = []
            for _ in range(3):
                t0 = time.perf_counter()
                async with database.unit_of_work() as session:
                    created = await service.scan_expiring(session, HOURS, datetime.now(UTC))
                scans.append(
                    {"created": created, "ms": round((time.perf_counter() - t0) * 1000, 2)}
                )
            # The same query with only the (status, valid_to) index of 0001, then with none.
            await conn.execute("DROP INDEX IF EXISTS ix_config_valid_to")
            await conn.execute("ANALYZE config")
            status_index_only = await _time_query(conn, sql, params, 200)
            plan_status_index_only = await _explain(conn, sql, params)
            await conn.execute("DROP INDEX ix_config_status_valid_to")
            await conn.execute("ANALYZE config")
            without_index = await _time_query(conn, sql, params, 50)
            plan_without = await _explain(conn, sql, params)
        finally:
            await conn.close()
    finally:
        await database.dispose()
        await drop_database(name)
    return {
        "configs": count,
        "seeded_sec": round(seeded_in, 1),
        "query_with_index": with_index,
        "query_through_sqlalchemy_median_ms": round(statistics.median(through_orm), 3),
        "plan_with_index": plan,
        "scan_expiring_runs": scans,
        "query_status_valid_to_index_only": status_index_only,
        "plan_status_valid_to_index_only": plan_status_index_only,
        "query_without_index": without_index,
        "plan_without_index": plan_without,
    }


async def bench_send(
    count: int, chats: int, rate: str, workers: int, idle_sec: float, history: int
) -> dict[str, Any]:
    name = f"rayport_bench_notifier_{uuid.uuid4().hex[:8]}"
    url = await create_migrated_database(name)
    fake, fake_url = start_fake_bot_api()
    database = Database(url)
    prefix = f"rayport-bench:{uuid.uuid4().hex[:8]}:"
    try:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        conn = await asyncpg.connect(dsn)
        try:
            users = await seed_users(conn, chats, chat_base=7_000_000)
            now = datetime.now(UTC)
            await conn.copy_records_to_table(
                "notification",
                columns=[
                    "id",
                    "user_id",
                    "kind",
                    "title",
                    "content",
                    "status",
                    "attempts",
                    "next_attempt_at",
                    "created_at",
                    "updated_at",
                ],
                records=[
                    (
                        uuid.uuid4(),
                        users[n % chats],
                        "bench",
                        json.dumps({"ru": f"Заголовок {n}", "en": f"Title {n}"}),
                        json.dumps({"ru": f"Текст {n}", "en": f"Text {n}"}),
                        "pending",
                        0,
                        now,
                        now,
                        now,
                    )
                    for n in range(count)
                ]
                + [  # delivered history, as a month of notices leaves behind
                    (
                        uuid.uuid4(),
                        users[n % chats],
                        "bench",
                        json.dumps({"ru": "Старое", "en": "Old"}),
                        json.dumps({"ru": "Старое", "en": "Old"}),
                        "sent",
                        1,
                        None,
                        now - timedelta(days=1 + n % 28),
                        now - timedelta(days=1 + n % 28),
                    )
                    for n in range(history)
                ],
            )
            await conn.execute("ANALYZE")
            pick = waiting_pick(datetime.now(UTC), 20)  # the default batch
            claim_plan = await _explain(conn, *_asyncpg_sql(database, pick))
        finally:
            await conn.close()
        settings = Settings(
            ENVIRONMENT="test",
            WEB_APP_URL="https://rayport.example.com/app",
            db=DatabaseSettings(DATABASE_URL=url, DATABASE_POOL_SIZE=10),
            cache=CacheSettings(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix),
            telegram=TelegramSettings(
                TELEGRAM_BOT_TOKEN=SecretStr(BOT_TOKEN), TELEGRAM_API_URL=fake_url
            ),
            notifier=NotifierSettings(PROCESS_PERIOD_SEC=1, NOTIFY_TELEGRAM_GLOBAL_LIMIT=rate),
        )
        notifiers = [Notifier(settings, worker_id=f"bench-{n}") for n in range(workers)]
        log = StatementLog()
        for notifier in notifiers:
            log.attach(notifier.db)
        stats = await asyncpg.connect(dsn)
        draining_start = db_mark(log, await db_counters(stats))
        stop = asyncio.Event()
        started = time.monotonic()
        tasks = [asyncio.create_task(n.run(stop)) for n in notifiers]
        # Progress from the workers' own counters: polling the table would add to the very
        # database load this measures.
        while (done := sum(n.sent_total for n in notifiers)) < count:
            print(f"\r  {done:6d}/{count} sent", end="", flush=True)
            await asyncio.sleep(1)
        print()
        elapsed = time.monotonic() - started
        draining = await db_load(stats, log, draining_start)
        # The same loop with nothing to do: what an idle notifier costs the database.
        idle_start = db_mark(log, await db_counters(stats))
        await asyncio.sleep(idle_sec)
        idle = await db_load(stats, log, idle_start)
        await stats.close()
        stop.set()
        await asyncio.gather(*tasks)
        fallbacks = sum(n.telegram.limiter.fallbacks for n in notifiers if n.telegram)
        for notifier in notifiers:
            await notifier.close()
        async with httpx.AsyncClient(base_url=fake_url, timeout=60) as client:
            calls = (await client.get("/_fake/calls", params={"method": "sendMessage"})).json()
            violations = (await client.get("/_fake/violations")).json()
    finally:
        await database.dispose()
        fake.terminate()
        fake.wait(timeout=10)
        await drop_database(name)

    ok = sorted(c["at"] for c in calls if c["status"] == 200)
    per_chat: dict[str, int] = {}
    for c in calls:
        if c["status"] == 200:
            chat = str(c["params"]["chat_id"])
            per_chat[chat] = per_chat.get(chat, 0) + 1
    span = ok[-1] - ok[0]
    busiest, j = 0, 0
    for i, at in enumerate(ok):  # the most sends in any one-second window
        while ok[j] <= at - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    steady = ok[len(ok) // 10 : len(ok) * 9 // 10]
    limit = float(rate.split("/")[0])
    return {
        "notifications": count,
        "history_sent_rows": history,
        "chats": chats,
        "workers": workers,
        "configured_limit": rate,
        "sent": len(ok),
        "non_200": len(calls) - len(ok),
        "duplicates": len(ok) - count,
        "chats_reached": len(per_chat),
        "wall_sec": round(elapsed, 1),
        "rate_first_to_last": round((len(ok) - 1) / span, 2),
        "rate_middle_80pct": round((len(steady) - 1) / (steady[-1] - steady[0]), 2),
        "rate_vs_limit": round((len(ok) - 1) / span / limit, 3),
        "busiest_second": busiest,
        "violations_per_chat": sum(1 for v in violations if v["kind"] == "per_chat"),
        "violations_global_over_30": sum(1 for v in violations if v["kind"] == "global"),
        "limits_store_fallbacks": fallbacks,
        "db_load": {
            "claim_pick_plan": claim_plan,
            "draining": {**draining, "per_sent": _per(draining, len(ok))},
            "idle": {
                **idle,
                "seconds": idle_sec,
                "process_period_sec": 1,
                "per_second": _per(idle, idle_sec),
            },
        },
    }


def _per(load: dict[str, Any], divisor: float) -> dict[str, float]:
    """Statements, commits and notification rows read per sent notification / idle second."""
    server = load["server"]
    statements = {k: v for k, v in load["statements"].items() if k != "COMMIT"}
    return {
        "statements": round(sum(statements.values()) / divisor, 2),
        "statement_wait_ms": round(sum(load["statement_wait_sec"].values()) * 1000 / divisor, 3),
        "commits": round(load["statements"].get("COMMIT", 0) / divisor, 2),
        "seq_scans": round(server["seq_scan"] / divisor, 3),
        "rows_read": round((server["seq_tup_read"] + server["idx_tup_fetch"]) / divisor, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--rate", default="25/second")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--skip-send", action="store_true")
    parser.add_argument("--idle-sec", type=float, default=15.0)
    parser.add_argument("--history", type=int, default=50_000, help="already-sent rows")
    args = parser.parse_args()
    load_start = load_avg()

    result: dict[str, Any] = {
        "args": vars(args),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if not args.skip_scan:
        scan = asyncio.run(bench_scan(args.configs))
        result["scan"] = scan
        q = scan["query_with_index"]
        print(f"expiry scan query over {args.configs} configs ({q['rows']} rows in 72 h):")
        print(f"  as migrated:   median {q['median_ms']} ms, p95 {q['p95_ms']} ms")
        o = scan["query_status_valid_to_index_only"]
        print(f"  (status, valid_to) index only: median {o['median_ms']} ms, p95 {o['p95_ms']} ms")
        print(f"  via SQLAlchemy: median {scan['query_through_sqlalchemy_median_ms']} ms")
        w = scan["query_without_index"]
        print(f"  without index: median {w['median_ms']} ms, p95 {w['p95_ms']} ms")
        print("  scan_expiring runs:", scan["scan_expiring_runs"])
        print("  plan as migrated:\n    " + "\n    ".join(scan["plan_with_index"]))
        only = scan["plan_status_valid_to_index_only"]
        print("  plan, (status, valid_to) only:\n    " + "\n    ".join(only))
    if not args.skip_send:
        send = asyncio.run(
            bench_send(
                args.notifications, args.chats, args.rate, args.workers, args.idle_sec, args.history
            )
        )
        result["send"] = send
        print(json.dumps(send, indent=2))
    result["machine"] = machine(load_start)
    out = ROOT / "bench" / "results" / "notifier.json"
    out.parent.mkdir(exist_ok=True)
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing[f"workers_{args.workers}" if not args.skip_send else "scan_only"] = result
    out.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
