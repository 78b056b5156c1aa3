"""Fixtures for the 3X-UI integration tests: one emulator per era, reset per test."""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rayport.xui import Era, XuiClient
from tests.fixtures.xui_emulator import ERAS, XuiEmulator

SAMPLES = Path(__file__).parent / "samples"

EXPECTED_ERA = {"a": Era.V2, "b": Era.V2, "c": Era.V2, "d": Era.V3_0, "e": Era.V3_1}
LEGACY_ERAS = ("a", "b", "c", "d")
V2_ERAS = ("a", "b", "c")
V3_ERAS = ("d", "e")


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


class EmulatorPool:
    """Starts each era's emulator the first time a test needs it."""

    def __init__(self) -> None:
        self._running: dict[str, XuiEmulator] = {}

    def get(self, era: str) -> XuiEmulator:
        if era not in self._running:
            self._running[era] = XuiEmulator(era).start()
        return self._running[era]

    def stop_all(self) -> None:
        for emulator in self._running.values():
            emulator.stop()


@pytest.fixture(scope="session")
def emulator_pool() -> Iterator[EmulatorPool]:
    pool = EmulatorPool()
    yield pool
    pool.stop_all()


@pytest.fixture(params=ERAS)
def emu(request: pytest.FixtureRequest, emulator_pool: EmulatorPool) -> Iterator[XuiEmulator]:
    """A panel of each era with its default data (inbounds 1 ``vless``, 2 ``trojan``).

    Narrow the eras with ``@pytest.mark.parametrize("emu", [...], indirect=True)``.
    """
    emulator = emulator_pool.get(request.param)
    emulator.reset()
    yield emulator
    emulator.reset()  # waits for slow requests, brings a downed panel back


MakeClient = Callable[..., Awaitable[XuiClient]]

# Building the default TLS context costs ~0.1 s per client; the panel is plain HTTP here.
_TLS = ssl.create_default_context()


@pytest.fixture
async def make_xui(emu: XuiEmulator) -> AsyncIterator[MakeClient]:
    """Build XuiClients for ``emu`` (closed after the test); keyword args override."""
    created: list[XuiClient] = []

    async def make(**overrides: Any) -> XuiClient:
        options: dict[str, Any] = {
            "username": emu.username,
            "password": emu.password,
            "timeout": 2.0,
            "read_retries": 2,
            "retry_backoff": 0.01,
            "verify_tls": _TLS,
        }
        options.update(overrides)
        base_url = options.pop("base_url", emu.url)
        client = XuiClient(base_url, **options)
        created.append(client)
        return client

    yield make
    for client in created:
        await client.aclose()


@pytest.fixture
async def xui(make_xui: MakeClient) -> XuiClient:
    """A client logged in with username/password (no API token)."""
    return await make_xui()
