"""deploy/nginx.conf, run by a real nginx (skipped where there is none): the SPA fallback,
caching, security headers, and what reaches the api through /api and /sub."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _echo(request: Request) -> JSONResponse:
    """The api's stand-in: says what nginx sent it."""
    return JSONResponse(
        {"path": request.url.path, "query": request.url.query, "headers": dict(request.headers)}
    )


@pytest.fixture(scope="module")
def upstream() -> Iterator[int]:
    port = _free_port()
    app = Starlette(routes=[Route("/{path:path}", _echo, methods=["GET", "POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "echo server did not start"
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def nginx(upstream: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    work = tmp_path_factory.mktemp("nginx")
    dist = work / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>RayPort</title>INDEX")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / "assets" / "app-3f2a1b.js").write_text("console.log('app')")
    port = _free_port()
    site = CONF.read_text()
    site = site.replace("listen 8080 default_server;", f"listen 127.0.0.1:{port} default_server;")
    site = site.replace("root /usr/share/nginx/html;", f"root {dist};")
    site = site.replace("http://api:8000", f"http://127.0.0.1:{upstream}")
    site = site.replace(
        "access_log /dev/stdout rayport_json;", f"access_log {work}/access.log rayport_json;"
    )
    assert f"127.0.0.1:{upstream}" in site and str(dist) in site
    (work / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the tmp dir
    temp = " ".join(
        f"{name}_temp_path {work}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  {temp}
  include {work}/site.conf;
}}
"""
    )
    process = subprocess.Popen([NGINX or "nginx", "-c", str(work / "nginx.conf")])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.HTTPError:
            assert process.poll() is None, (work / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    yield base, work
    process.terminate()
    process.wait(timeout=10)


def test_spa_fallback_caching_and_security_headers(nginx: tuple[str, Path]) -> None:
    base, _ = nginx
    with httpx.Client(base_url=base) as client:
        for path in ("/", "/configs", "/admin/users/42", "/metrics"):
            page = client.get(path)
            assert page.status_code == 200 and "INDEX" in page.text, path
            assert page.headers["cache-control"] == "no-cache"
            assert (
                "frame-ancestors 'self' https://web.telegram.org"
                in page.headers["content-security-policy"]
            )
            assert page.headers["x-content-type-options"] == "nosniff"
            assert "x-frame-options" not in page.headers  # Telegram frames the Mini App
            assert "server" not in page.headers or page.headers["server"] == "nginx"
        asset = client.get("/assets/app-3f2a1b.js")
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert client.get("/assets/gone-123.js").status_code == 404
        assert client.get("/favicon.svg").text == "<svg/>"
        assert client.get("/healthz").text == "ok\n"


def test_api_and_subscriptions_are_proxied_with_the_client_address(
    nginx: tuple[str, Path],
) -> None:
    base, work = nginx
    with httpx.Client(base_url=base) as client:
        response = client.get(
            "/api/app/v1/status?verbose=1", headers={"X-Forwarded-For": "198.51.100.23"}
        )
        echo = response.json()
        assert echo["path"] == "/api/app/v1/status" and echo["query"] == "verbose=1"
        headers = echo["headers"]
        # A client's own X-Forwarded-For stays on the left; nginx appends the peer it saw.
        assert headers["x-forwarded-for"] == "198.51.100.23, 127.0.0.1"
        assert headers["x-real-ip"] == "127.0.0.1"
        assert headers["x-forwarded-proto"] == "http"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
        assert "content-security-policy" not in response.headers  # the api sets its own
        assert "cache-control" not in response.headers

        kept = client.get("/api/x", headers={"X-Request-ID": "edge-42"}).json()
        assert kept["headers"]["x-request-id"] == "edge-42"

        sub = client.get("/sub/s3cret-subscription-token?format=clash")
        assert sub.json()["path"] == "/sub/s3cret-subscription-token"
    log = (work / "access.log").read_text()
    assert '"uri":"/sub/{token}"' in log and "s3cret" not in log
    assert '"uri":"/api/app/v1/status"' in log and "verbose" not in log
