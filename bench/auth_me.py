"""Benchmark: the authenticated hot path `GET /api/auth/v1/me` against a bare FastAPI app
doing only JWT verify + one Redis GET + one asyncpg PK SELECT, side by side in one run.

    uv run python -m bench.auth_me [--duration 15] [--connections 32] [--rounds 2]

Needs PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) and `wrk`
(Debian package). One uvicorn worker each; wrk on the other core. Prints a table and writes
bench/results/auth_me.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "bench-secret-" + "z" * 40


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
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


def _wrk(url: str, token: str, duration: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            "-t1",
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


async def _database(name: str) -> str:
    connection = await asyncpg.connect(PG_ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


async def _drop(name: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    name = f"rayport_bench_{uuid.uuid4().hex[:8]}"
    dsn = asyncio.run(_database(name))
    env = {
        "DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://"),
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": f"rayport-bench:{name}:",
        "JWT_SECRET": SECRET,
        "SUPERUSER_PASSWORD": "Bench-Superuser-1",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "BARE_DSN": dsn,
    }
    subprocess.run(
        [sys.executable, "-m", "rayport.cli", "migrate"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    rayport_port, bare_port = _free_port(), _free_port()
    processes = [
        _start("rayport.api.asgi:app", rayport_port, {**env, "DOCS_ENABLED": "true"}),
        _start("bench.bare_app:app", bare_port, env),
    ]
    try:
        response = httpx.post(
            f"http://127.0.0.1:{rayport_port}/api/auth/v1/register",
            json={"login": "bench_user", "password": "Bench-Pass-123"},
        )
        response.raise_for_status()
        token = response.json()["access_token"]
        targets = {
            "rayport /api/auth/v1/me": f"http://127.0.0.1:{rayport_port}/api/auth/v1/me",
            "bare app /me": f"http://127.0.0.1:{bare_port}/me",
        }
        for url in targets.values():  # warm up pools and caches
            _wrk(url, token, 3, args.connections)
        results: dict[str, list[dict[str, float]]] = {k: [] for k in targets}
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            for label, url in targets.items():
                results[label].append(_wrk(url, token, args.duration, args.connections))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        asyncio.run(_drop(name))

    summary = {
        label: {key: round(sum(r[key] for r in runs) / len(runs), 2) for key in runs[0]}
        for label, runs in results.items()
    }
    ratio = summary["rayport /api/auth/v1/me"]["rps"] / summary["bare app /me"]["rps"]
    print(f"{'target':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for label, row in summary.items():
        print(
            f"{label:28} {row['rps']:>9.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['non_2xx']:>8.0f}"
        )
    print(f"ratio rayport/bare: {ratio:.2f}")
    out = ROOT / "bench" / "results" / "auth_me.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                },
                "args": vars(args),
                "summary": summary,
                "ratio": round(ratio, 3),
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
