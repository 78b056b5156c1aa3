"""Fixtures of the security suite: an app with Telegram login, an app with small auth
limits behind a trusted proxy and a movable rate-limit clock, the counted password hasher,
and captured JSON logs."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager

import httpx
import limits.aio.storage.memory
import limits.aio.storage.redis.redispy
import limits.aio.strategies
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

import rayport.api.ratelimit
from rayport.auth import passwords
from rayport.logging import JsonFormatter
from rayport.settings import RateLimitSettings, TelegramSettings
from tests.conftest import make_settings, running_app
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN
from tests.security.support import CountingHasher, ShiftedClock

# The test client's peer address (see `tests.conftest.running_app`), made a trusted proxy so
# that `X-Forwarded-For` plays the attacker's and the victim's addresses.
PROXY_NETWORK = "203.0.113.0/24"

LimitedApp = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def tg_api(
    clean_pg: str, redis_client: Redis, fake_bot_api: FakeBotAPI
) -> AsyncIterator[httpx.AsyncClient]:
    """RayPort on PostgreSQL + Redis with Telegram login enabled."""
    telegram = TelegramSettings(
        TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=fake_bot_api.url
    )
    async with running_app(make_settings(database_url=clean_pg, telegram=telegram)) as client:
        yield client


@pytest.fixture
def limiter_clock(monkeypatch: pytest.MonkeyPatch) -> ShiftedClock:
    """The clock of the `limits` library (and of Retry-After): windows pass without sleeping."""
    clock = ShiftedClock()
    for module in (
        limits.aio.storage.memory,
        limits.aio.storage.redis.redispy,
        limits.aio.strategies,
        rayport.api.ratelimit,
    ):
        monkeypatch.setattr(module, "time", clock)
    return clock


@pytest.fixture
async def limited_app(clean_pg: str, redis_client: Redis) -> LimitedApp:
    """An app factory with a small auth limit (Redis store) behind a trusted proxy."""

    def build(auth: str = "3/minute") -> AbstractAsyncContextManager[httpx.AsyncClient]:
        limits_ = RateLimitSettings(RATE_LIMIT_DEFAULT="10000/minute", RATE_LIMIT_AUTH=auth)
        return running_app(
            make_settings(database_url=clean_pg, rate_limit=limits_, TRUSTED_PROXIES=PROXY_NETWORK)
        )

    return build


@pytest.fixture
def counting_hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    """The real argon2 hasher, with every hash and verify counted."""
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and above, as the production JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
