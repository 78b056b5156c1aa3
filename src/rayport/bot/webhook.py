"""Webhook mode: the API receives Telegram's POSTs and hands them to `WebhookHandler`.

The API mounts one route, e.g. ``POST /api/telegram/webhook``, and calls
``await handler(await request.body(), request.headers.get(SECRET_HEADER))``; a 200 with
an empty body is the right answer on success. Register the URL once per deploy with
`install_webhook`. Several API replicas can serve the same webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from typing import Any, Final

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from rayport.bot.app import configure_bot
from rayport.errors import NotAuthenticated, ValidationFailed

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
_SECRET_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")  # Bot API setWebhook rules


def derive_webhook_secret(bot_token: str) -> str:
    """A webhook secret derived from the bot token (64 hex chars).

    Every API replica computes the same value without one more setting to share, and it
    reveals nothing about the token. A new token gives a new secret: re-run
    `install_webhook` after rotating the token.
    """
    return hmac.new(b"rayport-telegram-webhook", bot_token.encode(), hashlib.sha256).hexdigest()


class WebhookHandler:
    """Checks the secret header and feeds the update to the dispatcher.

    Failures inside handlers are logged and the update is acknowledged anyway — the same
    as in polling mode — so Telegram does not redeliver an update that already reached
    the user (the error handler has apologised to them).
    """

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str) -> None:
        """Raises ValueError if ``secret_token`` breaks Telegram's rules
        (1-256 characters of ``A-Z a-z 0-9 _ -``)."""
        if not _SECRET_RE.fullmatch(secret_token):
            raise ValueError("webhook secret must be 1-256 characters of A-Z a-z 0-9 _ -")
        self._dispatcher = dispatcher
        self._bot = bot
        self._secret = secret_token.encode()

    async def __call__(
        self, body: bytes | str | Mapping[str, Any], secret_token: str | None
    ) -> None:
        """Process one webhook request.

        ``body`` is the raw request body (or already decoded JSON); ``secret_token`` the
        value of the ``X-Telegram-Bot-Api-Secret-Token`` header (``None`` if absent).

        Raises:
            NotAuthenticated: the secret header is missing or wrong (checked first, in
                constant time, before the body is even parsed).
            ValidationFailed: the body is not JSON or not a Telegram Update.
        """
        if secret_token is None or not hmac.compare_digest(secret_token.encode(), self._secret):
            raise NotAuthenticated("Telegram webhook secret token is missing or wrong")
        update = self._parse(body)
        try:
            result = await self._dispatcher.feed_update(self._bot, update)
        except Exception:
            logger.exception("Telegram update %s failed", update.update_id)
            return
        if isinstance(result, TelegramMethod):
            # A handler returned a method instead of calling it; call it, as polling does.
            await self._dispatcher.silent_call_request(self._bot, result)

    def _parse(self, body: bytes | str | Mapping[str, Any]) -> Update:
        if isinstance(body, bytes | str):
            try:
                data = json.loads(body)
            except ValueError:
                raise ValidationFailed("Telegram update is not JSON") from None
        else:
            data = dict(body)
        try:
            return Update.model_validate(data, context={"bot": self._bot})
        except ValidationError:
            raise ValidationFailed("Telegram update is not a valid Update") from None


def make_webhook_handler(dispatcher: Dispatcher, bot: Bot, secret_token: str) -> WebhookHandler:
    """The async callable the API mounts; see `WebhookHandler.__call__`."""
    return WebhookHandler(dispatcher, bot, secret_token)


async def install_webhook(
    dispatcher: Dispatcher,
    bot: Bot,
    url: str,
    secret_token: str,
    *,
    drop_pending_updates: bool = False,
) -> None:
    """Register ``url`` with Telegram (with the secret and the update types the handlers
    use) and install commands and menu button. Idempotent.

    Raises `aiogram.exceptions.TelegramAPIError` (e.g. Telegram refuses a non-https URL).
    """
    await configure_bot(bot, dispatcher["web_app_url"])
    await bot.set_webhook(
        url=url,
        secret_token=secret_token,
        allowed_updates=dispatcher.resolve_used_update_types(),
        drop_pending_updates=drop_pending_updates,
    )
