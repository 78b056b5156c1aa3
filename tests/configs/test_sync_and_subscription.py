"""Bulk sync from the panel, and the subscription VPN apps download."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
import yaml

from rayport.models import Config, User
from rayport.xui import parse_link
from tests.configs.conftest import PUBLIC_HOST, verified_user
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import bearer, login_superuser


async def _subscription_url(api: httpx.AsyncClient, headers: dict[str, str]) -> str:
    url = (await api.get("/api/backend/v1/client/subscription", headers=headers)).json()[
        "subscription_url"
    ]
    return str(url).replace("http://127.0.0.1:8000", "")


async def test_sync_pulls_counters_repairs_expiry_and_reports_drift(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "quin_vpn")
    await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    await api.get("/api/backend/v1/client/configs/by-type/trojan", headers=headers)
    gone = await verified_user(api, "rosa_vpn")
    await api.get("/api/backend/v1/client/configs/by-type/vless", headers=gone)
    inbound = xui_panel.state.inbound_by_remark("vless")
    with xui_panel.state.lock:
        inbound.clients[:] = [c for c in inbound.clients if c["email"] != "rosa_vpn-vless"]
    xui_panel.state.seed_clients(inbound.id, 2, prefix="stranger")
    xui_panel.state.set_traffic("quin_vpn-vless", up=1000, down=5000)
    with xui_panel.state.lock:  # someone moved the expiry on the panel by hand
        for client in inbound.clients:
            if client["email"] == "quin_vpn-vless":
                client["expiryTime"] = int(
                    (datetime.now(UTC) + timedelta(days=300)).timestamp() * 1000
                )
    moved = next(c for c in inbound.clients if c["email"] == "quin_vpn-vless")
    xui_panel.state.sync_traffic_from_client("quin_vpn-vless", moved)

    root = bearer(await login_superuser(api))
    xui_panel.clear_calls()
    report = (await api.post("/api/admin/v1/xui/sync", headers=root)).json()
    assert report["ok"] is True
    assert report["missing_on_panel"] == ["rosa_vpn-vless"]
    assert {"stranger-0", "stranger-1"} <= set(report["unknown_to_rayport"])
    assert {"email": "quin_vpn-vless", "what": "expiry"} in report["repaired"]

    configs = (await api.get("/api/backend/v1/client/configs", headers=headers)).json()
    vless = next(c for c in configs if c["type"] == "vless")
    assert vless["used_bytes"] == 6000 and vless["last_synced_at"] is not None
    stored = next(c for c in inbound.clients if c["email"] == "quin_vpn-vless")
    assert (
        abs(stored["expiryTime"] / 1000 - datetime.fromisoformat(vless["valid_to"]).timestamp()) < 1
    )

    status = (await api.get("/api/admin/v1/xui/status", headers=root)).json()
    assert status["reachable"] is True and status["era"]
    assert [i["found"] for i in status["inbounds"]] == [True, True]
    assert status["last_sync"]["missing_on_panel"] == ["rosa_vpn-vless"]
    app_status = (await api.get("/api/app/v1/status")).json()
    assert app_status["xui"]["status"] == "ok"


async def test_sync_of_thousands_of_clients_makes_one_list_call_per_inbound(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    count = 2000
    inbound = xui_panel.state.inbound_by_remark("vless")
    seeded = xui_panel.state.seed_clients(inbound.id, count, prefix="bulk")
    context = api.app.state.context  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    async with context.db.unit_of_work() as db:
        role_id = await db.scalar(sa.text("SELECT id FROM role WHERE name = 'user'"))
        users = [
            {
                "id": uuid.uuid4(),
                "login": f"bulk_{n}",
                "role_id": role_id,
                "status": "verified",
                "is_active": True,
                "must_change_password": False,
                "sub_token": uuid.uuid4().hex,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ]
        await db.execute(sa.insert(User), users)
        await db.execute(
            sa.insert(Config),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": users[n]["id"],
                    "type": "vless",
                    "xui_client_id": client["id"],
                    "client_email": client["email"],
                    "sub_id": client["subId"],
                    "inbound_id": inbound.id,
                    "total_gb": 0,
                    "limit_ip": 0,
                    "up_bytes": 0,
                    "down_bytes": 0,
                    "valid_from": now,
                    "valid_to": datetime.fromtimestamp(client["expiryTime"] / 1000, UTC),
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                }
                for n, client in enumerate(seeded)
            ],
        )
    root = bearer(await login_superuser(api))
    xui_panel.clear_calls()
    report = (await api.post("/api/admin/v1/xui/sync", headers=root)).json()
    assert report["ok"] is True and report["configs"] == count and report["repaired"] == []
    lists = [c for c in xui_panel.api_calls() if "list" in c.route or "Traffic" in c.route]
    assert len(lists) <= 2 + 1  # one per inbound, plus the inbound lookup
    async with context.db.unit_of_work() as db:
        used = await db.scalar(sa.select(sa.func.sum(Config.up_bytes + Config.down_bytes)))
    assert used == sum(n * 8000 for n in range(count))


async def test_subscription_formats_and_headers(api: httpx.AsyncClient) -> None:
    headers = await verified_user(api, "sven_vpn")
    vless = (await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)).json()
    await api.get("/api/backend/v1/client/configs/by-type/trojan", headers=headers)
    path = await _subscription_url(api, headers)

    plain = await api.get(path, headers={"User-Agent": "v2rayNG/1.8.5"})
    assert plain.status_code == 200
    links = [parse_link(line) for line in base64.b64decode(plain.content).decode().splitlines()]
    assert sorted(link.protocol for link in links) == ["trojan", "vless"]
    assert all(link.host == PUBLIC_HOST for link in links)
    assert parse_link(vless["connection_url"]) in links
    info = dict(
        part.strip().split("=") for part in plain.headers["Subscription-Userinfo"].split(";")
    )
    assert info["upload"] == "0" and int(info["total"]) == 2 * 50 * 1024**3
    assert int(info["expire"]) == int(datetime.fromisoformat(vless["valid_to"]).timestamp())
    assert plain.headers["Profile-Update-Interval"] == "12"
    assert plain.headers["Profile-Title"].startswith("base64:")
    assert "attachment" in plain.headers["Content-Disposition"]

    singbox = await api.get(path, headers={"User-Agent": "SFA/1.10.0 (sing-box 1.10)"})
    config = json.loads(singbox.content)
    proxies = [o for o in config["outbounds"] if o["type"] in {"vless", "trojan"}]
    assert {o["server"] for o in proxies} == {PUBLIC_HOST}
    selector = next(o for o in config["outbounds"] if o["type"] == "selector")
    assert set(selector["outbounds"]) == {o["tag"] for o in proxies}

    clash = await api.get(f"{path}?format=clash")
    profile = yaml.safe_load(clash.content)
    assert sorted(p["type"] for p in profile["proxies"]) == ["trojan", "vless"]
    assert profile["proxy-groups"][0]["proxies"] == [p["name"] for p in profile["proxies"]]
    assert (await api.get(f"{path}?format=xml")).status_code == 422


async def test_unknown_and_rotated_tokens_are_404(api: httpx.AsyncClient) -> None:
    headers = await verified_user(api, "tara_vpn")
    await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    old = await _subscription_url(api, headers)
    assert (await api.get("/sub/not-a-real-token")).status_code == 404
    rotated = (await api.post("/api/backend/v1/client/subscription/rotate", headers=headers)).json()
    assert (await api.get(old)).status_code == 404
    new = rotated["subscription_url"].replace("http://127.0.0.1:8000", "")
    assert new != old and (await api.get(new)).status_code == 200


async def test_panel_down_shows_in_status_and_sync_changes_nothing(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "ulla_vpn")
    await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    root = bearer(await login_superuser(api))
    with xui_panel.outage():
        status = (await api.get("/api/app/v1/status")).json()
        report = (await api.post("/api/admin/v1/xui/sync", headers=root)).json()
        xui = (await api.get("/api/admin/v1/xui/status", headers=root)).json()
        configs = await api.get("/api/backend/v1/client/configs", headers=headers)
    assert status["xui"]["status"] == "error"
    assert report["ok"] is False and report["error"]
    assert xui["reachable"] is False
    # The config page still shows what RayPort knows; the inbound is cached for a minute.
    assert configs.status_code == 200
    assert configs.json()[0]["connection_url"].startswith("vless://")
    after = (await api.post("/api/admin/v1/xui/sync", headers=root)).json()
    assert after["ok"] is True


async def test_subscription_format_and_token_are_validated_as_documented(
    api: httpx.AsyncClient,
) -> None:
    """Found by the API fuzzer: `format` was any string in the schema (an unknown one is a
    422), and a token with NUL reached PostgreSQL (a 500)."""
    headers = await verified_user(api, "uma_vpn")
    await api.get("/api/backend/v1/client/configs/by-type/vless", headers=headers)
    path = await _subscription_url(api, headers)
    operation = api.app.openapi()["paths"]["/sub/{sub_token}"]["get"]  # type: ignore[attr-defined]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["format"]["anyOf"][0]["pattern"] == "(?i)^(base64|singbox|clash)$"
    assert (await api.get(f"{path}?format=CLASH")).headers["Content-Type"].startswith("text/yaml")
    assert (await api.get(f"{path}?format=yaml")).status_code == 422
    assert (await api.get("/sub/abc%00def")).status_code == 422
