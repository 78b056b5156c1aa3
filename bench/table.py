"""The benchmark table of bench/README.md: every benchmark, one after the other, in one run on
one machine, then one Markdown table of what each measured against its target.

    uv run python -m bench.table            # all of them (~20 min), then the table
    uv run python -m bench.table --only-render   # the table from bench/results/*.json

Writes bench/results/table.md (the table, the machine and the load average around the run).
Each benchmark also stands alone (`uv run python -m bench.<name> --help`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import ROOT

RESULTS = ROOT / "bench" / "results"

# (module, arguments): the order keeps the long, quiet ones apart from the load tests.
RUNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("auth_me", ()),
    ("login", ()),
    ("overload", ()),
    ("admin_lists", ()),
    ("notifier", ()),
    ("xui_sync", ()),
    ("memory", ()),
)


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _ms(value: Any) -> str:
    return "-" if value is None else f"{float(value):.1f} ms"


def _row_auth_me(data: dict[str, Any]) -> list[str]:
    summary = data["summary"]
    ours, bare = summary["rayport /api/auth/v1/me"], summary["bare app /me"]
    return [
        "Authenticated GET (`/me`) vs bare FastAPI + JWT + Redis GET + asyncpg",
        "≥ 0.8 of bare",
        f"**{data['ratio']:.2f}** — {ours['rps']:.0f} vs {bare['rps']:.0f} req/s; "
        f"p50 {_ms(ours['p50_ms'])} vs {_ms(bare['p50_ms'])}, "
        f"p99 {_ms(ours['p99_ms'])} vs {_ms(bare['p99_ms'])}",
        "`python -m bench.auth_me`",
    ]


def _row_login(data: dict[str, Any]) -> list[str]:
    one = data["login_latency"]["1_connections"]
    four = data["login_latency"]["4_connections"]
    concurrent = data["concurrent"]
    alone = concurrent["me_alone_8_connections"]
    during = concurrent["me_during_logins_8_connections"]
    return [
        "Login (argon2id) latency; `/me` while logins run",
        "-",
        f"login p50 {_ms(one['p50_ms'])}, p99 {_ms(one['p99_ms'])} ({one['rps']:.0f}/s; "
        f"{four['rps']:.0f}/s at 4 clients); `/me` {alone['rps']:.0f} → {during['rps']:.0f} "
        f"req/s, p99 {_ms(alone['p99_ms'])} → {_ms(during['p99_ms'])}",
        "`python -m bench.login`",
    ]


def _row_overload(data: dict[str, Any]) -> list[str]:
    capped = next(v for k, v in data["overload"].items() if k.startswith("1.5x") and ", cap " in k)
    heavy = {k: v for k, v in data["overload"].items() if k.startswith("128")}
    uncapped_heavy = next(v for k, v in heavy.items() if "uncapped" in k)
    default_heavy = next(v for k, v in heavy.items() if "default" in k)
    return [
        "Overload: one worker at 1.5x its saturating concurrency, cap there",
        "p99/p50 ≤ 5, excess → 503",
        f"saturates at {data['saturating_connections']} clients; capped at 1.5x: p99/p50 "
        f"**{capped['p99_over_p50']}**, {100 * capped['refused_share']:.1f} % refused; "
        f"128 clients: p99/p50 {uncapped_heavy['p99_over_p50']} uncapped, "
        f"{default_heavy['p99_over_p50']} with the default cap "
        f"({100 * default_heavy['refused_share']:.0f} % refused)",
        "`python -m bench.overload`",
    ]


def _row_admin_lists(data: dict[str, Any]) -> list[str]:
    results = data["results"]
    lists = {k: v for k, v in results.items() if k != "user detail"}
    worst = max(lists.items(), key=lambda item: item[1]["p99_ms"])
    detail = results["user detail"]
    return [
        f"Admin lists at {data['args']['users']:,} users / {2 * data['args']['users']:,} "
        "configs (first and deep pages, filters, sort); user detail",
        "p99 ≤ 200 ms; detail ≤ 50 ms",
        f"worst list p99 **{_ms(worst[1]['p99_ms'])}** ({worst[0]}); "
        f"user detail p99 **{_ms(detail['p99_ms'])}**",
        "`python -m bench.admin_lists`",
    ]


def _row_scan(data: dict[str, Any]) -> list[str]:
    scan = next(run["scan"] for run in data.values() if "scan" in run)
    query = scan["query_with_index"]
    return [
        f"Expiry scan over {scan.get('configs', 100_000):,} configs (query, index scan)",
        "≤ 5 ms",
        f"median **{_ms(query['median_ms'])}**, p95 {_ms(query['p95_ms'])} "
        f"({query['rows']} rows due in 72 h)",
        "`python -m bench.notifier`",
    ]


def _row_send(data: dict[str, Any]) -> list[str]:
    send = data["workers_1"]["send"]
    load = send.get("db_load", {})
    draining = load.get("draining", {}).get("per_sent", {})
    idle = load.get("idle", {}).get("per_second", {})
    return [
        f"Notifier send rate, {send['notifications']:,} due, vs "
        f"{send['configured_limit']}; claim loop database load",
        "within 10 %, 0 per-chat violations",
        f"**{100 * send['rate_vs_limit']:.1f} %** of the limit, "
        f"{send['violations_per_chat']} per-chat violations, {send['duplicates']} duplicates; "
        f"{draining.get('statements', '-')} statements and "
        f"{draining.get('rows_read', '-')} notification rows read per message, "
        f"{idle.get('statements', '-')} statements/s idle",
        "`python -m bench.notifier`",
    ]


def _row_sync(data: dict[str, Any]) -> list[str]:
    steady = data["runs"][-1]
    return [
        f"3X-UI sync of {data['clients']:,} clients (era {data['era'].upper()})",
        "one list call per inbound",
        f"RayPort side **{steady['rayport_side_s']:.2f} s**, panel {steady['panel_wait_s']:.2f} s, "
        f"{steady['panel_calls']} panel calls",
        "`python -m bench.xui_sync`",
    ]


def _row_memory(data: dict[str, Any]) -> list[str]:
    parts = []
    for name, row in data["processes"].items():
        parts.append(
            f"{name} {row['idle_mib']:.0f} → {row['peak_mib']:.0f} MiB "
            f"(after {row['after_mib']:.0f})"
        )
    return [
        "Memory (RSS) of each process, idle → peak under load",
        "-",
        "; ".join(parts),
        "`python -m bench.memory`",
    ]


ROWS: tuple[tuple[str, Callable[[dict[str, Any]], list[str]]], ...] = (
    ("auth_me", _row_auth_me),
    ("login", _row_login),
    ("overload", _row_overload),
    ("admin_lists", _row_admin_lists),
    ("notifier", _row_scan),
    ("notifier", _row_send),
    ("xui_sync_e", _row_sync),
    ("memory", _row_memory),
)


def render(started: str, load: dict[str, list[float]]) -> str:
    lines = [
        "| what | target | measured | command |",
        "|---|---|---|---|",
    ]
    for name, row in ROWS:
        data = _load(name)
        if data is None:
            lines.append(f"| {name} | | not run | |")
            continue
        try:
            cells = row(data)
        except (KeyError, StopIteration, TypeError) as exc:  # an older result file
            cells = [name, "", f"unreadable result ({type(exc).__name__}: {exc})", ""]
        lines.append("| " + " | ".join(cells) + " |")
    machine = (
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; "
        f"run started {started}; load average {load}"
    )
    return "\n".join(lines) + f"\n\nMachine: {machine}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only-render", action="store_true")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load = {"start": [round(x, 2) for x in os.getloadavg()]}
    if not args.only_render:
        for module, arguments in RUNS:
            print(f"== bench.{module}", flush=True)
            began = time.monotonic()
            subprocess.run([sys.executable, "-m", f"bench.{module}", *arguments], cwd=ROOT)
            print(f"== bench.{module}: {time.monotonic() - began:.0f} s", flush=True)
    load["end"] = [round(x, 2) for x in os.getloadavg()]
    table = render(started, load)
    (RESULTS / "table.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
