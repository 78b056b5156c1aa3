"""Scans create each notice exactly once: expiry thresholds, expired, traffic, cleanup."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from rayport.db.engine import Database
from rayport.models import Config, Notification
from rayport.models.enums import ConfigStatus, ConfigType, LangCode, NotificationStatus
from rayport.notifier import Notifier, service
from rayport.notifier.texts import NotifierKind
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.notifier.conftest import (
    GIB,
    WEB_APP_URL,
    add_config,
    add_user,
    all_sent,
    notification_rows,
    notifier_settings,
    now,
    running,
    wait_until,
)

HOURS = [72, 24, 2]


async def test_each_threshold_sends_one_message_in_the_users_language_with_the_app_button(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    start = now()
    chats = {72: 1001, 24: 1002, 2: 1003}
    langs = {72: LangCode.ru, 24: LangCode.en, 2: LangCode.ru}
    left = {72: timedelta(hours=60), 24: timedelta(hours=20), 2: timedelta(minutes=90)}
    for hours, chat in chats.items():
        user = await add_user(db, f"user_{hours}h", lang=langs[hours], chat_id=chat)
        await add_config(db, user, valid_to=start + left[hours])
    far = await add_user(db, "far_away", chat_id=1999)
    await add_config(db, far, valid_to=start + timedelta(days=10))

    settings = notifier_settings(
        clean_pg, bot_api=fake_bot_api, CONFIG_EXPIRY_NOTIF_HOURS="72,24,2"
    )
    async with running(Notifier(settings)) as (worker,):
        await wait_until(lambda: _sent_count(db, 3))
        for _ in range(3):  # later rounds find everything already queued
            assert await worker.run_jobs() == 0

    rows = await notification_rows(db, kind=NotifierKind.config_expiring.value)
    assert sorted(r.period_key.split(":")[0] for r in rows if r.period_key) == ["24h", "2h", "72h"]
    assert all(r.status is NotificationStatus.sent and r.channel == "telegram" for r in rows)
    assert fake_bot_api.sent_messages(1999) == []
    for hours, chat in chats.items():
        messages = fake_bot_api.sent_messages(chat)
        assert len(messages) == 1, (hours, messages)
        text = messages[0]["text"]
        if langs[hours] is LangCode.ru:
            assert "Конфигурация VLESS скоро истечёт" in text and "UTC" in text
        else:
            assert "Your VLESS config expires soon" in text
        assert messages[0]["parse_mode"] == "HTML"
        [[button]] = messages[0]["reply_markup"]["inline_keyboard"]
        assert button["web_app"] == {"url": WEB_APP_URL}
        assert button["text"] == (
            "Открыть RayPort" if langs[hours] is LangCode.ru else "Open RayPort"
        )


async def _sent_count(db: Database, expected: int) -> bool:
    return len(await notification_rows(db, status=NotificationStatus.sent)) >= expected


async def test_a_config_moves_through_the_thresholds_once_each_and_again_after_renewal(
    db: Database,
) -> None:
    t0 = now()
    user = await add_user(db, "moving_user")
    config_id = await add_config(db, user, valid_to=t0 + timedelta(hours=50))

    async def scan(at_hours: float) -> int:
        async with db.unit_of_work() as session:
            return await service.scan_expiring(session, HOURS, t0 + timedelta(hours=at_hours))

    assert await scan(0) == 1  # 50 h left: the 72 h notice
    assert await scan(1) == 0
    assert await scan(30) == 1  # 20 h left: the 24 h notice
    assert await scan(30.5) == 0
    assert await scan(49) == 1  # 1 h left: the 2 h notice
    assert await scan(49.9) == 0
    keys = sorted(r.period_key or "" for r in await notification_rows(db, target_id=config_id))
    stamp = service.period_stamp(t0 + timedelta(hours=50))
    assert keys == sorted([f"72h:{stamp}", f"24h:{stamp}", f"2h:{stamp}"])

    # Renewed: a new expiry date is a new cycle — and again only once per threshold.
    async with db.unit_of_work() as session:
        await session.execute(
            sa.update(Config)
            .where(Config.id == config_id)
            .values(valid_to=t0 + timedelta(hours=49 + 60))
        )
    assert await scan(49) == 1
    assert await scan(49) == 0
    assert len(await notification_rows(db, target_id=config_id)) == 4


async def test_a_config_first_seen_inside_several_thresholds_gets_only_the_tightest(
    db: Database,
) -> None:
    user = await add_user(db, "late_user")
    await add_config(db, user, valid_to=now() + timedelta(minutes=30))
    async with db.unit_of_work() as session:
        assert await service.scan_expiring(session, HOURS, now()) == 1
    [row] = await notification_rows(db)
    assert row.period_key is not None and row.period_key.startswith("2h:")
    assert "less than an hour left" in row.content["en"] and "меньше часа" in row.content["ru"]


async def test_concurrent_scans_insert_each_notice_once(db: Database) -> None:
    stamp = now()
    for i in range(40):
        user = await add_user(db, f"race_user_{i}")
        await add_config(db, user, valid_to=stamp + timedelta(hours=1 + i % 3 * 20))

    async def scan() -> int:
        async with db.unit_of_work() as session:
            return await service.scan_expiring(session, HOURS, stamp)

    results = await asyncio.gather(*(scan() for _ in range(4)))
    assert sum(results) == 40
    assert len(await notification_rows(db)) == 40


async def test_expired_configs_change_status_and_tell_the_user_once(db: Database) -> None:
    user = await add_user(db, "expired_user", lang=LangCode.ru)
    gone = await add_config(db, user, valid_to=now() - timedelta(minutes=5))
    pending = await add_config(
        db,
        user,
        valid_to=now() - timedelta(days=1),
        config_type=ConfigType.trojan,
        status=ConfigStatus.update_pending,
    )
    other = await add_user(db, "disabled_user")
    disabled = await add_config(
        db, other, valid_to=now() - timedelta(days=1), status=ConfigStatus.disabled
    )

    async def expire() -> int:
        async with db.unit_of_work() as session:
            return await service.expire_configs(session, now())

    assert sum(await asyncio.gather(expire(), expire())) == 2
    assert await expire() == 0
    async with db.read_only() as session:
        statuses = dict((await session.execute(sa.select(Config.id, Config.status))).all())
    assert statuses == {
        gone: ConfigStatus.expired,
        pending: ConfigStatus.expired,
        disabled: ConfigStatus.disabled,
    }
    rows = await notification_rows(db, kind=NotifierKind.config_expired.value)
    assert sorted(r.target_id for r in rows) == sorted([gone, pending])
    assert {r.title["ru"] for r in rows} == {
        "Срок конфигурации VLESS истёк",
        "Срок конфигурации Trojan истёк",
    }


async def test_traffic_notices_at_80_and_100_percent_once_per_period(db: Database) -> None:
    user = await add_user(db, "traffic_user")
    valid_to = now() + timedelta(days=20)
    config_id = await add_config(db, user, valid_to=valid_to, total_gb=10, used_bytes=7 * GIB)
    unlimited = await add_user(db, "unlimited_user")
    await add_config(db, unlimited, valid_to=valid_to, total_gb=0, used_bytes=500 * GIB)
    full = await add_user(db, "full_user")
    await add_config(db, full, valid_to=valid_to, total_gb=5, used_bytes=6 * GIB)

    async def scan() -> int:
        async with db.unit_of_work() as session:
            return await service.scan_traffic(session, now())

    async def use(gib: float) -> None:
        async with db.unit_of_work() as session:
            await session.execute(
                sa.update(Config)
                .where(Config.id == config_id)
                .values(up_bytes=0, down_bytes=int(gib * GIB))
            )

    assert await scan() == 1  # only the full one (100 %), not 70 % nor unlimited
    await use(8.5)
    assert await scan() == 1
    assert await scan() == 0
    await use(10)
    assert await scan() == 1
    assert await scan() == 0
    rows = await notification_rows(db, target_id=config_id)
    assert [r.kind for r in rows] == [
        NotifierKind.traffic_warning.value,
        NotifierKind.traffic_exhausted.value,
    ]
    stamp = service.period_stamp(valid_to)
    assert [r.period_key for r in rows] == [f"80%:10GB:{stamp}", f"100%:10GB:{stamp}"]
    assert "8.5 GB of 10 GB" in rows[0].content["en"]
    assert "8,5 ГБ из 10 ГБ" in rows[0].content["ru"]


async def test_cleanup_deletes_old_rows_but_keeps_notices_of_the_current_period(
    db: Database,
) -> None:
    stamp = now()
    user = await add_user(db, "cleanup_user")
    valid_to = stamp + timedelta(days=60)
    config_id = await add_config(db, user, valid_to=valid_to, total_gb=10, used_bytes=9 * GIB)
    async with db.unit_of_work() as session:
        await service.scan_traffic(session, stamp)
    # Another period's notice, an ordinary old notice, and a fresh one.
    async with db.unit_of_work() as session:
        old = stamp - timedelta(days=40)
        base = {
            "user_id": user,
            "title": {"ru": "т", "en": "t"},
            "content": {"ru": "т", "en": "t"},
            "status": NotificationStatus.sent,
            "created_at": old,
            "updated_at": old,
        }
        await session.execute(
            sa.insert(Notification),
            [
                {**base, "kind": "request_applied"},
                {
                    **base,
                    "kind": NotifierKind.traffic_warning.value,
                    "target_id": config_id,
                    "period_key": "80%:10GB:2020-01-01T00:00",
                },
                {**base, "kind": "request_denied", "created_at": stamp, "updated_at": stamp},
            ],
        )
        await session.execute(
            sa.update(Notification)
            .values(created_at=old)
            .where(
                Notification.kind == NotifierKind.traffic_warning.value,
                Notification.period_key != "80%:10GB:2020-01-01T00:00",
            )
        )
    async with db.unit_of_work() as session:
        assert await service.cleanup(session, 30, HOURS, stamp) == 2
    left = sorted((r.kind, r.period_key or "") for r in await notification_rows(db))
    assert left == [
        (NotifierKind.traffic_warning.value, service.traffic_key(80, 10, valid_to)),
        ("request_denied", ""),
    ]
    async with db.unit_of_work() as session:  # the kept notice still blocks a second one
        assert await service.scan_traffic(session, stamp) == 0


async def test_the_embedded_sqlite_setup_scans_and_delivers(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    try:
        user = await add_user(database, "sqlite_user", lang=LangCode.ru)
        await add_config(database, user, valid_to=now() + timedelta(hours=1))
        await add_config(
            database, user, valid_to=now() - timedelta(hours=1), config_type=ConfigType.trojan
        )
        settings = notifier_settings(sqlite_url, redis_url=None)
        async with running(Notifier(settings)):
            await wait_until(lambda: _sent_count(database, 2))
        rows = await notification_rows(database)
        assert len(rows) == 2 and all(r.channel == "in_app" for r in rows)
        assert await all_sent(database)
    finally:
        await database.dispose()
