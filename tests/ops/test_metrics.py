"""`/metrics`: Prometheus text after traffic, refused without the bearer token, and the
notifier's own endpoint."""

from __future__ import annotations

import asyncio
import math
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr, ValidationError
from redis.asyncio import Redis

from rayport.cache import create_cache
from rayport.configs.panel import Panel
from rayport.errors import XuiUnavailable
from rayport.metrics import record_send, start_metrics_server
from rayport.models.enums import ConfigType
from rayport.notifier.heartbeat import Heartbeat, write_heartbeat
from rayport.settings import MetricsSettings, RateLimitSettings, XuiSettings
from rayport.xui.sync import SyncReport, store_report
from tests.conftest import make_settings, running_app
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import error_code

TOKEN = "metrics-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MetricsApp = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def metrics_settings(**overrides: Any) -> MetricsSettings:
    return MetricsSettings(METRICS_ENABLED=True, METRICS_TOKEN=SecretStr(TOKEN), **overrides)


@pytest.fixture
async def metrics_app(clean_pg: str, redis_client: Redis) -> AsyncIterator[MetricsApp]:
    def build(**overrides: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        overrides.setdefault("metrics", metrics_settings())
        return running_app(make_settings(database_url=clean_pg, **overrides))

    yield build


def sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_metrics_after_traffic_and_refused_without_the_token(
    metrics_app: MetricsApp,
) -> None:
    limits = RateLimitSettings(RATE_LIMIT_DEFAULT="1000/minute", RATE_LIMIT_AUTH="2/minute")
    health = {"method": "GET", "route": "/api/app/v1/health", "status": "200"}
    login_route = {"route": "/api/auth/v1/login"}
    before_health = sample("rayport_http_requests_total", **health)
    before_401 = sample("rayport_auth_failures_total", **login_route)
    before_429 = sample("rayport_rate_limit_rejections_total", **login_route)

    async with metrics_app(rate_limit=limits) as api:
        for _ in range(3):
            assert (await api.get("/api/app/v1/health")).status_code == 200
        codes = [
            (
                await api.post("/api/auth/v1/login", json={"login": "ghost_1", "password": "x" * 9})
            ).status_code
            for _ in range(3)
        ]
        assert codes == [401, 401, 429]
        await api.get("/sub/very-secret-subscription-token")
        await api.get("/no/such/page-42")

        anonymous = await api.get("/metrics")
        assert anonymous.status_code == 401 and error_code(anonymous) == "not_authenticated"
        wrong = await api.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        scraped = await api.get("/metrics", headers=AUTH)

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert (
        'rayport_http_requests_total{method="GET",route="/api/app/v1/health",status="200"}' in text
    )
    assert "rayport_http_request_duration_seconds_bucket{" in text
    assert 'rayport_auth_failures_total{route="/api/auth/v1/login"}' in text
    assert 'rayport_rate_limit_rejections_total{route="/api/auth/v1/login"}' in text
    assert 'route="/sub/{sub_token}"' in text and "very-secret-subscription-token" not in text
    assert 'route="unmatched",status="404"' in text and "page-42" not in text
    for series in ("rayport_notifier_up", "rayport_notifier_queue_due", "rayport_xui_sync_ok"):
        assert f"\n{series} " in text
    assert sample("rayport_http_requests_total", **health) == before_health + 3
    assert sample("rayport_auth_failures_total", **login_route) == before_401 + 2
    assert sample("rayport_rate_limit_rejections_total", **login_route) == before_429 + 1
    assert (
        sample("rayport_auth_failures_total", route="/metrics") >= 2
    )  # the refused scrapes themselves


async def test_metrics_are_not_served_unless_enabled(metrics_app: MetricsApp) -> None:
    async with metrics_app(metrics=MetricsSettings()) as api:
        assert (await api.get("/metrics", headers=AUTH)).status_code == 404


def test_enabling_metrics_needs_a_real_token() -> None:
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        MetricsSettings(METRICS_ENABLED=True)
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        MetricsSettings(METRICS_ENABLED=True, METRICS_TOKEN=SecretStr("short"))
    assert MetricsSettings(NOTIFIER_METRICS_PORT="").notifier_port is None


async def test_notifier_queue_and_sync_drift_come_from_the_shared_cache(
    clean_pg: str, redis_client: Redis
) -> None:
    settings = make_settings(database_url=clean_pg, metrics=metrics_settings())
    cache = create_cache(settings.cache)
    now = datetime.now(UTC)
    try:
        await write_heartbeat(
            cache,
            Heartbeat(
                worker="n1",
                at=now - timedelta(seconds=3),
                period_sec=10,
                queue_due=4,
                queue_undelivered=9,
                recent_failures=1,
            ),
        )
        await store_report(
            cache,
            SyncReport(
                at=(now - timedelta(seconds=60)).isoformat(),
                missing_on_panel=["a-vless", "b-trojan"],
                unknown_to_rayport=["stray"],
                repaired=[{"email": "c-vless", "what": "expiry"}],
            ),
        )
        async with running_app(settings) as api:
            text = (await api.get("/metrics", headers=AUTH)).text
    finally:
        await cache.close()
    assert "\nrayport_notifier_up 1.0" in text
    assert "\nrayport_notifier_queue_due 4.0" in text
    assert "\nrayport_notifier_queue_undelivered 9.0" in text
    assert 'rayport_xui_sync_drift{kind="missing_on_panel"} 2.0' in text
    assert 'rayport_xui_sync_drift{kind="unknown_to_rayport"} 1.0' in text
    assert 'rayport_xui_sync_drift{kind="repaired"} 1.0' in text
    assert "\nrayport_xui_sync_ok 1.0" in text
    age = REGISTRY.get_sample_value("rayport_xui_sync_age_seconds")
    assert age is not None and 59 <= age < 120


async def test_panel_calls_are_timed_and_failures_counted(xui_panel: XuiEmulator) -> None:
    panel = Panel(
        XuiSettings(
            XUI_URL=xui_panel.url,
            XUI_USERNAME=xui_panel.username,
            XUI_PASSWORD=SecretStr(xui_panel.password),
            XUI_TIMEOUT_SEC=2,
        )
    )
    listed = {"operation": "list_inbounds"}
    calls_before = sample("rayport_panel_call_duration_seconds_count", **listed)
    errors_before = sample("rayport_panel_call_errors_total", kind="unavailable", **listed)
    try:
        assert (await panel.status()).ok
        await panel.inbound(ConfigType.vless, fresh=True)
        with xui_panel.outage():
            with pytest.raises(XuiUnavailable):
                await panel.inbound(ConfigType.vless, fresh=True)
            assert not (await panel.status()).ok
    finally:
        await panel.close()
    assert sample("rayport_panel_call_duration_seconds_count", **listed) == calls_before + 2
    assert (
        sample("rayport_panel_call_errors_total", kind="unavailable", **listed) == errors_before + 1
    )
    assert sample("rayport_panel_call_errors_total", operation="status", kind="unavailable") >= 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_notifier_metrics_server_needs_the_token() -> None:
    assert start_metrics_server(MetricsSettings()) is None  # off unless enabled with a port
    server = start_metrics_server(metrics_settings(), host="127.0.0.1", port=_free_port())
    assert server is not None
    record_send("telegram", "sent")
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        async with httpx.AsyncClient() as client:
            refused = await client.get(url)
            served = await client.get(url, headers=AUTH)
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()
    assert refused.status_code == 401
    assert served.status_code == 200
    assert 'rayport_notifier_sends_total{channel="telegram",outcome="sent"}' in served.text
    assert not math.isnan(
        sample("rayport_notifier_sends_total", channel="telegram", outcome="sent")
    )
