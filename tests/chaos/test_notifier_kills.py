"""`rayport notifier` killed with SIGKILL at random points, again and again.

What a user notices: every notification still arrives — none is lost — and the only
duplicates are messages that were on the wire when a worker died: a worker killed after the
Bot API accepted a message but before it recorded "sent" cannot know, so the next worker
sends it again once the claim's lease ends. Each duplicate therefore needs a claim that a
killed worker left unrecorded, and a worker holds at most NOTIFY_BATCH_SIZE claims:

    duplicates ≤ claims left in flight by the kills ≤ NOTIFY_BATCH_SIZE * kills

The kill points come from the seeded RNG (seed printed; replay with RAYPORT_CHAOS_SEED):
about a quarter while the process starts up or makes its first claim, the rest a random
moment after it began sending. Quick profile: 5 kills; full profile: 24.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis.asyncio import Redis

from rayport.db.engine import Database
from rayport.models import Notification
from rayport.models.enums import NotificationStatus
from tests.chaos.conftest import PROFILE, RAYPORT, wait_for
from tests.conftest import REDIS_URL, RUN_ID
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN
from tests.notifier.conftest import add_notifications, add_users

BATCH_SIZE = 10
CHAT_BASE = 700_000
SEND_DELAY_SEC = 0.15  # every sendMessage is on the wire this long: kills catch some


@pytest.fixture
async def db(clean_pg: str, redis_client: Redis) -> AsyncIterator[Database]:
    database = Database(clean_pg, pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _environment(database_url: str, bot_api: FakeBotAPI) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {
        **keep,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": "5",
        "REDIS_URL": REDIS_URL,
        # Shared by all the workers of the test: Telegram's limits are counted together.
        "REDIS_KEY_PREFIX": f"rayport-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:",
        "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
        "TELEGRAM_API_URL": bot_api.url,
        "WEB_APP_URL": "https://rayport.example.com/app",
        "PROCESS_PERIOD_SEC": "0.2",
        "NOTIFY_BATCH_SIZE": str(BATCH_SIZE),
        "NOTIFY_LEASE_SEC": "2",  # the minimum: a dead worker's claims come back quickly
        "NOTIFY_SEND_TIMEOUT_SEC": "5",
        "NOTIFY_TELEGRAM_GLOBAL_LIMIT": "30/second",
        # Reclaiming a dead worker's row counts as an attempt (so a message that crashes
        # workers ends `dead`); here the kills come from outside, and one row may be in
        # flight at several of them: allow more attempts than there are kills.
        "NOTIFY_MAX_ATTEMPTS": "50",
        "LOG_LEVEL": "INFO",
    }


def _start(
    processes: list[subprocess.Popen[bytes]], env: dict[str, str], cwd: Path, run: int
) -> subprocess.Popen[bytes]:
    with (cwd / f"notifier-{run:02d}.log").open("wb") as log:
        process = subprocess.Popen(
            [str(RAYPORT), "notifier"],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    processes.append(process)
    return process


def _log(cwd: Path, run: int) -> str:
    return (cwd / f"notifier-{run:02d}.log").read_text(errors="replace")[-3000:]


def _delivered(bot_api: FakeBotAPI) -> list[str]:
    """Chats of the messages the Bot API accepted (a duplicate shows up twice)."""
    return [str(c.params["chat_id"]) for c in bot_api.calls_of("sendMessage") if c.status == 200]


async def _seed(database: Database, count: int) -> None:
    """`count` users with a Telegram chat each (CHAT_BASE + i) and one due notice each."""
    users = await add_users(database, count, chat_base=CHAT_BASE, prefix="killed")
    await add_notifications(database, users, kind="chaos_notice")


async def _claims_in_flight(database: Database) -> set[tuple[uuid.UUID, datetime]]:
    """Rows claimed (`sending`) and not recorded, each with its lease: one claim each."""
    async with database.read_only() as session:
        rows = await session.execute(
            sa.select(Notification.id, Notification.locked_until).where(
                Notification.status == NotificationStatus.sending
            )
        )
        return {(row.id, row.locked_until) for row in rows}


async def _statuses(database: Database) -> dict[str, int]:
    async with database.read_only() as session:
        rows = await session.execute(
            sa.select(Notification.status, sa.func.count()).group_by(Notification.status)
        )
        return {status.value: count for status, count in rows}


async def test_notifier_killed_at_random_points_loses_nothing_and_duplicates_are_bounded(
    db: Database,
    clean_pg: str,
    fake_bot_api: FakeBotAPI,
    processes: list[subprocess.Popen[bytes]],
    rng: random.Random,
    tmp_path: Path,
) -> None:
    total = PROFILE.notifications
    await _seed(db, total)
    fake_bot_api.delay = SEND_DELAY_SEC
    env = _environment(clean_pg, fake_bot_api)
    in_flight: set[tuple[uuid.UUID, datetime]] = set()  # claims the kills left unrecorded

    for run in range(PROFILE.kill_runs):
        before = len(_delivered(fake_bot_api))
        process = _start(processes, env, tmp_path, run)
        if rng.random() < 0.25:
            point = rng.uniform(0.2, 3.0)
            await asyncio.sleep(point)
            where = f"{point:.2f}s after start"
        else:

            async def sending(
                process: subprocess.Popen[bytes] = process, run: int = run, before: int = before
            ) -> bool:
                assert process.poll() is None, _log(tmp_path, run)
                if len(_delivered(fake_bot_api)) > before:
                    return True
                return set(await _statuses(db)) == {"sent"}

            await wait_for(sending, within=60, interval=0.02)
            point = rng.uniform(0.0, 1.0)
            await asyncio.sleep(point)
            where = f"{point:.2f}s into sending"
        assert process.poll() is None, _log(tmp_path, run)
        process.kill()
        await asyncio.to_thread(process.wait, timeout=10)
        claims = await _claims_in_flight(db)
        in_flight |= claims
        print(
            f"kill {run + 1}/{PROFILE.kill_runs} {where}: {len(_delivered(fake_bot_api))} "
            f"delivered so far, {len(claims)} claims left in flight"
        )

    # A last worker delivers the rest and stops cleanly.
    survivor_run = PROFILE.kill_runs
    survivor = _start(processes, env, tmp_path, survivor_run)

    async def all_sent() -> bool:
        assert survivor.poll() is None, _log(tmp_path, survivor_run)
        return set(await _statuses(db)) == {"sent"}

    # 30 sends a second at most, plus a lease for the rows the last kill left claimed.
    await wait_for(all_sent, within=60 + total / 10, interval=0.2)
    started = time.monotonic()
    survivor.send_signal(signal.SIGTERM)
    await asyncio.to_thread(survivor.wait, timeout=30)
    assert survivor.returncode == 0, _log(tmp_path, survivor_run)
    print(f"survivor stopped {time.monotonic() - started:.2f}s after SIGTERM")

    per_chat = Counter(_delivered(fake_bot_api))
    duplicates = sum(n - 1 for n in per_chat.values())
    bound = BATCH_SIZE * PROFILE.kill_runs
    print(
        f"{total} notifications, {PROFILE.kill_runs} kills: {sum(per_chat.values())} messages "
        f"delivered, {duplicates} duplicates; {len(in_flight)} claims were in flight at the "
        f"kills (batch bound {bound})"
    )
    assert set(per_chat) == {str(CHAT_BASE + i) for i in range(total)}  # 0 lost
    assert await _statuses(db) == {"sent": total}
    assert duplicates <= len(in_flight) <= bound
