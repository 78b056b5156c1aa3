"""What moves between the notifier's pieces: a claimed notification with its recipient,
and what delivering it came to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from rayport.models.enums import NotificationChannel
from rayport.telegram.language import Lang


@dataclass(frozen=True, slots=True)
class Claim:
    """A notification this worker holds until `lease`, and how to reach its user."""

    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    title: dict[str, Any]
    content: dict[str, Any]
    attempts: int
    lease: datetime
    lang: Lang
    email: str | None
    telegram_chat: str | None


class Outcome(StrEnum):
    sent = "sent"
    failed = "failed"
    """A transient failure: retry with backoff (``dead`` after the last attempt)."""
    rescheduled = "rescheduled"
    """Not sent, not a failure (a rate limit): try again after ``delay``."""
    released = "released"
    """Not sent because the worker is stopping: back to the queue at once."""


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    outcome: Outcome
    channel: NotificationChannel | None = None
    error: str | None = None
    """Why it failed; for ``sent``, what happened on the channels tried before."""
    delay: float = 0.0
    unreachable_chat: str | None = None
    """A Telegram chat that proved unreachable (blocked bot, unknown chat) on the way."""


@dataclass(frozen=True, slots=True)
class QueueDepth:
    due: int
    undelivered: int
