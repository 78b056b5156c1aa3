"""Benchmark: login latency (argon2id) and what a login load does to other requests.

    uv run python -m bench.login [--duration 8]

Needs PostgreSQL (127.0.0.1:5432, user postgres), Redis (127.0.0.1:6379) and `wrk`. One
uvicorn worker on a fresh database (rate limits off, log level WARNING), two registered
users. Measures

- `POST /api/auth/v1/login` alone, at 1 and at 4 connections: logins/s, p50, p99;
- `GET /api/auth/v1/me` at 8 connections alone, then again while 2 connections log in
  (both wrk runs started together, same duration): /me req/s, p50 and p99 alone and during
  the logins, and the logins/s achieved meanwhile.

The password check (argon2id, m=19 MiB, t=2) runs in a worker thread, off the event loop;
on 2 cores it still takes CPU from the loop that answers /me. The login user and the /me
user are different: each login beyond SESSION_LIMIT revokes the login user's oldest session
(real work per login, measured), which must not be the one /me is authenticated with.
Prints a table and writes bench/results/login.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

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
    wrk_request,
)

LOGIN_USER = "bench_login"
ME_USER = "bench_me"
PASSWORD = "Bench-Pass-123"  # noqa: S105 - a throwaway database


def register(base: str, login: str) -> str:
    """Register `login`; its access token."""
    response = httpx.post(
        f"{base}/api/auth/v1/register",
        json={"login": login, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    load_start = load_avg()
    name = f"rayport_bench_login_{uuid.uuid4().hex[:8]}"
    dsn = asyncio.run(create_database(name))
    env = rayport_env(name, dsn)
    migrate(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_server("rayport.api.asgi:app", port, env)
    try:
        register(base, LOGIN_USER)
        token = register(base, ME_USER)
        login_url = f"{base}/api/auth/v1/login"
        me_url = f"{base}/api/auth/v1/me"

        def logins(duration: int, connections: int) -> dict[str, float]:
            return wrk_request(
                login_url,
                duration=duration,
                connections=connections,
                method="POST",
                body=json.dumps({"login": LOGIN_USER, "password": PASSWORD}),
                headers={"Content-Type": "application/json"},
            )

        def me(duration: int, connections: int) -> dict[str, float]:
            return wrk_request(
                me_url,
                duration=duration,
                connections=connections,
                headers={"Authorization": f"Bearer {token}"},
            )

        logins(2, 1)  # warm up: the hasher's thread pool, connection pools, caches
        me(2, 8)
        latency = {c: logins(args.duration, c) for c in (1, 4)}
        me_alone = me(args.duration, 8)
        with ThreadPoolExecutor(2) as pool:  # both wrk runs at once, same duration
            during = pool.submit(me, args.duration, 8)
            meanwhile = pool.submit(logins, args.duration, 2)
            me_during, logins_meanwhile = during.result(), meanwhile.result()
    finally:
        process.terminate()
        process.wait(timeout=10)
        asyncio.run(drop_database(name))

    for run in (*latency.values(), me_alone, me_during, logins_meanwhile):
        if run["non_2xx"] or run["socket_errors"]:
            print(f"warning: a run had errors: {run}", file=sys.stderr)
    rows = {
        "login, 1 connection": latency[1],
        "login, 4 connections": latency[4],
        "/me, 8 connections, alone": me_alone,
        "/me, 8 connections, during logins": me_during,
        "  logins meanwhile, 2 connections": logins_meanwhile,
    }
    print(f"{'run':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, row in rows.items():
        errors = row["non_2xx"] + row["socket_errors"]
        print(
            f"{label:36} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{errors:>7.0f}"
        )
    effect = {
        "me_rps_ratio": round(me_during["rps"] / me_alone["rps"], 3),
        "me_p50_ratio": round(me_during["p50_ms"] / me_alone["p50_ms"], 2),
        "me_p99_ratio": round(me_during["p99_ms"] / me_alone["p99_ms"], 2),
    }
    print(
        f"/me during logins: {100 * effect['me_rps_ratio']:.0f} % of its req/s alone, "
        f"p50 x{effect['me_p50_ratio']}, p99 x{effect['me_p99_ratio']}"
    )
    out = ROOT / "bench" / "results" / "login.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": machine(load_start),
                "args": vars(args),
                "login_latency": {f"{c}_connections": row for c, row in latency.items()},
                "concurrent": {
                    "me_alone_8_connections": me_alone,
                    "me_during_logins_8_connections": me_during,
                    "logins_meanwhile_2_connections": logins_meanwhile,
                    **effect,
                },
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
