"""Shared fixtures: a fresh PostgreSQL database per run (built by the migrations), Redis
under a unique key prefix, and RayPort app instances driven over ASGI.

Nothing here depends on what an earlier run left behind; the database is dropped and the
Redis keys are deleted at the end.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.api.app import create_app
from rayport.db import migrate
from rayport.settings import (
    AuthSettings,
    CacheSettings,
    DatabaseSettings,
    RateLimitSettings,
    Settings,
    SmtpSettings,
    TelegramSettings,
    XuiSettings,
)

# Fixtures of the fake servers (3X-UI panel, Telegram Bot API), available to every test.
pytest_plugins = ["tests.fixtures.fake_bot_api", "tests.fixtures.xui_emulator.fixtures"]

# The suite configures everything explicitly; a developer's environment must not leak in.
for _name in list(os.environ):
    if _name.split("_")[0] in {
        "DATABASE",
        "REDIS",
        "RATE",
        "JWT",
        "SUPERUSER",
        "XUI",
        "TELEGRAM",
        "SMTP",
        "ENVIRONMENT",
        "ALLOWED",
        "TRUSTED",
    }:
        os.environ.pop(_name)

PG_ADMIN_DSN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RUN_ID = uuid.uuid4().hex[:10]
JWT_SECRET = "test-secret-" + "x" * 40
SUPERUSER_PASSWORD = "Superuser-Pass-1"
KEEP_TABLES = {"role", "alembic_version"}


def pg_async_url(database: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


async def create_pg_database(name: str) -> str:
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return pg_async_url(name)


async def drop_pg_database(name: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    name = f"rayport_test_{RUN_ID}"
    url = await create_pg_database(name)
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    await drop_pg_database(name)


@pytest.fixture(scope="session")
async def redis_client() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    keys = [key async for key in client.scan_iter(match=f"rayport-test:{RUN_ID}:*", count=1000)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def _truncate(url: str) -> None:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        tables = [
            row["tablename"]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            if row["tablename"] not in KEEP_TABLES
        ]
        if tables:
            await connection.execute(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
    finally:
        await connection.close()


@pytest.fixture
async def clean_pg(pg_url: str) -> str:
    """The test database, emptied of everything but the seeded roles."""
    await _truncate(pg_url)
    return pg_url


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rayport.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    return url


def make_settings(
    *,
    database_url: str,
    redis_url: str | None = REDIS_URL,
    key_prefix: str | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for one app instance; `key_prefix` shared = instances share the cache."""
    rate_limit = overrides.pop("rate_limit", None) or RateLimitSettings(
        RATE_LIMIT_DEFAULT="100000/minute", RATE_LIMIT_AUTH="100000/minute"
    )
    auth = overrides.pop("auth", None) or AuthSettings(
        JWT_SECRET=SecretStr(JWT_SECRET), SUPERUSER_PASSWORD=SecretStr(SUPERUSER_PASSWORD)
    )
    return Settings(
        ENVIRONMENT="test",
        db=DatabaseSettings(DATABASE_URL=database_url, DATABASE_POOL_SIZE=5),
        cache=CacheSettings(
            REDIS_URL=redis_url,
            REDIS_KEY_PREFIX=key_prefix or f"rayport-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:",
        ),
        auth=auth,
        rate_limit=rate_limit,
        **{
            "xui": XuiSettings(),
            "telegram": TelegramSettings(),
            "smtp": SmtpSettings(),
            **overrides,
        },
    )


AppFactory = Callable[..., Any]


@asynccontextmanager
async def running_app(settings: Settings, **kwargs: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Start an app instance (lifespan included) and yield an HTTP client bound to it."""
    app = create_app(settings, web_dist=None, **kwargs)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rayport.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture
async def api(clean_pg: str, redis_client: Redis) -> AsyncIterator[httpx.AsyncClient]:
    """RayPort on PostgreSQL + Redis."""
    async with running_app(make_settings(database_url=clean_pg)) as client:
        yield client


@pytest.fixture
async def api_embedded(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """RayPort on the embedded default: SQLite + in-process cache."""
    async with running_app(make_settings(database_url=sqlite_url, redis_url=None)) as client:
        yield client


@pytest.fixture(params=["postgres", "embedded"])
async def any_api(
    request: pytest.FixtureRequest, pg_url: str, redis_client: Redis, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The same test on PostgreSQL + Redis and on the embedded SQLite + memory."""
    if request.param == "postgres":
        await _truncate(pg_url)
        settings = make_settings(database_url=pg_url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'rayport.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        settings = make_settings(database_url=url, redis_url=None)
    async with running_app(settings) as client:
        yield client
