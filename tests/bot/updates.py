"""Telegram Update payloads as Telegram sends them (dicts), for feed_update and getUpdates."""

from __future__ import annotations

import itertools
from typing import Any

from aiogram import Bot
from aiogram.types import Update

_update_ids = itertools.count(1000)
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "RayPort Test"}


def user(
    user_id: int, *, language_code: str | None = "en", first_name: str = "Ann"
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code is not None:
        data["language_code"] = language_code
    return data


def message(
    text: str,
    *,
    user_id: int = 777,
    language_code: str | None = "en",
    first_name: str = "Ann",
    chat_id: int | None = None,
    chat_type: str = "private",
) -> dict[str, Any]:
    """A text message update; ``/commands`` get their bot_command entity, as Telegram does."""
    msg: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": 1_760_000_000,
        "text": text,
        "chat": {"id": chat_id or user_id, "type": chat_type},
        "from": user(user_id, language_code=language_code, first_name=first_name),
    }
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": msg}


def my_chat_member(
    old: str, new: str, *, user_id: int = 777, chat_type: str = "private"
) -> dict[str, Any]:
    """The bot's own membership changed: ``member → kicked`` is "user blocked the bot"."""

    def member(status: str) -> dict[str, Any]:
        data: dict[str, Any] = {"status": status, "user": BOT_USER}
        if status == "kicked":
            data["until_date"] = 0
        return data

    chat_id = user_id if chat_type == "private" else -100_000 - user_id
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": {"id": chat_id, "type": chat_type},
            "from": user(user_id),
            "date": 1_760_000_000,
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        },
    }


def as_update(bot: Bot, data: dict[str, Any]) -> Update:
    """The dict as an aiogram `Update` bound to ``bot`` (what polling would produce)."""
    return Update.model_validate(data, context={"bot": bot})
