"""What the fault tests share: the profile (quick or full), the seed, RayPort's API as a real
uvicorn process on a loopback port, a private PostgreSQL server, and a load driver.

Profiles
    quick (default, what CI runs in ``uv run pytest``): short load phases, 5 notifier kills.
    full (``RAYPORT_CHAOS_FULL=1``, ``make chaos``): longer outages, ≥ 20 notifier kills,
    PostgreSQL stopped both ``fast`` and ``immediate``.

Seed
    Random choices (where a notifier is killed) come from one seeded RNG; the seed is printed
    and can be replayed with ``RAYPORT_CHAOS_SEED=<seed>``.

Bounds
    Nothing here waits without a deadline: every HTTP request has a client timeout
    (`REQUEST_TIMEOUT_SEC`, recorded as status 0 — a hang — and failing the test), every
    subprocess wait has a timeout, every "until" loop has a deadline. Latency bounds are
    never performance targets: they only tell "answered within its dependency's timeout plus
    a generous margin for this shared 2-core box" apart from "blocked until the fault ended".
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import asyncpg
import httpx
import pytest

from tests.conftest import JWT_SECRET, RUN_ID, SUPERUSER_PASSWORD
from tests.fixtures.redis_server import RedisServer

FULL = os.environ.get("RAYPORT_CHAOS_FULL", "").strip().lower() not in ("", "0", "false", "no")

RAYPORT = Path(sys.executable).with_name("rayport")
# A request still unanswered after this long is a hang (recorded as status 0).
REQUEST_TIMEOUT_SEC = 30.0


@dataclass(frozen=True)
class Profile:
    name: str
    phase_sec: float  # steady load before a fault and after recovery
    outage_sec: float  # how long Redis / PostgreSQL / the panel stays broken
    kill_runs: int  # notifier processes killed with SIGKILL
    notifications: int  # queued for the kill test
    pg_stop_modes: tuple[str, ...]


PROFILE = (
    Profile(
        "full",
        phase_sec=5.0,
        outage_sec=12.0,
        kill_runs=24,
        notifications=900,
        pg_stop_modes=("immediate", "fast"),
    )
    if FULL
    else Profile(
        "quick",
        phase_sec=1.5,
        outage_sec=6.0,
        kill_runs=5,
        notifications=150,
        pg_stop_modes=("immediate",),
    )
)


@pytest.fixture(scope="session")
def chaos_seed() -> int:
    raw = os.environ.get("RAYPORT_CHAOS_SEED")
    seed = int(raw) if raw else random.SystemRandom().randrange(2**32)
    print(f"\nchaos profile {PROFILE.name}, seed {seed} (replay: RAYPORT_CHAOS_SEED={seed})")
    return seed


@pytest.fixture
def rng(chaos_seed: int, request: pytest.FixtureRequest) -> random.Random:
    """One RNG per test, derived from the session seed and the test's name."""
    return random.Random(f"{chaos_seed}:{request.node.name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for(
    condition: Callable[[], Awaitable[bool]], *, within: float, interval: float = 0.05
) -> float:
    """Poll until `condition()` holds; returns the monotonic time it did. Fails after
    `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        if await condition():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


# --- a private Redis --------------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


# --- RayPort's API as a process --------------------------------------------------------------


def api_environment(
    database_url: str, redis_url: str | None, **extra: str | None
) -> dict[str, str]:
    """The environment of a `rayport api` process; `extra` values of None are left out."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    env: dict[str, str | None] = {
        **keep,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": "5",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"rayport-test:{RUN_ID}:{uuid.uuid4().hex[:8]}:",
        "JWT_SECRET": JWT_SECRET,
        "SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
        # The load comes from one address: the per-IP limits would measure the test itself.
        "RATE_LIMIT_DEFAULT": "100000/minute",
        "RATE_LIMIT_AUTH": "100000/minute",
        # Warnings and errors only: an access-log line per request costs CPU this box needs.
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return {k: v for k, v in env.items() if v is not None}


class ApiProcess:
    """`rayport api` on a free loopback port, run from an empty directory (no .env), its
    log in ``workdir/api.log``."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "api.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                [str(RAYPORT), "api", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def start(self, within: float = 60) -> Self:
        self.process = process = self._spawn()

        async def healthy() -> bool:
            assert process.poll() is None, f"rayport api exited:\n{self.log()}"
            try:
                async with httpx.AsyncClient(timeout=1) as client:
                    response = await client.get(f"{self.url}/api/app/v1/health")
                return response.status_code == 200
            except httpx.HTTPError:
                return False

        await wait_for(healthy, within=within, interval=0.1)
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)


# --- a private PostgreSQL --------------------------------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivatePostgres:
    """A PostgreSQL 15 server of its own (trust auth, loopback only, no Unix socket), so a
    test can stop and start it without touching the PostgreSQL other tests share.

    initdb refuses to run as root: when the tests run as root, the server runs as the
    ``postgres`` OS user in a temporary directory that user owns. ``fsync=off`` for speed;
    ``synchronous_commit`` stays on, so a commit that was acknowledged has its WAL in the
    kernel and survives the server process being stopped — even ``-m immediate``.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rayport-chaos-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def init(self) -> None:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        result = self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        result = self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stdout}{result.stderr}\n{self.log()}")

    def start_refusing(self) -> None:
        """Start as a standby without hot standby: the server is up, but answers every
        connection with 57P03 "the database system is not accepting connections" — what a
        client sees while PostgreSQL starts up, recovers or shuts down, made permanent."""
        signal_file = self.data / "standby.signal"
        signal_file.touch()
        if self._as_postgres:
            shutil.chown(signal_file, "postgres", "postgres")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c hot_standby=off"
        )
        result = self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            options,
            "-W",
            "start",
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stdout}{result.stderr}")

    async def refuses_connections_now(self) -> bool:
        try:
            connection = await asyncpg.connect(self.admin_dsn(), timeout=1)
        except asyncpg.CannotConnectNowError:
            return True
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await connection.close()
        return False

    def stop(self, mode: str = "fast") -> None:
        result = self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"
        )
        if result.returncode != 0 and "is the server running" not in result.stderr:
            raise RuntimeError(f"pg_ctl stop failed: {result.stdout}{result.stderr}")

    def log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def admin_dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def async_url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    async def accepts_connections(self) -> bool:
        try:
            connection = await asyncpg.connect(self.admin_dsn(), timeout=1)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await connection.close()
        return True

    async def create_database(self, name: str) -> str:
        connection = await asyncpg.connect(self.admin_dsn(), timeout=10)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.async_url(name)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 server binaries not found in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root and runuser is missing: initdb cannot run as root")
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
    except (RuntimeError, KeyError, OSError, subprocess.TimeoutExpired) as exc:
        # KeyError/LookupError: no `postgres` OS user to run it as.
        shutil.rmtree(server.root, ignore_errors=True)
        pytest.skip(f"cannot run a private PostgreSQL server here: {exc}")
    yield server
    server.cleanup()


@pytest.fixture
def refusing_postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL server that is up but refuses connections (see
    `PrivatePostgres.start_refusing`)."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 server binaries not found in {PG_BIN}")
    server = PrivatePostgres()
    try:
        server.init()
        server.start_refusing()
    except (RuntimeError, KeyError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(server.root, ignore_errors=True)
        pytest.skip(f"cannot run a private PostgreSQL server here: {exc}")
    yield server
    server.cleanup()


# --- load ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One request of the load: what was asked, when, and what came back."""

    worker: str
    action: str
    started: float  # time.monotonic()
    ended: float
    status: int  # HTTP status; 0 = no answer (client timeout or connection error)
    code: str | None = None  # the error envelope's code
    retry_after: str | None = None
    envelope: bool = False  # the body is exactly the error envelope
    note: str = ""  # what was written, or why there was no answer

    @property
    def duration(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def is_envelope(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == {"error"}
        and isinstance(body["error"], dict)
        and set(body["error"]) == {"code", "message", "details"}
    )


Step = Callable[[httpx.AsyncClient], Awaitable[tuple[str, httpx.Response, str]]]
"""One request of a worker: returns (action name, response, note)."""


@dataclass
class Load:
    """Concurrent workers, each with its own HTTP client, repeating a step until stopped.

    Every answer is recorded as an `Outcome`. After an error answer a worker pauses
    `error_pause` seconds (a real client would back off longer, but the tests want to see
    the moment the service is back).
    """

    base_url: str
    error_pause: float = 0.05
    pause: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    _steps: list[tuple[str, Step, float]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def add(self, name: str, step: Step, *, pause: float | None = None) -> None:
        self._steps.append((name, step, self.pause if pause is None else pause))

    async def _worker(self, name: str, step: Step, pause: float) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=REQUEST_TIMEOUT_SEC, limits=limits
        ) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    action, response, note = await step(client)
                except httpx.HTTPError as exc:
                    self.outcomes.append(
                        Outcome(name, "?", started, time.monotonic(), 0, note=repr(exc))
                    )
                    await asyncio.sleep(self.error_pause)
                    continue
                ended = time.monotonic()
                body: Any = None
                if response.headers.get("content-type", "").startswith("application/json"):
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                envelope = is_envelope(body)
                self.outcomes.append(
                    Outcome(
                        name,
                        action,
                        started,
                        ended,
                        response.status_code,
                        code=body["error"]["code"] if envelope else None,
                        retry_after=response.headers.get("retry-after"),
                        envelope=envelope,
                        note=note,
                    )
                )
                if response.is_success:
                    if pause:
                        await asyncio.sleep(pause)
                else:
                    await asyncio.sleep(self.error_pause)

    async def __aenter__(self) -> Self:
        self._tasks = [
            asyncio.create_task(self._worker(name, step, pause), name=f"load-{name}")
            for name, step, pause in self._steps
        ]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        # Each worker finishes its current request (bounded by the client timeout).
        done, pending = await asyncio.wait(self._tasks, timeout=REQUEST_TIMEOUT_SEC + 10)
        for task in pending:
            task.cancel()
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        assert not pending, "load workers did not stop"

    def window(self, start: float, end: float, action: str | None = None) -> list[Outcome]:
        """Requests sent at or after `start` and answered by `end`."""
        return [
            o
            for o in self.outcomes
            if o.started >= start and o.ended <= end and (action is None or o.action == action)
        ]

    def summary(self, outcomes: list[Outcome] | None = None) -> str:
        chosen = self.outcomes if outcomes is None else outcomes
        counts: dict[tuple[str, int], int] = {}
        for o in chosen:
            counts[(o.action, o.status)] = counts.get((o.action, o.status), 0) + 1
        slowest = max((o.duration for o in chosen), default=0.0)
        parts = [f"{a} {s}: {n}" for (a, s), n in sorted(counts.items())]
        return f"{len(chosen)} requests, slowest {slowest:.2f}s; " + ", ".join(parts)


def session_id(tokens: dict[str, Any]) -> str:
    """The session id (``sid``) inside an access token, read without verifying it."""
    payload = tokens["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sid"])
