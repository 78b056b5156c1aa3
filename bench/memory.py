"""Benchmark: resident memory of each RayPort process, idle and under load.

    uv run python -m bench.memory [--users 2000] [--load-sec 20] [--rounds 2]
                                  [--notifications 5000] [--notify-rate 25/second]
                                  [--updates 2000] [--bot-api-delay 0.05]

Needs PostgreSQL (127.0.0.1:5432, user postgres), Redis (127.0.0.1:6379) and `wrk`. One
fresh database with `--users` users (with a profile and a Telegram chat each), then each
process as deployed (`python -m rayport.cli <command>`, log level WARNING):

- api (`rayport api`, one worker): idle after start-up, then `--rounds` rounds of
  `--load-sec` seconds of wrk on `GET /api/auth/v1/me` (32 connections) together with the
  bootstrap superuser listing `/api/admin/v1/users?limit=50` (4 connections);
- notifier (`rayport notifier`, PROCESS_PERIOD_SEC=1, Telegram through the fake Bot API):
  idle, then draining `--notifications` due notifications inserted into the table at once,
  at the production send limit unless `--notify-rate` says otherwise;
- bot (`rayport bot`, long polling against the fake Bot API): idle, then `--updates`
  `/start` messages from as many users pushed at once (each answered with a message and a
  per-chat menu button).

The fake Bot API (``tests.fixtures.fake_bot_api``) answers after `--bot-api-delay` seconds,
roughly Telegram's own latency, so sends are in flight as they would be. Each process is
sampled every 0.5 s: idle is after `--settle` seconds without work, peak is the largest
sample under load, after is `--after` seconds past the end of a round. The load is repeated
`--rounds` times: memory that keeps growing from round to round accumulates somewhere,
memory that stays at the first round's level is the allocator's high-water mark (CPython
rarely gives freed memory back to the OS). With the defaults a run takes about 10 minutes,
most of it the notifier sending at 25/s.

RSS counts shared pages (libraries) in full; PSS divides them among the processes sharing
them; USS counts only private pages, what stopping the process would give back. All from
/proc/<pid>/smaps_rollup, children included (there are none with one worker).

The web app is static files: served by nginx in production (deploy/web.Dockerfile,
deploy/nginx.conf) and by the api process itself when frontend/dist exists; it has no
process of its own to measure. Prints a table and writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import asyncpg
import httpx
import redis

from bench.common import (
    REDIS_URL,
    ROOT,
    create_database,
    drop_database,
    free_port,
    load_avg,
    machine,
    migrate,
    process_memory,
    rayport_env,
    start_fake_bot_api,
    wrk_request,
)
from bench.notifier import seed_users
from rayport.settings import Settings

BOT_TOKEN = "123456:BENCH-token"  # noqa: S105 - the fake accepts any token
CHAT_BASE = 7_000_000
WEB_APP_URL = "https://rayport.example.com/app"
SAMPLE_SEC = 0.5
Memory = dict[str, float]


class Sampler:
    """Samples a process's memory every `SAMPLE_SEC` in a background thread while the
    `with` block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, Memory]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = 0.0

    def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic() - self._started, process_memory(self.pid)))
            if self._stop.wait(SAMPLE_SEC):
                return

    def __enter__(self) -> Sampler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> Memory:
        return max((m for _, m in self.samples), key=lambda m: m["rss"])

    @property
    def rss_series(self) -> list[list[float]]:
        """[seconds since the start, RSS MiB] of every sample."""
        return [[round(t, 1), m["rss"]] for t, m in self.samples]


def start_rayport(command: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """`rayport <command>` as its own process (the interpreter itself, no wrapper)."""
    return subprocess.Popen(
        [sys.executable, "-m", "rayport.cli", *command], env={**os.environ, **env}, cwd=ROOT
    )


def stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> float:
    """Poll `ready` until true; seconds it took. Fails if the process exits or after 60 s."""
    started = time.monotonic()
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} during start-up")
        if time.monotonic() - started > 60:
            raise RuntimeError(f"{what} did not start within 60 s")
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def settled(pid: int, seconds: float) -> Memory:
    time.sleep(seconds)
    return process_memory(pid)


def under_load(
    pid: int, idle: Memory, args: argparse.Namespace, load: Callable[[int], dict[str, Any]]
) -> dict[str, Any]:
    """`args.rounds` rounds of `load(round)`, each sampled while it runs and once more
    `args.after` seconds later: idle, the highest peak, memory after the last round (if it
    still grows from round to round, something accumulates), and each round's details."""
    rounds = []
    for n in range(args.rounds):
        with Sampler(pid) as sampler:
            details = load(n)
        after = settled(pid, args.after)
        rounds.append(
            {"peak": sampler.peak, "after": after, **details, "rss_series": sampler.rss_series}
        )
    return {
        "idle": idle,
        "peak": max((r["peak"] for r in rounds), key=lambda m: m["rss"]),
        "after": rounds[-1]["after"],
        "rounds": rounds,
    }


def responds(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def bench_api(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_rayport(["api", "--host", "127.0.0.1", "--port", str(port)], env)
    try:
        startup = wait_for("rayport api", lambda: responds(f"{base}/api/app/v1/health"), process)
        idle = settled(process.pid, args.settle)
        registered = httpx.post(
            f"{base}/api/auth/v1/register",
            json={"login": "bench_memory", "password": "Bench-Pass-123"},
            timeout=30,
        )
        registered.raise_for_status()
        admin = httpx.post(
            f"{base}/api/auth/v1/login",
            json={"login": "admin", "password": env["SUPERUSER_PASSWORD"]},
            timeout=30,
        )
        admin.raise_for_status()
        me_auth = {"Authorization": f"Bearer {registered.json()['access_token']}"}
        admin_auth = {"Authorization": f"Bearer {admin.json()['access_token']}"}

        def load(_: int) -> dict[str, Any]:
            with ThreadPoolExecutor(2) as pool:
                me = pool.submit(
                    wrk_request,
                    f"{base}/api/auth/v1/me",
                    duration=args.load_sec,
                    connections=32,
                    headers=me_auth,
                )
                users = pool.submit(
                    wrk_request,
                    f"{base}/api/admin/v1/users?limit=50",
                    duration=args.load_sec,
                    connections=4,
                    headers=admin_auth,
                )
                return {
                    "load": {
                        "me_32_connections": me.result(),
                        "admin_users_4_connections": users.result(),
                    }
                }

        measured = under_load(process.pid, idle, args, load)
    finally:
        stop(process)
    return {
        "command": "rayport api --workers 1",
        # Requests beyond it are refused with 503 at once (they show as non_2xx in `load`).
        "max_in_flight": Settings.model_fields["max_in_flight"].default,
        "startup_sec": startup,
        **measured,
    }


async def seed_notifications(dsn: str, count: int) -> None:
    """`count` due Telegram notifications over the seeded users (round robin)."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT user_id FROM social WHERE name = 'telegram'")
        users = [r["user_id"] for r in rows]
        now = datetime.now(UTC)
        await conn.copy_records_to_table(
            "notification",
            columns=[
                "id",
                "user_id",
                "kind",
                "title",
                "content",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
                "updated_at",
            ],
            records=[
                (
                    uuid.uuid4(),
                    users[n % len(users)],
                    "bench",
                    json.dumps({"ru": f"Заголовок {n}", "en": f"Title {n}"}),
                    json.dumps({"ru": f"Текст {n}", "en": f"Text {n}"}),
                    "pending",
                    0,
                    now,
                    now,
                    now,
                )
                for n in range(count)
            ],
        )
    finally:
        await conn.close()


async def notification_counts(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT status, count(*) AS n FROM notification WHERE kind = 'bench' GROUP BY status"
        )
    finally:
        await conn.close()
    return {str(r["status"]): int(r["n"]) for r in rows}


def bench_notifier(
    env: dict[str, str], dsn: str, fake_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    prefix = env["REDIS_KEY_PREFIX"]
    client = redis.Redis.from_url(REDIS_URL)
    process = start_rayport(
        ["notifier"],
        {
            **env,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_URL": fake_url,
            "WEB_APP_URL": WEB_APP_URL,
            "PROCESS_PERIOD_SEC": "1",
            "NOTIFY_TELEGRAM_GLOBAL_LIMIT": args.notify_rate,
        },
    )
    try:
        # Ready once its first loop has written the heartbeat.
        startup = wait_for(
            "rayport notifier",
            lambda: bool(client.exists(f"{prefix}notifier:heartbeat")),
            process,
        )
        idle = settled(process.pid, args.settle)
        limit = float(args.notify_rate.split("/")[0])

        def load(n: int) -> dict[str, Any]:
            deadline = time.monotonic() + 3 * args.notifications / limit + 120
            started = time.monotonic()
            asyncio.run(seed_notifications(dsn, args.notifications))
            while True:
                time.sleep(1)
                counts = asyncio.run(notification_counts(dsn))
                if not counts.get("pending", 0) + counts.get("sending", 0):
                    break
                if time.monotonic() > deadline:
                    print(f"  notifier: gave up waiting, {counts}", file=sys.stderr)
                    break
            drained_sec = round(time.monotonic() - started, 1)
            print(f"  notifier round {n + 1}: {counts} after {drained_sec} s")
            return {"notifications_so_far": counts, "drained_sec": drained_sec}

        measured = under_load(process.pid, idle, args, load)
    finally:
        stop(process)
        client.close()
    return {
        "command": "rayport notifier",
        "startup_sec": startup,
        "send_limit": args.notify_rate,
        **measured,
    }


def start_update(n: int) -> dict[str, Any]:
    """Update `n`: a `/start` message from user `n`, as Telegram sends it (see
    tests/bot/updates.py)."""
    user_id = 8_000_000 + n
    return {
        "update_id": n + 1,
        "message": {
            "message_id": n + 1,
            "date": int(time.time()),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": user_id, "type": "private"},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{n}",
                "language_code": "ru" if n % 2 else "en",
            },
        },
    }


def bench_bot(env: dict[str, str], fake_url: str, args: argparse.Namespace) -> dict[str, Any]:
    fake = httpx.Client(base_url=fake_url, timeout=60)
    fake.post("/_fake/reset").raise_for_status()  # forget the notifier's calls

    def calls(method: str) -> list[dict[str, Any]]:
        answer = fake.get("/_fake/calls", params={"method": method})
        answer.raise_for_status()
        return list(answer.json())

    process = start_rayport(
        ["bot"],
        {
            **env,
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_URL": fake_url,
            "WEB_APP_URL": WEB_APP_URL,
        },
    )
    try:
        # Ready once it has installed its default menu button: polling starts right after.
        startup = wait_for(
            "rayport bot",
            lambda: any("chat_id" not in c["params"] for c in calls("setChatMenuButton")),
            process,
        )
        idle = settled(process.pid, args.settle)

        def load(n: int) -> dict[str, Any]:
            deadline = time.monotonic() + 300
            started = time.monotonic()
            first = n * args.updates  # new users every round
            for chunk in range(first, first + args.updates, 500):
                batch = [
                    start_update(u) for u in range(chunk, min(chunk + 500, first + args.updates))
                ]
                fake.post("/_fake/updates", json=batch).raise_for_status()
            while True:
                time.sleep(1)
                # Update ids go on across rounds: the fake drops ids below the bot's offset.
                answered = sum(1 for c in calls("sendMessage") if c["status"] == 200) - first
                if answered >= args.updates:
                    break
                if time.monotonic() > deadline:
                    print(f"  bot: gave up waiting, {answered} answered", file=sys.stderr)
                    break
            drained_sec = round(time.monotonic() - started, 1)
            print(f"  bot round {n + 1}: {answered} /start answered in {drained_sec} s")
            return {"answered": answered, "drained_sec": drained_sec}

        measured = under_load(process.pid, idle, args, load)
    finally:
        stop(process)
        fake.close()
    return {
        "command": "rayport bot (long polling)",
        "startup_sec": startup,
        "updates_per_round": args.updates,
        **measured,
    }


def drop_redis_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--load-sec", type=int, default=20, help="seconds of wrk per API round")
    parser.add_argument("--rounds", type=int, default=2, help="load rounds per process")
    parser.add_argument("--notifications", type=int, default=5_000)
    parser.add_argument("--notify-rate", default="25/second", help="NOTIFY_TELEGRAM_GLOBAL_LIMIT")
    parser.add_argument("--updates", type=int, default=2_000, help="/start updates for the bot")
    parser.add_argument("--bot-api-delay", type=float, default=0.05, help="fake Bot API latency")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before idle")
    parser.add_argument("--after", type=float, default=10.0, help="seconds after load")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    load_start = load_avg()
    name = f"rayport_bench_memory_{uuid.uuid4().hex[:8]}"
    dsn = asyncio.run(create_database(name))
    env = rayport_env(name, dsn)
    fake: subprocess.Popen[str] | None = None
    try:
        migrate(env)

        async def seed() -> None:
            conn = await asyncpg.connect(dsn)
            try:
                await seed_users(conn, args.users, chat_base=CHAT_BASE)
                await conn.execute("ANALYZE")
            finally:
                await conn.close()

        asyncio.run(seed())
        fake, fake_url = start_fake_bot_api(delay=args.bot_api_delay)
        results = {"api": bench_api(env, args)}
        results["notifier"] = bench_notifier(env, dsn, fake_url, args)
        results["bot"] = bench_bot(env, fake_url, args)
    finally:
        if fake is not None:
            stop(fake)
        asyncio.run(drop_database(name))
        drop_redis_keys(env["REDIS_KEY_PREFIX"])

    dist = ROOT / "frontend" / "dist"
    web = {
        "measured": False,
        "note": "static files: nginx in production (deploy/web.Dockerfile, deploy/nginx.conf), "
        "or the api process itself when frontend/dist exists; no process of its own",
        "frontend_dist_present": (dist / "index.html").is_file(),
    }

    def cell(memory: Memory) -> str:
        return f"{memory['rss']:.1f} / {memory['uss']:.1f}"

    afters = [f"after round {n + 1}" for n in range(args.rounds)]
    print("RSS / USS in MiB")
    print(
        f"{'process':10} {'idle':>16} {'peak under load':>16}" + "".join(f"{a:>16}" for a in afters)
    )
    for label, row in results.items():
        print(
            f"{label:10} {cell(row['idle']):>16} {cell(row['peak']):>16}"
            + "".join(f"{cell(r['after']):>16}" for r in row["rounds"])
        )
    print(f"{'web':10} static files: nginx, or served by the api process; not measured")
    for n, r in enumerate(results["api"]["rounds"]):
        print(
            f"api load, round {n + 1}: "
            + "; ".join(
                f"{label} {run['rps']:.0f} req/s, p99 {run['p99_ms']:.0f} ms, "
                f"{run['non_2xx'] / max(run['requests'], 1):.0%} refused"
                for label, run in r["load"].items()
            )
        )
    out = ROOT / "bench" / "results" / "memory.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(load_start),
                "args": vars(args),
                "unit": "MiB",
                # `*_mib`: RSS, flat for bench/table.py; the full readings beside them.
                "processes": {
                    label: {
                        "idle_mib": row["idle"]["rss"],
                        "peak_mib": row["peak"]["rss"],
                        "after_mib": row["after"]["rss"],
                        **row,
                    }
                    for label, row in results.items()
                },
                "web": web,
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
