"""A closed-loop HTTP/1.1 load generator that keeps latencies per status, which wrk cannot:
with an in-flight cap, fast 503s and slower 200s mixed in one histogram say little.

Each of `connections` keep-alive connections sends the next GET as soon as the previous
answer has arrived (like wrk) — or, with `honour_retry_after`, waits as long as a 503's
`Retry-After` says first, as a well-behaved client (the web app) does. It runs in its own
process (uvloop when available) so the server under test and the generator each have a
core.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sys
import time
from typing import Any
from urllib.parse import urlsplit


async def _connection(
    host: str,
    port: int,
    request: bytes,
    until: float,
    latencies: dict[int, list[float]],
    honour_retry_after: bool,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length, retry_after = 0, 0.0
            close = False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"retry-after":
                    retry_after = float(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            status = int(status_line.split()[1])
            latencies.setdefault(status, []).append(time.perf_counter() - started)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            if honour_retry_after and status == 503 and retry_after:
                await asyncio.sleep(max(0.0, min(retry_after, until - time.perf_counter())))
    finally:
        writer.close()


async def _run(
    url: str, token: str, connections: int, duration: float, honour_retry_after: bool
) -> dict[int, list[float]]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    latencies: dict[int, list[float]] = {}
    until = time.perf_counter() + duration
    await asyncio.gather(
        *(
            _connection(host, port, request, until, latencies, honour_retry_after)
            for _ in range(connections)
        )
    )
    return latencies


def _child(url: str, token: str, connections: int, duration: float, honour: bool, out: Any) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        pass
    out.send(asyncio.run(_run(url, token, connections, duration, honour)))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(
    url: str, token: str, connections: int, duration: float, *, honour_retry_after: bool = False
) -> dict[str, Any]:
    """Requests/s and p50/p99 (ms) for 2xx answers, and the count of each other status."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(
        target=_child, args=(url, token, connections, duration, honour_retry_after, send)
    )
    child.start()
    latencies: dict[int, list[float]] = receive.recv()
    child.join()
    good = [t for status, values in latencies.items() if 200 <= status < 300 for t in values]
    total = sum(len(values) for values in latencies.values())
    return {
        "connections": connections,
        "good_rps": round(len(good) / duration, 1),
        "p50_ms": round(_percentile(good, 0.50), 2) if good else None,
        "p99_ms": round(_percentile(good, 0.99), 2) if good else None,
        "refused_share": round(1 - len(good) / total, 3) if total else 0.0,
        "statuses": {str(status): len(values) for status, values in sorted(latencies.items())},
        "refused_p50_ms": round(_percentile(latencies[503], 0.5), 2) if 503 in latencies else None,
    }


if __name__ == "__main__":  # python -m bench.loadgen URL TOKEN CONNECTIONS SECONDS
    print(json.dumps(run(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))))
