"""No password or token ever reaches the logs, and logs are JSON with the request id."""

from __future__ import annotations

import io
import json
import logging

import httpx

from rayport.logging import JsonFormatter
from tests.helpers import PASSWORD, bearer, register


async def test_no_secret_in_captured_logs(api: httpx.AsyncClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        tokens = await register(api, "yara_user")
        await api.get("/api/auth/v1/me", headers=bearer(tokens))
        await api.post(
            "/api/auth/v1/login", json={"login": "yara_user", "password": "Wrong-Pass-1"}
        )
        rotated = (
            await api.post("/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
        ).json()
        await api.post(
            "/api/auth/v1/change-password",
            headers=bearer(rotated),
            json={"current_password": PASSWORD, "new_password": "Other-Pass-77"},
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    output = stream.getvalue()
    assert output, "the flow should have produced access logs"
    for secret in (
        PASSWORD,
        "Wrong-Pass-1",
        "Other-Pass-77",
        tokens["access_token"],
        tokens["refresh_token"],
        rotated["refresh_token"],
        rotated["access_token"],
    ):
        assert secret not in output
    lines = [json.loads(line) for line in output.splitlines()]
    access = [line for line in lines if line["logger"] == "rayport.access"]
    assert {"method", "route", "status", "duration_ms", "request_id"} <= set(access[0])
    assert {line["route"] for line in access} >= {"/api/auth/v1/register", "/api/auth/v1/me"}
