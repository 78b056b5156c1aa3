"""The per-process in-flight cap: past MAX_IN_FLIGHT, callers get 503 + Retry-After at once
instead of waiting in a queue; health stays answerable; the count never leaks."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter

from rayport.api.app import create_app
from tests.conftest import make_settings
from tests.helpers import error_code


async def test_requests_over_the_cap_get_503_and_the_cap_frees_up(clean_pg: str) -> None:
    release = asyncio.Event()
    entered = asyncio.Semaphore(0)
    slow = APIRouter()

    @slow.get("/api/test/slow")
    async def wait_for_release() -> dict[str, bool]:
        entered.release()
        await release.wait()
        return {"ok": True}

    @slow.get("/api/test/boom")
    async def explode() -> None:
        raise RuntimeError("boom")

    app = create_app(make_settings(database_url=clean_pg, MAX_IN_FLIGHT=2), web_dist=None)
    app.include_router(slow)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            busy = [asyncio.create_task(client.get("/api/test/slow")) for _ in range(2)]
            for _ in busy:
                await asyncio.wait_for(entered.acquire(), 10)

            refused = await client.get("/api/app/v1/settings")
            assert refused.status_code == 503
            assert error_code(refused) == "overloaded"
            assert refused.headers["Retry-After"] == "1"
            assert refused.headers["X-Request-ID"]
            # Liveness probes are not counted: a busy process is not a dead one.
            assert (await client.get("/api/app/v1/health")).status_code == 200

            release.set()
            assert [r.status_code for r in await asyncio.gather(*busy)] == [200, 200]
            # Failures release their slot too: after errors the cap is whole again.
            for _ in range(3):
                assert (await client.get("/api/test/boom")).status_code == 500
                assert (await client.get("/api/test/nope")).status_code == 404
            release.clear()
            again = [asyncio.create_task(client.get("/api/test/slow")) for _ in range(2)]
            for _ in again:
                await asyncio.wait_for(entered.acquire(), 10)
            assert (await client.get("/api/app/v1/settings")).status_code == 503
            release.set()
            await asyncio.gather(*again)
            assert (await client.get("/api/app/v1/settings")).status_code == 200
