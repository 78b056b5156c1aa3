"""Benchmark: admin lists over 10,000 users and 20,000 configs, and a user detail page.

    uv run python -m bench.admin_lists [--users 10000] [--duration 6]

Needs PostgreSQL (127.0.0.1:5432, user postgres), Redis (127.0.0.1:6379) and `wrk`. One
uvicorn worker; reports p50/p99 per scenario (target p99 ≤ 200 ms for lists, ≤ 50 ms for
the detail page) and the PostgreSQL plans of the list queries (EXPLAIN ANALYZE), so an
index that is not used shows up. Writes bench/results/admin_lists.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from bench.common import (
    ROOT,
    create_database,
    drop_database,
    free_port,
    load_avg,
    machine,
    migrate,
    rayport_env,
    start_server,
    wrk,
)
from rayport.configs.service import ConfigService
from rayport.db.engine import Database
from rayport.models.enums import ConfigType, UserStatus
from rayport.pagination import PageParams, SortParams
from rayport.users.admin import list_users
from rayport.users.repository import UserFilters

SCENARIOS = {
    "users: first page": "/api/admin/v1/users?limit=20",
    "users: deep page by login": "/api/admin/v1/users?page=400&limit=20&sort=login",
    "users: search + filter": "/api/admin/v1/users?q=user_12&status=verified&limit=20",
    "configs: first page": "/api/admin/v1/configs?limit=20",
    "configs: deep page by expiry": (
        "/api/admin/v1/configs?page=900&limit=20&sort=valid_to&type=vless"
    ),
    "configs: by login": "/api/admin/v1/configs?login=user_777&limit=20",
}


async def seed(dsn: str, users: int) -> str:
    connection = await asyncpg.connect(dsn)
    now = datetime.now(UTC)
    role = await connection.fetchval("SELECT id FROM role WHERE name = 'user'")
    user_rows, profile_rows, config_rows, social_rows = [], [], [], []
    for n in range(users):
        user_id = uuid.uuid4()
        created = now - timedelta(minutes=n)
        user_rows.append(
            (
                user_id,
                f"user_{n}",
                None,
                role,
                "verified" if n % 3 else "not_verified",
                True,
                False,
                uuid.uuid4().hex,
                created,
                created,
            )
        )
        profile_rows.append(
            (
                uuid.uuid4(),
                user_id,
                f"First{n}",
                f"Last{n}",
                f"user{n}@example.org",
                "en" if n % 2 else "ru",
                created,
                created,
            )
        )
        for kind in ("vless", "trojan"):
            config_rows.append(
                (
                    uuid.uuid4(),
                    user_id,
                    kind,
                    str(uuid.uuid4()),
                    f"user_{n}-{kind}",
                    uuid.uuid4().hex[:16],
                    1 if kind == "vless" else 2,
                    50,
                    2,
                    n * 1000,
                    n * 5000,
                    created,
                    now + timedelta(hours=n % 720),
                    "active",
                    None,
                    created,
                    created,
                )
            )
        if n % 4 == 0:
            social_rows.append(
                (
                    uuid.uuid4(),
                    user_id,
                    "telegram",
                    str(10_000 + n),
                    f"tg_user_{n}",
                    True,
                    created,
                    created,
                )
            )
    await connection.copy_records_to_table(
        "user",
        records=user_rows,
        columns=[
            "id",
            "login",
            "password_hash",
            "role_id",
            "status",
            "is_active",
            "must_change_password",
            "sub_token",
            "created_at",
            "updated_at",
        ],
    )
    await connection.copy_records_to_table(
        "profile",
        records=profile_rows,
        columns=[
            "id",
            "user_id",
            "first_name",
            "last_name",
            "email",
            "lang_code",
            "created_at",
            "updated_at",
        ],
    )
    await connection.copy_records_to_table(
        "config",
        records=config_rows,
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
    )
    await connection.copy_records_to_table(
        "social",
        records=social_rows,
        columns=[
            "id",
            "user_id",
            "name",
            "external_id",
            "username",
            "reachable",
            "created_at",
            "updated_at",
        ],
    )
    await connection.execute("ANALYZE")
    detail_id = str(user_rows[users // 2][0])
    await connection.close()
    return detail_id


async def plans(url: str) -> dict[str, list[str]]:
    """EXPLAIN ANALYZE of the statements the list services run, captured as they run."""
    database = Database(url)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(database.engine.sync_engine, "before_cursor_execute")
    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    cases = {
        "users deep page by login": lambda db: list_users(
            db, UserFilters(), PageParams(400, 20), SortParams.parse("login")
        ),
        "users search + filter": lambda db: list_users(
            db,
            UserFilters(q="user_12", status=UserStatus.verified),
            PageParams(1, 20),
            SortParams.parse("-created_at"),
        ),
        "configs deep page by expiry": lambda db: ConfigService(db, None, "").admin_page(
            PageParams(900, 20), sort="valid_to", config_type=ConfigType.vless
        ),
    }
    result: dict[str, list[str]] = {}
    for label, run in cases.items():
        captured.clear()
        async with database.read_only() as db:
            await run(db)
        statements = list(captured)
        lines: list[str] = []
        async with database.engine.connect() as connection:
            for statement, params in statements[:2]:  # the COUNT and the page
                plan = await connection.exec_driver_sql("EXPLAIN ANALYZE " + statement, params)
                lines += [row[0] for row in plan] + ["--"]
        result[label] = lines
    await database.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    load_start = load_avg()
    name = f"rayport_bench_admin_{uuid.uuid4().hex[:6]}"
    dsn = asyncio.run(create_database(name))
    env = rayport_env(name, dsn)
    migrate(env)
    detail_id = asyncio.run(seed(dsn, args.users))
    port = free_port()
    server = start_server("rayport.api.asgi:app", port, {**env, "DOCS_ENABLED": "true"})
    results: dict[str, Any] = {}
    query_plans = asyncio.run(plans(env["DATABASE_URL"]))
    try:
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(
            f"{base}/api/auth/v1/login", json={"login": "admin", "password": "Bench-Superuser-1"}
        ).json()["access_token"]
        scenarios = {**SCENARIOS, "user detail": f"/api/admin/v1/users/{detail_id}"}
        for label, path in scenarios.items():
            wrk(base + path, token, 2, args.connections)  # warm up
            results[label] = wrk(base + path, token, args.duration, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=10)
        asyncio.run(drop_database(name))
    for label, lines in query_plans.items():
        print(f"-- plan: {label}")
        print("\n".join(lines))
    print(f"{'scenario':32} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for label, row in results.items():
        print(
            f"{label:32} {row['rps']:>7.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['non_2xx']:>8.0f}"
        )
    out = ROOT / "bench" / "results" / "admin_lists.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(load_start),
                "args": vars(args),
                "results": results,
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
