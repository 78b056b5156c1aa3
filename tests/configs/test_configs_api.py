"""A user's configs: get-or-create against the panel, never duplicated, never orphaned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from rayport.models import Config
from rayport.xui import parse_link
from tests.configs.conftest import PUBLIC_HOST, panel_client, verified_user
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import bearer, error_code, register


async def test_first_call_creates_the_client_on_the_panel_and_returns_a_working_link(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "anna_vpn")
    response = await api.get("/api/backend/v1/client/configs/by-type/VLESS", headers=headers)
    assert response.status_code == 200, response.text
    config = response.json()
    assert config["type"] == "vless" and config["status"] == "active"
    assert config["days_left"] == 7 and config["total_gb"] == 50 and config["limit_ip"] == 2
    stored = panel_client(xui_panel, "anna_vpn-vless")
    assert stored is not None
    link = parse_link(config["connection_url"])
    assert link.protocol == "vless" and link.host == PUBLIC_HOST
    assert link.credential == stored["id"]
    valid_to = datetime.fromisoformat(config["valid_to"])
    assert abs(stored["expiryTime"] / 1000 - valid_to.timestamp()) < 1
    assert stored["totalGB"] == 50 * 1024**3 and stored["limitIp"] == 2
    assert config["subscription_url"].startswith("http://127.0.0.1:8000/sub/")

    again = (await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)).json()
    assert again["id"] == config["id"]
    assert xui_panel.state.emails().count("anna_vpn-vless") == 1

    trojan = (
        await api.get("/api/backend/v1/client/configs/by-type/trojan", headers=headers)
    ).json()
    assert trojan["valid_to"] == config["valid_to"]  # one period for all of a user's configs
    listed = (await api.get("/api/backend/v1/client/configs", headers=headers)).json()
    assert [c["type"] for c in listed] == ["vless", "trojan"]


async def test_unknown_type_and_unverified_user_are_refused(api: httpx.AsyncClient) -> None:
    headers = await verified_user(api, "bert_vpn")
    assert (
        await api.get("/api/backend/v1/client/configs/by-type/vmess", headers=headers)
    ).status_code == 422
    newcomer = bearer(await register(api, "cleo_vpn"))
    response = await api.get("/api/backend/v1/client/configs/by-type/vless", headers=newcomer)
    assert response.status_code == 403
    assert error_code(response) == "user_not_verified"


async def test_concurrent_first_calls_create_one_client(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "dora_vpn")
    responses = await asyncio.gather(
        *[
            api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
            for _ in range(5)
        ]
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.json()["id"] for r in responses}) == 1
    assert xui_panel.state.emails().count("dora_vpn-vless") == 1


async def test_panel_down_mid_create_is_503_and_leaves_no_row(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "emil_vpn")
    with xui_panel.outage():
        response = await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    assert response.status_code == 503
    assert error_code(response) == "xui_unavailable"
    assert response.headers["Retry-After"]
    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        assert await db.scalar(sa.select(sa.func.count()).select_from(Config)) == 0
    after = await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    assert after.status_code == 200
    assert xui_panel.state.emails().count("emil_vpn-vless") == 1


async def test_panel_client_without_a_row_is_adopted_not_duplicated(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    """What a database failure after the panel call leaves behind."""
    headers = await verified_user(api, "fred_vpn")
    inbound = xui_panel.state.inbound_by_remark("vless")
    expiry = datetime.now(UTC) + timedelta(days=20)
    xui_panel.state.add_client(
        inbound.id,
        {
            "email": "fred_vpn-vless",
            "id": "0b6f2e55-6f1b-4c57-9d38-7c1b3b0f4a11",
            "subId": "orphan-sub-1",
            "expiryTime": int(expiry.timestamp() * 1000),
            "totalGB": 80 * 1024**3,
            "limitIp": 3,
        },
    )
    config = (await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)).json()
    assert parse_link(config["connection_url"]).credential == "0b6f2e55-6f1b-4c57-9d38-7c1b3b0f4a11"
    assert config["total_gb"] == 80 and config["limit_ip"] == 3 and config["days_left"] == 20
    assert xui_panel.state.emails().count("fred_vpn-vless") == 1


async def test_row_without_a_panel_client_gets_its_client_back(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "gina_vpn")
    first = (await api.get("/api/backend/v1/client/configs/by-type/trojan", headers=headers)).json()
    inbound = xui_panel.state.inbound_by_remark("trojan")
    with xui_panel.state.lock:
        inbound.clients[:] = [c for c in inbound.clients if c["email"] != "gina_vpn-trojan"]
    again = (await api.get("/api/backend/v1/client/configs/by-type/trojan", headers=headers)).json()
    assert again["id"] == first["id"]
    restored = panel_client(xui_panel, "gina_vpn-trojan")
    assert restored is not None
    assert parse_link(first["connection_url"]).credential == restored["password"]


async def test_a_user_cannot_touch_someone_elses_config(api: httpx.AsyncClient) -> None:
    owner = await verified_user(api, "hugo_vpn")
    other = await verified_user(api, "ines_vpn")
    config = (await api.get("/api/backend/v1/client/configs/by-type/vless", headers=owner)).json()
    for path in (f"/api/backend/v1/client/configs/{config['id']}/renew",):
        response = await api.post(path, headers=other)
        assert response.status_code == 404
    response = await api.post(
        f"/api/backend/v1/client/configs/{config['id']}/update-limits",
        headers=other,
        json={"total_gb": 10},
    )
    assert response.status_code == 404
