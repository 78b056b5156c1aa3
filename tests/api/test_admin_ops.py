"""Admin operations: sessions, the notification queue, the audit log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from rayport.models import AuditLog, Notification, Session
from rayport.models.enums import (
    NotificationChannel,
    NotificationStatus,
    RoleName,
    TargetType,
    UserStatus,
)
from tests.api.conftest import Staff
from tests.api.factories import bulk_insert, fetch, headers_for, make_user, tokens_for
from tests.helpers import bearer, error_code

SESSIONS = "/api/admin/v1/sessions"
NOTIFICATIONS = "/api/admin/v1/notifications"
AUDIT = "/api/admin/v1/audit"


async def test_admin_lists_and_ends_sessions(api: httpx.AsyncClient, staff: Staff) -> None:
    user_id = await make_user(api, "mobile_user")
    phone = await tokens_for(api, user_id, ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")
    laptop = await tokens_for(api, user_id)
    await api.post("/api/auth/v1/logout", headers=bearer(laptop))

    mine = await api.get(SESSIONS, headers=staff.admin, params={"user_id": str(user_id)})
    assert mine.status_code == 200
    assert mine.json()["total"] == 2
    live = (
        await api.get(
            SESSIONS, headers=staff.admin, params={"user_id": str(user_id), "active": "true"}
        )
    ).json()["items"]
    assert len(live) == 1 and live[0]["user_login"] == "mobile_user" and live[0]["active"]
    ended = (
        await api.get(
            SESSIONS, headers=staff.admin, params={"user_id": str(user_id), "active": "false"}
        )
    ).json()["items"]
    assert ended[0]["revoke_reason"] == "logout" and ended[0]["active"] is False

    revoked = await api.delete(f"{SESSIONS}/{live[0]['id']}", headers=staff.admin)
    assert revoked.status_code == 204
    # The user's token stops working on the very next request.
    assert (await api.get("/api/auth/v1/me", headers=bearer(phone))).status_code == 401
    assert (await api.delete(f"{SESSIONS}/{live[0]['id']}", headers=staff.admin)).status_code == 204
    assert (await api.delete(f"{SESSIONS}/{uuid.uuid4()}", headers=staff.admin)).status_code == 404
    [entry] = await fetch(api, AuditLog, AuditLog.action == "session.revoke")
    assert entry.target_id == uuid.UUID(live[0]["id"]) and entry.actor_id == staff.admin_id

    # Admins end plain users' sessions only; a superuser ends anyone's.
    root_session = (
        await api.get(SESSIONS, headers=staff.admin, params={"user_id": str(staff.root_id)})
    ).json()["items"][0]
    refused = await api.delete(f"{SESSIONS}/{root_session['id']}", headers=staff.admin)
    assert refused.status_code == 403 and error_code(refused) == "permission_denied"
    admin_session = (
        await api.get(SESSIONS, headers=staff.root, params={"user_id": str(staff.admin_id)})
    ).json()["items"][0]
    assert (
        await api.delete(f"{SESSIONS}/{admin_session['id']}", headers=staff.root)
    ).status_code == 204
    assert (await api.get(SESSIONS, headers=staff.admin)).status_code == 401


async def test_session_cleanup_deletes_only_long_ended_ones(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    user_id = await make_user(api, "old_sessions")
    now = datetime.now(UTC)

    def session(**values: Any) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "last_activity_at": now - timedelta(days=100),
            "expires_at": now + timedelta(days=10),
            **values,
        }

    await bulk_insert(
        api,
        Session,
        [session(expires_at=now - timedelta(days=40)) for _ in range(300)]
        + [session(revoked_at=now - timedelta(days=31)) for _ in range(200)]
        + [session(revoked_at=now - timedelta(days=5)) for _ in range(7)]
        + [session(expires_at=now - timedelta(days=1)) for _ in range(3)]
        + [session() for _ in range(2)],
    )
    cleaned = await api.post(f"{SESSIONS}/cleanup", headers=staff.admin)
    assert cleaned.status_code == 200
    assert cleaned.json()["deleted"] == 500
    remaining = await fetch(api, Session, Session.user_id == user_id)
    assert len(remaining) == 12
    shorter = await api.post(f"{SESSIONS}/cleanup", headers=staff.admin, params={"days": 2})
    assert shorter.json()["deleted"] == 7
    assert (
        await api.post(f"{SESSIONS}/cleanup", headers=staff.admin, params={"days": 0})
    ).status_code == 422
    # The staff's own live sessions survive every cleanup.
    assert (await api.get(SESSIONS, headers=staff.admin)).status_code == 200
    entries = await fetch(api, AuditLog, AuditLog.action == "session.cleanup")
    assert [e.after["deleted"] for e in entries if e.after] == [500, 7]


async def test_notification_queue_filters_resends_and_cleans_up(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    users = [await make_user(api, f"reader_{i}") for i in range(3)]
    now = datetime.now(UTC)
    statuses = list(NotificationStatus)
    channels = [NotificationChannel.telegram, NotificationChannel.email, None]
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": users[i % 3],
            "kind": "config_expiring" if i % 2 else "request_applied",
            "title": {"ru": "т", "en": "t"},
            "content": {"ru": "текст", "en": "text"},
            "status": statuses[i % 5],
            "channel": channels[i % 3],
            "attempts": 5 if statuses[i % 5] is NotificationStatus.dead else 1,
            "created_at": now - timedelta(days=i % 60, minutes=i),
            "updated_at": now,
            "last_error": "Forbidden: bot was blocked by the user" if i % 5 == 4 else None,
        }
        for i in range(3000)
    ]
    await bulk_insert(api, Notification, rows)

    async def get(**params: Any) -> dict[str, Any]:
        response = await api.get(NOTIFICATIONS, headers=staff.admin, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    assert (await get())["total"] == 3000
    dead_tg = await get(status="dead", channel="telegram", limit=100)
    expected = [r for r in rows if r["status"] == "dead" and r["channel"] == "telegram"]
    assert dead_tg["total"] == len(expected)
    newest = sorted(expected, key=lambda r: r["created_at"], reverse=True)
    assert [n["id"] for n in dead_tg["items"]] == [str(r["id"]) for r in newest[:100]]
    one_user = await get(user_id=str(users[1]), kind="config_expiring")
    assert one_user["total"] == len(
        [r for r in rows if r["user_id"] == users[1] and r["kind"] == "config_expiring"]
    )
    assert {n["user_login"] for n in one_user["items"]} == {"reader_1"}
    by_attempts = await get(sort="-attempts", limit=1)
    assert by_attempts["items"][0]["attempts"] == 5

    dead = dead_tg["items"][0]
    resent = await api.post(f"{NOTIFICATIONS}/{dead['id']}/resend", headers=staff.admin)
    assert resent.status_code == 200
    body = resent.json()
    assert body["status"] == "pending" and body["attempts"] == 0
    assert datetime.fromisoformat(body["next_attempt_at"]) <= datetime.now(UTC)
    again = await api.post(f"{NOTIFICATIONS}/{dead['id']}/resend", headers=staff.admin)
    assert again.status_code == 409  # pending now: nothing to resend
    sent = next(r for r in rows if r["status"] == "sent")
    assert (
        await api.post(f"{NOTIFICATIONS}/{sent['id']}/resend", headers=staff.admin)
    ).status_code == 409
    assert (
        await api.post(f"{NOTIFICATIONS}/{uuid.uuid4()}/resend", headers=staff.admin)
    ).status_code == 404
    [entry] = await fetch(api, AuditLog, AuditLog.action == "notification.resend")
    assert entry.before == {"status": "dead", "attempts": 5}

    older_than_30 = [
        r for r in rows if r["created_at"] < now - timedelta(days=30) and r["status"] != "sending"
    ]
    cleaned = await api.post(f"{NOTIFICATIONS}/cleanup", headers=staff.admin)
    assert cleaned.status_code == 200
    assert cleaned.json()["deleted"] == len(older_than_30)  # CLEANUP_PERIOD_DAYS = 30
    left = (await get())["total"]
    assert left == 3000 - len(older_than_30)
    custom = await api.post(f"{NOTIFICATIONS}/cleanup", headers=staff.admin, params={"days": 10})
    assert custom.json()["deleted"] > 0
    assert (await get())["total"] == left - custom.json()["deleted"]


async def test_audit_log_filters_and_sorts(api: httpx.AsyncClient, staff: Staff) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    target = uuid.uuid4()
    actions = ["user.verify", "user.deactivate", "news.create", "request.apply"]
    rows = [
        {
            "id": uuid.uuid4(),
            "actor_id": staff.admin_id if i % 2 else staff.root_id,
            "action": actions[i % 4],
            "target_type": TargetType.user if i % 4 < 2 else TargetType.news,
            "target_id": target if i % 100 == 0 else uuid.uuid4(),
            "before": {"n": i},
            "after": {"n": i + 1},
            "ip": "192.0.2.1",
            "created_at": start + timedelta(hours=i),
            "updated_at": start,
        }
        for i in range(2000)
    ]
    await bulk_insert(api, AuditLog, rows)

    async def get(**params: Any) -> dict[str, Any]:
        response = await api.get(AUDIT, headers=staff.admin, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    page = await get(limit=100)
    assert page["total"] == 2000 and page["items"][0]["before"] == {"n": 1999}
    assert page["items"][0]["actor_login"] == "olga_admin"
    first = await get(sort="created_at", limit=1)
    assert first["items"][0]["before"] == {"n": 0}
    assert first["items"][0]["actor_login"] == "admin"
    assert (await get(actor_id=str(staff.admin_id)))["total"] == 1000
    assert (await get(action="user.deactivate"))["total"] == 500
    assert (await get(target_type="news"))["total"] == 1000
    on_target = await get(target_id=str(target))
    assert on_target["total"] == 20
    window = await get(**{"from": "2025-01-02T00:00:00Z", "to": "2025-01-03T00:00:00+00:00"})
    assert window["total"] == 24
    naive = await get(**{"from": "2025-01-02T00:00:00", "to": "2025-01-03T00:00:00"})
    assert naive["total"] == 24
    backwards = await api.get(
        AUDIT, headers=staff.admin, params={"from": "2025-02-01T00:00:00Z", "to": "2025-01-01"}
    )
    assert backwards.status_code == 422
    assert (await api.get(AUDIT, headers=staff.admin, params={"sort": "action"})).status_code == 422


async def test_every_admin_action_is_audited_with_actor_and_ip(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    """One pass through the admin surface; each change leaves exactly one entry."""
    user_id = await make_user(api, "audited_user", status=UserStatus.verification_pending)
    await api.post(f"/api/admin/v1/users/{user_id}/verify", headers=staff.admin)
    await api.post(f"/api/admin/v1/users/{user_id}/deactivate", headers=staff.admin)
    await api.post(f"/api/admin/v1/users/{user_id}/reactivate", headers=staff.admin)
    await api.patch(
        f"/api/admin/v1/users/{user_id}/role", headers=staff.root, json={"role": "admin"}
    )
    await api.post(f"/api/admin/v1/users/{user_id}/password-reset", headers=staff.root)
    news = await api.post(
        "/api/admin/v1/news",
        headers=staff.root,
        json={"title": {"en": "Hi"}, "content": {"en": "Hello"}},
    )
    await api.patch(
        f"/api/admin/v1/news/{news.json()['id']}", headers=staff.root, json={"is_published": True}
    )
    await api.delete(f"/api/admin/v1/news/{news.json()['id']}", headers=staff.root)
    await api.post(f"{SESSIONS}/cleanup", headers=staff.admin)
    await api.post(f"{NOTIFICATIONS}/cleanup", headers=staff.admin)

    log = (await api.get(AUDIT, headers=staff.root, params={"sort": "created_at"})).json()
    assert [e["action"] for e in log["items"]] == [
        "user.verify",
        "user.deactivate",
        "user.reactivate",
        "user.role",
        "user.password_reset",
        "news.create",
        "news.update",
        "news.delete",
        "session.cleanup",
        "notification.cleanup",
    ]
    assert {e["ip"] for e in log["items"]} == {"203.0.113.7"}
    assert {e["actor_login"] for e in log["items"]} == {"admin", "olga_admin"}
    # The promoted user can now see the log too; plain users never.
    promoted = await headers_for(api, user_id)
    assert (await api.get(AUDIT, headers=promoted)).status_code == 200
    plain = await headers_for(api, await make_user(api, "plain_reader", role=RoleName.user))
    assert (await api.get(AUDIT, headers=plain)).status_code == 403


async def test_filters_with_nul_are_a_422_not_a_500(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: text filters with NUL reached PostgreSQL."""
    for path, params in (
        (AUDIT, {"action": "user.\x00"}),
        (NOTIFICATIONS, {"kind": "\x00"}),
        ("/api/admin/v1/configs", {"login": "a\x00"}),
    ):
        response = await api.get(path, headers=staff.admin, params=params)
        assert response.status_code == 422, path
        assert error_code(response) == "validation_error"


async def test_audit_times_are_iso_8601_not_numbers(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: `to=0.5` was read as a Unix time though the schema says
    date-time."""
    for params in ({"to": "0.5"}, {"from": "1700000000"}, {"to": "-1e5"}):
        response = await api.get(AUDIT, headers=staff.admin, params=params)
        assert response.status_code == 422, params
        assert error_code(response) == "validation_error"
    for params in ({"to": "2100-01-01T00:00:00Z"}, {"from": "2000-01-01T00:00:00"}):
        assert (await api.get(AUDIT, headers=staff.admin, params=params)).status_code == 200


async def test_admin_session_paths_are_uuids(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: `DELETE /sessions/cleanup` was taken for a malformed session
    id (422) instead of a method the resource does not have (405)."""
    wrong_method = await api.delete(f"{SESSIONS}/cleanup", headers=staff.admin)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    not_an_id = await api.delete(f"{SESSIONS}/not-a-session", headers=staff.admin)
    assert not_an_id.status_code == 404
    unknown = await api.delete(f"{SESSIONS}/{uuid.uuid4()}", headers=staff.admin)
    assert unknown.status_code == 404 and error_code(unknown) == "not_found"
