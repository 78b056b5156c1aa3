"""Bulk sync: traffic, expiry and enabled state of every config, one list call per inbound.

The panel's counters win (it measures traffic). RayPort wins on expiry, limits and the
enable switch (admins change those through RayPort): a difference is written back to the
panel and reported as repaired. A config whose client is gone from the panel, and a panel
client on our inbounds that no config knows, are reported for an admin to decide.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.cache import Cache, CacheUnavailable
from rayport.configs.panel import Panel
from rayport.errors import XuiError, XuiUnavailable
from rayport.models import Config
from rayport.models.enums import ConfigType

logger = logging.getLogger(__name__)
REPORT_KEY = "xui:last_sync"
EXPIRY_TOLERANCE_SEC = 1.0


@dataclass
class SyncReport:
    at: str
    ok: bool = True
    error: str | None = None
    panel_calls: int = 0
    configs: int = 0
    updated: int = 0
    repaired: list[dict[str, str]] = field(default_factory=list)
    missing_on_panel: list[str] = field(default_factory=list)
    unknown_to_rayport: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


async def sync_configs(db: AsyncSession, panel: Panel) -> SyncReport:
    """Pull counters for every config and repair drift. Raises nothing: a panel outage
    is reported in the result (``ok=False``) and no row changes.

    Rows are read and written with Core statements (a few columns, one executemany): the
    ORM's per-object bookkeeping is most of the cost at ten thousand configs.
    """
    now = datetime.now(UTC)
    report = SyncReport(at=now.isoformat())
    columns = (
        Config.id,
        Config.client_email,
        Config.type,
        Config.up_bytes,
        Config.down_bytes,
        Config.valid_to,
        Config.last_synced_at,
    )
    rows = {row.client_email.lower(): row for row in (await db.execute(sa.select(*columns))).all()}
    report.configs = len(rows)
    seen: set[str] = set()
    updates: list[dict[str, object]] = []
    drifted: list[uuid.UUID] = []
    try:
        for config_type in ConfigType:
            inbound = await panel.inbound(config_type)
            traffic = await panel.client.list_client_traffic(inbound.id)
            report.panel_calls += 1
            for item in traffic:
                email = item.email.lower()
                row = rows.get(email)
                if row is None or row.type is not config_type:
                    report.unknown_to_rayport.append(item.email)
                    continue
                seen.add(email)
                if (item.up, item.down) != (
                    row.up_bytes,
                    row.down_bytes,
                ) or row.last_synced_at is None:
                    updates.append({"b_id": row.id, "up": item.up, "down": item.down})
                expiry = item.expiry_time
                if (
                    expiry is None
                    or abs((expiry - row.valid_to).total_seconds()) > EXPIRY_TOLERANCE_SEC
                ):
                    drifted.append(row.id)
    except (XuiUnavailable, XuiError) as exc:
        report.ok, report.error = False, exc.message
        return report
    report.missing_on_panel = sorted(r.client_email for e, r in rows.items() if e not in seen)
    if updates:
        table = cast(sa.Table, Config.__table__)
        stmt = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(
                up_bytes=sa.bindparam("up"),
                down_bytes=sa.bindparam("down"),
                last_synced_at=now,
                updated_at=now,
            )
        )
        await db.execute(stmt, updates)
    report.updated = len(updates)
    for config_id in drifted:
        config = await db.get(Config, config_id)
        if config is None:
            continue
        try:
            await panel.write(config)
            report.panel_calls += 2
            report.repaired.append({"email": config.client_email, "what": "expiry"})
        except (XuiUnavailable, XuiError) as exc:
            report.ok, report.error = False, exc.message
            break
    await db.flush()
    return report


async def store_report(cache: Cache, report: SyncReport) -> None:
    try:
        await cache.set(REPORT_KEY, report.to_json(), ttl=7 * 86400)
    except CacheUnavailable:
        logger.warning("sync report not stored: cache unavailable")


async def load_report(cache: Cache) -> SyncReport | None:
    try:
        raw = await cache.get(REPORT_KEY)
    except CacheUnavailable:
        return None
    return SyncReport(**json.loads(raw)) if raw else None
