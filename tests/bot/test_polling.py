"""Polling mode: one real run through getUpdates → handler → sendMessage, and start-up."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramServerError

from rayport.bot import configure_bot, run_polling
from tests.bot import updates
from tests.bot.conftest import WEB_APP_URL, FakeBackend
from tests.fixtures.fake_bot_api import FakeBotAPI


async def test_polling_answers_start_and_tracks_blocking(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.max_long_poll = 0.2
    # A webhook left over from webhook mode would make getUpdates fail with 409.
    await bot.set_webhook("https://old.example.com/hook")
    fake_bot_api.push_update(updates.message("/start", user_id=701, language_code="ru"))
    fake_bot_api.push_update(updates.my_chat_member("member", "kicked", user_id=702))

    polling = asyncio.create_task(
        run_polling(dispatcher, bot, polling_timeout=1, handle_signals=False)
    )
    deadline = time.monotonic() + 10
    while not (fake_bot_api.sent_messages(chat_id=701) and backend.reachable):
        assert time.monotonic() < deadline, "polling did not deliver the updates"
        assert not polling.done(), polling
        await asyncio.sleep(0.02)
    await dispatcher.stop_polling()
    await asyncio.wait_for(polling, 5)

    methods = [c.method for c in fake_bot_api.calls]
    assert methods.index("deleteWebhook") < methods.index("getMe") < methods.index("getUpdates")
    assert fake_bot_api.webhook is None
    [sent] = fake_bot_api.sent_messages(chat_id=701)
    assert sent["text"].startswith("Привет")
    assert sent["reply_markup"]["inline_keyboard"][0][0]["web_app"] == {"url": WEB_APP_URL}
    assert backend.reachable == [(702, False)]
    # polling asked only for the update types the handlers use
    get_updates = fake_bot_api.calls_of("getUpdates")[0]
    assert sorted(get_updates.params["allowed_updates"]) == ["message", "my_chat_member"]


async def test_configure_bot_survives_a_refused_menu_button(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.fail(
        400,
        "Bad Request: Web App URL 'http://127.0.0.1:8000' is invalid: Only HTTPS links are allowed",
        methods=["setChatMenuButton"],
    )
    await configure_bot(bot, "http://127.0.0.1:8000")
    assert fake_bot_api.menu_button() is None
    assert [c["command"] for c in fake_bot_api.my_commands()] == ["start", "status", "help"]

    fake_bot_api.server_error(500, methods=["setMyCommands"])
    with pytest.raises(TelegramServerError):
        await configure_bot(bot, WEB_APP_URL)
