"""Who may call what: every route of the OpenAPI schema, for every kind of caller.

`MATRIX` below is the table of record. A route missing from it fails the test: adding a
route means deciding, here, who may call it. Each call gets a fresh session (and, where the
call changes or deletes something, a fresh object), so the order of calls does not matter.
For routes on an id where "allowed" cannot succeed without a real object, a random UUID is
used and 404 is the allowed answer.

Plus object-level checks: a user can never read or change another user's sessions or
notifications.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from rayport.auth.repository import SessionRepository
from rayport.models import News, Notification, Request, User
from rayport.models.enums import (
    NotificationStatus,
    RequestKind,
    RoleName,
    TargetType,
    UserStatus,
)
from rayport.notifications.service import notify_user
from tests.api.factories import context, fetch, make_user, tokens_for
from tests.helpers import PASSWORD, bearer, error_code

ROLES = ("anonymous", "user", "verified", "admin", "superuser")


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def signed_in(code: int) -> dict[str, int]:
    return {**everyone(code), "anonymous": 401}


def verified(code: int) -> dict[str, int]:
    return {**signed_in(code), "user": 403}


def admins(code: int) -> dict[str, int]:
    return {**verified(code), "verified": 403}


def superusers(code: int) -> dict[str, int]:
    return {**admins(code), "admin": 403}


class World:
    """The objects calls refer to; `fresh_*` make a new one for each call."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self.identities: dict[str, uuid.UUID] = {}
        self._counter = itertools.count()

    def fresh_login(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):05d}"

    async def setup(self) -> None:
        self.identities = {
            "user": await make_user(self.api, "matrix_user"),
            "verified": await make_user(self.api, "matrix_verified", status=UserStatus.verified),
            "admin": await make_user(
                self.api, "matrix_admin", role=RoleName.admin, status=UserStatus.verified
            ),
            "superuser": await make_user(
                self.api, "matrix_root", role=RoleName.superuser, status=UserStatus.verified
            ),
        }
        await make_user(self.api, "matrix_login", password=PASSWORD)
        self.target = await make_user(self.api, "matrix_target")
        self.request = await self._request(self.target)
        self.news = await self.fresh_news()

    async def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        return bearer(await tokens_for(self.api, self.identities[role]))

    async def fresh_user(self) -> uuid.UUID:
        return await make_user(self.api, self.fresh_login("target"))

    async def _request(self, user_id: uuid.UUID) -> uuid.UUID:
        async with context(self.api).db.unit_of_work() as db:
            request = Request(
                user_id=user_id,
                kind=RequestKind.verify,
                target_type=TargetType.user,
                target_id=user_id,
                payload={},
            )
            db.add(request)
            await db.flush()
            return request.id

    async def fresh_request(self) -> uuid.UUID:
        return await self._request(await self.fresh_user())

    async def fresh_news(self) -> uuid.UUID:
        async with context(self.api).db.unit_of_work() as db:
            news = News(title={"ru": "", "en": "t"}, content={"ru": "", "en": "c"})
            db.add(news)
            await db.flush()
            return news.id

    async def fresh_session(self) -> uuid.UUID:
        user_id = await self.fresh_user()
        await tokens_for(self.api, user_id)
        async with context(self.api).db.read_only() as db:
            [session] = await SessionRepository(db).live_for_user(user_id, datetime.now(UTC))
            return session.id

    async def fresh_failed_notification(self) -> uuid.UUID:
        async with context(self.api).db.unit_of_work() as db:
            notification = Notification(
                user_id=self.target,
                kind="matrix",
                title={"ru": "t", "en": "t"},
                content={"ru": "c", "en": "c"},
                status=NotificationStatus.failed,
                attempts=3,
            )
            db.add(notification)
            await db.flush()
            return notification.id

    async def fresh_refresh_token(self) -> str:
        return str((await tokens_for(self.api, self.target))["refresh_token"])

    async def sub_token(self) -> str:
        async with context(self.api).db.read_only() as db:
            user = await db.get(User, self.identities["verified"])
            assert user is not None
            return user.sub_token


Make = Callable[[World], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    path: Callable[[World], Awaitable[dict[str, str]]] | None = None
    body: Make | Any = None
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def rand(name: str) -> Callable[[World], Awaitable[dict[str, str]]]:
    async def make(_: World) -> dict[str, str]:
        return {name: str(uuid.uuid4())}

    return make


def fixed(**values: str) -> Callable[[World], Awaitable[dict[str, str]]]:
    async def make(_: World) -> dict[str, str]:
        return values

    return make


def of(
    name: str, maker: Callable[[World], Awaitable[Any]]
) -> Callable[[World], Awaitable[dict[str, str]]]:
    async def make(world: World) -> dict[str, str]:
        return {name: str(await maker(world))}

    return make


async def _target(w: World) -> uuid.UUID:
    return w.target


async def _request(w: World) -> uuid.UUID:
    return w.request


async def _news(w: World) -> uuid.UUID:
    return w.news


async def _register_body(w: World) -> dict[str, Any]:
    return {"login": w.fresh_login("signup"), "password": PASSWORD}


async def _refresh_body(w: World) -> dict[str, Any]:
    return {"refresh_token": await w.fresh_refresh_token()}


NEWS_BODY = {"title": {"en": "Hello"}, "content": {"en": "World"}}

MATRIX: dict[tuple[str, str], Case] = {
    # --- /api/app/v1 -------------------------------------------------------------------
    ("GET", "/api/app/v1/health"): Case(everyone(200)),
    ("GET", "/api/app/v1/status"): Case(everyone(200)),
    ("GET", "/api/app/v1/settings"): Case(everyone(200)),
    ("GET", "/api/app/v1/settings/all"): Case(superusers(200)),
    ("PATCH", "/api/app/v1/settings"): Case(
        superusers(200), body={"basic": {"registration_enabled": True}}
    ),
    # --- /api/auth/v1 ------------------------------------------------------------------
    ("POST", "/api/auth/v1/register"): Case(everyone(201), body=_register_body),
    ("POST", "/api/auth/v1/login"): Case(
        everyone(200), body={"login": "matrix_login", "password": PASSWORD}
    ),
    ("POST", "/api/auth/v1/login/social/telegram"): Case(
        everyone(403),
        body={"init_data": "auth_date=1&hash=00"},  # Telegram is off here
    ),
    ("POST", "/api/auth/v1/account/socials/telegram"): Case(
        signed_in(403), body={"init_data": "auth_date=1&hash=00"}
    ),
    ("DELETE", "/api/auth/v1/account/socials/telegram"): Case(signed_in(404)),
    ("POST", "/api/auth/v1/refresh"): Case(everyone(200), body=_refresh_body),
    ("POST", "/api/auth/v1/logout"): Case(signed_in(204)),
    ("GET", "/api/auth/v1/me"): Case(signed_in(200)),
    ("POST", "/api/auth/v1/change-password"): Case(
        signed_in(204), body={"new_password": "Matrix-pass-42"}
    ),
    ("POST", "/api/auth/v1/forgot-password"): Case(everyone(202), body={"login": "nobody_at_all"}),
    ("POST", "/api/auth/v1/request-verification"): Case(
        {**signed_in(409), "user": 202}  # the others are verified already
    ),
    ("GET", "/api/auth/v1/account/profile"): Case(signed_in(200)),
    ("PATCH", "/api/auth/v1/account/profile"): Case(signed_in(200), body={"first_name": "M"}),
    ("GET", "/api/auth/v1/account/notifications"): Case(signed_in(200)),
    ("POST", "/api/auth/v1/account/notifications/{notification_id}/read"): Case(
        signed_in(404), path=rand("notification_id")
    ),
    ("GET", "/api/auth/v1/sessions"): Case(signed_in(200)),
    ("DELETE", "/api/auth/v1/sessions"): Case(signed_in(204)),
    ("DELETE", "/api/auth/v1/sessions/{session_id}"): Case(signed_in(404), path=rand("session_id")),
    # --- /api/backend/v1 ---------------------------------------------------------------
    ("GET", "/api/backend/v1/news"): Case(verified(200)),
    ("GET", "/api/backend/v1/client/configs"): Case(verified(200)),
    ("GET", "/api/backend/v1/client/configs/by-type/{config_type}"): Case(
        verified(503),
        path=fixed(config_type="vless"),  # no panel here
    ),
    ("POST", "/api/backend/v1/client/configs/{config_id}/renew"): Case(
        verified(404), path=rand("config_id")
    ),
    ("POST", "/api/backend/v1/client/configs/{config_id}/update-limits"): Case(
        verified(404), path=rand("config_id"), body={"total_gb": 10}
    ),
    ("GET", "/api/backend/v1/client/subscription"): Case(verified(200)),
    ("POST", "/api/backend/v1/client/subscription/rotate"): Case(verified(200)),
    ("GET", "/sub/{sub_token}"): Case(
        everyone(404), path=fixed(sub_token="no-such-token-" + "x" * 20)
    ),
    ("POST", "/api/telegram/webhook"): Case(everyone(404), body={"update_id": 1}),
    # --- /api/admin/v1: users ----------------------------------------------------------
    ("GET", "/api/admin/v1/users"): Case(admins(200)),
    ("GET", "/api/admin/v1/users/{user_id}"): Case(admins(200), path=of("user_id", _target)),
    ("POST", "/api/admin/v1/users/{user_id}/verify"): Case(
        admins(200), path=of("user_id", World.fresh_user)
    ),
    ("POST", "/api/admin/v1/users/{user_id}/unverify"): Case(
        admins(200), path=of("user_id", World.fresh_user)
    ),
    ("PATCH", "/api/admin/v1/users/{user_id}/role"): Case(
        superusers(200), path=of("user_id", World.fresh_user), body={"role": "admin"}
    ),
    ("POST", "/api/admin/v1/users/{user_id}/password-reset"): Case(
        superusers(200), path=of("user_id", World.fresh_user)
    ),
    ("POST", "/api/admin/v1/users/{user_id}/deactivate"): Case(
        admins(200), path=of("user_id", World.fresh_user)
    ),
    ("POST", "/api/admin/v1/users/{user_id}/reactivate"): Case(
        admins(200), path=of("user_id", World.fresh_user)
    ),
    # --- requests ----------------------------------------------------------------------
    ("GET", "/api/admin/v1/requests"): Case(admins(200)),
    ("GET", "/api/admin/v1/requests/{request_id}"): Case(
        admins(200), path=of("request_id", _request)
    ),
    ("POST", "/api/admin/v1/requests/{request_id}/apply"): Case(
        admins(200), path=of("request_id", World.fresh_request)
    ),
    ("POST", "/api/admin/v1/requests/{request_id}/deny"): Case(
        admins(200), path=of("request_id", World.fresh_request), body={"comment": "no"}
    ),
    # --- news --------------------------------------------------------------------------
    ("GET", "/api/admin/v1/news"): Case(admins(200)),
    ("POST", "/api/admin/v1/news"): Case(superusers(201), body=NEWS_BODY),
    ("GET", "/api/admin/v1/news/{news_id}"): Case(admins(200), path=of("news_id", _news)),
    ("PATCH", "/api/admin/v1/news/{news_id}"): Case(
        superusers(200), path=of("news_id", _news), body={"is_published": True}
    ),
    ("DELETE", "/api/admin/v1/news/{news_id}"): Case(
        superusers(204), path=of("news_id", World.fresh_news)
    ),
    # --- sessions, notifications, audit ------------------------------------------------
    ("GET", "/api/admin/v1/sessions"): Case(admins(200)),
    ("DELETE", "/api/admin/v1/sessions/{session_id}"): Case(
        admins(204), path=of("session_id", World.fresh_session)
    ),
    ("POST", "/api/admin/v1/sessions/cleanup"): Case(admins(200)),
    ("GET", "/api/admin/v1/notifications"): Case(admins(200)),
    ("POST", "/api/admin/v1/notifications/{notification_id}/resend"): Case(
        admins(200), path=of("notification_id", World.fresh_failed_notification)
    ),
    ("POST", "/api/admin/v1/notifications/cleanup"): Case(admins(200)),
    ("GET", "/api/admin/v1/audit"): Case(admins(200)),
    # --- configs and the panel (3X-UI is not configured here) -------------------------
    ("GET", "/api/admin/v1/configs"): Case(admins(200)),
    ("GET", "/api/admin/v1/configs/{config_id}"): Case(admins(404), path=rand("config_id")),
    ("POST", "/api/admin/v1/configs/{config_id}/time/add"): Case(
        admins(404), path=rand("config_id"), body={"days": 1}
    ),
    ("POST", "/api/admin/v1/configs/{config_id}/time/remove"): Case(
        admins(404), path=rand("config_id"), body={"days": 1}
    ),
    ("POST", "/api/admin/v1/configs/{config_id}/limits"): Case(
        admins(404), path=rand("config_id"), body={"total_gb": 1}
    ),
    ("POST", "/api/admin/v1/configs/{config_id}/reset-traffic"): Case(
        admins(404), path=rand("config_id")
    ),
    ("POST", "/api/admin/v1/configs/{config_id}/enabled"): Case(
        admins(404), path=rand("config_id"), body={"enabled": False}
    ),
    ("GET", "/api/admin/v1/xui/status"): Case(admins(200)),
    ("GET", "/api/admin/v1/xui/inbounds"): Case(admins(503)),
    ("POST", "/api/admin/v1/xui/sync"): Case(admins(503)),
}


def schema_routes(api: httpx.AsyncClient) -> set[tuple[str, str]]:
    schema = api.app.openapi()  # type: ignore[attr-defined]
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


async def test_every_route_answers_every_caller_as_the_table_says(api: httpx.AsyncClient) -> None:
    routes = schema_routes(api)
    missing = sorted(routes - MATRIX.keys())
    assert not missing, f"routes without an access rule in MATRIX: {missing}"
    stale = sorted(MATRIX.keys() - routes)
    assert not stale, f"MATRIX rules for routes that no longer exist: {stale}"

    world = World(api)
    await world.setup()
    wrong: list[str] = []
    for (method, template), case in sorted(MATRIX.items()):
        for role in ROLES:
            path_params = await case.path(world) if case.path else {}
            body = await case.body(world) if callable(case.body) else case.body
            response = await api.request(
                method,
                template.format(**path_params),
                headers={**await world.headers(role), **case.headers},
                params=case.params,
                json=body,
            )
            expected = case.expect[role]
            if response.status_code != expected:
                wrong.append(
                    f"{method} {template} as {role}: {response.status_code} "
                    f"(expected {expected}) {response.text[:120]}"
                )
            elif expected == 401:
                assert error_code(response) == "not_authenticated"
            elif expected == 403 and case.expect["superuser"] != 403:
                assert error_code(response) in {"permission_denied", "user_not_verified"}
    assert not wrong, "\n".join(wrong)


# --- object level ------------------------------------------------------------------------


async def test_a_user_never_sees_or_ends_another_users_sessions(api: httpx.AsyncClient) -> None:
    alice_id = await make_user(api, "alice_objects")
    bob_id = await make_user(api, "bob_objects", status=UserStatus.verified)
    alice = bearer(await tokens_for(api, alice_id))
    bob = bearer(await tokens_for(api, bob_id))

    bob_sessions = (await api.get("/api/auth/v1/sessions", headers=bob)).json()
    alice_sessions = (await api.get("/api/auth/v1/sessions", headers=alice)).json()
    assert len(bob_sessions) == len(alice_sessions) == 1
    assert bob_sessions[0]["id"] != alice_sessions[0]["id"]

    stolen = await api.delete(f"/api/auth/v1/sessions/{bob_sessions[0]['id']}", headers=alice)
    assert stolen.status_code == 404  # not 403: whether it exists is not revealed
    # "End all my other sessions" ends only the caller's own.
    assert (await api.delete("/api/auth/v1/sessions", headers=alice)).status_code == 204
    assert (await api.get("/api/auth/v1/me", headers=bob)).status_code == 200
    for path in ("/api/admin/v1/sessions", f"/api/admin/v1/sessions?user_id={bob_id}"):
        assert (await api.get(path, headers=alice)).status_code == 403
        assert (await api.get(path, headers=bob)).status_code == 403
    ended = await api.delete(f"/api/admin/v1/sessions/{bob_sessions[0]['id']}", headers=alice)
    assert ended.status_code == 403
    assert (await api.get("/api/auth/v1/me", headers=bob)).status_code == 200


async def test_a_user_never_sees_or_marks_another_users_notifications(
    api: httpx.AsyncClient,
) -> None:
    alice_id = await make_user(api, "alice_notes")
    bob_id = await make_user(api, "bob_notes")
    alice = bearer(await tokens_for(api, alice_id))
    bob = bearer(await tokens_for(api, bob_id))
    async with context(api).db.unit_of_work() as db:
        for user_id, text in ((alice_id, "for alice"), (bob_id, "for bob")):
            await notify_user(db, user_id, "test", {"ru": text, "en": text}, {"ru": "", "en": ""})

    alice_list = (await api.get("/api/auth/v1/account/notifications", headers=alice)).json()
    bob_list = (await api.get("/api/auth/v1/account/notifications", headers=bob)).json()
    assert [n["title"]["en"] for n in alice_list["items"]] == ["for alice"]
    assert [n["title"]["en"] for n in bob_list["items"]] == ["for bob"]
    bobs = bob_list["items"][0]["id"]

    peek = await api.post(f"/api/auth/v1/account/notifications/{bobs}/read", headers=alice)
    assert peek.status_code == 404
    [note] = await fetch(api, Notification, Notification.user_id == bob_id)
    assert note.read_at is None
    for path in (
        "/api/admin/v1/notifications",
        f"/api/admin/v1/notifications?user_id={bob_id}",
    ):
        assert (await api.get(path, headers=alice)).status_code == 403
    assert (
        await api.post(f"/api/admin/v1/notifications/{bobs}/resend", headers=alice)
    ).status_code == 403

    # The owner can mark it read (once; again is harmless).
    for _ in range(2):
        mine = await api.post(f"/api/auth/v1/account/notifications/{bobs}/read", headers=bob)
        assert mine.status_code == 204
    read = (await api.get("/api/auth/v1/account/notifications", headers=bob)).json()["items"]
    assert read[0]["read_at"] is not None
