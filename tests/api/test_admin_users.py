"""`/api/admin/v1/users`: search, detail, verify, role, password reset, deactivation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from rayport.models import AuditLog, Notification, Profile, Request, Social, User
from rayport.models.enums import RequestStatus, RoleName, SocialName, UserStatus
from rayport.users import admin as users_admin
from rayport.users.admin import UserStateChange
from tests.api.conftest import Staff
from tests.api.factories import (
    bulk_insert,
    fetch,
    headers_for,
    make_user,
    role_id,
    tokens_for,
    user_row,
)
from tests.helpers import PASSWORD, bearer, error_code, login, register

USERS = "/api/admin/v1/users"


async def _audit_actions(api: httpx.AsyncClient, target: uuid.UUID) -> list[str]:
    return [e.action for e in await fetch(api, AuditLog, AuditLog.target_id == target)]


async def _kinds(api: httpx.AsyncClient, user_id: uuid.UUID) -> list[str]:
    return [n.kind for n in await fetch(api, Notification, Notification.user_id == user_id)]


async def test_user_list_searches_filters_sorts_and_pages_thousands(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    roles = {r: await role_id(api, r) for r in (RoleName.user, RoleName.admin)}
    start = datetime(2025, 3, 1, tzinfo=UTC)
    users: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    socials: list[dict[str, Any]] = []
    for i in range(2500):
        row = user_row(
            f"member_{i:04d}",
            roles[RoleName.admin if i % 50 == 0 else RoleName.user],
            status=list(UserStatus)[i % 3],
            is_active=i % 10 != 0,
            created_at=start + timedelta(minutes=i),
        )
        users.append(row)
        profiles.append(
            {
                "user_id": row["id"],
                "first_name": "Ivan" if i % 100 == 1 else f"Name{i}",
                "last_name": "Petrov_%" if i == 2 else None,
                "email": f"Member{i}@Example.org" if i % 2 else None,
                "lang_code": "en",
            }
        )
        if i % 4 == 0:
            socials.append(
                {
                    "user_id": row["id"],
                    "name": SocialName.telegram,
                    "external_id": str(10_000 + i),
                    "username": f"TgUser{i}",
                    "reachable": True,
                }
            )
    await bulk_insert(api, User, users)
    await bulk_insert(api, Profile, profiles)
    await bulk_insert(api, Social, socials)

    async def get(**params: Any) -> dict[str, Any]:
        response = await api.get(USERS, headers=staff.admin, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    everyone = await get(limit=100)
    assert everyone["total"] == 2502  # + the superuser and the admin of the fixture
    assert everyone["pages"] == 26

    # Case-insensitive search in every field an admin would type.
    assert {u["login"] for u in (await get(q="MEMBER_0042"))["items"]} == {"member_0042"}
    ivans = await get(q="ivan", limit=100)
    assert ivans["total"] == 25
    assert all(u["profile"]["first_name"] == "Ivan" for u in ivans["items"])
    assert [u["login"] for u in (await get(q="member1235@example"))["items"]] == ["member_1235"]
    assert [u["login"] for u in (await get(q="@tguser1000"))["items"]] == ["member_1000"]
    # LIKE wildcards are literal: "%" finds only the name that contains one.
    assert [u["login"] for u in (await get(q="petrov_%"))["items"]] == ["member_0002"]

    admins = await get(role="admin", limit=100)
    assert admins["total"] == 50 + 1
    inactive = await get(is_active="false", limit=100)
    assert inactive["total"] == 250
    assert all(u["is_active"] is False for u in inactive["items"])
    with_tg = await get(has_telegram="true", status="verified")
    assert with_tg["total"] == len(
        [i for i in range(0, 2500, 4) if list(UserStatus)[i % 3] is UserStatus.verified]
    )
    assert all(u["socials"][0]["name"] == "telegram" for u in with_tg["items"])
    without_tg = await get(has_telegram="false")
    assert without_tg["total"] == 2502 - 625

    by_login = await get(sort="login", limit=5, page=2)  # "admin" comes first
    assert [u["login"] for u in by_login["items"]] == [f"member_{i:04d}" for i in range(4, 9)]
    last = await get(sort="-login", limit=2)
    assert [u["login"] for u in last["items"]] == ["olga_admin", "member_2499"]
    newest_first = await get(sort="-created_at", limit=3)
    assert newest_first["items"][0]["login"] in {"admin", "olga_admin"}
    oldest = await get(sort="created_at", limit=3)
    assert [u["login"] for u in oldest["items"]] == ["member_0000", "member_0001", "member_0002"]
    by_status = await get(sort="-status", limit=100, page=10)
    assert len({u["status"] for u in by_status["items"]}) <= 2

    assert (await api.get(USERS, headers=staff.admin, params={"sort": "email"})).status_code == 422
    assert (await api.get(USERS, headers=staff.admin, params={"role": "boss"})).status_code == 422


async def test_user_detail_shows_profile_socials_live_sessions_and_open_requests(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    user_id = await make_user(
        api, "detail_user", email="d@example.org", first_name="Dana", telegram="dana_tg"
    )
    live = await tokens_for(api, user_id, ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")
    ended = await tokens_for(api, user_id)
    await api.post("/api/auth/v1/logout", headers=bearer(ended))
    await api.post("/api/auth/v1/request-verification", headers=bearer(live))

    response = await api.get(f"{USERS}/{user_id}", headers=staff.admin)
    assert response.status_code == 200
    detail = response.json()
    assert detail["login"] == "detail_user"
    assert detail["status"] == "verification_pending"
    assert detail["profile"]["first_name"] == "Dana"
    assert detail["socials"][0]["username"] == "dana_tg"
    assert len(detail["sessions"]) == 1  # the ended one is not shown
    assert detail["sessions"][0]["ip"] == "198.51.100.1"
    assert [r["kind"] for r in detail["open_requests"]] == ["verify"]
    assert detail["open_requests"][0]["user_login"] == "detail_user"
    assert detail["configs"] == []

    missing = await api.get(f"{USERS}/{uuid.uuid4()}", headers=staff.admin)
    assert missing.status_code == 404


async def test_verify_and_unverify_directly(api: httpx.AsyncClient, staff: Staff) -> None:
    user = bearer(await register(api, "direct_user"))
    await api.post("/api/auth/v1/request-verification", headers=user)
    user_id = uuid.UUID((await api.get("/api/auth/v1/me", headers=user)).json()["id"])

    verified = await api.post(f"{USERS}/{user_id}/verify", headers=staff.admin)
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified" and verified.json()["login"] == "direct_user"
    # The waiting request is closed along with it.
    [request] = await fetch(api, Request, Request.user_id == user_id)
    assert request.status is RequestStatus.applied and request.decided_by_id == staff.admin_id
    assert (await api.get("/api/backend/v1/news", headers=user)).status_code == 200
    # Verifying again is harmless and not audited twice.
    assert (await api.post(f"{USERS}/{user_id}/verify", headers=staff.admin)).status_code == 200

    unverified = await api.post(f"{USERS}/{user_id}/unverify", headers=staff.admin)
    assert unverified.json()["status"] == "not_verified"
    blocked = await api.get("/api/backend/v1/news", headers=user)
    assert blocked.status_code == 403 and error_code(blocked) == "user_not_verified"

    assert await _audit_actions(api, user_id) == ["user.verify", "user.unverify"]
    assert await _kinds(api, user_id) == ["account_verified", "account_unverified"]


async def test_role_change_ends_sessions_and_takes_effect(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    await register(api, "future_admin")
    [user_id] = [u.id for u in await fetch(api, User, User.login == "future_admin")]
    old = bearer(await login(api, "future_admin"))
    assert (await api.get(USERS, headers=old)).status_code == 403

    by_admin = await api.patch(
        f"{USERS}/{user_id}/role", headers=staff.admin, json={"role": "admin"}
    )
    assert by_admin.status_code == 403
    promoted = await api.patch(
        f"{USERS}/{user_id}/role", headers=staff.root, json={"role": "admin"}
    )
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"

    assert (await api.get("/api/auth/v1/me", headers=old)).status_code == 401
    new = bearer(await login(api, "future_admin"))
    assert (await api.get(USERS, headers=new)).status_code == 200

    [entry] = await fetch(api, AuditLog, AuditLog.action == "user.role")
    assert entry.before == {"role": "user"}
    assert entry.after == {"role": "admin", "sessions_ended": 2}  # register + login
    assert entry.actor_id == staff.root_id
    assert await _kinds(api, user_id) == ["role_changed"]

    invalid = await api.patch(f"{USERS}/{user_id}/role", headers=staff.root, json={"role": "god"})
    assert invalid.status_code == 422


async def test_the_last_active_superuser_is_protected(api: httpx.AsyncClient, staff: Staff) -> None:
    demote_self = await api.patch(
        f"{USERS}/{staff.root_id}/role", headers=staff.root, json={"role": "admin"}
    )
    assert demote_self.status_code == 409
    assert error_code(demote_self) == "conflict"
    deactivate_self = await api.post(f"{USERS}/{staff.root_id}/deactivate", headers=staff.root)
    assert deactivate_self.status_code == 409

    second = await make_user(
        api, "second_root", role=RoleName.superuser, status=UserStatus.verified
    )
    second_headers = await headers_for(api, second)
    # With two, one may step down — and then the other is the last one again.
    assert (
        await api.patch(f"{USERS}/{second}/role", headers=staff.root, json={"role": "user"})
    ).status_code == 200
    assert (
        await api.patch(f"{USERS}/{staff.root_id}/role", headers=staff.root, json={"role": "user"})
    ).status_code == 409
    # The demoted one lost its sessions: it can do nothing anymore.
    assert (await api.get(USERS, headers=second_headers)).status_code == 401

    # A deactivated superuser does not count.
    third = await make_user(api, "third_root", role=RoleName.superuser, is_active=False)
    assert (
        await api.patch(f"{USERS}/{staff.root_id}/role", headers=staff.root, json={"role": "user"})
    ).status_code == 409
    assert (await api.post(f"{USERS}/{third}/reactivate", headers=staff.root)).status_code == 200
    assert (
        await api.post(f"{USERS}/{third}/deactivate", headers=staff.root)
    ).status_code == 200  # root remains
    superusers = await fetch(api, User, User.is_active.is_(True))
    assert staff.root_id in {u.id for u in superusers}


async def test_two_superusers_demoting_each_other_at_once_leave_one(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    other = await make_user(api, "rival_root", role=RoleName.superuser, status=UserStatus.verified)
    other_headers = await headers_for(api, other)
    first, second = await asyncio.gather(
        api.patch(f"{USERS}/{other}/role", headers=staff.root, json={"role": "admin"}),
        api.patch(f"{USERS}/{staff.root_id}/role", headers=other_headers, json={"role": "admin"}),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    listed = await api.get(
        USERS,
        headers=staff.root if first.status_code == 200 else other_headers,
        params={"role": "superuser", "is_active": "true"},
    )
    assert listed.json()["total"] == 1

    # Deactivation races the same way.
    third = await make_user(api, "rival_three", role=RoleName.superuser)
    survivor = staff.root if first.status_code == 200 else other_headers
    survivor_id = staff.root_id if first.status_code == 200 else other
    third_headers = await headers_for(api, third)
    a, b = await asyncio.gather(
        api.post(f"{USERS}/{third}/deactivate", headers=survivor),
        api.post(f"{USERS}/{survivor_id}/deactivate", headers=third_headers),
    )
    assert sorted([a.status_code, b.status_code]) == [200, 409]


async def test_deactivation_ends_sessions_refuses_login_and_runs_hooks(
    api: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    async def deactivated(change: UserStateChange) -> None:
        seen.append(("off", change.user.login))

    async def reactivated(change: UserStateChange) -> None:
        seen.append(("on", change.user.login))

    monkeypatch.setattr(users_admin, "_deactivated_hooks", [deactivated])
    monkeypatch.setattr(users_admin, "_reactivated_hooks", [reactivated])

    tokens = await register(api, "leaving_user")
    [user_id] = [u.id for u in await fetch(api, User, User.login == "leaving_user")]
    off = await api.post(f"{USERS}/{user_id}/deactivate", headers=staff.admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (await api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401
    refused = await api.post(
        "/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refused.status_code == 401
    no_login = await api.post(
        "/api/auth/v1/login", json={"login": "leaving_user", "password": PASSWORD}
    )
    assert no_login.status_code == 403
    assert (await api.post(f"{USERS}/{user_id}/deactivate", headers=staff.admin)).status_code == 200

    on = await api.post(f"{USERS}/{user_id}/reactivate", headers=staff.admin)
    assert on.json()["is_active"] is True
    await login(api, "leaving_user")

    assert seen == [("off", "leaving_user"), ("on", "leaving_user")]  # once each
    assert await _audit_actions(api, user_id) == ["user.deactivate", "user.reactivate"]
    [entry, _] = await fetch(api, AuditLog, AuditLog.target_id == user_id)
    assert entry.after == {"is_active": False, "sessions_ended": 1}
    assert await _kinds(api, user_id) == ["account_deactivated", "account_reactivated"]


async def test_a_failing_hook_rolls_the_deactivation_back(
    api: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rayport.errors import XuiUnavailable

    async def panel_down(change: UserStateChange) -> None:
        raise XuiUnavailable()

    monkeypatch.setattr(users_admin, "_deactivated_hooks", [panel_down])
    user_id = await make_user(api, "sticky_user")
    headers = await headers_for(api, user_id)
    failed = await api.post(f"{USERS}/{user_id}/deactivate", headers=staff.admin)
    assert failed.status_code == 503
    assert (await api.get("/api/auth/v1/me", headers=headers)).status_code == 200
    [user] = await fetch(api, User, User.id == user_id)
    assert user.is_active is True
    assert await _audit_actions(api, user_id) == []


async def test_admins_manage_users_only_and_nobody_deactivates_themself(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    peer = await make_user(api, "peer_admin", role=RoleName.admin)
    for action in ("verify", "unverify", "deactivate", "reactivate"):
        on_peer = await api.post(f"{USERS}/{peer}/{action}", headers=staff.admin)
        assert on_peer.status_code == 403, action
        on_root = await api.post(f"{USERS}/{staff.root_id}/{action}", headers=staff.admin)
        assert on_root.status_code == 403, action
    self_off = await api.post(f"{USERS}/{staff.admin_id}/deactivate", headers=staff.admin)
    assert self_off.status_code == 409
    # A superuser may change an admin.
    assert (await api.post(f"{USERS}/{peer}/deactivate", headers=staff.root)).status_code == 200
    assert (
        await api.post(f"{USERS}/{uuid.uuid4()}/verify", headers=staff.admin)
    ).status_code == 404
    assert [e.action for e in await fetch(api, AuditLog)] == ["user.deactivate"]


async def test_superuser_password_reset(api: httpx.AsyncClient, staff: Staff) -> None:
    tokens = await register(api, "forgetful", email="forgetful@example.org")
    [user_id] = [u.id for u in await fetch(api, User, User.login == "forgetful")]
    await api.post("/api/auth/v1/forgot-password", json={"login": "forgetful"})

    assert (
        await api.post(f"{USERS}/{user_id}/password-reset", headers=staff.admin)
    ).status_code == 403
    reset = await api.post(f"{USERS}/{user_id}/password-reset", headers=staff.root)
    assert reset.status_code == 200
    body = reset.json()
    # An e-mail address alone is not a channel while SMTP is not configured.
    assert body["delivered_via"] == [] and body["user_id"] == str(user_id)
    password = body["temporary_password"]
    assert (await api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401
    fresh = await login(api, "forgetful", password)
    assert (await api.get("/api/auth/v1/me", headers=bearer(fresh))).json()[
        "must_change_password"
    ] is True
    # The waiting forgot-password request is closed by it.
    [request] = await fetch(api, Request, Request.user_id == user_id)
    assert request.status is RequestStatus.applied
    [entry] = await fetch(api, AuditLog, AuditLog.action == "user.password_reset")
    assert password not in str(entry.after)
    assert "password_reset" in await _kinds(api, user_id)


async def test_search_with_nul_is_a_422_not_a_500(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: the NUL reached PostgreSQL in the ILIKE pattern."""
    response = await api.get("/api/admin/v1/users", headers=staff.admin, params={"q": "ol\x00"})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    found = await api.get("/api/admin/v1/users", headers=staff.admin, params={"q": "olga"})
    assert [u["login"] for u in found.json()["items"]] == ["olga_admin"]
