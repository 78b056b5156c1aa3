"""`/api/app/v1`: health, status, public settings, superuser settings with audit."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from rayport.models import AuditLog
from tests.helpers import bearer, error_code, login_superuser, register


async def test_health_and_status(any_api: httpx.AsyncClient) -> None:
    assert (await any_api.get("/api/app/v1/health")).json() == {"status": "ok"}
    status = (await any_api.get("/api/app/v1/status")).json()
    assert status["status"] == "ok"
    assert status["database"]["status"] == "ok"
    assert status["cache"]["status"] == "ok"
    assert status["rate_limit_store"]["status"] == "ok"
    assert status["xui"]["status"] == "not_configured"
    assert status["telegram"]["status"] == "not_configured"
    assert status["version"] and status["uptime_sec"] >= 0


async def test_public_settings_and_superuser_patch_with_audit(api: httpx.AsyncClient) -> None:
    public = (await api.get("/api/app/v1/settings")).json()
    assert public["registration_enabled"] is True
    assert public["telegram"] == {"login_enabled": False, "bot_username": None}
    assert public["service"]["renew_days"] >= 1

    user = await register(api, "wendy_user")
    forbidden = await api.patch(
        "/api/app/v1/settings",
        headers=bearer(user),
        json={"basic": {"registration_enabled": False}},
    )
    assert forbidden.status_code == 403
    assert error_code(forbidden) == "permission_denied"
    anonymous = await api.patch(
        "/api/app/v1/settings", json={"basic": {"registration_enabled": False}}
    )
    assert anonymous.status_code == 401

    root = await login_superuser(api)
    patched = await api.patch(
        "/api/app/v1/settings",
        headers=bearer(root),
        json={"basic": {"registration_enabled": False}, "service": {"renew_days": 14}},
    )
    assert patched.status_code == 200
    assert patched.json()["basic"]["registration_enabled"] is False
    assert patched.json()["service"]["renew_days"] == 14

    blocked = await api.post(
        "/api/auth/v1/register", json={"login": "xavier_u", "password": "Long-enough-1"}
    )
    assert blocked.status_code == 403
    assert error_code(blocked) == "registration_disabled"

    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        entries = (await db.scalars(sa.select(AuditLog))).all()
    assert [e.action for e in entries] == ["settings.update"]
    assert entries[0].before["basic"]["registration_enabled"] is True  # type: ignore[index]
    assert entries[0].after["basic"]["registration_enabled"] is False  # type: ignore[index]
    assert entries[0].ip == "203.0.113.7"


async def test_settings_patch_is_validated_as_a_whole(api: httpx.AsyncClient) -> None:
    root = await login_superuser(api)
    headers = bearer(root)
    for body in (
        {"service": {"base_total_gb": 10_000, "max_total_gb": 100}},
        {"service": {"renew_days": 0}},
        {"basic": {"unknown": True}},
        {"service": {"promo_days": "many"}},
    ):
        response = await api.patch("/api/app/v1/settings", headers=headers, json=body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
    unchanged = (await api.get("/api/app/v1/settings/all", headers=headers)).json()
    assert unchanged["service"]["max_total_gb"] != 100


async def test_bootstrap_superuser_can_log_in_and_is_superuser(any_api: httpx.AsyncClient) -> None:
    me = (
        await any_api.get("/api/auth/v1/me", headers=bearer(await login_superuser(any_api)))
    ).json()
    assert me["role"] == "superuser" and me["status"] == "verified"


async def test_settings_patch_takes_only_what_the_schema_documents(api: httpx.AsyncClient) -> None:
    """Found by the API fuzzer: `false` was taken as 0 and `"5"` as 5, and the patch had no
    bounds in the schema (so valid-looking values were refused)."""
    headers = bearer(await login_superuser(api))
    for body in (
        {"service": {"max_limit_ip": False}},
        {"service": {"promo_days": "5"}},
        {"service": {"renew_days": 1.5}},
        {"basic": {"registration_enabled": 1}},
        {"service": {"renew_days": 366}},
    ):
        response = await api.patch("/api/app/v1/settings", headers=headers, json=body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
    patch = api.app.openapi()["components"]["schemas"]["ServiceSettingsPatch"]  # type: ignore[attr-defined]
    renew = patch["properties"]["renew_days"]["anyOf"][0]
    assert (renew["minimum"], renew["maximum"]) == (1, 365)
    ok = await api.patch(
        "/api/app/v1/settings", headers=headers, json={"service": {"renew_days": 365}}
    )
    assert ok.status_code == 200 and ok.json()["service"]["renew_days"] == 365
