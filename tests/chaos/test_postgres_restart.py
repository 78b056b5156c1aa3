"""PostgreSQL stopped and started again under load.

What a user notices: while the database is down every answer is a clear 503
(`service_unavailable`, with `Retry-After`) — never a 500, never a request left hanging —;
within 2 s of the database accepting connections again requests succeed; and nothing that
was acknowledged is lost: every sign-up and news item that got a 201 is in the database, and
every profile holds its last acknowledged value (or a later attempt's, whose answer the
outage swallowed).

The database is a private PostgreSQL server (the shared one serves other tests); the API is
a real `rayport api` process. The full profile stops the server both ``-m immediate`` (a
crash: crash recovery on start) and ``-m fast``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from rayport.db import migrate
from tests.chaos.conftest import (
    PROFILE,
    REQUEST_TIMEOUT_SEC,
    ApiProcess,
    Load,
    Outcome,
    PrivatePostgres,
    api_environment,
    wait_for,
)
from tests.conftest import REDIS_URL, make_settings, running_app
from tests.helpers import PASSWORD, bearer, login_superuser, register

ME = "/api/auth/v1/me"
READERS = 8
# While the database is down, a request fails on its first statement (connection refused,
# or the server's "shutting down"/"starting up" answer): it needs no more than the asyncpg
# connect timeout (5 s) plus the pool timeout (5 s). 12 s is the bound of "did not hang".
DOWN_LATENCY_BOUND_SEC = 12.0
FIRST_SUCCESS_WITHIN_SEC = 2.0


def _reader(tokens: dict[str, Any]) -> Any:
    headers = bearer(tokens)

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        return "me", await client.get(ME, headers=headers), ""

    return step


def _news_writer(tag: str, root: dict[str, Any]) -> Any:
    headers = bearer(root)
    count = 0

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal count
        count += 1
        title = f"chaos-{tag}-{count:05d}"
        body = {"title": {"en": title}, "content": {"en": "written under a database restart"}}
        return "news", await client.post("/api/admin/v1/news", json=body, headers=headers), title

    return step


def _registrations(tag: str) -> Any:
    count = 0

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal count
        count += 1
        name = f"r{tag}{count:05d}"
        body = {"login": name, "password": PASSWORD}
        return "register", await client.post("/api/auth/v1/register", json=body), name

    return step


def _profile_writer(tokens: dict[str, Any], worker: str) -> Any:
    headers = bearer(tokens)
    count = 0

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal count
        count += 1
        value = f"{worker}-{count:05d}"
        response = await client.patch(
            "/api/auth/v1/account/profile", json={"first_name": value}, headers=headers
        )
        return "profile", response, value

    return step


def _acceptable_final(attempts: list[Outcome]) -> set[str]:
    """The values a profile may hold at the end: its last acknowledged write, or any later
    attempt that got no acknowledgement (its commit may have happened before the answer was
    lost)."""
    last_ok = max((i for i, o in enumerate(attempts) if o.ok), default=-1)
    return {o.note for o in attempts[max(last_ok, 0) :]}


@pytest.fixture
async def chaos_database(private_postgres: PrivatePostgres) -> str:
    url = await private_postgres.create_database(f"rayport_chaos_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrate.upgrade, url)
    return url


@pytest.mark.parametrize("mode", PROFILE.pg_stop_modes)
async def test_postgres_restart_under_load_is_503_then_recovers_losing_nothing(
    mode: str,
    private_postgres: PrivatePostgres,
    chaos_database: str,
    redis_client: Redis,
    tmp_path: Path,
) -> None:
    env = api_environment(chaos_database, REDIS_URL)
    async with (
        ApiProcess(env, tmp_path) as api,
        httpx.AsyncClient(base_url=api.url, timeout=REQUEST_TIMEOUT_SEC) as client,
    ):
        readers = [await register(client, f"pg_reader_{i}") for i in range(3)]
        profile_users = {f"pw{i}": await register(client, f"pg_writer_{i}") for i in range(2)}
        root = await login_superuser(client)

        load = Load(api.url)
        for i in range(READERS):
            load.add(f"reader{i}", _reader(readers[i % len(readers)]))
        load.add("news0", _news_writer("a", root), pause=0.02)
        load.add("news1", _news_writer("b", root), pause=0.02)
        load.add("register", _registrations("x"), pause=0.1)
        for worker, tokens in profile_users.items():
            load.add(worker, _profile_writer(tokens, worker), pause=0.02)

        async with load:
            await asyncio.sleep(PROFILE.phase_sec)
            stopping_at = time.monotonic()
            await asyncio.to_thread(private_postgres.stop, mode)
            stopped_at = time.monotonic()
            await asyncio.sleep(PROFILE.outage_sec / 2)
            starting_at = time.monotonic()
            starting = asyncio.create_task(asyncio.to_thread(private_postgres.start))
            try:
                accepted_at = await wait_for(
                    private_postgres.accepts_connections, within=60, interval=0.02
                )
            finally:
                await asyncio.wait_for(starting, timeout=90)
            await asyncio.sleep(PROFILE.phase_sec + FIRST_SUCCESS_WITHIN_SEC)

    log = api.log()
    outcomes = load.outcomes
    down = load.window(stopped_at, starting_at)
    first_success = min(
        (o.ended for o in outcomes if o.ok and o.ended >= accepted_at), default=float("inf")
    )
    print(
        f"\n{mode}: {load.summary()}\n  while down: {load.summary(down)}\n"
        f"  stop took {stopped_at - stopping_at:.2f}s, accepting "
        f"{accepted_at - starting_at:.2f}s after the start, first success "
        f"{first_success - accepted_at:.2f}s after that"
    )

    # Never a 500, never a hang: every answer is a success or the 503 envelope.
    broken = [o for o in outcomes if o.status == 0 or (o.status >= 500 and o.status != 503)]
    assert not broken, f"{broken[:5]}\n{log[-3000:]}"
    assert "unhandled error" not in log, log[-3000:]
    for o in outcomes:
        if o.status == 503:
            assert o.envelope and o.code == "service_unavailable", o
            assert o.retry_after and int(o.retry_after) > 0, o
        else:
            assert o.ok, o  # no 4xx either: the outage must not look like the caller's fault
    slowest = max(outcomes, key=lambda o: o.duration)
    assert slowest.duration <= DOWN_LATENCY_BOUND_SEC, (slowest, load.summary())

    # While it was down, everything was 503 (and there was load to see it).
    assert len(down) >= READERS, load.summary(down)
    assert {o.status for o in down} == {503}, load.summary(down)

    # Back within 2 s of accepting connections, and stays back.
    assert first_success - accepted_at <= FIRST_SUCCESS_WITHIN_SEC, first_success - accepted_at
    settled = [o for o in outcomes if o.started >= accepted_at + FIRST_SUCCESS_WITHIN_SEC]
    assert settled and all(o.ok for o in settled), load.summary(settled)

    # 0 lost acknowledged writes.
    acknowledged_news = {o.note for o in outcomes if o.action == "news" and o.ok}
    acknowledged_users = {o.note for o in outcomes if o.action == "register" and o.ok}
    connection = await asyncpg.connect(
        chaos_database.replace("postgresql+asyncpg://", "postgresql://"), timeout=10
    )
    try:
        titles = {r["t"] for r in await connection.fetch("SELECT title->>'en' AS t FROM news")}
        logins = {r["login"] for r in await connection.fetch('SELECT login FROM "user"')}
        first_names = {
            r["login"]: r["first_name"]
            for r in await connection.fetch(
                'SELECT u.login, p.first_name FROM "user" u JOIN profile p ON p.user_id = u.id'
            )
        }
    finally:
        await connection.close()
    assert acknowledged_news and acknowledged_users
    assert acknowledged_news <= titles, sorted(acknowledged_news - titles)
    assert acknowledged_users <= logins, sorted(acknowledged_users - logins)
    for i, worker in enumerate(profile_users):
        attempts = [o for o in outcomes if o.worker == worker]
        assert any(o.ok for o in attempts)
        assert first_names[f"pg_writer_{i}"] in _acceptable_final(attempts), worker


async def test_a_database_that_is_up_but_not_accepting_connections_answers_503(
    refusing_postgres: PrivatePostgres,
) -> None:
    """PostgreSQL starting up, in crash recovery or shutting down answers 57P03, which
    SQLAlchemy reports as a bare DBAPIError: that is "try again", not an internal error."""
    await wait_for(refusing_postgres.refuses_connections_now, within=30, interval=0.1)
    settings = make_settings(database_url=refusing_postgres.async_url("postgres"))
    async with running_app(settings, bootstrap=False) as api:
        login = await api.post(
            "/api/auth/v1/login", json={"login": "nobody_01", "password": PASSWORD}
        )
        status = (await api.get("/api/app/v1/status")).json()
    assert login.status_code == 503, login.text
    assert login.json()["error"]["code"] == "service_unavailable"
    assert int(login.headers["Retry-After"]) > 0
    assert status["database"]["status"] == "error"
