"""Log in with Telegram, link and unlink, the webhook, and Telegram in the status page."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from redis.asyncio import Redis

from rayport.models import Social, User
from rayport.settings import TelegramSettings
from tests.conftest import make_settings, running_app
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import (
    OTHER_BOT_TOKEN,
    TEST_BOT_TOKEN,
    make_user,
    sign_init_data,
    sign_login_widget,
)
from tests.helpers import bearer, error_code, login_superuser, register

URL = "/api/auth/v1/login/social/telegram"


@pytest.fixture
async def tg_api(
    clean_pg: str, redis_client: Redis, fake_bot_api: FakeBotAPI
) -> AsyncIterator[httpx.AsyncClient]:
    telegram = TelegramSettings(
        TELEGRAM_BOT_TOKEN=SecretStr(TEST_BOT_TOKEN), TELEGRAM_API_URL=fake_bot_api.url
    )
    async with running_app(make_settings(database_url=clean_pg, telegram=telegram)) as client:
        yield client


async def _users(api: httpx.AsyncClient) -> list[User]:
    context = api.app.state.context  # type: ignore[attr-defined]
    async with context.db.unit_of_work() as db:
        return list((await db.scalars(sa.select(User).where(User.login != "admin"))).all())


async def test_mini_app_first_login_creates_a_linked_account(tg_api: httpx.AsyncClient) -> None:
    init_data = sign_init_data(user=make_user(987654321, first_name="Ivan", language_code="ru"))
    response = await tg_api.post(URL, json={"init_data": init_data})
    assert response.status_code == 200, response.text
    me = (await tg_api.get("/api/auth/v1/me", headers=bearer(response.json()))).json()
    assert me["login"] == "tg987654321"
    assert me["status"] == "not_verified"  # auto-verify is off by default
    assert me["profile"]["first_name"] == "Ivan" and me["profile"]["lang_code"] == "ru"
    assert me["socials"] == [
        {"name": "telegram", "external_id": "987654321", "username": "ivan_p", "reachable": True}
    ]
    again = await tg_api.post(URL, json={"init_data": sign_init_data(user=make_user(987654321))})
    assert again.status_code == 200
    assert len(await _users(tg_api)) == 1


async def test_login_widget_and_auto_verify(tg_api: httpx.AsyncClient) -> None:
    root = bearer(await login_superuser(tg_api))
    await tg_api.patch(
        "/api/app/v1/settings", headers=root, json={"basic": {"auto_verify_telegram": True}}
    )
    widget = sign_login_widget(data={"id": 5550001, "first_name": "Kate", "username": "kate"})
    response = await tg_api.post(URL, json=widget)
    assert response.status_code == 200, response.text
    me = (await tg_api.get("/api/auth/v1/me", headers=bearer(response.json()))).json()
    assert me["status"] == "verified" and me["login"] == "tg5550001"


async def test_bad_telegram_data_is_refused(tg_api: httpx.AsyncClient) -> None:
    old = int(time.time()) - 2 * 86400
    tampered = sign_init_data().replace("Ivan", "Evil")
    cases = {
        "wrong bot": {"init_data": sign_init_data(OTHER_BOT_TOKEN)},
        "expired": {"init_data": sign_init_data(auth_date=old)},
        "tampered": {"init_data": tampered},
        "no hash": {"init_data": sign_init_data().split("&hash=")[0]},
        "widget wrong bot": sign_login_widget(OTHER_BOT_TOKEN),
    }
    for name, body in cases.items():
        response = await tg_api.post(URL, json=body)
        assert response.status_code == 401, name
        assert error_code(response) == "not_authenticated"
        assert TEST_BOT_TOKEN not in response.text
    assert await _users(tg_api) == []


async def test_two_concurrent_first_logins_create_one_account(tg_api: httpx.AsyncClient) -> None:
    bodies = [{"init_data": sign_init_data(user=make_user(31337001))} for _ in range(4)]
    responses = await asyncio.gather(*[tg_api.post(URL, json=b) for b in bodies])
    assert [r.status_code for r in responses] == [200] * 4
    assert len(await _users(tg_api)) == 1


async def test_link_conflicts_and_unlink(tg_api: httpx.AsyncClient) -> None:
    alice = bearer(await register(tg_api, "alice_tg"))
    bob = bearer(await register(tg_api, "bob_tg1"))
    body = {"init_data": sign_init_data(user=make_user(777000111))}
    linked = await tg_api.post("/api/auth/v1/account/socials/telegram", headers=alice, json=body)
    assert linked.status_code == 200 and linked.json()["external_id"] == "777000111"
    taken = await tg_api.post("/api/auth/v1/account/socials/telegram", headers=bob, json=body)
    assert taken.status_code == 409
    second = {"init_data": sign_init_data(user=make_user(777000222))}
    assert (
        await tg_api.post("/api/auth/v1/account/socials/telegram", headers=alice, json=second)
    ).status_code == 409
    # Logging in with the linked Telegram account signs in as alice.
    via_telegram = (await tg_api.post(URL, json=body)).json()
    me = (await tg_api.get("/api/auth/v1/me", headers=bearer(via_telegram))).json()
    assert me["login"] == "alice_tg"

    assert (
        await tg_api.delete("/api/auth/v1/account/socials/telegram", headers=alice)
    ).status_code == 204
    assert (
        await tg_api.delete("/api/auth/v1/account/socials/telegram", headers=alice)
    ).status_code == 404


async def test_a_telegram_only_account_cannot_unlink(tg_api: httpx.AsyncClient) -> None:
    tokens = (
        await tg_api.post(URL, json={"init_data": sign_init_data(user=make_user(4242001))})
    ).json()
    response = await tg_api.delete("/api/auth/v1/account/socials/telegram", headers=bearer(tokens))
    assert response.status_code == 409


async def test_webhook_rejects_a_wrong_secret_and_feeds_the_right_one(
    tg_api: httpx.AsyncClient,
    fake_bot_api: FakeBotAPI,
) -> None:
    tokens = (
        await tg_api.post(URL, json={"init_data": sign_init_data(user=make_user(6000001))})
    ).json()
    assert tokens
    context = tg_api.app.state.context  # type: ignore[attr-defined]
    blocked = {
        "update_id": 1,
        "my_chat_member": {
            "chat": {"id": 6000001, "type": "private", "first_name": "Ivan"},
            "from": {"id": 6000001, "is_bot": False, "first_name": "Ivan"},
            "date": int(time.time()),
            "old_chat_member": {
                "status": "member",
                "user": {"id": 1, "is_bot": True, "first_name": "Bot"},
            },
            "new_chat_member": {
                "status": "kicked",
                "until_date": 0,
                "user": {"id": 1, "is_bot": True, "first_name": "Bot"},
            },
        },
    }
    wrong = await tg_api.post(
        "/api/telegram/webhook", json=blocked, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
    )
    assert wrong.status_code == 401
    right = await tg_api.post(
        "/api/telegram/webhook",
        json=blocked,
        headers={"X-Telegram-Bot-Api-Secret-Token": context.telegram.webhook_secret},
    )
    assert right.status_code == 200
    async with context.db.unit_of_work() as db:
        social = await db.scalar(sa.select(Social).where(Social.external_id == "6000001"))
        assert social is not None and social.reachable is False


async def test_status_and_public_settings_show_telegram(tg_api: httpx.AsyncClient) -> None:
    status = (await tg_api.get("/api/app/v1/status")).json()
    assert status["telegram"]["status"] == "ok"
    public = (await tg_api.get("/api/app/v1/settings")).json()
    assert public["telegram"]["login_enabled"] is True


async def test_telegram_login_when_not_configured(api: httpx.AsyncClient) -> None:
    response = await api.post(URL, json={"init_data": sign_init_data()})
    assert response.status_code == 403


async def test_the_widget_schema_states_what_is_accepted(tg_api: httpx.AsyncClient) -> None:
    """Found by the API fuzzer: the id bound 2**63 - 1 reached the schema as the double
    2**63 (larger ids looked valid), and extra fields looked free-form though only strings
    and integers are signed."""
    widget = tg_api.app.openapi()["components"]["schemas"]["TelegramWidgetLogin"]  # type: ignore[attr-defined]
    assert widget["properties"]["id"]["maximum"] == 2**53 - 1 == float(2**53 - 1)
    assert widget["additionalProperties"] == {"type": ["string", "integer", "null"]}
    too_big = sign_login_widget(data={"id": 2**53, "first_name": "Big"})
    response = await tg_api.post(URL, json=too_big)
    assert response.status_code == 422 and error_code(response) == "validation_error"
    nested = sign_login_widget(data={"id": 5550002, "first_name": "Nest", "extra": [1]})
    response = await tg_api.post(URL, json=nested)
    assert response.status_code == 422 and error_code(response) == "validation_error"
    largest = sign_login_widget(data={"id": 2**53 - 1, "first_name": "Max"})
    assert (await tg_api.post(URL, json=largest)).status_code == 200
