"""Redis down or frozen: authenticated requests keep working through the database, each
bounded by the Redis timeout, and the API goes back to Redis when it returns."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from rayport.settings import RateLimitSettings
from tests.conftest import make_settings, running_app
from tests.fixtures.redis_server import RedisServer
from tests.helpers import bearer, register


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def api_on_private_redis(
    clean_pg: str, private_redis: RedisServer
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(database_url=clean_pg, redis_url=private_redis.url)
    settings.cache.breaker_open_sec = 1.0
    async with running_app(settings) as client:
        yield client


async def test_redis_stopped_mid_test_authenticated_requests_still_succeed(
    api_on_private_redis: httpx.AsyncClient, private_redis: RedisServer
) -> None:
    api = api_on_private_redis
    tokens = await register(api, "uma_user1")
    assert (await api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 200

    private_redis.stop()
    for _ in range(20):
        response = await api.get("/api/auth/v1/me", headers=bearer(tokens))
        assert response.status_code == 200
    # Logging in and rotating tokens work too (rate limiter fails open).
    refreshed = await api.post(
        "/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    status = (await api.get("/api/app/v1/status")).json()
    assert status["cache"]["status"] == "error"
    # A logout during the outage still takes effect (the database is the truth).
    new_tokens = refreshed.json()
    assert (await api.post("/api/auth/v1/logout", headers=bearer(new_tokens))).status_code == 204
    assert (await api.get("/api/auth/v1/me", headers=bearer(new_tokens))).status_code == 401

    private_redis.start()
    await asyncio.sleep(1.2)  # the breaker's open period
    fresh = await register(api, "uma_user2")
    assert (await api.get("/api/auth/v1/me", headers=bearer(fresh))).status_code == 200
    status = (await api.get("/api/app/v1/status")).json()
    assert status["cache"]["status"] == "ok"


async def test_frozen_redis_costs_at_most_its_timeout_once(
    api_on_private_redis: httpx.AsyncClient, private_redis: RedisServer
) -> None:
    api = api_on_private_redis
    tokens = await register(api, "vera_user")
    private_redis.freeze()
    try:
        durations = []
        for _ in range(10):
            started = time.perf_counter()
            response = await api.get("/api/auth/v1/me", headers=bearer(tokens))
            durations.append(time.perf_counter() - started)
            assert response.status_code == 200
        # Not a benchmark: a hang (no timeout) would take the default socket timeout, far
        # past this bound. Redis timeouts are 250 ms and the breakers then route around it.
        assert max(durations) < 2.0
    finally:
        private_redis.resume()


async def test_rate_limits_hold_while_redis_is_down(
    clean_pg: str, private_redis: RedisServer
) -> None:
    limits = RateLimitSettings(RATE_LIMIT_DEFAULT="1000/minute", RATE_LIMIT_AUTH="3/minute")
    settings = make_settings(database_url=clean_pg, redis_url=private_redis.url, rate_limit=limits)
    async with running_app(settings) as api:
        private_redis.stop()
        codes = [
            (
                await api.post(
                    "/api/auth/v1/login", json={"login": "brute_x1", "password": "guess-1"}
                )
            ).status_code
            for _ in range(5)
        ]
    # Brute-force protection does not switch off with Redis: the process counts locally.
    assert codes == [401, 401, 401, 429, 429]


async def test_revocations_missed_by_redis_are_written_once_it_answers_even_under_concurrency(
    api_on_private_redis: httpx.AsyncClient, private_redis: RedisServer
) -> None:
    api = api_on_private_redis
    revoked = [await register(api, f"uma_gone{n}") for n in range(3)]
    others = [await register(api, f"uma_stay{n}") for n in range(4)]
    for tokens in revoked + others:  # every session cached as live
        assert (await api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 200

    private_redis.freeze()  # comes back with its data: the old "live" entries included
    try:
        for tokens in revoked:
            logout = await api.post("/api/auth/v1/logout", headers=bearer(tokens))
            assert logout.status_code == 204
    finally:
        private_redis.resume()
    await asyncio.sleep(1.2)  # the breaker's open period

    # Many requests at once find the pending revocations and write them together.
    answers = await asyncio.gather(
        *(api.get("/api/auth/v1/me", headers=bearer(tokens)) for tokens in (revoked + others) * 4)
    )
    codes = [answer.status_code for answer in answers]
    assert codes == ([401] * len(revoked) + [200] * len(others)) * 4  # 28: under the cap
