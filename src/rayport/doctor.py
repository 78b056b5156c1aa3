"""`rayport doctor`: what is configured, what answers, and what to fix."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from rayport.api.ratelimit import RateLimiter
from rayport.cache import CacheUnavailable, create_cache
from rayport.db import migrate
from rayport.db.engine import create_engine
from rayport.settings import DEV_JWT_SECRET, Settings

State = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    state: State
    detail: str


async def _database(settings: Settings) -> list[CheckResult]:
    engine = create_engine(settings.db.url)
    try:
        async with asyncio.timeout(5), engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return [
            CheckResult(
                "database",
                "fail",
                f"cannot connect ({type(exc).__name__}); "
                "check DATABASE_URL and that the server is running",
            )
        ]
    finally:
        await engine.dispose()
    results = [CheckResult("database", "ok", settings.db.url.split("@")[-1])]
    current = await asyncio.to_thread(migrate.current_heads, settings.db.url)
    expected = migrate.script_heads()
    if current == expected:
        results.append(CheckResult("migrations", "ok", f"at {', '.join(sorted(current))}"))
    else:
        results.append(
            CheckResult(
                "migrations",
                "fail",
                f"database at {sorted(current) or 'nothing'}, code expects "
                f"{sorted(expected)}: run `rayport migrate`",
            )
        )
    return results


async def _cache(settings: Settings) -> list[CheckResult]:
    cache = create_cache(settings.cache)
    limiter = RateLimiter(settings.rate_limit, settings.cache)
    try:
        try:
            await cache.ping()
            cache_result = CheckResult("cache", "ok", cache.name)
        except CacheUnavailable:
            cache_result = CheckResult("cache", "fail", "Redis does not answer: check REDIS_URL")
        limiter_ok = await limiter.check()
        limiter_result = CheckResult(
            "rate-limit store",
            "ok" if limiter_ok else "fail",
            limiter.store_name if limiter_ok else "does not answer: check RATE_LIMIT_REDIS_URL",
        )
    finally:
        await cache.close()
        await limiter.close()
    if cache.name == "memory":
        cache_result = CheckResult(
            "cache",
            "warn" if settings.is_production else "ok",
            "in-process memory (set REDIS_URL to run several processes)",
        )
    return [cache_result, limiter_result]


def _configuration(settings: Settings) -> list[CheckResult]:
    results = []
    if settings.auth.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
        results.append(
            CheckResult(
                "JWT_SECRET",
                "warn" if not settings.is_production else "fail",
                "development default: set a random value of 32+ bytes",
            )
        )
    if not settings.xui.configured:
        results.append(CheckResult("3X-UI", "warn", "XUI_URL not set: VPN configs are off"))
    if not settings.telegram.configured:
        results.append(
            CheckResult(
                "Telegram", "warn", "TELEGRAM_BOT_TOKEN not set: Telegram login and bot are off"
            )
        )
    if settings.smtp.url is None:
        results.append(CheckResult("e-mail", "warn", "SMTP_URL not set: e-mail notices are off"))
    return results


async def run_checks(settings: Settings) -> list[CheckResult]:
    database, cache = await asyncio.gather(_database(settings), _cache(settings))
    return [*database, *cache, *_configuration(settings)]
