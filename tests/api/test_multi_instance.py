"""Two API processes share one database and one Redis: a revocation on one is seen by
the other on the very next request."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from rayport.auth.service import AuthService
from tests.conftest import RUN_ID, make_settings, running_app
from tests.helpers import PASSWORD, bearer, login, register


@pytest.fixture
async def pair(
    clean_pg: str, redis_client: Redis
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    prefix = f"rayport-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:"
    async with (
        running_app(make_settings(database_url=clean_pg, key_prefix=prefix)) as one,
        running_app(
            make_settings(database_url=clean_pg, key_prefix=prefix), bootstrap=False
        ) as two,
    ):
        yield one, two


async def test_logout_on_one_instance_is_seen_by_the_other(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    one, two = pair
    tokens = await register(one, "rita_user")
    # Warm instance two's view of the session (cached as live).
    assert (await two.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 200
    assert (await one.post("/api/auth/v1/logout", headers=bearer(tokens))).status_code == 204
    assert (await two.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401


async def test_password_change_on_one_instance_ends_sessions_on_the_other(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    one, two = pair
    here = await register(one, "sam_user1")
    there = await login(two, "sam_user1")
    assert (await two.get("/api/auth/v1/me", headers=bearer(there))).status_code == 200
    response = await one.post(
        "/api/auth/v1/change-password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "Brand-New-42"},
    )
    assert response.status_code == 204
    assert (await two.get("/api/auth/v1/me", headers=bearer(there))).status_code == 401
    assert (await two.get("/api/auth/v1/me", headers=bearer(here))).status_code == 200


async def test_admin_revocation_on_one_instance_is_seen_by_the_other(
    pair: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    """What a role change or deactivation does: every session of the user ends."""
    one, two = pair
    tokens = await register(one, "tina_user")
    me = (await two.get("/api/auth/v1/me", headers=bearer(tokens))).json()
    context = one.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        service = AuthService(db=db, settings=context.settings.auth, gate=context.gate)
        assert await service.revoke_user_sessions(uuid.UUID(me["id"]), reason="role_change") == 1
    assert (await two.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401
