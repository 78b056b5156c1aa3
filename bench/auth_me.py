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
import shutil
import sys
import time
import uuid

import httpx

from bench.common import (
    ROOT,
    create_database,
    drop_database,
    free_port,
    load_avg,
    machine,
    migrate,
    rayport_env,
    start_server,
    wrk,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    load_start = load_avg()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    name = f"rayport_bench_{uuid.uuid4().hex[:8]}"
    dsn = asyncio.run(create_database(name))
    env = rayport_env(name, dsn) | {"BARE_DSN": dsn}
    migrate(env)
    rayport_port, bare_port = free_port(), free_port()
    processes = [
        start_server("rayport.api.asgi:app", rayport_port, {**env, "DOCS_ENABLED": "true"}),
        start_server("bench.bare_app:app", bare_port, env),
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
            wrk(url, token, 3, args.connections)
        results: dict[str, list[dict[str, float]]] = {k: [] for k in targets}
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            for label, url in targets.items():
                results[label].append(wrk(url, token, args.duration, args.connections))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        asyncio.run(drop_database(name))

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
                "machine": machine(load_start),
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
