"""News: superusers write and publish, admins see drafts, verified users read the feed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from rayport.models import AuditLog, News
from rayport.models.enums import LangCode, UserStatus
from tests.api.conftest import Staff
from tests.api.factories import bulk_insert, fetch, headers_for, make_user
from tests.helpers import error_code

ADMIN_NEWS = "/api/admin/v1/news"
FEED = "/api/backend/v1/news"


async def test_news_lifecycle_and_the_feed(api: httpx.AsyncClient, staff: Staff) -> None:
    ru_reader = await headers_for(
        api, await make_user(api, "ru_reader", status=UserStatus.verified, lang_code=LangCode.ru)
    )
    en_reader = await headers_for(
        api, await make_user(api, "en_reader", status=UserStatus.verified)
    )
    newcomer = await headers_for(api, await make_user(api, "newcomer"))

    draft = {
        "title": {"ru": "Новые серверы", "en": "New servers"},
        "content": {"ru": "Добавили Нидерланды.", "en": "We added the Netherlands."},
    }
    assert (await api.post(ADMIN_NEWS, headers=staff.admin, json=draft)).status_code == 403
    created = await api.post(ADMIN_NEWS, headers=staff.root, json=draft)
    assert created.status_code == 201
    item = created.json()
    assert item["is_published"] is False and item["published_at"] is None
    assert item["author_id"] == str(staff.root_id)

    # A draft: admins see it, readers do not.
    listed = (await api.get(ADMIN_NEWS, headers=staff.admin)).json()
    assert [n["id"] for n in listed["items"]] == [item["id"]]
    assert (await api.get(FEED, headers=en_reader)).json()["items"] == []

    published = await api.patch(
        f"{ADMIN_NEWS}/{item['id']}", headers=staff.root, json={"is_published": True}
    )
    assert published.status_code == 200
    first_published_at = published.json()["published_at"]
    assert first_published_at is not None

    ru_feed = (await api.get(FEED, headers=ru_reader)).json()
    assert ru_feed["items"] == [
        {
            "id": item["id"],
            "title": "Новые серверы",
            "content": "Добавили Нидерланды.",
            "lang": "ru",
            "published_at": first_published_at,
        }
    ]
    assert (await api.get(FEED, headers=en_reader)).json()["items"][0]["title"] == "New servers"
    assert (await api.get(FEED, headers=staff.admin)).status_code == 200  # admins exempt
    refused = await api.get(FEED, headers=newcomer)
    assert refused.status_code == 403 and error_code(refused) == "user_not_verified"
    assert (await api.get(FEED)).status_code == 401

    # Unpublish to fix a typo and publish again: the date of first publication stays.
    await api.patch(f"{ADMIN_NEWS}/{item['id']}", headers=staff.root, json={"is_published": False})
    assert (await api.get(FEED, headers=en_reader)).json()["total"] == 0
    again = await api.patch(
        f"{ADMIN_NEWS}/{item['id']}",
        headers=staff.root,
        json={"is_published": True, "title": {"en": "New servers!"}},
    )
    assert again.json()["published_at"] == first_published_at
    # Only English now: Russian readers get it in English rather than nothing.
    fallback = (await api.get(FEED, headers=ru_reader)).json()["items"][0]
    assert fallback["lang"] == "en" and fallback["title"] == "New servers!"
    assert fallback["content"] == "We added the Netherlands."

    assert (await api.delete(f"{ADMIN_NEWS}/{item['id']}", headers=staff.admin)).status_code == 403
    assert (await api.delete(f"{ADMIN_NEWS}/{item['id']}", headers=staff.root)).status_code == 204
    assert (await api.get(f"{ADMIN_NEWS}/{item['id']}", headers=staff.admin)).status_code == 404
    assert (await api.delete(f"{ADMIN_NEWS}/{item['id']}", headers=staff.root)).status_code == 404

    entries = await fetch(api, AuditLog, AuditLog.target_id == uuid.UUID(item["id"]))
    assert [e.action for e in entries] == [
        "news.create",
        "news.update",
        "news.update",
        "news.update",
        "news.delete",
    ]
    assert entries[1].before == {"is_published": False, "published_at": None}
    assert entries[1].after is not None and entries[1].after["is_published"] is True
    assert entries[3].before is not None and entries[3].before["title"]["en"] == "New servers"
    assert all(e.actor_id == staff.root_id for e in entries)


async def test_news_must_have_some_text(api: httpx.AsyncClient, staff: Staff) -> None:
    bad_bodies: list[dict[str, Any]] = [
        {"title": {"ru": "", "en": "  "}, "content": {"en": "x"}},
        {"title": {"en": "x"}, "content": {}},
        {"title": {"en": "x"}, "content": {"en": "x"}, "author_id": str(uuid.uuid4())},
        {"title": {"de": "x"}, "content": {"en": "x"}},
        {"title": {"en": "x" * 201}, "content": {"en": "x"}},
    ]
    for body in bad_bodies:
        response = await api.post(ADMIN_NEWS, headers=staff.root, json=body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
    created = await api.post(
        ADMIN_NEWS, headers=staff.root, json={"title": {"en": "x"}, "content": {"ru": "y"}}
    )
    assert created.json()["title"] == {"ru": "", "en": "x"}
    emptied = await api.patch(
        f"{ADMIN_NEWS}/{created.json()['id']}",
        headers=staff.root,
        json={"content": {"ru": "", "en": ""}},
    )
    assert emptied.status_code == 422
    missing = await api.patch(f"{ADMIN_NEWS}/{uuid.uuid4()}", headers=staff.root, json={})
    assert missing.status_code == 404


async def test_feed_and_admin_list_page_through_thousands(
    api: httpx.AsyncClient, staff: Staff
) -> None:
    start = datetime(2025, 6, 1, tzinfo=UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "title": {"ru": f"Новость {i}", "en": f"News {i}"},
            "content": {"ru": "…", "en": "..."},
            "is_published": i % 3 != 0,
            "published_at": start + timedelta(hours=i) if i % 3 != 0 else None,
            "created_at": start + timedelta(hours=i),
            "updated_at": start + timedelta(hours=i),
        }
        for i in range(2400)
    ]
    await bulk_insert(api, News, rows)
    published = sorted(
        (r for r in rows if r["is_published"]), key=lambda r: r["published_at"], reverse=True
    )
    reader = await headers_for(api, await make_user(api, "avid_reader", status=UserStatus.verified))

    feed = (await api.get(FEED, headers=reader, params={"limit": 100, "page": 3})).json()
    assert feed["total"] == 1600 and feed["pages"] == 16
    assert [n["id"] for n in feed["items"]] == [str(r["id"]) for r in published[200:300]]
    oldest = (await api.get(FEED, headers=reader, params={"sort": "published_at"})).json()
    assert oldest["items"][0]["title"] == "News 1"

    drafts = (
        await api.get(ADMIN_NEWS, headers=staff.admin, params={"is_published": "false"})
    ).json()
    assert drafts["total"] == 800
    everything = (await api.get(ADMIN_NEWS, headers=staff.admin, params={"limit": 100})).json()
    assert everything["total"] == 2400 and everything["pages"] == 24
    assert everything["items"][0]["title"]["en"] == "News 2399"
    assert (await api.get(FEED, headers=reader, params={"sort": "created_at"})).status_code == 422


async def test_news_text_with_nul_is_a_422_not_a_500(api: httpx.AsyncClient, staff: Staff) -> None:
    """Found by the API fuzzer: PostgreSQL cannot store NUL; it reached the INSERT."""
    for body in (
        {"title": {"en": "new\x00s"}, "content": {"en": "x"}},
        {"title": {"en": "news"}, "content": {"ru": "\x00"}},
    ):
        response = await api.post(ADMIN_NEWS, headers=staff.root, json=body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
    assert await fetch(api, News) == []
