"""Fixtures of the operations tests: a throw-away PostgreSQL database per test (migrated),
seeded through the real API, and a snapshot of every table to compare data with."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from rayport.db import migrate
from tests.conftest import RUN_ID, create_pg_database, drop_pg_database, make_settings, running_app
from tests.helpers import bearer, login_superuser, register

Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
async def new_pg_database() -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """A factory of empty PostgreSQL databases (migrated unless `migrated=False`),
    all dropped at the end of the test."""
    names: list[str] = []

    async def create(*, migrated: bool = True) -> str:
        name = f"rayport_ops_{RUN_ID}_{uuid.uuid4().hex[:6]}"
        names.append(name)
        url = await create_pg_database(name)
        if migrated:
            await asyncio.to_thread(migrate.upgrade, url)
        return url

    yield create
    for name in names:
        await drop_pg_database(name)


async def seed(database_url: str, *, redis_url: str | None = None) -> None:
    """Users, a profile, sessions, an admin decision and an audit entry, through the API."""
    settings = make_settings(database_url=database_url, redis_url=redis_url)
    async with running_app(settings) as client:
        alice = await register(client, "alice_01", email="alice@example.com")
        await register(client, "bob_02")
        admin = await login_superuser(client)
        users = await client.get("/api/admin/v1/users", headers=bearer(admin))
        assert users.status_code == 200, users.text
        alice_id = next(u["id"] for u in users.json()["items"] if u["login"] == "alice_01")
        verified = await client.post(
            f"/api/admin/v1/users/{alice_id}/verify", headers=bearer(admin)
        )
        assert verified.status_code == 200, verified.text
        me = await client.get("/api/auth/v1/me", headers=bearer(alice))
        assert me.status_code == 200


async def snapshot(database_url: str) -> Snapshot:
    """Every row of every table (sorted), keyed by table name."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        tables = [
            row["tablename"]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        result: Snapshot = {}
        for table in tables:
            rows = await connection.fetch(f'SELECT * FROM "{table}"')  # noqa: S608
            result[table] = sorted((tuple(row.values()) for row in rows), key=repr)
        return result
    finally:
        await connection.close()


async def execute(database_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()
