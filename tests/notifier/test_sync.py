"""The notifier runs the 3X-UI bulk sync on its own interval, then the traffic scan."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from rayport.db.engine import Database
from rayport.models import Config
from rayport.notifier import Notifier
from rayport.notifier.texts import NotifierKind
from rayport.settings import XuiSettings
from rayport.xui.sync import load_report
from tests.fixtures.xui_emulator.server import XuiEmulator
from tests.notifier.conftest import (
    GIB,
    add_config,
    add_user,
    all_sent,
    notification_rows,
    notifier_settings,
    now,
    running,
    wait_until,
)


async def test_synced_traffic_past_80_percent_is_noticed_once(
    db: Database, clean_pg: str, xui_panel: XuiEmulator
) -> None:
    valid_to = (now() + timedelta(days=10)).replace(microsecond=0)
    inbound = xui_panel.state.inbound_by_remark("vless")
    xui_panel.state.add_client(
        inbound.id,
        {
            "email": "sync_user-vless",
            "id": "8a3c5f0e-1b2d-4c6e-9f70-112233445566",
            "subId": "syncsubid0000001",
            "totalGB": 10 * GIB,
            "expiryTime": int(valid_to.timestamp() * 1000),
        },
        up=GIB,
        down=8 * GIB,
    )
    user = await add_user(db, "sync_user")
    config_id = await add_config(
        db,
        user,
        valid_to=valid_to,
        total_gb=10,
        client_email="sync_user-vless",
        inbound_id=inbound.id,
    )
    settings = notifier_settings(
        clean_pg,
        XUI_SYNC_PERIOD_SEC=60,
        xui=XuiSettings(
            XUI_URL=xui_panel.url,
            XUI_USERNAME=xui_panel.username,
            XUI_PASSWORD=SecretStr(xui_panel.password),
            XUI_TIMEOUT_SEC=2,
        ),
    )
    worker = Notifier(settings)
    async with running(worker):

        async def noticed() -> bool:
            return bool(await notification_rows(db, target_id=config_id)) and await all_sent(db)

        await wait_until(noticed)
        report = await load_report(worker.cache)
        assert report is not None and report.ok and report.updated == 1
        for _ in range(3):
            await worker.run_jobs()  # the sync waits for its interval; nothing new either

    async with db.read_only() as session:
        config = await session.get(Config, config_id)
        assert config is not None and config.up_bytes + config.down_bytes == 9 * GIB
    [notice] = await notification_rows(db, target_id=config_id)
    assert notice.kind == NotifierKind.traffic_warning.value and notice.channel == "in_app"
    assert "9 GB of 10 GB" in notice.content["en"]
