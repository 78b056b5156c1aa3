"""Redis refused (stopped) or frozen (SIGSTOP) under load.

What a user notices: nothing. Every request keeps succeeding — sessions are checked in
PostgreSQL while Redis is away, rate limits count locally —, none waits for the dead Redis
longer than its timeout, a logout during the outage takes effect at once, and within 10 s of
Redis coming back the API reads and writes its sessions there again.

The API runs as a real `rayport api` process with the default Redis settings (0.25 s
timeout, 5 s circuit breaker) against a private redis-server the test stops or freezes.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from tests.chaos.conftest import (
    PROFILE,
    REQUEST_TIMEOUT_SEC,
    ApiProcess,
    Load,
    api_environment,
    session_id,
    wait_for,
)
from tests.conftest import make_settings, running_app
from tests.fixtures.redis_server import RedisServer
from tests.helpers import PASSWORD, bearer, login, register

ME = "/api/auth/v1/me"
READERS = 8
# A request meets the dead Redis at most a few times (rate limiter, session lookup, session
# write), each bounded by REDIS_TIMEOUT_SEC = 0.25 s, before the circuit breakers route
# around it. 4 s leaves a wide margin for a shared 2-core box under this load; a request
# that waited for the frozen Redis would take the whole outage (6 s quick, 12 s full).
LATENCY_BOUND_SEC = 4.0
BACK_ON_REDIS_SEC = 10.0


def _reader(tokens: dict[str, Any]) -> Any:
    headers = bearer(tokens)

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        return "me", await client.get(ME, headers=headers), ""

    return step


def _profile_writer(tokens: dict[str, Any]) -> Any:
    headers = bearer(tokens)
    count = 0

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal count
        count += 1
        value = f"W{count}"
        response = await client.patch(
            "/api/auth/v1/account/profile", json={"first_name": value}, headers=headers
        )
        return "patch_profile", response, value

    return step


def _login_cycle(user: str) -> Any:
    """Log in, use the new session, log out — again and again."""
    tokens: dict[str, Any] | None = None
    used = False

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal tokens, used
        if tokens is None:
            response = await client.post(
                "/api/auth/v1/login", json={"login": user, "password": PASSWORD}
            )
            if response.status_code == 200:
                tokens, used = response.json(), False
            return "login", response, ""
        if not used:
            used = True
            return "me", await client.get(ME, headers=bearer(tokens)), ""
        response = await client.post("/api/auth/v1/logout", headers=bearer(tokens))
        tokens = None
        return "logout", response, ""

    return step


@pytest.mark.parametrize("fault", ["refused", "frozen"])
async def test_redis_fault_under_load_no_5xx_db_fallback_and_back_on_redis(
    fault: str, clean_pg: str, private_redis: RedisServer, tmp_path: Path
) -> None:
    env = api_environment(clean_pg, private_redis.url)
    prefix = env["REDIS_KEY_PREFIX"]
    async with (
        ApiProcess(env, tmp_path) as api,
        httpx.AsyncClient(base_url=api.url, timeout=REQUEST_TIMEOUT_SEC) as client,
    ):
        # Readers share a few users (sessions): sign-ups cost an argon2 hash each.
        readers = [await register(client, f"reader_{i:02d}") for i in range(2)]
        writer = await register(client, "writer_01")
        await register(client, "cycler_01")
        await register(client, "victim_01")
        await register(client, "probe_user")
        victim = await login(client, "victim_01")
        # The victim's session is now cached as live in Redis.
        assert (await client.get(ME, headers=bearer(victim))).status_code == 200

        load = Load(api.url)
        for i in range(READERS):
            load.add(f"reader{i}", _reader(readers[i % len(readers)]))
        load.add("writer", _profile_writer(writer), pause=0.05)
        load.add("cycler", _login_cycle("cycler_01"), pause=0.1)

        async with load:
            await asyncio.sleep(PROFILE.phase_sec)
            fault_at = time.monotonic()
            if fault == "refused":
                private_redis.stop()
            else:
                private_redis.freeze()
            try:
                await asyncio.sleep(1.0)  # the load has run into the fault by now
                # Revoked while Redis is down: refused at once (the database decides).
                assert (
                    await client.post("/api/auth/v1/logout", headers=bearer(victim))
                ).status_code == 204
                victim_during = [
                    (await client.get(ME, headers=bearer(victim))).status_code for _ in range(5)
                ]
                # A session opened while Redis is down: it cannot be in Redis yet.
                probe = await login(client, "probe_user")
                assert (await client.get(ME, headers=bearer(probe))).status_code == 200
                status_during = (await client.get("/api/app/v1/status")).json()
                await asyncio.sleep(max(0.0, fault_at + PROFILE.outage_sec - time.monotonic()))
            finally:
                back_at = time.monotonic()
                if fault == "refused":
                    private_redis.start()  # same port, empty
                else:
                    private_redis.resume()

            # Back on Redis: the probe session gets looked up there, misses, and its state is
            # written there (under whatever key the session cache uses: it names the session).
            redis = Redis.from_url(private_redis.url, decode_responses=True)
            pattern = f"{prefix}*{session_id(probe)}*"
            try:

                async def probe_cached() -> bool:
                    await client.get(ME, headers=bearer(probe))
                    keys = [k async for k in redis.scan_iter(match=pattern, count=1000)]
                    return bool(keys)

                on_redis_at = await wait_for(
                    probe_cached, within=BACK_ON_REDIS_SEC + 5, interval=0.2
                )
            finally:
                await redis.aclose()
            await asyncio.sleep(PROFILE.phase_sec)
            status_after = (await client.get("/api/app/v1/status")).json()

    outcomes = load.outcomes
    log = api.log()
    during = load.window(fault_at, back_at)
    print(f"\n{fault}: {load.summary()}\n  during the outage: {load.summary(during)}")
    print(f"  back on Redis {on_redis_at - back_at:.2f}s after it returned")

    failures = [o for o in outcomes if not o.ok]
    assert not failures, f"{failures[:5]}\n{load.summary()}\n{log[-3000:]}"
    assert "unhandled error" not in log
    slowest = max(outcomes, key=lambda o: o.duration)
    assert slowest.duration <= LATENCY_BOUND_SEC, (slowest, load.summary())
    # The outage was real and the service went on through it, writes included.
    assert status_during["cache"]["status"] == "error"
    assert len(during) >= READERS
    assert {o.action for o in during} >= {"me", "patch_profile", "login"}
    assert victim_during == [401] * 5
    assert on_redis_at - back_at <= BACK_ON_REDIS_SEC
    assert status_after["cache"]["status"] == "ok"
    assert status_after["rate_limit_store"]["status"] == "ok"


@pytest.mark.parametrize(
    "fault",
    [
        "restarted_empty",
        "restarted_from_snapshot",
        "frozen",
    ],
)
async def test_a_session_revoked_while_redis_is_away_stays_revoked_when_it_returns(
    fault: str, clean_pg: str, private_redis: RedisServer
) -> None:
    settings = make_settings(database_url=clean_pg, redis_url=private_redis.url)
    settings.cache.breaker_open_sec = 1.0
    async with running_app(settings) as api:
        await register(api, "victim_02")
        victim = await login(api, "victim_02")
        assert (await api.get(ME, headers=bearer(victim))).status_code == 200  # cached live
        if fault == "frozen":
            private_redis.freeze()
        else:
            if fault == "restarted_from_snapshot":
                # What production's `--save 300 10` does: the cache is on disk when it stops.
                redis = Redis.from_url(private_redis.url)
                await redis.save()
                await redis.aclose()
            private_redis.stop()
        try:
            assert (
                await api.post("/api/auth/v1/logout", headers=bearer(victim))
            ).status_code == 204
            assert (await api.get(ME, headers=bearer(victim))).status_code == 401
        finally:
            if fault == "frozen":
                private_redis.resume()
            else:
                private_redis.start()
        await asyncio.sleep(1.5)  # the circuit breaker's open period: Redis is used again
        statuses = []
        for _ in range(5):
            statuses.append((await api.get(ME, headers=bearer(victim))).status_code)
            await asyncio.sleep(0.2)
        assert (await api.get("/api/app/v1/status")).json()["cache"]["status"] == "ok"
    assert statuses == [401] * 5
