"""What the end-to-end tests run on: RayPort as a real uvicorn server in a thread (serving the
built web app from `frontend/dist`), Debian's Chromium driven by Playwright, and helpers
for screenshots and API calls made outside the browser.

No browser is downloaded: Playwright's wheel carries the driver, and Chromium is the one
`apt-get install chromium` puts at `/usr/bin/chromium`.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn

from rayport.api.app import create_app
from rayport.settings import Settings

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SUPERUSER = ("admin", "Superuser-Pass-1")  # tests/conftest.py: SUPERUSER_PASSWORD


def missing_prerequisite() -> str | None:
    """Why the e2e tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not (DIST / "index.html").is_file():
        return "frontend/dist/index.html is missing (npm --prefix frontend run build)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing (uv sync --group dev)"
    return None


def bind_free_port() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


class RayPortServer:
    """`create_app(settings, web_dist=frontend/dist)` served by uvicorn in a daemon thread
    (its own event loop, lifespan on), on a socket bound before the settings are made so
    `WEB_APP_URL` can name the real port."""

    def __init__(self, sock: socket.socket, settings: Settings) -> None:
        self._socket = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(
            create_app(settings, web_dist=DIST),
            lifespan="on",
            loop="asyncio",
            ws="none",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="rayport-e2e", daemon=True
        )

    def __enter__(self) -> RayPortServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("RayPort did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()


@dataclass
class Api:
    """Calls to the running server from the test itself (setup and checks)."""

    url: str

    async def login(self, login: str, password: str) -> str:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.post(
                "/api/auth/v1/login", json={"login": login, "password": password}
            )
            response.raise_for_status()
            return str(response.json()["access_token"])

    async def call(self, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
            response.raise_for_status()
            return response


async def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """`test-artifacts/screenshots/<name>-<w>x<h>.png` (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or PHONE
    await page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"), full_page=full_page
    )


async def screenshot_both(page: Page, name: str) -> None:
    """The same screen on a phone (390x844) and a laptop (1280x800), then back."""
    original = page.viewport_size or PHONE
    for size in (PHONE, DESKTOP):
        await page.set_viewport_size(size)
        await page.wait_for_timeout(150)  # layout settles (media queries, sticky header)
        await screenshot(page, name)
    await page.set_viewport_size(original)


def medium_date(moment: datetime) -> str:
    """What `Intl.DateTimeFormat('en', {dateStyle: 'medium'})` prints in UTC: `Jan 2, 2027`."""
    moment = moment.astimezone(UTC)
    return f"{moment:%b} {moment.day}, {moment.year}"


async def wait_until(predicate: Callable[[], bool], within: float = 15.0) -> None:
    """Polls a plain condition (e.g. on recorded requests) until it holds."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def open_page(
    browser: Browser, server: RayPortServer, viewport: dict[str, int], **options: Any
) -> tuple[BrowserContext, Page]:
    """A fresh context (own storage: a separate "device") in English, UTC, at `viewport`."""
    context = await browser.new_context(
        base_url=server.url, viewport=viewport, locale="en-US", timezone_id="UTC", **options
    )
    # Telegram's Login Widget script is third-party and unreachable here: fail it fast.
    await context.route(re.compile(r"^https://telegram\.org/"), lambda route: route.abort())
    return context, await context.new_page()


async def log_in(page: Page, login: str, password: str, next_path: str = "/configs") -> None:
    """Through the login form; waits until the app has gone on to `next_path`."""
    from playwright.async_api import expect

    await page.goto(f"/login?next={next_path}")
    await page.get_by_label("Login").fill(login)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
