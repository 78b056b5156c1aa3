"""Helpers the benchmarks share: a throwaway PostgreSQL database, a uvicorn server in a
subprocess, and a wrk run parsed into requests/s and latency percentiles."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from rayport.db import migrate as migrations

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def wrk(
    url: str, token: str, duration: int, connections: int, threads: int = 1
) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, p50 and p99 in ms, and the non-2xx/3xx count of a `wrk --latency` run."""

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        assert match, output
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": float(errors[1]) if errors else 0.0,
    }


async def create_database(name: str) -> str:
    connection = await asyncpg.connect(PG_ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


async def create_migrated_database(name: str) -> str:
    """`create_database`, migrated from this process; its SQLAlchemy (asyncpg) URL."""
    url = (await create_database(name)).replace("postgresql://", "postgresql+asyncpg://", 1)
    await asyncio.to_thread(migrations.upgrade, url)
    return url


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


# --- a RayPort process on a throwaway database ---------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/0"


def rayport_env(name: str, dsn: str) -> dict[str, str]:
    """Settings of a RayPort process on the throwaway database `name` (DSN from
    `create_database`): Redis on loopback under its own key prefix, rate limits off,
    log level WARNING."""
    return {
        "DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://"),
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": f"rayport-bench:{name}:",
        "JWT_SECRET": "bench-secret-" + "m" * 40,
        "SUPERUSER_PASSWORD": "Bench-Superuser-1",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }


def migrate(env: Mapping[str, str]) -> None:
    """`rayport migrate` with these settings."""
    subprocess.run(
        [sys.executable, "-m", "rayport.cli", "migrate"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def machine(load_avg_at_start: list[float]) -> dict[str, Any]:
    """The `machine` block of a result file; call at the end (it reads the load average)."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_avg_at_start": load_avg_at_start,
        "load_avg_at_end": load_avg(),
    }


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _lua_string(text: str) -> str:
    """`text` as a Lua long-bracket literal (no escaping needed inside)."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_request(
    url: str,
    *,
    duration: int,
    connections: int,
    method: str = "GET",
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    threads: int = 1,
    timeout: int = 10,
) -> dict[str, float]:
    """wrk with any method, body and headers (set by a temporary Lua script). Parsed like
    `wrk`, plus `requests` (completed) and `socket_errors` (connect, read, write and timeout
    errors together). Requests slower than `timeout` seconds count as socket errors and are
    left out of the percentiles, so the default is generous."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    for name, value in (headers or {}).items():
        # spaces: `t[[[x]]]` would parse as a call of `t` with a long string
        lines.append(f"wrk.headers[ {_lua_string(name)} ] = {_lua_string(value)}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="rayport-wrk-") as script:
        script.write("\n".join(lines) + "\n")
        script.flush()
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                f"--timeout={timeout}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    result = parse_wrk(output)
    done = re.search(r"^\s*(\d+) requests in ", output, re.M)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["requests"] = float(done[1]) if done else 0.0
    result["socket_errors"] = float(sum(map(int, socket_errors.groups()))) if socket_errors else 0.0
    return result


def _descendants(pid: int) -> list[int]:
    """Every live process below `pid`, from the parent ids in /proc/<n>/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # fields after "(comm)": state, ppid
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def process_memory(pid: int) -> dict[str, float]:
    """Resident memory of a process and all its descendants, in MiB, from
    /proc/<pid>/smaps_rollup: `rss`, `pss` (shared pages divided among their users) and
    `uss` (private pages only: what ending the process would free), plus `processes`."""
    totals = {"rss": 0, "pss": 0, "uss": 0}
    pids = [pid, *_descendants(pid)]
    counted = 0
    for n in pids:
        try:
            text = Path(f"/proc/{n}/smaps_rollup").read_text()
        except OSError:
            if n == pid:
                raise
            continue  # a child that just exited
        kib = {}
        for line in text.splitlines()[1:]:
            key, _, rest = line.partition(":")
            kib[key] = int(rest.split()[0])
        totals["rss"] += kib["Rss"]
        totals["pss"] += kib["Pss"]
        totals["uss"] += kib["Private_Clean"] + kib["Private_Dirty"] + kib.get("Private_Hugetlb", 0)
        counted += 1
    return {**{key: round(value / 1024, 1) for key, value in totals.items()}, "processes": counted}


def start_fake_bot_api(delay: float = 0.0) -> tuple[subprocess.Popen[str], str]:
    """The fake Telegram Bot API (tests/fixtures/fake_bot_api.py) in its own process,
    answering after `delay` seconds; the process and its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fixtures.fake_bot_api",
            "--port",
            "0",
            "--delay",
            str(delay),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("FAKE_BOT_API_URL="):
        process.kill()
        raise RuntimeError(f"fake Bot API did not start: {line!r}")
    return process, line.split("=", 1)[1]
