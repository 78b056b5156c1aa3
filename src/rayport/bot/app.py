"""Building and running the bot: `build_bot`, `build_dispatcher`, `configure_bot`,
`run_polling`. Webhook mode lives in `rayport.bot.webhook`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand
from aiogram.utils.token import TokenValidationError, validate_token

from rayport.bot import texts
from rayport.bot.backend import BotBackend
from rayport.bot.handlers import build_router, menu_button
from rayport.telegram.language import RUSSIAN_LANGUAGE_CODES, Lang

logger = logging.getLogger(__name__)


def build_bot(token: str, api_url: str | None = None) -> Bot:
    """A `Bot` talking to Telegram, or to the Bot API server at ``api_url``
    (``TELEGRAM_API_URL``: a self-hosted ``telegram-bot-api`` or the tests' fake).

    The caller owns the HTTP session: ``await bot.session.close()`` when done
    (`run_polling` does it itself).

    Raises:
        ValueError: ``token`` is not ``<digits>:<secret>`` (the message does not echo it).
    """
    try:
        validate_token(token)
    except TokenValidationError:
        raise ValueError("TELEGRAM_BOT_TOKEN is not a bot token (<digits>:<secret>)") from None
    if api_url:
        return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    return Bot(token)


def build_dispatcher(backend: BotBackend, web_app_url: str) -> Dispatcher:
    """A dispatcher with RayPort's handlers; ``backend`` and ``web_app_url`` reach them as
    workflow data (``dispatcher["backend"]``, ``dispatcher["web_app_url"]``).

    Raises:
        ValueError: ``web_app_url`` is not an absolute http(s) URL.
    """
    parts = urlsplit(web_app_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"WEB_APP_URL must be an absolute https:// URL, got {web_app_url!r}")
    if parts.scheme == "http":
        # Telegram refuses plain-http Web App buttons outside its test environment.
        logger.warning(
            "WEB_APP_URL %s is not https: Telegram will reject the Mini App buttons",
            web_app_url,
        )
    dispatcher = Dispatcher(disable_fsm=True, backend=backend, web_app_url=web_app_url)
    dispatcher.include_router(build_router())
    return dispatcher


async def configure_bot(bot: Bot, web_app_url: str) -> None:
    """Install the bot-wide defaults: command list (English, and Russian for the languages
    `rayport.telegram.language` maps to Russian) and the default menu button.

    Idempotent; call it on every start. A menu button Telegram refuses (400, e.g. a
    plain-http URL) is logged, not raised; other `TelegramAPIError` subclasses propagate.
    """
    # language_code=None is the fallback for every language without its own list.
    groups: tuple[tuple[Lang, Sequence[str | None]], ...] = (
        ("en", [None]),
        ("ru", sorted(RUSSIAN_LANGUAGE_CODES)),
    )
    for lang, codes in groups:
        commands = [
            BotCommand(command=name, description=description)
            for name, description in texts.COMMANDS[lang]
        ]
        for code in codes:
            await bot.set_my_commands(commands, language_code=code)
    try:
        await bot.set_chat_menu_button(menu_button=menu_button("en", web_app_url))
    except TelegramBadRequest as exc:
        # Typically a plain-http WEB_APP_URL in development: commands still work, so the
        # bot keeps running rather than dying at start-up over its menu button.
        logger.warning("Telegram refused the menu button for %s: %s", web_app_url, exc)


async def run_polling(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    polling_timeout: int = 30,
    handle_signals: bool = True,
) -> None:
    """Serve updates by long polling until SIGINT/SIGTERM (``handle_signals``) or
    ``await dispatcher.stop_polling()``; closes the bot's session on the way out.

    Deletes any webhook first (Telegram refuses ``getUpdates`` while one is set) and
    installs the commands and menu button. Only one poller per bot may run; scale with
    webhook mode instead. Raises `aiogram.exceptions.TelegramAPIError` if start-up calls
    fail; once polling, network errors are retried with backoff by aiogram.
    """
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await configure_bot(bot, dispatcher["web_app_url"])
        await dispatcher.start_polling(
            bot,
            polling_timeout=polling_timeout,
            handle_signals=handle_signals,
            allowed_updates=dispatcher.resolve_used_update_types(),
            close_bot_session=True,
        )
    finally:
        await bot.session.close()
