"""Sending Telegram messages within Telegram's limits (NOTES §5), for every notifier process.

Two moving windows from the `limits` library guard each ``sendMessage``: one for the whole
bot (default 25/s; Telegram allows ~30/s) and one per chat (default 1 per 2 s; Telegram
allows 1/s, the doubled window absorbs network jitter between our clock and Telegram's).
With ``REDIS_URL`` (or ``RATE_LIMIT_REDIS_URL``) set the windows live in Redis, so all
notifier replicas share one budget; otherwise, and while Redis is unreachable, each process
keeps them in memory.

Within a process, sends are also paced evenly (one every 1/rate seconds) as they leave,
so slots that free up together do not turn into a burst on the wire.

A 429 (`TelegramRetryAfter`) pauses every send for ``retry_after`` seconds — in this
process and, through the cache, in the others — and halves the rate for a while after.
A chat that is not free yet is not waited for: `send` answers ``deferred`` with the delay,
and the caller reschedules that message, so one busy chat never holds up the rest.

The sender knows nothing about notifications: it sends one message and says what happened
as a `SendResult`; it never raises for Telegram's answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from rayport.cache import Cache, CacheUnavailable
from rayport.cache.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

T = TypeVar("T")

PAUSE_KEY = "telegram:pause_until"
# After a 429 each message costs two slots of the global window for this long (at least a
# minute, or ten times what Telegram asked us to wait): the sender slows to half its rate.
SLOWDOWN_MIN_SEC = 60.0
SLOWDOWN_FACTOR = 10.0
PARSE_MODE = "HTML"


class SendStatus(StrEnum):
    sent = "sent"
    unreachable = "unreachable"
    """The user blocked the bot, deleted the account or never started it; or the chat is
    unknown. Stop using this chat."""
    rejected = "rejected"
    """Telegram refused this message (bad markup, too long...): retrying will not help."""
    retry_after = "retry_after"
    """429: try again in ``delay`` seconds; the sender is paused meanwhile."""
    deferred = "deferred"
    """Not sent: the chat is not free (per-chat limit) or the send-by time would pass
    before it is; try again in ``delay`` seconds."""
    aborted = "aborted"
    """Not sent: the caller asked to stop."""
    failed = "failed"
    """A transient failure (network, 5xx, timeout, bad token): try again later."""


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    error: str | None = None
    delay: float = 0.0


class SendLimiter:
    """The global and per-chat moving windows, in Redis (shared) or memory (this process).

    A Redis failure routes this process to its in-memory windows for the breaker period:
    sends go on at the per-process rate instead of stopping.
    """

    def __init__(
        self,
        global_limit: str,
        chat_limit: str,
        *,
        redis_url: str | None = None,
        key_prefix: str = "rayport:",
        timeout: float = 0.25,
        breaker_open_sec: float = 5.0,
    ) -> None:
        self.global_item: RateLimitItem = parse(global_limit)
        self.chat_item: RateLimitItem = parse(chat_limit)
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        self._pool: ConnectionPool | None = None
        if redis_url:
            self._pool = ConnectionPool.from_url(
                redis_url, socket_timeout=timeout, socket_connect_timeout=timeout
            )
            storage: Storage = RedisStorage(
                f"async+{redis_url}",
                implementation="redispy",
                key_prefix=f"{key_prefix}notifier-limits",
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            self._redis = MovingWindowRateLimiter(storage)
        self.breaker = CircuitBreaker("telegram-limits-store", breaker_open_sec)
        self.fallbacks = 0
        """Calls the shared store failed and this process's windows answered instead."""

    @property
    def shared(self) -> bool:
        return self._redis is not None

    async def _call(self, operation: Callable[[MovingWindowRateLimiter], Awaitable[T]]) -> T:
        if self._redis is not None and self.breaker.allow():
            try:
                result = await operation(self._redis)
            except Exception as exc:  # any store failure: fall back to this process's windows
                self.fallbacks += 1
                self.breaker.record_failure(exc)
            else:
                self.breaker.record_success()
                return result
        return await operation(self._memory)

    async def hit_global(self, cost: int = 1) -> float:
        """Take `cost` slots of the global window; 0 when taken, else seconds to wait."""

        async def hit(limiter: MovingWindowRateLimiter) -> float:
            if await limiter.hit(self.global_item, "global", cost=cost):
                return 0.0
            stats = await limiter.get_window_stats(self.global_item, "global")
            return max(0.002, stats.reset_time - time.time())

        return await self._call(hit)

    async def take_chat(self, chat_id: str) -> float:
        """Take the chat's slot: 0 when taken, else seconds until the chat is free."""

        async def hit(limiter: MovingWindowRateLimiter) -> float:
            if await limiter.hit(self.chat_item, "chat", chat_id):
                return 0.0
            stats = await limiter.get_window_stats(self.chat_item, "chat", chat_id)
            return max(0.01, stats.reset_time - time.time())

        return await self._call(hit)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()


async def _sleep(seconds: float, stop: asyncio.Event | None) -> bool:
    """Sleep up to `seconds`; True as soon as `stop` is set (then stop waiting)."""
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    return stop.is_set()


def _describe(exc: TelegramAPIError) -> str:
    return f"{type(exc).__name__}: {exc.message}"[:500]


class TelegramSender:
    """Sends one message at a time within the limits; many tasks may call `send` at once.

    Tasks of one process take global slots one after another (an asyncio lock), so they
    queue fairly instead of all waking whenever a slot frees up.
    """

    def __init__(
        self,
        bot: Bot,
        limiter: SendLimiter,
        *,
        cache: Cache | None = None,
        send_timeout: float = 15.0,
    ) -> None:
        self.bot = bot
        self.limiter = limiter
        self.cache = cache
        self.send_timeout = send_timeout
        self._global_lock = asyncio.Lock()
        self._chat_window = float(limiter.chat_item.get_expiry())
        self._spacing = limiter.global_item.get_expiry() / limiter.global_item.amount
        self._pace_lock = asyncio.Lock()
        self._next_send_at = 0.0  # monotonic
        self._recent_chats: dict[str, float] = {}
        self._paused_until = 0.0  # epoch seconds
        self._slow_until = 0.0
        self._shared_pause_checked = 0.0
        self.retry_after_count = 0

    # --- the 429 pause -----------------------------------------------------------------

    async def _pause_remaining(self) -> float:
        now = time.time()
        if self.cache is not None and now - self._shared_pause_checked >= 0.2:
            self._shared_pause_checked = now
            try:
                shared = await self.cache.get(PAUSE_KEY)
            except CacheUnavailable:
                shared = None
            if shared:
                with contextlib.suppress(ValueError):
                    self._paused_until = max(self._paused_until, float(shared))
        return max(0.0, self._paused_until - now)

    async def pause(self, seconds: float) -> None:
        """Stop every send (here and, through the cache, in other processes) for `seconds`,
        then send at half the rate for a while."""
        now = time.time()
        until = now + seconds
        self._paused_until = max(self._paused_until, until)
        self._slow_until = max(
            self._slow_until, until + max(SLOWDOWN_MIN_SEC, SLOWDOWN_FACTOR * seconds)
        )
        if self.cache is not None:
            try:
                shared = await self.cache.get(PAUSE_KEY)
                if shared is None or float(shared) < until:
                    await self.cache.set(PAUSE_KEY, repr(until), ttl=seconds + 1)
            except (CacheUnavailable, ValueError):
                logger.warning("telegram pause not shared: cache unavailable")

    @property
    def slowed(self) -> bool:
        return time.time() < self._slow_until

    # --- sending -------------------------------------------------------------------------

    async def _take_global(self, stop: asyncio.Event | None) -> bool:
        """Take one slot of the global window (False: `stop` was set while waiting).

        Tasks of this process queue on a lock and take slots one at a time, so they wait
        in order instead of all waking whenever a slot frees up, and sends leave evenly
        spaced rather than in bursts.
        """
        async with self._global_lock:
            while True:
                if stop is not None and stop.is_set():
                    return False
                wait = await self.limiter.hit_global(2 if self.slowed else 1)
                if wait == 0:
                    return True
                if await _sleep(wait, stop):
                    return False

    async def _pace(self, stop: asyncio.Event | None) -> bool:
        """Space this process's sends evenly (1/rate apart) right before they leave; True
        when `stop` was set meanwhile.

        The windows decide how many messages may go; this decides that they do not leave
        in a clump — after the event loop stalls, say, or when slots free up together —
        which Telegram would see as a burst above its per-second rate.
        """
        async with self._pace_lock:
            now = time.monotonic()
            spacing = self._spacing * (2 if self.slowed else 1)
            wait = self._next_send_at - now
            self._next_send_at = max(now, self._next_send_at) + spacing
            if wait > 0 and await _sleep(wait, stop):
                return True
        return False

    def _recently_sent(self, chat_id: str, now: float) -> float:
        """Seconds until this process may send to `chat_id` again, from its own memory."""
        if len(self._recent_chats) > 10_000:
            horizon = now - self._chat_window
            self._recent_chats = {c: t for c, t in self._recent_chats.items() if t > horizon}
        last = self._recent_chats.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self._chat_window - now)

    async def _acquire(
        self, chat_id: str, stop: asyncio.Event | None, send_by: float | None
    ) -> SendResult | None:
        """Wait for the pause and a global slot, then take the chat's slot; None when the
        message may go out now."""
        while True:
            if stop is not None and stop.is_set():
                return SendResult(SendStatus.aborted)
            pause = await self._pause_remaining()
            if pause > 0:
                if send_by is not None and time.time() + pause > send_by:
                    return SendResult(SendStatus.deferred, "paused after a 429", delay=pause)
                if await _sleep(pause, stop):
                    return SendResult(SendStatus.aborted)
                continue
            busy = self._recently_sent(chat_id, time.time())
            if busy > 0:
                return SendResult(SendStatus.deferred, delay=busy)
            if not await self._take_global(stop):
                return SendResult(SendStatus.aborted)
            if send_by is not None and time.time() > send_by:
                return SendResult(SendStatus.deferred, "send-by time passed", delay=0.0)
            if await self._pause_remaining() > 0:
                continue  # a 429 arrived while we waited for the slot
            # Atomic in the shared store: another process may have just taken this chat.
            busy = await self.limiter.take_chat(chat_id)
            if busy > 0:
                return SendResult(SendStatus.deferred, delay=busy)
            self._recent_chats[chat_id] = time.time()
            return None

    async def send(
        self,
        chat_id: str,
        text: str,
        reply_markup: InlineKeyboardMarkup | None = None,
        *,
        stop: asyncio.Event | None = None,
        send_by: float | None = None,
    ) -> SendResult:
        """Send `text` (HTML) to `chat_id` once the limits allow it.

        `stop` set while waiting → ``aborted`` (nothing sent); `send_by` (epoch seconds)
        would pass before a slot is free → ``deferred``. Once the request is on the wire it
        is awaited to the end (bounded by the send timeout), whatever `stop` says.
        Never raises for Telegram's answers; see `SendStatus`.
        """
        not_ready = await self._acquire(chat_id, stop, send_by)
        if not_ready is not None:
            return not_ready
        if await self._pace(stop):
            return SendResult(SendStatus.aborted)
        try:
            await self.bot.send_message(
                chat_id=int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id,
                text=text,
                parse_mode=PARSE_MODE,
                reply_markup=reply_markup,
                request_timeout=max(1, round(self.send_timeout)),
            )
        except TelegramRetryAfter as exc:
            self.retry_after_count += 1
            delay = float(max(1, exc.retry_after))
            logger.warning(
                "telegram asked to slow down", extra={"retry_after": delay, "chat_id": chat_id}
            )
            await self.pause(delay)
            return SendResult(SendStatus.retry_after, _describe(exc), delay=delay)
        except TelegramForbiddenError as exc:
            return SendResult(SendStatus.unreachable, _describe(exc))
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                return SendResult(SendStatus.unreachable, _describe(exc))
            return SendResult(SendStatus.rejected, _describe(exc))
        except (TelegramEntityTooLarge, TelegramMigrateToChat) as exc:
            # Private chats never migrate; a group id is not a user's chat.
            return SendResult(SendStatus.rejected, _describe(exc))
        except TelegramAPIError as exc:  # 401/404/409/5xx, network errors and timeouts
            return SendResult(SendStatus.failed, _describe(exc))
        except Exception as exc:  # e.g. ClientDecodeError: an answer we cannot read
            return SendResult(SendStatus.failed, f"{type(exc).__name__}: {exc}"[:500])
        return SendResult(SendStatus.sent)

    async def close(self) -> None:
        await self.limiter.close()
