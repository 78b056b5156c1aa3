"""The fake Bot API against the real aiogram client, over real HTTP."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import httpx
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    WebAppInfo,
)

from tests.fixtures.fake_bot_api import FakeBotAPI

APP_URL = "https://app.example.com/"


async def test_get_me(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "rayport_test_bot")
    [call] = fake_bot_api.calls
    assert call.method == "getMe" and call.token == "123456:TEST-token" and call.status == 200


async def test_send_message_with_web_app_button(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Open", web_app=WebAppInfo(url=APP_URL))]]
    )
    message = await bot.send_message(chat_id=42, text="hi + 1 & 2", reply_markup=markup)

    assert message.chat.id == 42 and message.text == "hi + 1 & 2"
    assert message.reply_markup is not None
    assert message.reply_markup.model_dump(exclude_none=True) == markup.model_dump(
        exclude_none=True
    )
    [sent] = fake_bot_api.sent_messages(chat_id=42)
    assert sent["chat_id"] == 42
    assert sent["text"] == "hi + 1 & 2"
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "Open", "web_app": {"url": APP_URL}}]]
    }
    # the raw form fields are kept as sent: nested objects travel as JSON strings
    assert fake_bot_api.calls[-1].raw["reply_markup"].startswith('{"inline_keyboard"')


async def test_429_becomes_retry_after_then_succeeds(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.rate_limit(7, chat_id=5)
    with pytest.raises(TelegramRetryAfter) as exc:
        await bot.send_message(chat_id=5, text="x")
    assert exc.value.retry_after == 7
    await bot.send_message(chat_id=5, text="x")  # "times=1" by default
    assert [c.status for c in fake_bot_api.calls] == [429, 200]


async def test_scripted_errors_map_to_aiogram_exceptions(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.block_chat(1)
    fake_bot_api.chat_not_found(2)
    fake_bot_api.server_error(502, chat_id=3)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(chat_id=1, text="x")
    with pytest.raises(TelegramForbiddenError):  # until cleared
        await bot.send_message(chat_id=1, text="again")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(chat_id=2, text="x")
    with pytest.raises(TelegramServerError):
        await bot.send_message(chat_id=3, text="x")
    await bot.send_message(chat_id=3, text="x")  # the 502 was a one-off
    await bot.send_message(chat_id=4, text="x")  # other chats are unaffected
    fake_bot_api.clear_failures()
    await bot.send_message(chat_id=1, text="x")
    assert fake_bot_api.sent_messages(1) == [fake_bot_api.calls[-1].params]


async def test_global_failure_and_method_filter(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.rate_limit(3, times=None, methods=["sendMessage"])
    assert (await bot.get_me()).id == 123456
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(chat_id=9, text="x")


async def test_wrong_token_is_unauthorized(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.token = "123456:SOMETHING-else"
    with pytest.raises(TelegramUnauthorizedError):
        await bot.get_me()


async def test_rate_violations_are_recorded(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    for _ in range(3):
        await bot.send_message(chat_id=10, text="burst")
    per_chat = [v for v in fake_bot_api.violations if v.kind == "per_chat"]
    assert [(v.chat_id, v.count) for v in per_chat] == [("10", 2), ("10", 3)]

    fake_bot_api.reset()
    fake_bot_api.global_limit = 5
    await asyncio.gather(*(bot.send_message(chat_id=100 + i, text="x") for i in range(7)))
    kinds = [v.kind for v in fake_bot_api.violations]
    assert kinds == ["global", "global"]  # messages 6 and 7 within one second


async def test_enforced_limits_answer_429(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.enforce_limits = True
    await bot.send_message(chat_id=11, text="first")
    with pytest.raises(TelegramRetryAfter) as exc:
        await bot.send_message(chat_id=11, text="too soon")
    assert exc.value.retry_after == 1
    assert len(fake_bot_api.sent_messages(11)) == 1
    assert len(fake_bot_api.violations) == 1


async def test_menu_button_and_commands_are_remembered(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    button = MenuButtonWebApp(text="Open", web_app=WebAppInfo(url=APP_URL))
    assert await bot.set_chat_menu_button(chat_id=42, menu_button=button)
    assert fake_bot_api.menu_button(42) == {
        "type": "web_app",
        "text": "Open",
        "web_app": {"url": APP_URL},
    }
    assert fake_bot_api.menu_button() is None
    got = await bot.get_chat_menu_button(chat_id=42)
    assert isinstance(got, MenuButtonWebApp) and got.web_app.url == APP_URL

    await bot.set_my_commands(
        [BotCommand(command="start", description="Start")], language_code="ru"
    )
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start"]
    assert await bot.get_my_commands() == []


async def test_get_updates_long_polls_and_confirms(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.max_long_poll = 0.2
    started = time.monotonic()
    assert await bot.get_updates(timeout=10) == []
    assert 0.15 < time.monotonic() - started < 2  # waited, but capped

    first = fake_bot_api.push_update({"message": _message("one")})
    fake_bot_api.push_update({"message": _message("two")})
    updates = await bot.get_updates(timeout=1)
    assert [u.message.text for u in updates if u.message] == ["one", "two"]
    updates = await bot.get_updates(offset=first + 1, timeout=1)
    assert [u.update_id for u in updates] == [first + 1]
    assert await bot.get_updates(offset=first + 2, timeout=0) == []
    assert fake_bot_api.pending_updates == []


async def test_update_pushed_while_polling_wakes_the_poll(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    fake_bot_api.push_update({"message": _message("late")})
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["late"]


async def test_webhook_blocks_get_updates(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    await bot.set_webhook("https://rayport.example.com/hook", secret_token="s3cret")
    assert fake_bot_api.webhook == {
        "url": "https://rayport.example.com/hook",
        "secret_token": "s3cret",
    }
    assert (await bot.get_webhook_info()).url == "https://rayport.example.com/hook"
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == []


async def test_multipart_upload_is_parsed(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    document = BufferedInputFile(b"x" * 1000, filename="report.txt")
    message = await bot.send_document(chat_id=12, document=document, caption="your report")
    assert message.caption == "your report"
    call = fake_bot_api.calls_of("sendDocument")[0]
    assert call.params["chat_id"] == 12 and call.params["caption"] == "your report"
    assert list(call.files.values()) == [1000]


def test_command_line_server_and_control_api() -> None:
    # A separately started process: the way a bot or notifier subprocess would use it.
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.fake_bot_api", "--token", "1:abc"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("FAKE_BOT_API_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        with httpx.Client(base_url=url, timeout=5) as client:
            assert client.post("/bot1:abc/getMe").json()["result"]["id"] == 1
            assert client.post("/bot2:abc/getMe").status_code == 401
            ids = client.post("/_fake/updates", json={"message": _message("hello")}).json()
            got = client.post("/bot1:abc/getUpdates", data={"timeout": "0"}).json()
            assert [u["update_id"] for u in got["result"]] == ids["update_ids"]
            client.post("/_fake/failures", json={"status": 403, "description": "Forbidden: x"})
            assert client.post("/bot1:abc/sendMessage", data={"chat_id": "1"}).status_code == 403
            calls = client.get("/_fake/calls", params={"method": "getMe"}).json()
            assert [c["status"] for c in calls] == [200, 401]
            assert client.post("/_fake/reset").json() == {"ok": True}
            assert client.get("/_fake/calls").json() == []
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        if proc.stdout is not None:
            proc.stdout.close()


def _message(text: str) -> dict[str, object]:
    return {
        "message_id": 1,
        "date": 0,
        "text": text,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "U"},
    }
