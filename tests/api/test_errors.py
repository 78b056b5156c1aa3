"""One error envelope for every failure, with no internals in it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter

from rayport.api.app import create_app
from tests.conftest import make_settings, running_app
from tests.helpers import error_code


async def test_unknown_route_and_wrong_method(api: httpx.AsyncClient) -> None:
    missing = await api.get("/api/auth/v1/nope")
    assert missing.status_code == 404
    assert error_code(missing) == "not_found"
    wrong_method = await api.put("/api/app/v1/health")
    assert wrong_method.status_code == 405
    assert error_code(wrong_method) == "method_not_allowed"


async def test_validation_error_lists_fields(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/auth/v1/login", json={"login": ""})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    fields = {tuple(d["loc"]) for d in response.json()["error"]["details"]}
    assert ("body", "password") in fields
    not_json = await api.post(
        "/api/auth/v1/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert error_code(not_json) == "validation_error"


async def test_body_over_the_limit_is_413(api: httpx.AsyncClient) -> None:
    big = b'{"login": "' + b"a" * 2_000_000 + b'", "password": "x"}'
    response = await api.post(
        "/api/auth/v1/login", content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(40):
            yield b"a" * 65536

    streamed = await api.post(
        "/api/auth/v1/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert error_code(streamed) == "payload_too_large"


async def test_unhandled_error_is_500_with_request_id_and_no_internals(
    clean_pg: str, caplog: pytest.LogCaptureFixture
) -> None:
    boom = APIRouter()

    @boom.get("/api/test/boom")
    async def explode() -> None:
        raise RuntimeError("SELECT secret_column FROM secret_table")

    settings = make_settings(database_url=clean_pg)
    app = create_app(settings, web_dist=None)
    app.include_router(boom)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            with caplog.at_level(logging.ERROR):
                response = await client.get("/api/test/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
    assert response.json()["error"]["details"] == {"request_id": "req-42"}
    assert response.headers["X-Request-ID"] == "req-42"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert any("secret_table" in (r.exc_text or "") or r.exc_info for r in caplog.records)


async def test_database_down_is_503_with_retry_after_not_500() -> None:
    settings = make_settings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none", redis_url=None
    )
    async with running_app(settings, bootstrap=False) as api:
        response = await api.post("/api/auth/v1/login", json={"login": "someone", "password": "x"})
        assert response.status_code == 503
        assert error_code(response) == "service_unavailable"
        assert response.headers["Retry-After"]
        health = await api.get("/api/app/v1/health")
        assert health.status_code == 200  # liveness does not depend on the database
        status = (await api.get("/api/app/v1/status")).json()
        assert status["database"]["status"] == "error"
        assert status["status"] == "error"


async def test_security_headers_and_request_id(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/app/v1/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]
    assert len(response.headers["X-Request-ID"]) >= 16
    weird = await api.get("/api/app/v1/health", headers={"X-Request-ID": "bad id\twith junk"})
    assert weird.headers["X-Request-ID"] != "bad id\twith junk"


async def test_cors_allows_only_configured_origins(api: httpx.AsyncClient) -> None:
    allowed = await api.options(
        "/api/auth/v1/login",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:5173"
    denied = await api.options(
        "/api/auth/v1/login",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_405_allow_names_every_method_of_the_resource(api: httpx.AsyncClient) -> None:
    """Found by the API fuzzer: the router's Allow named only the first matching route's
    methods (`GET /settings` and `PATCH /settings` are two routes)."""
    for path, allowed in (
        ("/api/app/v1/settings", "GET, PATCH"),
        ("/api/admin/v1/news", "GET, POST"),
        (f"/api/admin/v1/news/{uuid.uuid4()}", "DELETE, GET, PATCH"),
        ("/api/admin/v1/sessions/cleanup", "POST"),  # not `DELETE /sessions/{id}`
    ):
        response = await api.options(path)
        assert response.status_code == 405, path
        assert error_code(response) == "method_not_allowed"
        assert response.headers["Allow"] == allowed, path
