"""The API serves the built web app: hashed assets cached for a year, index.html never,
client-side routes answered with index.html, API paths never swallowed by the fallback."""

from __future__ import annotations

from pathlib import Path

import httpx

from rayport.api.app import create_app
from tests.conftest import make_settings


async def test_built_app_is_served_with_the_right_caching(tmp_path: Path, sqlite_url: str) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>RayPort</title><div id=root></div>")
    (dist / "assets" / "index-3f9a2c.js").write_text("console.log('app')")
    (dist / "favicon.svg").write_text("<svg/>")
    app = create_app(make_settings(database_url=sqlite_url, redis_url=None), web_dist=dist)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            asset = await client.get("/assets/index-3f9a2c.js")
            assert asset.status_code == 200
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
            for path in ("/", "/configs", "/admin/users/123"):
                page = await client.get(path)
                assert page.status_code == 200 and "<div id=root>" in page.text, path
                assert page.headers["cache-control"] == "no-cache"
            assert (await client.get("/favicon.svg")).text == "<svg/>"
            missing_api = await client.get("/api/nothing/here")
            assert missing_api.status_code == 404
            assert missing_api.json()["error"]["code"] == "not_found"
            assert (await client.get("/assets/missing.js")).status_code == 404
            for traversal in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
                assert "root:" not in (await client.get(traversal)).text
