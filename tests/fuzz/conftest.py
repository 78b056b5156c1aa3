"""The API fuzzer's world: RayPort on its own PostgreSQL database, Redis and a 3X-UI
emulator, seeded through the API itself, with four callers (anonymous, a verified user, an
admin, the superuser), each holding a real access token from the login endpoint.

The app runs inside Schemathesis' ASGI client: its lifespan (pools, bootstrap) starts on
the event loop Schemathesis sends every request on, so nothing crosses loops. Seeded
objects (a target user, configs, requests, news, notifications, a session, a
subscription token) are offered to the path parameters of the same name (see
`tests/fuzz/test_api_fuzz.py`), so the fuzzer reaches real objects as well as unknown ids.

Profiles: `RAYPORT_FUZZ_EXAMPLES` (default 10, the quick CI profile) sets the examples per
operation and caller in the fuzzing phase; `make fuzz` runs 100. `RAYPORT_FUZZ_SEED`
(default fixed) makes a run reproducible.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis
from schemathesis.python import asgi

from rayport.api.app import create_app
from rayport.db import migrate
from rayport.settings import XuiSettings
from tests.conftest import (
    RUN_ID,
    SUPERUSER_PASSWORD,
    create_pg_database,
    drop_pg_database,
    make_settings,
)
from tests.fixtures.xui_emulator.server import XuiEmulator

FUZZ_EXAMPLES = int(os.environ.get("RAYPORT_FUZZ_EXAMPLES", "10"))
FUZZ_SEED = int(os.environ.get("RAYPORT_FUZZ_SEED", "20260509"))

PASSWORD = "Fuzz-Pass-2026!"
# A peer address: the ASGI client Schemathesis uses reports "testclient", no IP at all.
PEER = ("203.0.113.50", 50000)


class FuzzApp:
    """The app as a server runs it: one lifespan for the whole run, a real peer address.

    Schemathesis' pytest plugin ends an ASGI app's lifespan after every test and starts it
    again on the next request; RayPort's lifespan (like a process's) runs once: it closes
    its pools and its panel client for good. So the app's lifespan is entered on the first
    startup and left only at `close()`; the other startups and shutdowns are acknowledged.
    """

    def __init__(self) -> None:
        self.app: Any = None  # RayPort, while the `fuzz_world` fixture runs it
        self._lifespan: AbstractAsyncContextManager[Any] | None = None
        self._closing = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert self.app is not None, "the fuzz_world fixture runs the app"
        if scope["type"] == "lifespan":
            await self._lifespan_messages(receive, send)
            return
        if scope["type"] == "http":
            scope = {**scope, "client": PEER}
        await self.app(scope, receive, send)

    async def _lifespan_messages(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._lifespan is None:
                    lifespan = self.app.router.lifespan_context(self.app)
                    await lifespan.__aenter__()
                    self._lifespan = lifespan
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._closing and self._lifespan is not None:
                    lifespan, self._lifespan = self._lifespan, None
                    await lifespan.__aexit__(None, None, None)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """End the app's lifespan (on the loop it started on)."""
        self._closing = True
        try:
            with asgi.get_client(self):
                pass
            asgi.shutdown_lifespans()
        finally:
            self.app, self._closing = None, False


# The one ASGI app of the fuzz schema (created before any fixture runs: the schema is built
# at import time); `fuzz_world` puts RayPort into it.
FUZZ_APP = FuzzApp()


@dataclass
class Account:
    login: str
    password: str
    user_id: str = ""
    token: str = ""

    @property
    def session_id(self) -> str:
        claims = jwt.decode(self.token, options={"verify_signature": False})
        return str(claims["sid"])


@dataclass
class FuzzWorld:
    """The running app, the callers and the seeded objects."""

    app: Any
    client: asgi.ASGIClient
    accounts: dict[str, Account]
    # Path parameter name -> real values the fuzzer may use.
    pools: dict[str, list[str]] = field(default_factory=dict)
    relogins: int = 0

    def headers(self, role: str) -> dict[str, str]:
        account = self.accounts.get(role)
        return {"Authorization": f"Bearer {account.token}"} if account else {}

    def login(self, account: Account) -> None:
        response = self.client.post(
            "/api/auth/v1/login", json={"login": account.login, "password": account.password}
        )
        assert response.status_code == 200, response.text
        account.token = response.json()["access_token"]

    def relogin(self, role: str) -> None:
        """A new session for `role` (after the fuzzer logged it out)."""
        self.login(self.accounts[role])
        self.relogins += 1

    def protected(self) -> set[str]:
        """Ids the fuzzer must not act on: the callers themselves and their sessions (it
        would end or demote the very accounts it fuzzes with)."""
        ids = set()
        for account in self.accounts.values():
            ids.add(account.user_id)
            ids.add(account.session_id)
        return ids

    # --- seeding through the API ---------------------------------------------------

    def call(self, method: str, path: str, account: Account | None, expect: int, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {account.token}"} if account else {}
        response = self.client.request(method, path, headers=headers, **kw)
        assert response.status_code == expect, (method, path, response.text)
        return response.json() if response.content else None

    def register(self, login: str) -> Account:
        account = Account(login=login, password=PASSWORD)
        body = {"login": login, "password": PASSWORD}
        account.token = self.call("POST", "/api/auth/v1/register", None, 201, json=body)[
            "access_token"
        ]
        account.user_id = self.call("GET", "/api/auth/v1/me", account, 200)["id"]
        return account


def _seed(world: FuzzWorld) -> None:
    root = world.accounts["superuser"]
    world.login(root)
    root.user_id = world.call("GET", "/api/auth/v1/me", root, 200)["id"]

    user = world.register("fzuser_one")
    admin = world.register("fzadmin_one")
    target = world.register("fztarget_one")
    plain = world.register("fzplain_one")  # stays unverified
    world.accounts.update(user=user, admin=admin)

    verify_request = world.call("POST", "/api/auth/v1/request-verification", target, 202)
    plain_request = world.call("POST", "/api/auth/v1/request-verification", plain, 202)
    for account in (user, admin, target):
        world.call("POST", f"/api/admin/v1/users/{account.user_id}/verify", root, 200)
    world.call(
        "PATCH", f"/api/admin/v1/users/{admin.user_id}/role", root, 200, json={"role": "admin"}
    )
    world.login(admin)  # the role change ended its sessions

    configs = [
        world.call("GET", "/api/backend/v1/client/configs/by-type/vless", target, 200)["id"],
        world.call("GET", "/api/backend/v1/client/configs/by-type/trojan", target, 200)["id"],
        world.call("GET", "/api/backend/v1/client/configs/by-type/vless", user, 200)["id"],
    ]
    renew = world.call("POST", f"/api/backend/v1/client/configs/{configs[0]}/renew", target, 202)
    limits = world.call(
        "POST",
        f"/api/backend/v1/client/configs/{configs[1]}/update-limits",
        target,
        202,
        json={"total_gb": 100, "limit_ip": 3},
    )
    news = [
        world.call(
            "POST",
            "/api/admin/v1/news",
            root,
            201,
            json={
                "title": {"en": f"News {n}", "ru": f"Новость {n}"},
                "content": {"en": "Body", "ru": "Текст"},
                "is_published": n == 1,
            },
        )["id"]
        for n in (1, 2)
    ]
    notifications = [
        item["id"]
        for item in world.call("GET", "/api/admin/v1/notifications?limit=100", root, 200)["items"]
    ]
    sessions = [s["id"] for s in world.call("GET", "/api/auth/v1/sessions", target, 200)]
    sub_url = world.call("GET", "/api/backend/v1/client/subscription", target, 200)
    world.pools = {
        "user_id": [target.user_id, plain.user_id],
        "config_id": configs,
        "request_id": [
            verify_request["request_id"],
            plain_request["request_id"],
            renew["request_id"],
            limits["request_id"],
        ],
        "news_id": news,
        "notification_id": notifications,
        "session_id": sessions,
        "sub_token": [sub_url["subscription_url"].rstrip("/").rsplit("/", 1)[1]],
    }
    assert all(world.pools.values()), world.pools


@pytest.fixture(scope="package")
async def fuzz_db(redis_client: Redis) -> AsyncIterator[str]:
    """A database of its own: the fuzzer leaves thousands of rows behind."""
    name = f"rayport_fuzz_{RUN_ID}_{uuid.uuid4().hex[:6]}"
    url = await create_pg_database(name)
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    await drop_pg_database(name)


@pytest.fixture(scope="package")
def fuzz_world(fuzz_db: str) -> Iterator[FuzzWorld]:
    with XuiEmulator("e") as panel:
        xui = XuiSettings(
            XUI_URL=panel.url,
            XUI_USERNAME=panel.username,
            XUI_PASSWORD=SecretStr(panel.password),
            XUI_PUBLIC_HOST="vpn.example.com",
            XUI_TIMEOUT_SEC=2,
        )
        app = FUZZ_APP
        app.app = create_app(make_settings(database_url=fuzz_db, xui=xui), web_dist=None)
        try:
            with asgi.get_client(app) as client:  # starts the lifespan on Schemathesis' loop
                world = FuzzWorld(
                    app=app,
                    client=client,
                    accounts={"superuser": Account(login="admin", password=SUPERUSER_PASSWORD)},
                )
                _seed(world)
                yield world
        finally:
            app.close()
