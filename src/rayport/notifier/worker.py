"""`rayport notifier`: the loop that runs the scans and delivers the queue.

Two coroutines share one process:

* the **scheduler**, every ``PROCESS_PERIOD_SEC``: expire configs past ``valid_to`` (and
  tell their users), queue "expires soon" notices, every ``XUI_SYNC_PERIOD_SEC`` the 3X-UI
  bulk sync (when a panel is configured) followed by the traffic scan, hourly the cleanup,
  then a heartbeat in the cache. Each job is a thin adapter: one unit of work, one service
  call, one commit; a failing job is logged and the loop goes on.
* the **delivery pipeline**: claims small batches of due notifications (committed before
  anything is sent), delivers each in its own task within Telegram's limits, and records
  each result in its own unit of work as soon as it is known — so a worker that dies loses
  at most its in-flight messages' records, and those rows come back when their lease
  expires. It refills when half the batch is done and sleeps when the queue is empty
  (woken early when a scan queued something, or when a rescheduled row falls due).

SIGINT/SIGTERM (`run_notifier`): stop claiming, let sends already on the wire finish and
record them, put every claimed-but-unsent row back (``pending``, lease cleared), write a
last heartbeat marked stopped, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.bot.app import build_bot
from rayport.cache import Cache, create_cache
from rayport.configs.panel import Panel
from rayport.db.engine import Database
from rayport.errors import ServiceUnavailable
from rayport.notifier import service
from rayport.notifier.delivery import Deliverer
from rayport.notifier.email import EmailSender
from rayport.notifier.heartbeat import Heartbeat, write_heartbeat
from rayport.notifier.schemas import Claim, DeliveryResult, Outcome
from rayport.settings import Settings
from rayport.telegram.sender import SendLimiter, TelegramSender
from rayport.xui.sync import SyncReport, load_report, store_report, sync_configs

logger = logging.getLogger(__name__)

T = TypeVar("T")

CLEANUP_INTERVAL_SEC = 3600.0
RECENT_FAILURES_SEC = 900.0
SYNC_LOCK = "notifier:xui-sync"
RECORD_RETRY_SEC = 1.0
LIMITS_STORE_TIMEOUT_SEC = 2.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


async def _sleep(seconds: float, *events: asyncio.Event) -> None:
    """Sleep up to `seconds`, or until any of `events` is set."""
    if seconds <= 0:
        return
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


class Notifier:
    """One notifier worker. Several may run against one database (SKIP LOCKED claims,
    leases, limits shared through Redis)."""

    def __init__(
        self,
        settings: Settings,
        *,
        database: Database | None = None,
        cache: Cache | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.settings = settings
        self.config = settings.notifier
        self._owns_db = database is None
        self.db = database or Database(
            settings.db.url, pool_size=settings.db.pool_size, echo=settings.db.echo
        )
        self._owns_cache = cache is None
        self.cache = cache or create_cache(settings.cache)
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"

        self.telegram: TelegramSender | None = None
        if settings.telegram.configured:
            assert settings.telegram.bot_token is not None
            bot = build_bot(
                settings.telegram.bot_token.get_secret_value(), settings.telegram.api_url
            )
            limiter = SendLimiter(
                self.config.telegram_global_limit,
                self.config.telegram_chat_limit,
                redis_url=settings.cache.rate_limit_url,
                key_prefix=settings.cache.key_prefix,
                # Not on a request path: a slow answer (a busy event loop) must not trip
                # the breaker and split the shared budget into per-process ones.
                timeout=max(settings.cache.timeout_sec, LIMITS_STORE_TIMEOUT_SEC),
                breaker_open_sec=settings.cache.breaker_open_sec,
            )
            self.telegram = TelegramSender(
                bot, limiter, cache=self.cache, send_timeout=self.config.send_timeout_sec
            )
        smtp_url = settings.smtp.url.get_secret_value() if settings.smtp.url else ""
        self.email = (
            EmailSender(smtp_url, settings.smtp.sender, timeout=self.config.send_timeout_sec)
            if smtp_url
            else None
        )
        self.deliverer = Deliverer(
            telegram=self.telegram, email=self.email, web_app_url=settings.web_app_url
        )
        self.panel = Panel(settings.xui) if settings.xui.configured else None
        self.policy = service.RetryPolicy(
            max_attempts=self.config.max_attempts,
            base_sec=self.config.retry_base_sec,
            max_sec=self.config.retry_max_sec,
        )
        # Stop starting sends this long before a claim's lease ends: a send that starts
        # later could still be on the wire when another worker takes the row over.
        self.lease_margin = min(self.config.send_timeout_sec + 5, self.config.lease_sec / 2)

        self._wake = asyncio.Event()
        self._next_due = float("inf")  # monotonic time a row we rescheduled falls due
        self._next_sync = 0.0
        self._next_cleanup = 0.0
        self._failures: deque[float] = deque()
        self._held: dict[uuid.UUID, Claim] = {}
        self.sent_total = 0
        self.outcomes: dict[str, int] = {outcome.value: 0 for outcome in Outcome}

    # --- running ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then shut down cleanly (see the module docs)."""
        if self.telegram is not None and not self.deliverer.app_button:
            logger.warning(
                "WEB_APP_URL is not https: Telegram notices go out without the app button"
            )
        logger.info(
            "notifier started",
            extra={
                "worker": self.worker_id,
                "telegram": self.telegram is not None,
                "email": self.email is not None,
                "xui": self.panel is not None,
                "shared_limits": self.telegram is not None and self.telegram.limiter.shared,
            },
        )
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._schedule(stop))
                tasks.create_task(self._deliver_forever(stop))
        finally:
            await self._release_held()
            await self._beat(stopped=True)
            logger.info(
                "notifier stopped",
                extra={"worker": self.worker_id, "sent": self.sent_total, **self.outcomes},
            )

    async def close(self) -> None:
        if self.telegram is not None:
            await self.telegram.close()
            await self.telegram.bot.session.close()
        if self.panel is not None:
            await self.panel.close()
        if self._owns_cache:
            await self.cache.close()
        if self._owns_db:
            await self.db.dispose()

    # --- jobs -------------------------------------------------------------------------------

    async def _job(self, name: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
        """Run `work` in its own unit of work; log and count a failure, never raise."""
        try:
            async with self.db.unit_of_work() as db:
                return await work(db)
        except ServiceUnavailable:
            logger.warning("notifier job skipped: database unavailable", extra={"job": name})
        except Exception:
            logger.exception("notifier job failed", extra={"job": name})
        self._failures.append(time.monotonic())
        return None

    async def run_jobs(self) -> int:
        """One round of the scheduled jobs; returns how many notices they queued."""
        now = _utcnow()
        hours = self.config.config_expiry_notif_hours
        expired = await self._job("expire", lambda db: service.expire_configs(db, now)) or 0
        expiring = (
            await self._job("expiry_scan", lambda db: service.scan_expiring(db, hours, now)) or 0
        )
        traffic = 0
        if time.monotonic() >= self._next_sync:
            self._next_sync = time.monotonic() + self.config.xui_sync_period_sec
            await self._sync_panel()
            traffic = await self._job("traffic_scan", lambda db: service.scan_traffic(db, now)) or 0
        if time.monotonic() >= self._next_cleanup:
            self._next_cleanup = time.monotonic() + CLEANUP_INTERVAL_SEC
            days = self.config.cleanup_period_days
            deleted = await self._job("cleanup", lambda db: service.cleanup(db, days, hours, now))
            if deleted:
                logger.info("old notifications deleted", extra={"deleted": deleted})
        queued = expired + expiring + traffic
        if queued:
            logger.info(
                "notices queued",
                extra={"expired": expired, "expiring": expiring, "traffic": traffic},
            )
            self._wake.set()
        return queued

    async def _sync_panel(self) -> None:
        panel = self.panel
        if panel is None:
            return
        try:
            last = await load_report(self.cache)
            age = (_utcnow() - datetime.fromisoformat(last.at)).total_seconds() if last else None
        except (TypeError, ValueError):  # an unreadable report: sync anyway
            age = None
        if age is not None and age < self.config.xui_sync_period_sec * 0.9:
            return  # another replica synced a moment ago

        async def work(db: AsyncSession) -> SyncReport | None:
            if not await service.try_lock(db, SYNC_LOCK):
                return None  # another replica is syncing right now
            return await sync_configs(db, panel)

        report = await self._job("xui_sync", work)
        if report is None:
            return
        await store_report(self.cache, report)
        if not report.ok:
            logger.warning("3x-ui sync incomplete", extra={"error": report.error})

    async def _schedule(self, stop: asyncio.Event) -> None:
        period = self.config.process_period_sec
        while not stop.is_set():
            started = time.monotonic()
            await self.run_jobs()
            await self._beat()
            await _sleep(period - (time.monotonic() - started), stop)

    # --- heartbeat --------------------------------------------------------------------------

    def recent_failures(self) -> int:
        horizon = time.monotonic() - RECENT_FAILURES_SEC
        while self._failures and self._failures[0] < horizon:
            self._failures.popleft()
        return len(self._failures)

    async def _beat(self, *, stopped: bool = False) -> None:
        depth = None
        with contextlib.suppress(Exception):
            async with self.db.read_only() as db:
                depth = await service.queue_depth(db, _utcnow())
        heartbeat = Heartbeat(
            worker=self.worker_id,
            at=_utcnow(),
            period_sec=self.config.process_period_sec,
            queue_due=depth.due if depth else -1,
            queue_undelivered=depth.undelivered if depth else -1,
            recent_failures=self.recent_failures(),
            sent_total=self.sent_total,
            stopped=stopped,
        )
        if not await write_heartbeat(self.cache, heartbeat):
            logger.warning("notifier heartbeat not written: cache unavailable")

    # --- delivery ---------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[Claim]:
        now = _utcnow()
        try:
            async with self.db.unit_of_work() as db:
                claims = await service.claim(
                    db, limit=limit, lease_sec=self.config.lease_sec, now=now
                )
        except ServiceUnavailable:
            logger.warning("cannot claim notifications: database unavailable")
            self._failures.append(time.monotonic())
            return []
        except Exception:
            logger.exception("claiming notifications failed")
            self._failures.append(time.monotonic())
            return []
        for claim in claims:
            self._held[claim.id] = claim
        return claims

    async def _deliver_forever(self, stop: asyncio.Event) -> None:
        capacity = self.config.batch_size
        in_flight: set[asyncio.Task[None]] = set()
        queue_empty = False
        while not stop.is_set():
            # Refill at half capacity; after a short claim wait for the batch to finish
            # rather than asking an empty queue again after every single send.
            if len(in_flight) <= capacity // 2 and not (queue_empty and in_flight):
                self._wake.clear()
                wanted = capacity - len(in_flight)
                claims = await self._claim(wanted)
                queue_empty = len(claims) < wanted
                for claim in claims:
                    in_flight.add(asyncio.create_task(self._deliver_one(claim, stop)))
            if not in_flight:
                idle = min(self.config.process_period_sec, self._next_due - time.monotonic())
                await _sleep(max(idle, 0.02), stop, self._wake)
                if time.monotonic() >= self._next_due:
                    self._next_due = float("inf")
                queue_empty = False
                continue
            _done, in_flight = await asyncio.wait(
                in_flight,
                timeout=self.config.process_period_sec,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if self._wake.is_set() or time.monotonic() >= self._next_due:
                queue_empty = False
        if in_flight:
            # Sends on the wire finish; tasks still waiting for a slot see `stop` and let go.
            await asyncio.wait(in_flight)

    async def _deliver_one(self, claim: Claim, stop: asyncio.Event) -> None:
        send_by = claim.lease.timestamp() - self.lease_margin
        try:
            result = await self.deliverer.deliver(claim, stop=stop, send_by=send_by)
        except Exception as exc:  # a bug: keep the worker alive, retry the row later
            logger.exception("delivery crashed", extra={"notification_id": str(claim.id)})
            result = DeliveryResult(Outcome.failed, error=f"internal error: {type(exc).__name__}")
        await self._record(claim, result)

    async def _record(self, claim: Claim, result: DeliveryResult) -> None:
        """Record the result; retried while the database is down and the lease lasts (a
        "sent" that is never recorded would be sent again after the lease)."""
        while True:
            try:
                async with self.db.unit_of_work() as db:
                    held = await service.record(
                        db, claim, result, now=_utcnow(), policy=self.policy
                    )
                break
            except Exception as exc:
                if claim.lease.timestamp() <= time.time():
                    logger.error(
                        "could not record a delivery before its lease ended",
                        extra={"notification_id": str(claim.id), "outcome": result.outcome},
                    )
                    self._held.pop(claim.id, None)
                    return
                if not isinstance(exc, ServiceUnavailable):
                    logger.exception("recording a delivery failed; retrying")
                await asyncio.sleep(RECORD_RETRY_SEC)
        self._held.pop(claim.id, None)
        self.outcomes[result.outcome.value] += 1
        if not held:
            logger.warning(
                "lease lost before the result was recorded; another worker owns the row",
                extra={"notification_id": str(claim.id), "outcome": result.outcome},
            )
            return
        if result.outcome is Outcome.sent:
            self.sent_total += 1
        elif result.outcome is Outcome.failed:
            self._failures.append(time.monotonic())
            logger.warning(
                "delivery failed",
                extra={
                    "notification_id": str(claim.id),
                    "attempt": claim.attempts + 1,
                    "error": result.error,
                },
            )
        if result.outcome in (Outcome.rescheduled, Outcome.failed):
            due = time.monotonic() + (
                result.delay if result.outcome is Outcome.rescheduled else self.policy.base_sec / 2
            )
            self._next_due = min(self._next_due, due)

    async def _release_held(self) -> None:
        """Put back rows claimed but never recorded (a task that crashed, a cancellation)."""
        for claim in list(self._held.values()):
            with contextlib.suppress(Exception):
                async with self.db.unit_of_work() as db:
                    await service.record(
                        db,
                        claim,
                        DeliveryResult(Outcome.released),
                        now=_utcnow(),
                        policy=self.policy,
                    )
            self._held.pop(claim.id, None)


async def run_notifier(settings: Settings) -> None:
    """`rayport notifier`: run until SIGINT or SIGTERM, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            logger.info("already stopping", extra={"signal": signal.Signals(signum).name})
            return
        logger.info("stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal, signum)
    notifier = Notifier(settings)
    try:
        await notifier.run(stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await notifier.close()
