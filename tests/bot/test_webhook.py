"""Webhook mode: secret check, body parsing, processing, registration."""

from __future__ import annotations

import json
import re

import pytest
from aiogram import Bot, Dispatcher

from rayport.bot import derive_webhook_secret, install_webhook, make_webhook_handler
from rayport.errors import NotAuthenticated, ValidationFailed
from tests.bot import updates
from tests.bot.conftest import WEB_APP_URL, FakeBackend
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import OTHER_BOT_TOKEN, TEST_BOT_TOKEN

SECRET = derive_webhook_secret(TEST_BOT_TOKEN)


def test_derived_secret_follows_telegrams_rules() -> None:
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", SECRET)
    assert derive_webhook_secret(TEST_BOT_TOKEN) == SECRET
    assert derive_webhook_secret(OTHER_BOT_TOKEN) != SECRET
    assert "TEST-token" not in SECRET


@pytest.mark.parametrize("header", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
async def test_wrong_or_missing_secret_is_rejected(
    header: str | None,
    dispatcher: Dispatcher,
    bot: Bot,
    backend: FakeBackend,
    fake_bot_api: FakeBotAPI,
) -> None:
    handler = make_webhook_handler(dispatcher, bot, SECRET)
    body = json.dumps(updates.message("/start")).encode()
    with pytest.raises(NotAuthenticated) as exc:
        await handler(body, header)
    assert exc.value.status_code == 401
    assert SECRET not in str(exc.value)
    assert fake_bot_api.calls == []


async def test_right_secret_processes_the_update(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    handler = make_webhook_handler(dispatcher, bot, SECRET)

    await handler(json.dumps(updates.message("/start", user_id=601)).encode(), SECRET)
    await handler(json.dumps(updates.message("/help", user_id=601)), SECRET)  # str body
    await handler(updates.my_chat_member("member", "kicked", user_id=601), SECRET)  # decoded

    sent = fake_bot_api.sent_messages(chat_id=601)
    assert [m["reply_markup"]["inline_keyboard"][0][0]["web_app"]["url"] for m in sent] == [
        WEB_APP_URL,
        WEB_APP_URL,
    ]
    assert backend.reachable == [(601, False)]


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "x"}', b'"text"'])
async def test_malformed_body_is_a_validation_error(
    body: bytes, dispatcher: Dispatcher, bot: Bot
) -> None:
    handler = make_webhook_handler(dispatcher, bot, SECRET)
    with pytest.raises(ValidationFailed):
        await handler(body, SECRET)


async def test_handler_failure_is_acknowledged(
    dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    # Telegram refuses every send: logged, and the update is still acknowledged
    # (no exception) so Telegram does not redeliver it.
    fake_bot_api.server_error(500, times=None)
    handler = make_webhook_handler(dispatcher, bot, SECRET)
    await handler(json.dumps(updates.message("/start", user_id=602)), SECRET)
    assert [c.status for c in fake_bot_api.calls] == [500]


def test_secret_must_follow_telegrams_rules(dispatcher: Dispatcher, bot: Bot) -> None:
    for bad in ("", "has space", "x" * 257, "ключ"):
        with pytest.raises(ValueError, match="secret"):
            make_webhook_handler(dispatcher, bot, bad)


async def test_install_webhook(dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    await install_webhook(dispatcher, bot, "https://rayport.example.com/api/telegram", SECRET)

    assert fake_bot_api.webhook is not None
    assert fake_bot_api.webhook["url"] == "https://rayport.example.com/api/telegram"
    assert fake_bot_api.webhook["secret_token"] == SECRET
    assert sorted(fake_bot_api.webhook["allowed_updates"]) == ["message", "my_chat_member"]
    assert fake_bot_api.menu_button() == {
        "type": "web_app",
        "text": "Open",
        "web_app": {"url": WEB_APP_URL},
    }
    for code in ("ru", "be", "kk"):
        commands = fake_bot_api.my_commands(language_code=code)
        assert [c["command"] for c in commands] == ["start", "status", "help"]
        assert commands[0]["description"] == "Открыть RayPort"
    assert fake_bot_api.my_commands()[0]["description"] == "Open RayPort"
