"""Benchmark: bulk sync of 10,000 clients across two inbounds against the 3X-UI emulator.

    uv run python -m bench.xui_sync [--clients 10000] [--era e] [--rounds 3]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres). Reports wall time, the time spent
waiting for the panel, the RayPort side (the rest: parsing, the bulk UPDATE, drift
checks) and the number of panel calls. Target: one list call per inbound, RayPort side
under 2 s. Writes bench/results/xui_sync.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import SecretStr

from bench.common import ROOT, create_migrated_database, drop_database, load_avg, machine
from rayport.configs.panel import Panel
from rayport.db.engine import Database
from rayport.models import Config, User
from rayport.settings import XuiSettings
from rayport.xui.sync import sync_configs
from tests.fixtures.xui_emulator.server import XuiEmulator


async def _seed(db: Database, emu: XuiEmulator, per_inbound: int) -> None:
    now = datetime.now(UTC)
    async with db.unit_of_work() as session:
        role_id = await session.scalar(sa.text("SELECT id FROM role WHERE name = 'user'"))
        for remark in ("vless", "trojan"):
            inbound = emu.state.inbound_by_remark(remark)
            clients = emu.state.seed_clients(inbound.id, per_inbound, prefix=f"b{remark}")
            users = [
                {
                    "id": uuid.uuid4(),
                    "login": f"{c['email']}",
                    "role_id": role_id,
                    "status": "verified",
                    "is_active": True,
                    "must_change_password": False,
                    "sub_token": uuid.uuid4().hex,
                    "created_at": now,
                    "updated_at": now,
                }
                for c in clients
            ]
            await session.execute(sa.insert(User), users)
            await session.execute(
                sa.insert(Config),
                [
                    {
                        "id": uuid.uuid4(),
                        "user_id": u["id"],
                        "type": remark,
                        "xui_client_id": c.get("id") or c.get("password"),
                        "client_email": c["email"],
                        "sub_id": c["subId"],
                        "inbound_id": inbound.id,
                        "total_gb": 0,
                        "limit_ip": 0,
                        "up_bytes": 0,
                        "down_bytes": 0,
                        "valid_from": now,
                        "valid_to": datetime.fromtimestamp(c["expiryTime"] / 1000, UTC),
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for u, c in zip(users, clients, strict=True)
                ],
            )


async def run(clients: int, era: str, rounds: int) -> dict[str, Any]:
    name = f"rayport_bench_sync_{uuid.uuid4().hex[:6]}"
    url = await create_migrated_database(name)
    database = Database(url)
    runs = []
    with XuiEmulator(era) as emu:
        await _seed(database, emu, clients // 2)
        panel = Panel(
            XuiSettings(
                XUI_URL=emu.url,
                XUI_USERNAME=emu.username,
                XUI_PASSWORD=SecretStr(emu.password),
                XUI_TIMEOUT_SEC=60,
            )
        )
        waited = 0.0
        original = panel.client.list_client_traffic

        async def timed(inbound_id: int) -> Any:
            nonlocal waited
            started = time.perf_counter()
            try:
                return await original(inbound_id)
            finally:
                waited += time.perf_counter() - started

        panel.client.list_client_traffic = timed  # type: ignore[method-assign]
        for n in range(rounds):
            for c in list(emu.state.emails()):  # new counters each round: every row changes
                emu.state.set_traffic(c, up=n * 10 + 1, down=n * 10 + 2) if c.startswith(
                    "b"
                ) else None
            waited = 0.0
            panel.forget_inbounds()
            emu.clear_calls()
            started = time.perf_counter()
            async with database.unit_of_work() as session:
                report = await sync_configs(session, panel)
            wall = time.perf_counter() - started
            calls = [c.route for c in emu.api_calls()]
            runs.append(
                {
                    "wall_s": round(wall, 3),
                    "panel_wait_s": round(waited, 3),
                    "rayport_side_s": round(wall - waited, 3),
                    "panel_calls": len(calls),
                    "calls": sorted(set(calls)),
                    "configs": report.configs,
                    "updated": report.updated,
                    "ok": report.ok,
                }
            )
        await panel.close()
    await database.dispose()
    await drop_database(name)
    return {"clients": clients, "era": era, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--era", default="e")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load_start = load_avg()
    result = asyncio.run(run(args.clients, args.era, args.rounds))
    for r in result["runs"]:
        print(
            f"wall {r['wall_s']:.2f}s  panel {r['panel_wait_s']:.2f}s  "
            f"rayport {r['rayport_side_s']:.2f}s"
            f"  calls {r['panel_calls']} {r['calls']}  updated {r['updated']}/{r['configs']}"
        )
    result["machine"] = machine(load_start)
    result["at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = ROOT / "bench" / "results" / f"xui_sync_{args.era}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
