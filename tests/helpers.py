"""Small helpers the API tests share: sign up, log in, auth headers."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import SUPERUSER_PASSWORD

PASSWORD = "Correct-Horse-9"


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def register(
    client: httpx.AsyncClient, login: str = "alice_01", password: str = PASSWORD, **profile: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/v1/register", json={"login": login, "password": password, **profile}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def login(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD, **kwargs: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/v1/login", json={"login": login, "password": password}, **kwargs
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def login_superuser(client: httpx.AsyncClient) -> dict[str, Any]:
    return await login(client, "admin", SUPERUSER_PASSWORD)


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return str(body["error"]["code"])
