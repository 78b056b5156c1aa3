"""The API process's Telegram side: the bot client (status, webhook) when a token is set."""

from __future__ import annotations

import asyncio
import logging
import time

from aiogram import Bot, Dispatcher

from rayport.bot.app import build_bot, build_dispatcher
from rayport.bot.db_backend import DatabaseBotBackend
from rayport.bot.webhook import WebhookHandler, derive_webhook_secret, make_webhook_handler
from rayport.db.engine import Database
from rayport.settings import Settings

logger = logging.getLogger(__name__)
STATUS_CACHE_SEC = 60.0


class TelegramRuntime:
    def __init__(self, settings: Settings, database: Database) -> None:
        assert settings.telegram.bot_token is not None
        self.token = settings.telegram.bot_token.get_secret_value()
        self.bot: Bot = build_bot(self.token, settings.telegram.api_url)
        self.dispatcher: Dispatcher = build_dispatcher(
            DatabaseBotBackend(database), settings.web_app_url
        )
        configured = settings.telegram.webhook_secret
        self.webhook_secret = (
            configured.get_secret_value() if configured else derive_webhook_secret(self.token)
        )
        self._webhook: WebhookHandler | None = None
        self._status: tuple[bool, float] | None = None
        self.bot_username: str | None = None

    @property
    def webhook(self) -> WebhookHandler:
        if self._webhook is None:
            self._webhook = make_webhook_handler(self.dispatcher, self.bot, self.webhook_secret)
        return self._webhook

    async def is_ok(self) -> bool:
        """Does getMe succeed? Cached for a minute: status pages must not hammer Telegram."""
        if self._status is not None and time.monotonic() - self._status[1] < STATUS_CACHE_SEC:
            return self._status[0]
        try:
            async with asyncio.timeout(5):
                me = await self.bot.get_me()
            self.bot_username = me.username
            ok = True
        except Exception as exc:  # any failure of the Bot API is "error" on the status page
            logger.warning("telegram getMe failed", extra={"error": type(exc).__name__})
            ok = False
        self._status = (ok, time.monotonic())
        return ok

    async def close(self) -> None:
        await self.bot.session.close()
