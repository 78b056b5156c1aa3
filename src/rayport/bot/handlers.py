"""Bot handlers: thin adapters between Telegram updates and `BotBackend`.

Only private chats are served: ``web_app`` buttons work nowhere else (Telegram answers
``BUTTON_TYPE_INVALID`` in groups, NOTES §4), and a VPN account is personal.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter, Command, CommandStart
from aiogram.types import (
    ChatMemberUpdated,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Message,
    User,
    WebAppInfo,
)

from rayport.bot import texts
from rayport.bot.backend import BotBackend
from rayport.telegram.language import Lang, lang_from_telegram

logger = logging.getLogger(__name__)


def open_app_keyboard(lang: Lang, web_app_url: str) -> InlineKeyboardMarkup:
    """One inline button that opens the web app as a Mini App."""
    button = InlineKeyboardButton(
        text=texts.OPEN_APP_BUTTON[lang], web_app=WebAppInfo(url=web_app_url)
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def menu_button(lang: Lang, web_app_url: str) -> MenuButtonWebApp:
    return MenuButtonWebApp(text=texts.MENU_BUTTON[lang], web_app=WebAppInfo(url=web_app_url))


def user_lang(user: User | None) -> Lang:
    return lang_from_telegram(user.language_code if user else None)


async def on_start(message: Message, bot: Bot, web_app_url: str) -> None:
    """``/start`` (with or without a deep-link payload): welcome, app button, menu button."""
    lang = user_lang(message.from_user)
    first_name = message.from_user.first_name if message.from_user else None
    await message.answer(
        texts.start(lang, first_name),
        parse_mode=texts.PARSE_MODE,
        reply_markup=open_app_keyboard(lang, web_app_url),
    )
    try:
        # Per chat, so the button speaks the user's language.
        await bot.set_chat_menu_button(
            chat_id=message.chat.id, menu_button=menu_button(lang, web_app_url)
        )
    except TelegramAPIError as exc:
        # The welcome already went out; the bot-wide default menu button still works.
        logger.warning("Could not set the menu button for chat %s: %s", message.chat.id, exc)


async def on_help(message: Message, web_app_url: str) -> None:
    lang = user_lang(message.from_user)
    await message.answer(
        texts.HELP[lang],
        parse_mode=texts.PARSE_MODE,
        reply_markup=open_app_keyboard(lang, web_app_url),
    )


async def on_status(message: Message, backend: BotBackend, web_app_url: str) -> None:
    """``/status``: the linked account's configs, or how to link one."""
    if message.from_user is None:
        return
    lang = user_lang(message.from_user)
    status = await backend.status_for(message.from_user.id)
    text = (
        texts.NOT_LINKED[lang]
        if status is None
        else texts.status(lang, status, now=datetime.now(UTC))
    )
    await message.answer(
        text, parse_mode=texts.PARSE_MODE, reply_markup=open_app_keyboard(lang, web_app_url)
    )


async def on_other_text(message: Message, web_app_url: str) -> None:
    lang = user_lang(message.from_user)
    await message.answer(
        texts.SHORT_HELP[lang],
        parse_mode=texts.PARSE_MODE,
        reply_markup=open_app_keyboard(lang, web_app_url),
    )


async def on_blocked(event: ChatMemberUpdated, backend: BotBackend) -> None:
    """The user blocked the bot (``kicked`` in a private chat): stop messaging them."""
    await backend.set_reachable(event.chat.id, False)


async def on_unblocked(event: ChatMemberUpdated, backend: BotBackend) -> None:
    """The user restarted the bot after blocking it."""
    await backend.set_reachable(event.chat.id, True)


async def on_error(event: ErrorEvent) -> bool:
    """Log a failed update and, if a user is waiting for an answer, apologise.

    Returning ``True`` marks the update handled, so polling and the webhook both move on
    instead of Telegram redelivering an update the user already got an apology for.
    """
    logger.error("Telegram update %s failed", event.update.update_id, exc_info=event.exception)
    message = event.update.message
    # A Telegram error (user blocked the bot, flood limit) would hit the apology too.
    if message is not None and not isinstance(event.exception, TelegramAPIError):
        try:
            await message.answer(texts.ERROR[user_lang(message.from_user)])
        except TelegramAPIError as exc:
            logger.warning("Could not apologise in chat %s: %s", message.chat.id, exc)
    return True


def build_router() -> Router:
    """A fresh router with every handler (a router can belong to one dispatcher only)."""
    router = Router(name="rayport")
    private = F.chat.type == ChatType.PRIVATE
    router.message.filter(private)
    router.my_chat_member.filter(private)

    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_status, Command("status"))
    router.message.register(on_other_text, F.text)
    router.my_chat_member.register(on_blocked, ChatMemberUpdatedFilter(KICKED))
    router.my_chat_member.register(on_unblocked, ChatMemberUpdatedFilter(MEMBER))
    router.errors.register(on_error)
    return router
