"""`/api/app/v1/status`: is each dependency answering?"""

from __future__ import annotations

import asyncio
import time
from enum import StrEnum
from typing import cast

import sqlalchemy as sa
from pydantic import BaseModel

from rayport import __version__
from rayport.api.context import AppContext
from rayport.cache import CacheUnavailable
from rayport.notifier.heartbeat import NotifierState, notifier_state

CHECK_TIMEOUT_SEC = 2.0
XUI_STATUS_CACHE_SEC = 30.0


class ComponentState(StrEnum):
    ok = "ok"
    error = "error"
    not_configured = "not_configured"
    not_running = "not_running"


class Component(BaseModel):
    status: ComponentState
    backend: str | None = None


class StatusRead(BaseModel):
    status: ComponentState
    version: str
    uptime_sec: int
    database: Component
    cache: Component
    rate_limit_store: Component
    xui: Component
    telegram: Component
    notifier: Component


async def _database(context: AppContext) -> Component:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SEC), context.db.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
        return Component(status=ComponentState.ok, backend=context.db.dialect)
    except Exception:
        return Component(status=ComponentState.error, backend=context.db.dialect)


async def _cache(context: AppContext) -> Component:
    try:
        await context.cache.ping()
        return Component(status=ComponentState.ok, backend=context.cache.name)
    except CacheUnavailable:
        return Component(status=ComponentState.error, backend=context.cache.name)


async def _rate_limit_store(context: AppContext) -> Component:
    ok = await context.limiter.check()
    return Component(
        status=ComponentState.ok if ok else ComponentState.error, backend=context.limiter.store_name
    )


async def _notifier(context: AppContext) -> Component:
    """ok, error (last loop older than two periods) or not_running (no heartbeat)."""
    try:
        state = await notifier_state(context.cache)
    except CacheUnavailable:
        return Component(status=ComponentState.error)
    if state is NotifierState.not_running:
        return Component(status=ComponentState.not_running)
    ok = state is NotifierState.ok
    return Component(status=ComponentState.ok if ok else ComponentState.error)


async def _xui(context: AppContext) -> Component:
    """The panel's health, remembered for XUI_STATUS_CACHE_SEC: this page is public and
    polled by monitors, and must not log into the panel on every poll."""
    if context.panel is None:
        return Component(status=ComponentState.not_configured)
    cached = context.xui_status
    if cached is not None and time.monotonic() - cached[1] < XUI_STATUS_CACHE_SEC:
        return cast(Component, cached[0])
    panel_status = await context.panel.status()
    component = Component(
        status=ComponentState.ok if panel_status.ok else ComponentState.error,
        backend=panel_status.era.value if panel_status.era else None,
    )
    context.xui_status = (component, time.monotonic())
    return component


async def _telegram(context: AppContext) -> Component:
    if context.telegram is None:
        return Component(status=ComponentState.not_configured)
    ok = await context.telegram.is_ok()
    return Component(status=ComponentState.ok if ok else ComponentState.error)


async def read_status(context: AppContext) -> StatusRead:
    database, cache, limiter, xui, telegram, notifier = await asyncio.gather(
        _database(context),
        _cache(context),
        _rate_limit_store(context),
        _xui(context),
        _telegram(context),
        _notifier(context),
    )
    overall = (
        ComponentState.ok
        if all(c.status is not ComponentState.error for c in (database, cache, limiter))
        else ComponentState.error
    )
    return StatusRead(
        status=overall,
        version=__version__,
        uptime_sec=int(time.monotonic() - context.started_at),
        database=database,
        cache=cache,
        rate_limit_store=limiter,
        xui=xui,
        telegram=telegram,
        notifier=notifier,
    )
