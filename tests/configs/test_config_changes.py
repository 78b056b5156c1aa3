"""Renew and limit requests, admin changes, and what the panel ends up holding."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from rayport.models import AuditLog, Config, Notification, User
from rayport.models.enums import ConfigStatus
from tests.configs.conftest import panel_client, verified_user
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.helpers import bearer, error_code, login_superuser


async def _config(api: httpx.AsyncClient, headers: dict[str, str], kind: str = "vless") -> dict:  # type: ignore[type-arg]
    response = await api.get(f"/api/backend/v1/client/configs/by-type/{kind}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _decide(api: httpx.AsyncClient, request_id: str, decision: str = "apply") -> dict:  # type: ignore[type-arg]
    root = bearer(await login_superuser(api))
    response = await api.post(
        f"/api/admin/v1/requests/{request_id}/{decision}", headers=root, json={"comment": "ok"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_renew_request_lifecycle(api: httpx.AsyncClient, xui_panel: XuiEmulator) -> None:
    headers = await verified_user(api, "jana_vpn")
    config = await _config(api, headers)
    first = await api.post(f"/api/backend/v1/client/configs/{config['id']}/renew", headers=headers)
    assert first.status_code == 202
    request_id = first.json()["request_id"]
    second = await api.post(f"/api/backend/v1/client/configs/{config['id']}/renew", headers=headers)
    assert second.status_code == 409
    assert error_code(second) == "conflict"
    pending = await _config(api, headers)
    assert pending["status"] == "update_pending"
    assert pending["pending_request"]["kind"] == "renew_config"

    decided = await _decide(api, request_id)
    assert decided["status"] == "applied"
    again = await api.post(
        f"/api/admin/v1/requests/{request_id}/apply", headers=bearer(await login_superuser(api))
    )
    assert again.status_code == 409  # applying twice is not a double extension
    renewed = await _config(api, headers)
    assert renewed["status"] == "active" and renewed["pending_request"] is None
    before = datetime.fromisoformat(config["valid_to"])
    after = datetime.fromisoformat(renewed["valid_to"])
    assert after - before == timedelta(days=30)  # renew_days from max(now, valid_to)
    stored = panel_client(xui_panel, "jana_vpn-vless")
    assert stored is not None and abs(stored["expiryTime"] / 1000 - after.timestamp()) < 1


async def test_limits_request_is_checked_against_the_service_maxima(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "kyle_vpn")
    config = await _config(api, headers)
    path = f"/api/backend/v1/client/configs/{config['id']}/update-limits"
    too_much = await api.post(path, headers=headers, json={"total_gb": 10_000})
    assert too_much.status_code == 422
    assert error_code(too_much) == "validation_error"
    empty = await api.post(path, headers=headers, json={})
    assert empty.status_code == 422
    ok = await api.post(path, headers=headers, json={"total_gb": 200, "limit_ip": 4})
    assert ok.status_code == 202
    # A renewal is another kind: it may wait at the same time.
    assert (
        await api.post(f"/api/backend/v1/client/configs/{config['id']}/renew", headers=headers)
    ).status_code == 202
    await _decide(api, ok.json()["request_id"])
    stored = panel_client(xui_panel, "kyle_vpn-vless")
    assert stored is not None
    assert stored["totalGB"] == 200 * 1024**3 and stored["limitIp"] == 4


async def test_admin_changes_reach_the_panel_and_the_audit_log(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "lisa_vpn")
    config = await _config(api, headers)
    root = bearer(await login_superuser(api))
    base = f"/api/admin/v1/configs/{config['id']}"

    added = await api.post(f"{base}/time/add", headers=root, json={"days": 10, "hours": 2})
    assert added.status_code == 200, added.text
    valid_to = datetime.fromisoformat(added.json()["valid_to"])
    expected = datetime.fromisoformat(config["valid_to"]) + timedelta(days=10, hours=2)
    assert abs((valid_to - expected).total_seconds()) < 1
    assert (
        abs(panel_client(xui_panel, "lisa_vpn-vless")["expiryTime"] / 1000 - valid_to.timestamp())
        < 1
    )  # type: ignore[index]

    removed = await api.post(f"{base}/time/remove", headers=root, json={"days": 365})
    assert removed.status_code == 200
    assert removed.json()["status"] == "expired"
    assert datetime.fromisoformat(removed.json()["valid_to"]) <= datetime.now(UTC) + timedelta(
        seconds=1
    )
    bad = await api.post(f"{base}/time/add", headers=root, json={"days": 400})
    assert bad.status_code == 422

    limits = await api.post(f"{base}/limits", headers=root, json={"total_gb": 0, "limit_ip": 1})
    assert limits.status_code == 200
    stored = panel_client(xui_panel, "lisa_vpn-vless")
    assert stored is not None and stored["totalGB"] == 0 and stored["limitIp"] == 1

    disabled = await api.post(f"{base}/enabled", headers=root, json={"enabled": False})
    assert disabled.json()["status"] == "disabled"
    assert panel_client(xui_panel, "lisa_vpn-vless")["enable"] is False  # type: ignore[index]
    enabled = await api.post(f"{base}/enabled", headers=root, json={"enabled": True})
    assert enabled.json()["status"] == "expired"  # enabled again, but its time is up
    assert panel_client(xui_panel, "lisa_vpn-vless")["enable"] is True  # type: ignore[index]

    xui_panel.state.set_traffic("lisa_vpn-vless", up=123, down=456)
    reset = await api.post(f"{base}/reset-traffic", headers=root)
    assert reset.status_code == 200
    assert xui_panel.state.traffic("lisa_vpn-vless")["up"] == 0  # type: ignore[index]

    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        actions = (await db.scalars(sa.select(AuditLog.action).order_by(AuditLog.created_at))).all()
    assert actions == [
        "config.time_add",
        "config.time_remove",
        "config.limits",
        "config.disable",
        "config.enable",
        "config.reset_traffic",
    ]

    user_view = await api.post(f"{base}/time/add", headers=headers, json={"days": 1})
    assert user_view.status_code == 403


async def test_admin_list_filters_and_sorts(api: httpx.AsyncClient) -> None:
    for login in ("mike_vpn", "nora_vpn", "otto_vpn"):
        await _config(api, await verified_user(api, login))
    root = bearer(await login_superuser(api))
    page = (await api.get("/api/admin/v1/configs?limit=2&sort=created_at", headers=root)).json()
    assert page["total"] == 3 and page["pages"] == 2 and len(page["items"]) == 2
    assert page["items"][0]["login"] == "mike_vpn"
    filtered = (await api.get("/api/admin/v1/configs?login=nora", headers=root)).json()
    assert [i["login"] for i in filtered["items"]] == ["nora_vpn"]
    none = (await api.get("/api/admin/v1/configs?status=disabled", headers=root)).json()
    assert none["total"] == 0
    assert (await api.get("/api/admin/v1/configs?sort=password", headers=root)).status_code == 422


async def test_panel_down_during_an_admin_change_changes_nothing(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "pia_vpn1")
    config = await _config(api, headers)
    root = bearer(await login_superuser(api))
    with xui_panel.outage():
        response = await api.post(
            f"/api/admin/v1/configs/{config['id']}/time/add", headers=root, json={"days": 5}
        )
    assert response.status_code == 503
    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        row = await db.get(Config, uuid.UUID(config["id"]))
        assert (
            row is not None
            and row.valid_to.isoformat() == datetime.fromisoformat(config["valid_to"]).isoformat()
        )
        assert row.status is ConfigStatus.active
        assert await db.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0


async def test_denied_request_puts_the_config_back_and_admins_were_told(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "quin_vpn2")
    config = await _config(api, headers)
    request_id = (
        await api.post(f"/api/backend/v1/client/configs/{config['id']}/renew", headers=headers)
    ).json()["request_id"]
    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        admin_ids = (await db.scalars(sa.select(User.id).where(User.login == "admin"))).all()
        told = (
            await db.scalars(
                sa.select(Notification.user_id).where(
                    Notification.target_id == uuid.UUID(request_id)
                )
            )
        ).all()
    assert set(admin_ids) <= set(told)
    await _decide(api, request_id, "deny")
    after = await _config(api, headers)
    assert after["status"] == "active" and after["valid_to"] == config["valid_to"]
    notices = (await api.get("/api/auth/v1/account/notifications", headers=headers)).json()
    assert notices["total"] >= 1


async def test_deactivating_a_user_disables_their_panel_clients(
    api: httpx.AsyncClient, xui_panel: XuiEmulator
) -> None:
    headers = await verified_user(api, "rudi_vpn")
    await _config(api, headers, "vless")
    await _config(api, headers, "trojan")
    me = (await api.get("/api/auth/v1/me", headers=headers)).json()
    root = bearer(await login_superuser(api))
    detail = (await api.get(f"/api/admin/v1/users/{me['id']}", headers=root)).json()
    assert sorted(c["type"] for c in detail["configs"]) == ["trojan", "vless"]
    assert (
        await api.post(f"/api/admin/v1/users/{me['id']}/deactivate", headers=root)
    ).status_code == 200
    assert panel_client(xui_panel, "rudi_vpn-vless")["enable"] is False  # type: ignore[index]
    assert panel_client(xui_panel, "rudi_vpn-trojan")["enable"] is False  # type: ignore[index]
    assert (
        await api.post(f"/api/admin/v1/users/{me['id']}/reactivate", headers=root)
    ).status_code == 200
    assert panel_client(xui_panel, "rudi_vpn-vless")["enable"] is True  # type: ignore[index]
