"""Delivery: exactly once across workers, Telegram's limits and errors, e-mail fallback,
retries, and the heartbeat behind /api/app/v1/status."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from redis.asyncio import Redis

from rayport.cache import create_cache
from rayport.db.engine import Database
from rayport.models import Notification, Social
from rayport.models.enums import LangCode, NotificationStatus, RoleName
from rayport.notifications import service as notifications
from rayport.notifications import texts as notices
from rayport.notifier import Heartbeat, Notifier, NotifierState, read_heartbeat
from rayport.notifier.heartbeat import write_heartbeat
from tests.conftest import make_settings, running_app
from tests.fixtures.fake_bot_api import FakeBotAPI
from tests.notifier.conftest import (
    WEB_APP_URL,
    SmtpServer,
    add_notifications,
    add_user,
    add_users,
    all_sent,
    free_port,
    notifier_settings,
    now,
    running,
    shared_prefix,
    status_counts,
    wait_until,
)
from tests.notifier.conftest import (
    notification_rows as rows_of,
)


async def test_two_workers_deliver_2000_notifications_exactly_once(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.global_limit = 600  # what the workers may send together is 500/s
    chats = 1000
    users = await add_users(db, chats, chat_base=500_000)
    await add_notifications(db, users * 2)  # two per chat: the per-chat limit matters
    settings = notifier_settings(
        clean_pg,
        bot_api=fake_bot_api,
        key_prefix=shared_prefix(),  # one Redis budget for both workers
        NOTIFY_TELEGRAM_GLOBAL_LIMIT="500/second",
        NOTIFY_BATCH_SIZE=60,
    )
    first, second = Notifier(settings, worker_id="w1"), Notifier(settings, worker_id="w2")
    async with running(first, second):
        await wait_until(lambda: all_sent(db), within=60, interval=0.2)

    calls = fake_bot_api.calls_of("sendMessage")
    assert all(call.status == 200 for call in calls)
    per_chat = Counter(str(call.params["chat_id"]) for call in calls)
    assert len(per_chat) == chats and set(per_chat.values()) == {2}
    texts = Counter(call.params["text"] for call in calls)
    assert len(texts) == 2000 and set(texts.values()) == {1}  # each notification once
    assert first.sent_total > 0 and second.sent_total > 0
    assert first.sent_total + second.sent_total == 2000
    assert fake_bot_api.violations == []  # neither 1/s per chat nor the global rate broken
    for worker in (first, second):  # the budget really was the shared one in Redis
        assert worker.telegram is not None and worker.telegram.limiter.fallbacks == 0


async def test_a_429_pauses_the_sender_and_drops_nothing(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    users = await add_users(db, 30, chat_base=600_000)
    await add_notifications(db, users)
    fake_bot_api.rate_limit(retry_after=1, times=1)
    worker = Notifier(notifier_settings(clean_pg, bot_api=fake_bot_api, NOTIFY_BATCH_SIZE=30))
    async with running(worker):
        await wait_until(lambda: all_sent(db))
        assert worker.telegram is not None and worker.telegram.slowed

    calls = fake_bot_api.calls_of("sendMessage")
    [refused] = [call for call in calls if call.status == 429]
    delivered = [call for call in calls if call.status == 200]
    assert len(delivered) == 30
    assert Counter(str(c.params["chat_id"]) for c in delivered) == Counter(
        str(600_000 + i) for i in range(30)
    )
    # Sends already on the wire when the 429 came back land at once (within 0.25 s on a
    # busy box); after that nothing goes out until the pause is over.
    after = [call.at - refused.at for call in delivered if call.at > refused.at]
    assert after and not [gap for gap in after if 0.25 < gap < 0.95]
    assert all(r.attempts == 0 for r in await rows_of(db))  # a 429 is not a failure


async def test_a_blocked_user_is_marked_and_gets_email_instead(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI, smtp_server: SmtpServer
) -> None:
    user = await add_user(
        db, "blocked_user", lang=LangCode.ru, chat_id=2001, email_address="ivan@example.com"
    )
    await add_notifications(db, [user])
    fake_bot_api.block_chat(2001)
    settings = notifier_settings(clean_pg, bot_api=fake_bot_api, smtp_url=smtp_server.url)
    async with running(Notifier(settings)):
        await wait_until(lambda: all_sent(db))
        [row] = await rows_of(db)
        assert row.channel == "email" and row.attempts == 0
        assert "bot was blocked by the user" in (row.last_error or "")
        async with db.read_only() as session:
            assert await session.scalar(sa.select(Social.reachable)) is False
        # The next one goes straight to e-mail.
        await add_notifications(db, [user])
        await wait_until(lambda: all_sent(db))

    assert len(fake_bot_api.calls_of("sendMessage")) == 1
    messages = smtp_server.inbox.to("ivan@example.com")
    assert len(messages) == 2
    assert messages[0]["Subject"] == "Заголовок 0"
    body = messages[0].get_content()
    assert "Текст 0" in body and WEB_APP_URL in body and "Открыть RayPort" in body


async def test_chat_not_found_without_email_falls_back_to_in_app(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    user = await add_user(db, "ghost_user", chat_id=2002)
    await add_notifications(db, [user])
    fake_bot_api.chat_not_found(2002)
    async with running(Notifier(notifier_settings(clean_pg, bot_api=fake_bot_api))):
        await wait_until(lambda: all_sent(db))
    [row] = await rows_of(db)
    assert row.channel == "in_app" and "chat not found" in (row.last_error or "")
    async with db.read_only() as session:
        assert await session.scalar(sa.select(Social.reachable)) is False


async def test_smtp_down_is_retried_later(db: Database, clean_pg: str) -> None:
    port = free_port()
    user = await add_user(db, "mail_user", email_address="mail@example.com")
    await add_notifications(db, [user])
    server = SmtpServer(port)
    settings = notifier_settings(
        clean_pg, smtp_url=server.url, NOTIFY_RETRY_BASE_SEC=1, NOTIFY_RETRY_MAX_SEC=1
    )
    async with running(Notifier(settings)):

        async def failed_once() -> bool:
            rows = await rows_of(db)
            return rows[0].status is NotificationStatus.failed

        await wait_until(failed_once)
        [row] = await rows_of(db)
        assert row.channel == "email" and row.attempts >= 1
        assert row.next_attempt_at is not None and row.next_attempt_at > row.updated_at
        assert "email:" in (row.last_error or "")
        server.start()
        try:
            await wait_until(lambda: all_sent(db))
        finally:
            server.stop()
    [row] = await rows_of(db)
    assert row.channel == "email" and row.attempts >= 1
    assert len(server.inbox.to("mail@example.com")) == 1


async def test_transient_telegram_errors_back_off_then_give_up(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    broken = await add_user(db, "broken_chat", chat_id=3001)
    fine = await add_user(db, "fine_chat", chat_id=3002)
    await add_notifications(db, [broken, fine])
    fake_bot_api.server_error(500, chat_id=3001, times=None)
    settings = notifier_settings(
        clean_pg,
        bot_api=fake_bot_api,
        NOTIFY_MAX_ATTEMPTS=3,
        NOTIFY_RETRY_BASE_SEC=0.1,
        NOTIFY_TELEGRAM_CHAT_LIMIT="1/second",
    )
    async with running(Notifier(settings)):

        async def settled() -> bool:
            return await status_counts(db) == {"dead": 1, "sent": 1}

        await wait_until(settled)
    [dead] = await rows_of(db, status=NotificationStatus.dead)
    assert dead.user_id == broken and dead.attempts == 3 and dead.next_attempt_at is None
    assert "TelegramServerError" in (dead.last_error or "")
    assert len(fake_bot_api.calls_of("sendMessage")) == 4  # 3 tries + the fine one
    times = [c.at for c in fake_bot_api.calls_of("sendMessage") if c.params["chat_id"] == 3001]
    assert times[1] - times[0] >= 0.05 and times[2] - times[1] >= 0.1  # backed off


async def test_without_an_https_web_app_url_messages_go_out_without_the_button(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    await add_notifications(db, [await add_user(db, "dev_user", chat_id=5001)])
    settings = notifier_settings(
        clean_pg, bot_api=fake_bot_api, web_app_url="http://127.0.0.1:8000"
    )
    async with running(Notifier(settings)):
        await wait_until(lambda: all_sent(db))
    [message] = fake_bot_api.sent_messages(5001)
    assert "reply_markup" not in message and "Title 0" in message["text"]
    [row] = await rows_of(db)
    assert row.channel == "telegram"


async def test_notifications_queued_by_the_api_flow_through_the_same_queue(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    admin = await add_user(db, "the_admin", chat_id=4001, role=RoleName.admin)
    user = await add_user(db, "the_user", lang=LangCode.ru, chat_id=4002)
    async with db.unit_of_work() as session:
        notice = notices.request_new(notices.RequestKind.renew_config, "the_user")
        await notifications.notify_admins(session, notice.kind, notice.title, notice.content)
        decided = notices.request_applied(notices.RequestKind.renew_config, "ok")
        await notifications.notify_user(session, user, decided.kind, decided.title, decided.content)
    async with running(Notifier(notifier_settings(clean_pg, bot_api=fake_bot_api))):
        await wait_until(lambda: all_sent(db))
    [to_admin] = fake_bot_api.sent_messages(4001)
    [to_user] = fake_bot_api.sent_messages(4002)
    assert "the_user asks for a config renewal" in to_admin["text"]
    assert (
        "Заявка одобрена" in to_user["text"] and "Комментарий администратора: ok" in to_user["text"]
    )
    assert {r.user_id for r in await rows_of(db)} == {admin, user}


async def test_status_reports_the_notifier_heartbeat(
    db: Database, clean_pg: str, redis_client: Redis
) -> None:
    prefix = shared_prefix()
    api_settings = make_settings(database_url=clean_pg, key_prefix=prefix)
    async with running_app(api_settings) as api:

        async def notifier_status() -> str:
            body = (await api.get("/api/app/v1/status")).json()
            return str(body["notifier"]["status"])

        assert await notifier_status() == "not_running"
        await add_notifications(db, [await add_user(db, "beat_user")])
        worker = Notifier(notifier_settings(clean_pg, key_prefix=prefix))
        async with running(worker):
            await wait_until(lambda: all_sent(db))

            async def beating() -> bool:  # a beat written after the send
                beat = await read_heartbeat(worker.cache)
                sent = beat is not None and beat.sent_total == 1
                return sent and await notifier_status() == "ok"

            await wait_until(beating)
            beat = await read_heartbeat(worker.cache)
            assert beat is not None and beat.worker == worker.worker_id
            assert beat.queue_undelivered == 0 and beat.sent_total == 1
        assert await notifier_status() == "not_running"  # stopped cleanly

        cache = create_cache(api_settings.cache)
        try:  # a notifier that died three periods ago
            stale = Heartbeat(worker="dead", at=now() - timedelta(seconds=3), period_sec=1.0)
            assert stale.state() is NotifierState.stale
            await write_heartbeat(cache, stale)
            assert await notifier_status() == "error"
        finally:
            await cache.close()


async def test_rows_of_a_dead_worker_are_claimed_again_after_the_lease(
    db: Database, clean_pg: str, fake_bot_api: FakeBotAPI
) -> None:
    users = await add_users(db, 5, chat_base=700_000)
    ids = await add_notifications(db, users)
    async with db.unit_of_work() as session:  # claimed by a worker that then vanished
        await session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(ids[:3]))
            .values(status=NotificationStatus.sending, locked_until=now() + timedelta(seconds=1))
        )
    async with running(Notifier(notifier_settings(clean_pg, bot_api=fake_bot_api))):
        await wait_until(lambda: _sent(db, 2), within=5)
        assert len(fake_bot_api.calls_of("sendMessage")) == 2  # the leased ones wait
        await wait_until(lambda: all_sent(db), within=10)
    assert len(fake_bot_api.calls_of("sendMessage")) == 5
    reclaimed = [r for r in await rows_of(db) if r.id in ids[:3]]
    assert all(r.attempts == 1 and r.last_error is None for r in reclaimed)


async def _sent(db: Database, count: int) -> bool:
    return (await status_counts(db)).get("sent", 0) >= count
