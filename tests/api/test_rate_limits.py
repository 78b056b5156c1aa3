"""Rate limits: 429 with Retry-After, per IP and per login, excluded IPs, trusted proxies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from rayport.settings import RateLimitSettings
from tests.conftest import make_settings, running_app
from tests.helpers import error_code

AppWithLimits = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def app_with_limits(clean_pg: str, redis_client: Redis) -> AsyncIterator[AppWithLimits]:
    def build(
        default: str = "1000/minute", auth: str = "3/minute", exclude: str = "", trusted: str = ""
    ) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        limits = RateLimitSettings(
            RATE_LIMIT_DEFAULT=default, RATE_LIMIT_AUTH=auth, RATE_LIMIT_EXCLUDE_IPS=exclude
        )
        overrides: dict[str, Any] = {"rate_limit": limits}
        if trusted:
            overrides["TRUSTED_PROXIES"] = trusted
        return running_app(make_settings(database_url=clean_pg, **overrides))

    yield build


async def test_login_is_limited_per_ip_with_retry_after(app_with_limits: AppWithLimits) -> None:
    async with app_with_limits(auth="3/minute") as api:
        codes = []
        for i in range(5):
            response = await api.post(
                "/api/auth/v1/login", json={"login": f"user_{i}x", "password": "whatever1"}
            )
            codes.append(response.status_code)
        assert codes == [401, 401, 401, 429, 429]
        assert error_code(response) == "rate_limited"
        retry_after = int(response.headers["Retry-After"])
        assert 1 <= retry_after <= 60


async def test_login_is_limited_per_login_across_ips(app_with_limits: AppWithLimits) -> None:
    async with app_with_limits(auth="3/minute", trusted="203.0.113.0/24") as api:
        codes = []
        for i in range(4):  # four different client IPs behind the trusted proxy
            response = await api.post(
                "/api/auth/v1/login",
                json={"login": "victim_1", "password": "guess-123"},
                headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
            )
            codes.append(response.status_code)
        assert codes == [401, 401, 401, 429]
        # Another login from a fresh IP is not affected: no lock-out of everyone.
        other = await api.post(
            "/api/auth/v1/login",
            json={"login": "someone_2", "password": "guess-123"},
            headers={"X-Forwarded-For": "198.51.100.50"},
        )
        assert other.status_code == 401


async def test_forwarded_for_is_ignored_from_untrusted_peers(
    app_with_limits: AppWithLimits,
) -> None:
    async with app_with_limits(auth="2/minute") as api:  # no trusted proxies
        # Spoofing X-Forwarded-For must not give each attempt a fresh per-IP counter.
        codes = []
        for i in range(3):
            response = await api.post(
                "/api/auth/v1/register",
                json={"login": f"spoofer_{i}", "password": "Long-enough-1"},
                headers={"X-Forwarded-For": f"192.0.2.{i + 1}"},
            )
            codes.append(response.status_code)
        assert codes == [201, 201, 429]


async def test_global_limit_and_excluded_ips(app_with_limits: AppWithLimits) -> None:
    async with app_with_limits(default="5/minute") as api:
        codes = [(await api.get("/api/app/v1/settings")).status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        assert (await api.get("/api/app/v1/health")).status_code == 200  # probes never limited
    async with app_with_limits(default="5/minute", exclude="203.0.113.7") as api:
        codes = [(await api.get("/api/app/v1/settings")).status_code for _ in range(7)]
        assert codes == [200] * 7


async def test_refresh_and_forgot_password_are_limited(app_with_limits: AppWithLimits) -> None:
    async with app_with_limits(auth="2/minute") as api:
        refresh = [
            (await api.post("/api/auth/v1/refresh", json={"refresh_token": "x"})).status_code
            for _ in range(3)
        ]
        assert refresh == [401, 401, 429]
        forgot = [
            (await api.post("/api/auth/v1/forgot-password", json={"login": "someone"})).status_code
            for _ in range(3)
        ]
        assert forgot == [202, 202, 429]
