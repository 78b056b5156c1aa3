"""Benchmark: one API worker past saturation, with and without the in-flight cap.

    uv run python -m bench.overload [--duration 6] [--cap N]

Needs PostgreSQL (127.0.0.1:5432, user postgres), Redis (127.0.0.1:6379) and `wrk`. Runs
`GET /api/auth/v1/me` (one uvicorn worker, rate limits off) at rising concurrency to find
where the worker saturates: the smallest concurrency whose throughput is within 10 % of the
best. Then, side by side, two workers on the same database: one with `MAX_IN_FLIGHT` at
that concurrency (or `--cap`), one effectively uncapped, both at 1.5x and 4x the saturating
concurrency. Reports good (2xx) requests/s, p50, p99, p99/p50 and the share of 503s.

The load comes from bench/loadgen.py, a closed loop like wrk (each connection asks again as
soon as it has its answer) that keeps latencies per status: p50/p99 are those of the 2xx
answers, and the 503 share says how much of the offered load was turned away at once. Its
clients honour Retry-After (a refused connection waits the second it is told to), as the
web app does; a client that retried at once would only turn the spare CPU into 503s.

A last pair of runs puts the default cap (MAX_IN_FLIGHT=32) at 4x its size (128 clients)
next to no cap at all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import time
import uuid
from typing import Any

import httpx

from bench import loadgen
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

LEVELS = (1, 2, 4, 8, 16, 32, 64)


def _measure(url: str, token: str, connections: int, duration: int) -> dict[str, Any]:
    row = loadgen.run(url, token, connections, duration, honour_retry_after=True)
    p50, p99 = row["p50_ms"], row["p99_ms"]
    row["p99_over_p50"] = round(p99 / p50, 2) if p50 and p99 else None
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--cap", type=int, default=0, help="0 = the measured saturation point")
    args = parser.parse_args()

    name = f"rayport_bench_overload_{uuid.uuid4().hex[:8]}"
    dsn = asyncio.run(create_database(name))
    env = rayport_env(name, dsn)
    migrate(env)
    load_start = load_avg()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        uncapped_port = free_port()
        processes.append(
            start_server(
                "rayport.api.asgi:app",
                uncapped_port,
                {**env, "DOCS_ENABLED": "true", "MAX_IN_FLIGHT": "100000"},
            )
        )
        response = httpx.post(
            f"http://127.0.0.1:{uncapped_port}/api/auth/v1/register",
            json={"login": "bench_overload", "password": "Bench-Pass-123"},
        )
        response.raise_for_status()
        token = response.json()["access_token"]
        uncapped = f"http://127.0.0.1:{uncapped_port}/api/auth/v1/me"
        wrk(uncapped, token, 3, 16)  # warm up

        curve = {c: _measure(uncapped, token, c, args.duration) for c in LEVELS}
        best = max(row["good_rps"] for row in curve.values())
        saturating = min(c for c, row in curve.items() if row["good_rps"] >= 0.9 * best)
        cap = args.cap or saturating
        print(f"saturates at {saturating} connections ({best:.0f} req/s); cap {cap}")

        capped_port = free_port()
        processes.append(
            start_server(
                "rayport.api.asgi:app",
                capped_port,
                {**env, "DOCS_ENABLED": "true", "MAX_IN_FLIGHT": str(cap)},
            )
        )
        capped = f"http://127.0.0.1:{capped_port}/api/auth/v1/me"
        wrk(capped, token, 3, cap)  # warm up (its 503s past the cap are fine)
        overload: dict[str, dict[str, Any]] = {}
        for factor in (1.5, 4.0):
            connections = max(2, round(saturating * factor))
            for label, url in (("uncapped", uncapped), (f"cap {cap}", capped)):
                row = _measure(url, token, connections, args.duration)
                overload[f"{factor}x ({connections} conn), {label}"] = row
        default_port = free_port()
        processes.append(
            start_server("rayport.api.asgi:app", default_port, {**env, "DOCS_ENABLED": "true"})
        )
        default = f"http://127.0.0.1:{default_port}/api/auth/v1/me"
        for label, url in (("uncapped", uncapped), ("default cap 32", default)):
            overload[f"128 conn, {label}"] = _measure(url, token, 128, args.duration)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        asyncio.run(drop_database(name))

    print(f"{'run':34} {'2xx/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8} {'503 %':>6}")
    rows = {f"{c} conn": row for c, row in curve.items()} | overload
    for label, row in rows.items():
        print(
            f"{label:34} {row['good_rps']:>7.0f} {row['p50_ms'] or 0:>8.2f} "
            f"{row['p99_ms'] or 0:>8.2f} {row['p99_over_p50'] or 0:>8.2f} "
            f"{100 * row['refused_share']:>6.1f}"
        )
    out = ROOT / "bench" / "results" / "overload.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(load_start),
                "args": vars(args),
                "saturating_connections": saturating,
                "cap": cap,
                "curve": {str(c): row for c, row in curve.items()},
                "overload": overload,
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
