"""Serve the built web app: hashed assets cached for a year, `index.html` never cached,
and every unknown non-API path answered with `index.html` (client-side routing)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DEFAULT_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>RayPort</title>
<h1>RayPort API is running</h1><p>The web app has not been built yet: run <code>make run</code>
(or <code>npm --prefix frontend run build</code>). The API docs are at
<a href="/api/docs">/api/docs</a>.</p>"""


class ImmutableStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount_spa(app: FastAPI, dist: Path = DEFAULT_DIST) -> None:
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> Response:  # sync: file checks run in the thread pool
        if path.startswith(("api/", "sub/")) or path in {"api", "sub"}:
            raise HTTPException(404, "Not found")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and dist.resolve() in candidate.parents:
            return FileResponse(candidate)
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, headers={"Cache-Control": "no-cache"})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
