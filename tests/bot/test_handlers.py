"""Bot handlers driven through the real aiogram client against the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED

from rayport.bot import ConfigSummary, UserStatus, build_bot, build_dispatcher, texts
from tests.bot import updates
from tests.bot.conftest import WEB_APP_URL, FakeBackend
from tests.fixtures.fake_bot_api import FakeBotAPI

GIB = 1024**3


def _web_app_keyboard(text: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": text, "web_app": {"url": WEB_APP_URL}}]]}


async def _feed(dispatcher: Dispatcher, bot: Bot, data: dict[str, Any]) -> Any:
    return await dispatcher.feed_update(bot, updates.as_update(bot, data))


async def test_start_in_english(dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    await _feed(dispatcher, bot, updates.message("/start", user_id=501, language_code="en-US"))

    [sent] = fake_bot_api.sent_messages(chat_id=501)
    assert sent["text"].startswith("Hi, Ann!")
    assert sent["parse_mode"] == "HTML"
    assert sent["reply_markup"] == _web_app_keyboard("Open RayPort")
    assert fake_bot_api.menu_button(501) == {
        "type": "web_app",
        "text": "Open",
        "web_app": {"url": WEB_APP_URL},
    }
    # the message first, then the menu button
    assert [c.method for c in fake_bot_api.calls] == ["sendMessage", "setChatMenuButton"]


async def test_start_in_russian_with_deep_link_payload(
    dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    await _feed(
        dispatcher,
        bot,
        updates.message("/start ref_42", user_id=502, language_code="ru", first_name="Иван"),
    )

    [sent] = fake_bot_api.sent_messages(chat_id=502)
    assert sent["text"].startswith("Привет, Иван!")
    assert sent["reply_markup"] == _web_app_keyboard("Открыть RayPort")
    menu = fake_bot_api.menu_button(502)
    assert menu is not None and menu["text"] == "Открыть"
    assert menu["web_app"] == {"url": WEB_APP_URL}


async def test_start_escapes_the_users_name(
    dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    await _feed(dispatcher, bot, updates.message("/start", user_id=503, first_name="<b>Eve</b>"))
    [sent] = fake_bot_api.sent_messages(chat_id=503)
    assert sent["text"].startswith("Hi, &lt;b&gt;Eve&lt;/b&gt;!")


async def test_start_still_greets_when_the_menu_button_fails(
    dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.fail(400, "Bad Request: invalid menu button", methods=["setChatMenuButton"])
    assert await _feed(dispatcher, bot, updates.message("/start", user_id=504)) is not UNHANDLED
    assert len(fake_bot_api.sent_messages(chat_id=504)) == 1
    assert fake_bot_api.menu_button(504) is None


async def test_help(dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    await _feed(dispatcher, bot, updates.message("/help", user_id=505, language_code="ru"))
    [sent] = fake_bot_api.sent_messages(chat_id=505)
    assert sent["text"] == texts.HELP["ru"]
    assert sent["reply_markup"] == _web_app_keyboard("Открыть RayPort")


@pytest.mark.parametrize("text", ["hello", "/unknown", "what is my password?"])
async def test_other_text_gets_short_help(
    text: str, dispatcher: Dispatcher, bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    await _feed(dispatcher, bot, updates.message(text, user_id=506))
    [sent] = fake_bot_api.sent_messages(chat_id=506)
    assert sent["text"] == texts.SHORT_HELP["en"]
    assert sent["reply_markup"] == _web_app_keyboard("Open RayPort")


async def test_status_of_a_linked_user(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    now = datetime.now(UTC)
    backend.statuses[507] = UserStatus(
        login="ivan_<3",
        configs=[
            ConfigSummary(
                "vless", "active", now + timedelta(days=10, hours=1), 3 * GIB // 2, 50 * GIB
            ),
            ConfigSummary("trojan", "expired", now - timedelta(days=2), 200 * 1024**2, None),
        ],
    )

    await _feed(dispatcher, bot, updates.message("/status", user_id=507))

    [sent] = fake_bot_api.sent_messages(chat_id=507)
    text = sent["text"]
    assert "Account <b>ivan_&lt;3</b>" in text
    assert "<b>VLESS</b> — active" in text
    assert "10 days left" in text
    assert "Traffic: 1.5 GB of 50 GB" in text
    assert "<b>Trojan</b> — expired" in text
    assert f"Expired on {(now - timedelta(days=2)):%Y-%m-%d}" in text
    assert "Traffic: 200 MB (unlimited)" in text
    assert sent["reply_markup"] == _web_app_keyboard("Open RayPort")


async def test_status_in_russian(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    now = datetime.now(UTC)
    backend.statuses[508] = UserStatus(
        login="ivan",
        configs=[
            ConfigSummary(
                "vless", "active", now + timedelta(days=3, hours=2), 3 * GIB // 2, 50 * GIB
            )
        ],
    )
    await _feed(dispatcher, bot, updates.message("/status", user_id=508, language_code="ru"))
    [sent] = fake_bot_api.sent_messages(chat_id=508)
    assert "ещё 3 дня" in sent["text"]
    assert "Трафик: 1,5 ГБ из 50 ГБ" in sent["text"]


async def test_status_not_linked_and_no_configs(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    await _feed(dispatcher, bot, updates.message("/status", user_id=509))
    [sent] = fake_bot_api.sent_messages(chat_id=509)
    assert sent["text"] == texts.NOT_LINKED["en"]
    assert sent["reply_markup"] == _web_app_keyboard("Open RayPort")

    backend.statuses[510] = UserStatus(login="newbie")
    await _feed(dispatcher, bot, updates.message("/status", user_id=510))
    [sent] = fake_bot_api.sent_messages(chat_id=510)
    assert texts.NO_CONFIGS["en"] in sent["text"]


async def test_backend_failure_gets_an_apology_not_a_crash(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    backend.broken = True
    await _feed(dispatcher, bot, updates.message("/status", user_id=511, language_code="ru"))
    [sent] = fake_bot_api.sent_messages(chat_id=511)
    assert sent["text"] == texts.ERROR["ru"]


async def test_blocked_and_unblocked(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    await _feed(dispatcher, bot, updates.my_chat_member("member", "kicked", user_id=512))
    await _feed(dispatcher, bot, updates.my_chat_member("kicked", "member", user_id=512))
    assert backend.reachable == [(512, False), (512, True)]
    assert fake_bot_api.calls == []  # nothing is sent to someone who just blocked us


async def test_groups_are_ignored(
    dispatcher: Dispatcher, bot: Bot, backend: FakeBackend, fake_bot_api: FakeBotAPI
) -> None:
    group_start = updates.message("/start", user_id=513, chat_id=-100513, chat_type="supergroup")
    assert await _feed(dispatcher, bot, group_start) is UNHANDLED
    kicked = updates.my_chat_member("member", "kicked", user_id=513, chat_type="group")
    assert await _feed(dispatcher, bot, kicked) is UNHANDLED
    assert backend.reachable == []
    assert fake_bot_api.calls == []


def test_build_dispatcher_wants_an_absolute_url(backend: FakeBackend) -> None:
    for bad in ("rayport.example.com", "ftp://x/", "/app"):
        with pytest.raises(ValueError, match="WEB_APP_URL"):
            build_dispatcher(backend, bad)


def test_build_bot_rejects_a_malformed_token() -> None:
    for bad in ("not-a-token", "123:", "12 3:abc"):
        with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN") as exc:
            build_bot(bad, "http://127.0.0.1:1")
        assert bad not in str(exc.value)
