"""`/api/admin/v1/requests`: users ask, admins are told, decide once, users are told."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from rayport.models import AuditLog, Notification, Request, User
from rayport.models.enums import RequestKind, RequestStatus, RoleName, TargetType, UserStatus
from rayport.settings import SmtpSettings, TelegramSettings
from tests.api.conftest import Staff
from tests.api.factories import (
    bulk_insert,
    context,
    fetch,
    headers_for,
    make_user,
    role_id,
    user_row,
)
from tests.helpers import PASSWORD, bearer, error_code, login, register

REQUESTS = "/api/admin/v1/requests"


async def _me(api: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    response = await api.get("/api/auth/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _my_notifications(
    api: httpx.AsyncClient, headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await api.get("/api/auth/v1/account/notifications", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_verification_request_end_to_end(api: httpx.AsyncClient, staff: Staff) -> None:
    user = bearer(await register(api, "vera_user", lang_code="ru"))
    opened = await api.post("/api/auth/v1/request-verification", headers=user)
    assert opened.status_code == 202
    request_id = opened.json()["request_id"]

    # Every admin and superuser hears about it, in both languages.
    told = await fetch(api, Notification, Notification.kind == "request_new")
    assert {n.user_id for n in told} == {staff.root_id, staff.admin_id}
    assert all(n.target_id == uuid.UUID(request_id) for n in told)
    assert all("vera_user" in n.content["ru"] and "vera_user" in n.content["en"] for n in told)
    assert all(n.status.value == "pending" for n in told)
    admin_inbox = await _my_notifications(api, staff.admin)
    assert admin_inbox[0]["kind"] == "request_new"

    listed = await api.get(REQUESTS, headers=staff.admin, params={"status": "new"})
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["items"]] == [request_id]
    detail = (await api.get(f"{REQUESTS}/{request_id}", headers=staff.admin)).json()
    assert detail["user_login"] == "vera_user"
    assert detail["kind"] == "verify" and detail["status"] == "new"

    applied = await api.post(
        f"{REQUESTS}/{request_id}/apply", headers=staff.admin, json={"comment": "Welcome!"}
    )
    assert applied.status_code == 200, applied.text
    body = applied.json()
    assert body["status"] == "applied"
    assert body["decided_by_login"] == "olga_admin"
    assert body["comment"] == "Welcome!"
    assert body["temporary_password"] is None
    assert body["decided_at"] is not None

    assert (await _me(api, user))["status"] == "verified"
    inbox = await _my_notifications(api, user)
    assert inbox[0]["kind"] == "account_verified"
    assert "Welcome!" in inbox[0]["content"]["ru"] and "Welcome!" in inbox[0]["content"]["en"]
    # ...and the verified user now reads the news feed.
    assert (await api.get("/api/backend/v1/news", headers=user)).status_code == 200

    entries = await fetch(api, AuditLog, AuditLog.action == "request.apply")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == staff.admin_id
    assert entry.target_type is TargetType.request
    assert entry.target_id == uuid.UUID(request_id)
    assert entry.before == {"status": "new", "user_status": "verification_pending"}
    assert entry.after is not None and entry.after["status"] == "applied"
    assert entry.after["user_status"] == "verified"
    assert entry.ip == "203.0.113.7"

    # Decided once: applying or denying again is a conflict and changes nothing.
    for action in ("apply", "deny"):
        again = await api.post(f"{REQUESTS}/{request_id}/{action}", headers=staff.root)
        assert again.status_code == 409
        assert error_code(again) == "conflict"
    assert len(await fetch(api, AuditLog, AuditLog.action.like("request.%"))) == 1
    assert (await _me(api, user))["status"] == "verified"


async def test_denied_verification_lets_the_user_ask_again(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    user = bearer(await register(api, "dmitry_u"))
    request_id = (await api.post("/api/auth/v1/request-verification", headers=user)).json()[
        "request_id"
    ]
    assert (await _me(api, user))["status"] == "verification_pending"

    denied = await api.post(
        f"{REQUESTS}/{request_id}/deny", headers=staff.admin, json={"comment": "Who are you?"}
    )
    assert denied.status_code == 200
    assert denied.json()["status"] == "denied"
    assert (await _me(api, user))["status"] == "not_verified"
    notice = (await _my_notifications(api, user))[0]
    assert notice["kind"] == "request_denied"
    assert "Who are you?" in notice["content"]["en"]
    assert [e.action for e in await fetch(api, AuditLog)] == ["request.deny"]

    again = await api.post("/api/auth/v1/request-verification", headers=user)
    assert again.status_code == 202
    assert again.json()["request_id"] != request_id


async def test_reset_request_without_a_private_channel_shows_the_password_once(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    tokens = await register(api, "petra_user")
    forgot = await api.post("/api/auth/v1/forgot-password", json={"login": "petra_user"})
    assert forgot.status_code == 202
    # Asking twice neither reveals anything nor opens a second request.
    assert (
        await api.post("/api/auth/v1/forgot-password", json={"login": "petra_user"})
    ).status_code == 202
    [request] = await fetch(api, Request)
    assert request.kind is RequestKind.reset_password
    assert len(await fetch(api, Notification, Notification.kind == "request_new")) == 2

    applied = await api.post(f"{REQUESTS}/{request.id}/apply", headers=staff.admin)
    assert applied.status_code == 200
    temporary = applied.json()["temporary_password"]
    assert isinstance(temporary, str) and len(temporary) >= 12

    # The old password and every old session are gone; the temporary one works once given.
    assert (await api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401
    old = await api.post("/api/auth/v1/login", json={"login": "petra_user", "password": PASSWORD})
    assert old.status_code == 401
    fresh = await login(api, "petra_user", temporary)
    me = await _me(api, bearer(fresh))
    assert me["must_change_password"] is True

    # The user is told, but the notice does not carry the password (no private channel).
    notice = (await _my_notifications(api, bearer(fresh)))[0]
    assert notice["kind"] == "password_reset"
    assert temporary not in notice["content"]["en"] + notice["content"]["ru"]
    # The password is in no audit entry either.
    [entry] = await fetch(api, AuditLog, AuditLog.action == "request.apply")
    assert temporary not in str(entry.before) + str(entry.after)
    assert entry.after is not None and entry.after["delivered_via"] == []

    changed = await api.post(
        "/api/auth/v1/change-password",
        headers=bearer(fresh),
        json={"current_password": temporary, "new_password": "Brand-new-pass-7"},
    )
    assert changed.status_code == 204
    assert (await _me(api, bearer(fresh)))["must_change_password"] is False


@pytest.mark.parametrize("channel", ["telegram", "email"])
async def test_reset_request_with_a_private_channel_sends_the_password_to_the_user(
    api: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch, channel: str
) -> None:
    settings = context(api).settings
    if channel == "telegram":
        monkeypatch.setattr(
            settings, "telegram", TelegramSettings(TELEGRAM_BOT_TOKEN=SecretStr("1:test"))
        )
        user_id = await make_user(api, "tanya_user", telegram="tanya")
    else:
        monkeypatch.setattr(
            settings, "smtp", SmtpSettings(SMTP_URL=SecretStr("smtp://127.0.0.1:2525"))
        )
        user_id = await make_user(api, "tanya_user", email="tanya@example.org")
    # A Telegram link the user blocked, or an e-mail without SMTP, would not count.
    await api.post("/api/auth/v1/forgot-password", json={"login": "tanya_user"})
    [request] = await fetch(api, Request)

    applied = await api.post(f"{REQUESTS}/{request.id}/apply", headers=staff.admin)
    assert applied.status_code == 200
    assert applied.json()["temporary_password"] is None

    [notice] = await fetch(
        api, Notification, Notification.user_id == user_id, Notification.kind == "password_reset"
    )
    assert notice.status.value == "pending"
    password = notice.content["en"].split("Temporary password: ")[1].split()[0]
    assert password in notice.content["ru"]
    fresh = await login(api, "tanya_user", password)
    assert (await _me(api, bearer(fresh)))["must_change_password"] is True

    # Admins looking at the queue never see the password.
    queue = await api.get(
        "/api/admin/v1/notifications",
        headers=staff.admin,
        params={"kind": "password_reset"},
    )
    [item] = queue.json()["items"]
    assert item["content_hidden"] is True
    assert password not in str(item)
    [entry] = await fetch(api, AuditLog, AuditLog.action == "request.apply")
    assert entry.after is not None and entry.after["delivered_via"] == [channel]


async def test_unreachable_telegram_does_not_count_as_a_private_channel(
    api: httpx.AsyncClient, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = context(api).settings
    monkeypatch.setattr(
        settings, "telegram", TelegramSettings(TELEGRAM_BOT_TOKEN=SecretStr("1:test"))
    )
    await make_user(
        api, "blocked_bot", telegram="blocker", telegram_reachable=False, email="b@example.org"
    )
    await api.post("/api/auth/v1/forgot-password", json={"login": "blocked_bot"})
    [request] = await fetch(api, Request)
    applied = await api.post(f"{REQUESTS}/{request.id}/apply", headers=staff.admin)
    assert applied.json()["temporary_password"] is not None  # e-mail too: SMTP is off


async def test_two_admins_applying_at_once_exactly_one_wins(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    user = bearer(await register(api, "race_user"))
    request_id = (await api.post("/api/auth/v1/request-verification", headers=user)).json()[
        "request_id"
    ]
    first, second = await asyncio.gather(
        api.post(f"{REQUESTS}/{request_id}/apply", headers=staff.admin),
        api.post(f"{REQUESTS}/{request_id}/deny", headers=staff.root),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner = first if first.status_code == 200 else second
    decided = winner.json()["status"]
    assert len(await fetch(api, AuditLog, AuditLog.action.like("request.%"))) == 1
    notices = await fetch(
        api,
        Notification,
        Notification.target_id == uuid.UUID(request_id),
        Notification.kind.in_(["account_verified", "request_denied"]),
    )
    assert len(notices) == 1
    expected = "verified" if decided == "applied" else "not_verified"
    assert (await _me(api, user))["status"] == expected

    # Many at once: still one winner.
    user2 = bearer(await register(api, "race_two"))
    request2 = (await api.post("/api/auth/v1/request-verification", headers=user2)).json()[
        "request_id"
    ]
    answers = await asyncio.gather(
        *(api.post(f"{REQUESTS}/{request2}/apply", headers=staff.admin) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]


async def test_only_a_superuser_decides_an_admins_request(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    other_admin = await make_user(api, "second_admin", role=RoleName.admin, password=PASSWORD)
    await api.post("/api/auth/v1/forgot-password", json={"login": "second_admin"})
    [request] = await fetch(api, Request, Request.user_id == other_admin)
    refused = await api.post(f"{REQUESTS}/{request.id}/apply", headers=staff.admin)
    assert refused.status_code == 403
    assert error_code(refused) == "permission_denied"
    assert [r.status for r in await fetch(api, Request)] == [RequestStatus.new]
    assert (await api.post(f"{REQUESTS}/{request.id}/apply", headers=staff.root)).status_code == 200


async def test_unknown_request_and_bad_body(api: httpx.AsyncClient, staff: Staff) -> None:
    missing = await api.post(f"{REQUESTS}/{uuid.uuid4()}/apply", headers=staff.admin)
    assert missing.status_code == 404
    assert error_code(missing) == "not_found"
    assert (await api.get(f"{REQUESTS}/{uuid.uuid4()}", headers=staff.admin)).status_code == 404
    too_long = await api.post(
        f"{REQUESTS}/{uuid.uuid4()}/deny", headers=staff.admin, json={"comment": "x" * 1001}
    )
    assert too_long.status_code == 422
    bad_sort = await api.get(REQUESTS, headers=staff.admin, params={"sort": "payload"})
    assert bad_sort.status_code == 422
    assert error_code(bad_sort) == "validation_error"
    too_many = await api.get(REQUESTS, headers=staff.admin, params={"limit": 101})
    assert too_many.status_code == 422


async def test_request_list_filters_sorts_and_pages_thousands(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    user_role = await role_id(api, RoleName.user)
    users = [user_row(f"bulk_{i:04d}", user_role) for i in range(300)]
    await bulk_insert(api, User, users)
    rng = random.Random(4)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    kinds = list(RequestKind)
    statuses = [RequestStatus.new, RequestStatus.applied, RequestStatus.denied]
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "user_id": users[i % len(users)]["id"],
            "kind": kinds[i % 4],
            "target_type": TargetType.user,
            "target_id": uuid.uuid4(),
            "payload": {},
            "status": statuses[rng.randrange(3)],
            "created_at": start + timedelta(minutes=i),
            "updated_at": start + timedelta(minutes=i),
        }
        for i in range(3000)
    ]
    await bulk_insert(api, Request, rows)

    async def get(**params: Any) -> dict[str, Any]:
        response = await api.get(REQUESTS, headers=staff.admin, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    page = await get(limit=100)
    assert (page["total"], page["pages"], page["page"], page["limit"]) == (3000, 30, 1, 100)
    newest = sorted(rows, key=lambda r: r["created_at"], reverse=True)
    assert [i["id"] for i in page["items"]] == [str(r["id"]) for r in newest[:100]]

    new_verify = [
        r for r in rows if r["kind"] is RequestKind.verify and r["status"] is RequestStatus.new
    ]
    filtered = await get(kind="verify", status="new", sort="created_at", limit=50, page=2)
    assert filtered["total"] == len(new_verify)
    assert [i["id"] for i in filtered["items"]] == [str(r["id"]) for r in new_verify[50:100]]

    by_user = await get(user_id=str(users[7]["id"]))
    assert by_user["total"] == 10
    assert {i["user_login"] for i in by_user["items"]} == {"bulk_0007"}

    # Sorting by a non-unique field walks every page without overlap or gap.
    seen: list[str] = []
    kinds_seen: list[str] = []
    for number in range(1, 31):
        items = (await get(sort="-kind", limit=100, page=number))["items"]
        seen += [i["id"] for i in items]
        kinds_seen += [i["kind"] for i in items]
    assert len(set(seen)) == 3000
    assert kinds_seen == sorted(kinds_seen, reverse=True)
    beyond = await get(limit=100, page=31)
    assert beyond["items"] == [] and beyond["total"] == 3000


async def test_a_new_request_does_not_notify_inactive_admins(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    retired = await make_user(api, "retired_admin", role=RoleName.admin, is_active=False)
    user = await make_user(api, "plain_user", status=UserStatus.not_verified)
    await api.post("/api/auth/v1/request-verification", headers=await headers_for(api, user))
    told = {n.user_id for n in await fetch(api, Notification, Notification.kind == "request_new")}
    assert told == {staff.root_id, staff.admin_id}
    assert retired not in told


async def test_a_comment_with_nul_is_a_422_not_a_500(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: PostgreSQL cannot store NUL in the comment nor in the audit."""
    user = bearer(await register(api, "nul_comment"))
    request_id = (await api.post("/api/auth/v1/request-verification", headers=user)).json()[
        "request_id"
    ]
    for decision in ("apply", "deny"):
        response = await api.post(
            f"{REQUESTS}/{request_id}/{decision}", headers=staff.admin, json={"comment": "ok\x00"}
        )
        assert response.status_code == 422, decision
        assert error_code(response) == "validation_error"
    still_open = (await api.get(f"{REQUESTS}/{request_id}", headers=staff.admin)).json()
    assert still_open["status"] == "new"
