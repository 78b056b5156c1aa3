"""The 3X-UI panel down, then slow beyond the client's timeout, under load.

What a user notices: opening a config page while the panel is away is a clear 503
(`xui_unavailable`, with `Retry-After`) within a bound, and leaves nothing half-made — no
config row, no panel client —; everything that does not need the panel (signing in, the
list of one's configs) keeps working; once the panel is back every user gets exactly one
client per config type, matching their config, and the notifier's bulk sync pulls the
panel's counters again.

tests/configs covers one request against a down panel; this adds load, the slow panel and
recovery. The API is a real `rayport api` process; the panel is the HTTP emulator.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import sqlalchemy as sa
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.db.engine import Database
from rayport.models import Config
from rayport.notifier import Notifier
from rayport.settings import XuiSettings
from rayport.xui.sync import load_report
from tests.chaos.conftest import (
    PROFILE,
    REQUEST_TIMEOUT_SEC,
    ApiProcess,
    Load,
    api_environment,
    wait_for,
)
from tests.conftest import REDIS_URL, make_settings, running_app
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import bearer, register
from tests.notifier.conftest import notifier_settings

ME = "/api/auth/v1/me"
BY_TYPE = "/api/backend/v1/client/configs/by-type/{}"
TYPES = ("vless", "trojan")
XUI_TIMEOUT_SEC = 1.0
SLOW_PANEL_SEC = 2.5  # every panel answer takes this long: beyond the client's timeout
# A panel read is tried 3 times (1 s timeout each, 0.25 s and 0.5 s back-off) before the
# 503: ≤ 3.75 s; a config page makes at most two such reads (connection probe, the client)
# before it gives up. 12 s is that plus a wide margin for a shared 2-core box.
PANEL_DOWN_BOUND_SEC = 12.0
# Requests that never touch the panel: the same bound as everywhere else under load.
UNRELATED_BOUND_SEC = 4.0
GIB = 1024**3


def _get(path: str, tokens: dict[str, Any], action: str) -> Any:
    headers = bearer(tokens)

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        return action, await client.get(path, headers=headers), ""

    return step


def _config_pages(users: list[tuple[str, dict[str, Any]]]) -> Any:
    """Open each user's vless and trojan config pages in turn (get-or-create)."""
    pages = [(login, tokens, kind) for login, tokens in users for kind in TYPES]
    index = 0

    async def step(client: httpx.AsyncClient) -> tuple[str, httpx.Response, str]:
        nonlocal index
        login, tokens, kind = pages[index % len(pages)]
        index += 1
        response = await client.get(BY_TYPE.format(kind), headers=bearer(tokens))
        return "config_page", response, f"{login}-{kind}"

    return step


async def _verify(database_url: str, logins: list[str]) -> None:
    connection = await asyncpg.connect(
        database_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10
    )
    try:
        await connection.execute(
            "UPDATE \"user\" SET status = 'verified' WHERE login = ANY($1::text[])", logins
        )
    finally:
        await connection.close()


async def _config_rows(db: Database) -> dict[str, Config]:
    async with db.read_only() as session:
        return {c.client_email: c for c in (await session.scalars(sa.select(Config))).all()}


async def test_panel_down_then_slow_under_load_is_a_clear_503_and_recovers(
    clean_pg: str, redis_client: Redis, xui_panel: XuiEmulator, tmp_path: Path
) -> None:
    env = api_environment(
        clean_pg,
        REDIS_URL,
        XUI_URL=xui_panel.url,
        XUI_USERNAME=xui_panel.username,
        XUI_PASSWORD=xui_panel.password,
        XUI_PUBLIC_HOST="vpn.example.com",
        XUI_TIMEOUT_SEC=str(XUI_TIMEOUT_SEC),
    )
    xui = XuiSettings(
        XUI_URL=xui_panel.url,
        XUI_USERNAME=xui_panel.username,
        XUI_PASSWORD=SecretStr(xui_panel.password),
        XUI_TIMEOUT_SEC=XUI_TIMEOUT_SEC,
    )
    db = Database(clean_pg, pool_size=2)
    notifier = Notifier(notifier_settings(clean_pg, xui=xui, XUI_SYNC_PERIOD_SEC=1))
    try:
        async with (
            ApiProcess(env, tmp_path) as api,
            httpx.AsyncClient(base_url=api.url, timeout=REQUEST_TIMEOUT_SEC) as client,
        ):
            early = [(f"early_vpn{i}", await register(client, f"early_vpn{i}")) for i in range(2)]
            late = [(f"late_vpn{i}", await register(client, f"late_vpn{i}")) for i in range(6)]
            await _verify(clean_pg, [login for login, _ in early + late])
            for _, tokens in early:
                for kind in TYPES:
                    response = await client.get(BY_TYPE.format(kind), headers=bearer(tokens))
                    assert response.status_code == 200, response.text

            steady = Load(api.url)
            for i in range(4):
                steady.add(f"me{i}", _get(ME, early[i % len(early)][1], "me"))
            for i in range(2):
                path = "/api/backend/v1/client/configs"
                steady.add(f"list{i}", _get(path, early[i][1], "config_list"), pause=0.05)
            steady.add("early_pages", _config_pages(early), pause=0.05)
            creators = Load(api.url, error_pause=0.2)
            for i in range(3):
                creators.add(f"creator{i}", _config_pages(late[2 * i : 2 * i + 2]), pause=0.1)

            async with steady:
                await asyncio.sleep(PROFILE.phase_sec)
                down_at = time.monotonic()
                xui_panel.down = True
                async with creators:
                    # The notifier's sync while the panel is away: reported, nothing changed.
                    for login, _ in early:
                        xui_panel.state.set_traffic(f"{login}-vless", up=GIB, down=2 * GIB)
                    await notifier.run_jobs()
                    failed_report = await load_report(notifier.cache)
                    await asyncio.sleep(PROFILE.outage_sec / 2)
                    slow_at = time.monotonic()
                    xui_panel.slow = SLOW_PANEL_SEC
                    xui_panel.down = False
                    # Long enough for page loads that start, retry and give up in it.
                    await asyncio.sleep(PROFILE.outage_sec)
                    back_at = time.monotonic()
                    rows_while_away = await _config_rows(db)
                    clients_while_away = list(xui_panel.state.emails())
                    # (A write the slow panel applies after the client gave up would show
                    # as a client without a row: the 1:1 check below covers it.)
                    xui_panel.slow = 0.0

                    async def everyone_served() -> bool:
                        return len(await _config_rows(db)) == 2 * (len(early) + len(late))

                    served_at = await wait_for(everyone_served, within=60, interval=0.2)
                    await asyncio.sleep(PROFILE.phase_sec)

            # The sync resumes on its next period, and the panel's counters come in.
            await asyncio.sleep(1.0)
            await notifier.run_jobs()
            report = await load_report(notifier.cache)
            rows = await _config_rows(db)
    finally:
        await notifier.close()
        await db.dispose()

    log = api.log()
    outcomes = steady.outcomes + creators.outcomes
    print(
        f"\npanel: {steady.summary()}\n  creators: {creators.summary()}\n"
        f"  everyone served {served_at - back_at:.2f}s after the panel was back"
    )
    assert "unhandled error" not in log, log[-3000:]
    broken = [o for o in outcomes if o.status == 0 or (o.status >= 500 and o.status != 503)]
    assert not broken, broken[:5]

    # Only the panel's own pages failed, each with the panel's 503, within the bound.
    for o in outcomes:
        if o.action in ("me", "config_list"):
            assert o.ok and o.duration <= UNRELATED_BOUND_SEC, o
        elif not o.ok:
            assert o.status == 503 and o.envelope and o.code == "xui_unavailable", o
            assert o.retry_after and int(o.retry_after) > 0, o
            assert o.started >= down_at, o
        assert o.duration <= PANEL_DOWN_BOUND_SEC, o
    for start, end in ((down_at, slow_at), (slow_at + XUI_TIMEOUT_SEC, back_at)):
        pages = steady.window(start, end, "config_page") + creators.window(start, end)
        assert pages and all(o.status == 503 for o in pages), steady.summary(pages)

    # Nothing half-made: no row and no panel client for the users who came while it was away.
    late_emails = {f"{login}-{kind}" for login, _ in late for kind in TYPES}
    assert not late_emails & set(rows_while_away)
    assert not late_emails & set(clients_while_away)

    # Back: one client per config, matching it, nothing twice.
    emails = xui_panel.state.emails()
    assert sorted(emails) == sorted(set(emails))
    assert set(rows) == late_emails | {f"{login}-{kind}" for login, _ in early for kind in TYPES}
    for email, row in rows.items():
        found = xui_panel.state.find_client(email)
        assert found is not None, email
        inbound, panel_client = found
        assert row.inbound_id == inbound.id
        assert panel_client["subId"] == row.sub_id
        assert row.xui_client_id in (panel_client.get("id"), panel_client.get("password"))

    # The sync: failed while the panel was down, then ran again and pulled the counters.
    assert failed_report is not None and failed_report.ok is False and failed_report.error
    assert report is not None and report.ok is True, report
    assert report.at != failed_report.at
    for login, _ in early:
        row = rows[f"{login}-vless"]
        assert (row.up_bytes, row.down_bytes) == (GIB, 2 * GIB), login


async def test_more_slow_panel_page_loads_than_database_connections_is_never_a_500(
    clean_pg: str, redis_client: Redis, xui_panel: XuiEmulator
) -> None:
    """A config page holds database connections while it waits for the panel. With the
    panel slow and more such pages open than the pool has connections, other requests wait
    for a connection (`pool_timeout`, 5 s) and then get a clear 503 — not a 500."""
    xui = XuiSettings(
        XUI_URL=xui_panel.url,
        XUI_USERNAME=xui_panel.username,
        XUI_PASSWORD=SecretStr(xui_panel.password),
        XUI_TIMEOUT_SEC=2,  # 3 tries of a slow read: 6.75 s, longer than the pool timeout
    )
    settings = make_settings(database_url=clean_pg, xui=xui)
    settings.db.pool_size, settings.db.max_overflow = 2, 0
    async with running_app(settings) as api:
        users = [await register(api, f"pool_vpn{i}") for i in range(3)]
        await _verify(clean_pg, [f"pool_vpn{i}" for i in range(3)])
        xui_panel.slow = SLOW_PANEL_SEC

        async def me_later(tokens: dict[str, Any]) -> httpx.Response:
            await asyncio.sleep(0.5)  # the page loads have taken the connections by now
            return await api.get(ME, headers=bearer(tokens))

        started = time.monotonic()
        responses = await asyncio.wait_for(
            asyncio.gather(
                *[api.get(BY_TYPE.format("vless"), headers=bearer(t)) for t in users],
                *[me_later(t) for t in users],
            ),
            timeout=PANEL_DOWN_BOUND_SEC + 10,
        )
        elapsed = time.monotonic() - started
    codes = [(r.status_code, r.json().get("error", {}).get("code")) for r in responses]
    print(f"\n{codes} in {elapsed:.2f}s")
    for response in responses:
        assert response.status_code in (200, 503), response.text
        if response.status_code == 503:
            body = response.json()
            assert body["error"]["code"] in ("xui_unavailable", "service_unavailable"), body
            assert int(response.headers["Retry-After"]) > 0
