"""Fixtures of the end-to-end tests (`pytest -m e2e`, or `pytest tests/e2e`).

They need Debian's Chromium (`/usr/bin/chromium`), the built web app
(`frontend/dist/index.html`) and the `playwright` package; without them every test here is
skipped with the reason. PostgreSQL, Redis, the 3X-UI emulator and the fake Bot API come
from the suite's shared fixtures (`tests/conftest.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.settings import TelegramSettings, XuiSettings
from tests.conftest import make_settings
from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Api,
    RayPortServer,
    bind_free_port,
    missing_prerequisite,
)
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN
from tests.fixtures.xui_emulator.server import XuiEmulator

if TYPE_CHECKING:
    from playwright.async_api import Browser


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: end-to-end test in a real browser (Chromium + the built web app)"
    )


@pytest.fixture(scope="session")
def e2e_ready() -> None:
    reason = missing_prerequisite()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
async def browser(e2e_ready: None) -> AsyncIterator[Browser]:
    """One Chromium for the session; each test opens its own contexts (separate storage)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def rayport(
    e2e_ready: None,
    clean_pg: str,
    redis_client: Redis,
    xui_panel: XuiEmulator,
    fake_bot_api: FakeBotAPI,
) -> AsyncIterator[RayPortServer]:
    """RayPort on a fresh PostgreSQL database, Redis, the 3X-UI emulator (era E, inbounds
    `vless` and `trojan`) and the fake Bot API (so Telegram login is on)."""
    sock = bind_free_port()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(
        database_url=clean_pg,
        WEB_APP_URL=url,
        xui=XuiSettings(
            XUI_URL=xui_panel.url,
            XUI_USERNAME=xui_panel.username,
            XUI_PASSWORD=SecretStr(xui_panel.password),
            XUI_PUBLIC_HOST="vpn.example.com",
        ),
        telegram=TelegramSettings(
            TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=fake_bot_api.url
        ),
    )
    with RayPortServer(sock, settings) as server:
        yield server


@pytest.fixture
def api(rayport: RayPortServer) -> Api:
    return Api(rayport.url)
