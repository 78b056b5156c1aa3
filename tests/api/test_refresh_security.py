"""Refresh rotation: one use per token, reuse ends the session, races have one winner."""

from __future__ import annotations

import asyncio

import httpx
import jwt

from tests.conftest import JWT_SECRET
from tests.helpers import bearer, register


async def test_reusing_a_spent_refresh_token_ends_the_whole_session(api: httpx.AsyncClient) -> None:
    first = await register(api, "nina_user")
    second = (
        await api.post("/api/auth/v1/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()

    replay = await api.post("/api/auth/v1/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    # The thief's replay also kills what the legitimate owner got from the rotation.
    assert (await api.get("/api/auth/v1/me", headers=bearer(second))).status_code == 401
    after = await api.post("/api/auth/v1/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_two_concurrent_refreshes_with_one_token_have_exactly_one_winner(
    api: httpx.AsyncClient,
) -> None:
    tokens = await register(api, "oscar_user")
    results = await asyncio.gather(
        *[
            api.post("/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(2)
        ]
    )
    assert sorted(r.status_code for r in results) == [200, 401]


async def test_unknown_refresh_token_is_401_and_access_token_is_not_a_refresh_token(
    api: httpx.AsyncClient,
) -> None:
    tokens = await register(api, "paul_user")
    for candidate in ("nope", tokens["access_token"][:200]):
        response = await api.post("/api/auth/v1/refresh", json={"refresh_token": candidate})
        assert response.status_code == 401


async def test_forged_access_tokens_are_rejected(api: httpx.AsyncClient) -> None:
    tokens = await register(api, "quinn_user")
    claims = jwt.decode(tokens["access_token"], JWT_SECRET, algorithms=["HS256"])
    forged = {
        "alg_none": jwt.encode(claims, None, algorithm="none"),  # type: ignore[arg-type]
        "wrong_key": jwt.encode(claims, "another-secret-" + "y" * 32, algorithm="HS256"),
        "no_exp": jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, JWT_SECRET, algorithm="HS256"
        ),
        "expired": jwt.encode({**claims, "exp": claims["iat"] - 60}, JWT_SECRET, algorithm="HS256"),
        "not_access": jwt.encode({**claims, "typ": "refresh"}, JWT_SECRET, algorithm="HS256"),
        "escalated": jwt.encode(
            {**claims, "sid": "00000000-0000-0000-0000-000000000000", "role": "superuser"},
            JWT_SECRET,
            algorithm="HS256",
        ),
    }
    for name, token in forged.items():
        response = await api.get("/api/auth/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
