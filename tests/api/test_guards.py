"""Role and verification guards, as later routers use them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter
from redis.asyncio import Redis

from rayport.api.app import create_app
from rayport.api.deps import AdminPrincipal, SuperuserPrincipal, VerifiedPrincipal
from rayport.models import User
from rayport.models.enums import UserStatus
from tests.conftest import make_settings
from tests.helpers import bearer, error_code, login_superuser, register


@pytest.fixture
async def guarded(clean_pg: str, redis_client: Redis) -> AsyncIterator[httpx.AsyncClient]:
    router = APIRouter(prefix="/api/test")

    @router.get("/verified")
    async def verified(principal: VerifiedPrincipal) -> dict[str, str]:
        return {"role": principal.role.value}

    @router.get("/admin")
    async def admin(principal: AdminPrincipal) -> dict[str, str]:
        return {"role": principal.role.value}

    @router.get("/superuser")
    async def superuser(principal: SuperuserPrincipal) -> dict[str, str]:
        return {"role": principal.role.value}

    app = create_app(make_settings(database_url=clean_pg), web_dist=None)
    app.include_router(router)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def test_unverified_user_is_refused_verified_routes_and_admin_ones(
    guarded: httpx.AsyncClient,
) -> None:
    user = bearer(await register(guarded, "zack_user"))
    verified = await guarded.get("/api/test/verified", headers=user)
    assert verified.status_code == 403
    assert error_code(verified) == "user_not_verified"
    for path in ("/api/test/admin", "/api/test/superuser"):
        response = await guarded.get(path, headers=user)
        assert response.status_code == 403
        assert error_code(response) == "permission_denied"


async def test_superuser_passes_every_guard_and_skips_verification(
    guarded: httpx.AsyncClient,
) -> None:
    root = bearer(await login_superuser(guarded))
    for path in ("/api/test/verified", "/api/test/admin", "/api/test/superuser"):
        response = await guarded.get(path, headers=root)
        assert response.status_code == 200, path
        assert response.json() == {"role": "superuser"}


async def test_verified_user_passes_the_verification_guard(guarded: httpx.AsyncClient) -> None:
    tokens = await register(guarded, "yuri_user")
    me = (await guarded.get("/api/auth/v1/me", headers=bearer(tokens))).json()
    context = guarded.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        user = await db.get(User, uuid.UUID(me["id"]))
        assert user is not None
        user.status = UserStatus.verified  # what an admin's verify does (admin issue)
    response = await guarded.get("/api/test/verified", headers=bearer(tokens))
    assert response.status_code == 200
    assert response.json() == {"role": "user"}
