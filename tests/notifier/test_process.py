"""`rayport notifier` as a real process: SIGTERM mid-send exits 0 and loses nothing; a
worker killed mid-batch loses nothing either (its lease expires, another worker sends)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from rayport.cache import create_cache
from rayport.db.engine import Database
from rayport.models import Notification
from rayport.models.enums import NotificationStatus
from rayport.notifier import Notifier, read_heartbeat
from rayport.settings import CacheSettings
from tests.conftest import REDIS_URL
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.fixtures.telegram import TEST_BOT_TOKEN
from tests.notifier.conftest import (
    WEB_APP_URL,
    add_notifications,
    add_users,
    all_sent,
    notification_rows,
    notifier_settings,
    running,
    shared_prefix,
    status_counts,
    wait_until,
)

RAYPORT = Path(sys.executable).with_name("rayport")


def _environment(
    database_url: str, bot_api: FakeBotAPI, prefix: str, **extra: str
) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {
        **keep,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": "5",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
        "TELEGRAM_API_URL": bot_api.url,
        "WEB_APP_URL": WEB_APP_URL,
        "PROCESS_PERIOD_SEC": "0.2",
        "LOG_LEVEL": "INFO",
        **extra,
    }


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _start(
    processes: list[subprocess.Popen[bytes]], env: dict[str, str], cwd: Path
) -> subprocess.Popen[bytes]:
    # cwd: an empty directory, so no developer's .env is read; logs go to a file there.
    with (cwd / "notifier.log").open("wb") as log:
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


def _log(cwd: Path) -> str:
    return (cwd / "notifier.log").read_text()


def _ok_sends(bot_api: FakeBotAPI) -> list[str]:
    return [str(c.params["chat_id"]) for c in bot_api.calls_of("sendMessage") if c.status == 200]


async def test_sigterm_mid_send_finishes_the_send_releases_claims_and_exits_0(
    db: Database,
    clean_pg: str,
    fake_bot_api: FakeBotAPI,
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    users = await add_users(db, 60, chat_base=800_000)
    await add_notifications(db, users)
    # Every send is on the wire for 2 s: ten go out, are answered, the next ten go out...
    fake_bot_api.delay = 2.0
    prefix = shared_prefix()
    env = _environment(
        clean_pg,
        fake_bot_api,
        prefix,
        NOTIFY_BATCH_SIZE="10",
        NOTIFY_TELEGRAM_GLOBAL_LIMIT="10/second",
    )
    process = _start(processes, env, tmp_path)

    async def first_batch_answered() -> bool:
        assert process.poll() is None, _log(tmp_path)
        return len(fake_bot_api.calls_of("sendMessage")) >= 10

    await wait_until(first_batch_answered, within=30)
    await asyncio.sleep(0.5)  # the second batch is on the wire now
    answered_before = len(fake_bot_api.calls_of("sendMessage"))
    process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(process.wait, timeout=20)

    log = _log(tmp_path)
    assert process.returncode == 0, log
    assert "notifier stopped" in log
    assert TEST_BOT_TOKEN.split(":")[1] not in log  # no secrets in the logs
    delivered = _ok_sends(fake_bot_api)
    assert len(delivered) > answered_before  # sends on the wire when the signal came finished
    counts = await status_counts(db)
    assert set(counts) == {"sent", "pending"}, counts  # nothing left claimed
    assert counts["sent"] == len(delivered) and len(set(delivered)) == len(delivered)
    rows = await notification_rows(db, status=NotificationStatus.pending)
    assert all(r.locked_until is None and r.attempts == 0 for r in rows)
    cache = create_cache(CacheSettings(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix))
    try:
        beat = await read_heartbeat(cache)
        assert beat is not None and beat.stopped
    finally:
        await cache.close()


async def test_a_worker_killed_mid_batch_loses_nothing(
    db: Database,
    clean_pg: str,
    fake_bot_api: FakeBotAPI,
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    users = await add_users(db, 40, chat_base=900_000)
    await add_notifications(db, users)
    fake_bot_api.delay = 0.3
    prefix = shared_prefix()
    env = _environment(
        clean_pg,
        fake_bot_api,
        prefix,
        NOTIFY_BATCH_SIZE="10",
        NOTIFY_LEASE_SEC="3",
        NOTIFY_TELEGRAM_GLOBAL_LIMIT="20/second",
    )
    process = _start(processes, env, tmp_path)

    async def sending() -> bool:
        assert process.poll() is None, _log(tmp_path)
        return len(fake_bot_api.calls_of("sendMessage")) >= 5

    await wait_until(sending, within=30)
    process.kill()
    await asyncio.to_thread(process.wait, timeout=10)
    async with db.read_only() as session:
        in_flight = await session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.status == NotificationStatus.sending)
        )
    assert in_flight, "the kill should have left claimed rows behind"

    fake_bot_api.delay = 0.0
    survivor = Notifier(notifier_settings(clean_pg, bot_api=fake_bot_api, key_prefix=prefix))
    async with running(survivor):
        await wait_until(lambda: all_sent(db), within=20)

    per_chat = Counter(_ok_sends(fake_bot_api))
    assert set(per_chat) == {str(900_000 + i) for i in range(40)}  # nobody lost
    duplicates = sum(n - 1 for n in per_chat.values())
    assert duplicates <= in_flight  # at most what the dead worker had on the wire
