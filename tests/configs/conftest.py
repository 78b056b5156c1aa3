"""RayPort wired to an HTTP 3X-UI emulator (era E unless a test asks otherwise)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.models import User
from rayport.models.enums import UserStatus
from rayport.settings import XuiSettings
from tests.conftest import make_settings, running_app
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import bearer, register

PUBLIC_HOST = "vpn.example.com"


def xui_settings(emu: XuiEmulator) -> XuiSettings:
    return XuiSettings(
        XUI_URL=emu.url,
        XUI_USERNAME=emu.username,
        XUI_PASSWORD=SecretStr(emu.password),
        XUI_PUBLIC_HOST=PUBLIC_HOST,
        XUI_TIMEOUT_SEC=2,
    )


@pytest.fixture
async def api(
    clean_pg: str, redis_client: Redis, xui_panel: XuiEmulator
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(database_url=clean_pg, xui=xui_settings(xui_panel))
    async with running_app(settings) as client:
        yield client


async def verified_user(api: httpx.AsyncClient, login: str) -> dict[str, str]:
    """A registered user whom an admin has verified; returns auth headers."""
    tokens = await register(api, login)
    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        await db.execute(
            sa.update(User).where(User.login == login).values(status=UserStatus.verified)
        )
    return bearer(tokens)


async def user_id(api: httpx.AsyncClient, headers: dict[str, str]) -> uuid.UUID:
    return uuid.UUID((await api.get("/api/auth/v1/me", headers=headers)).json()["id"])


def panel_client(emu: XuiEmulator, email: str) -> dict[str, Any] | None:
    found = emu.state.find_client(email)
    return None if found is None else found[1]
