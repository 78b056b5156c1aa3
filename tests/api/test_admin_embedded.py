"""The admin workflows on both backends: PostgreSQL + Redis and the embedded SQLite +
memory that `make run` uses (row locks, RETURNING, LIKE escapes, partial indexes)."""

from __future__ import annotations

import httpx

from rayport.models.enums import RoleName, UserStatus
from tests.api.factories import headers_for, make_user, superuser_id
from tests.helpers import bearer, register


async def test_admin_workflows_on_both_backends(any_api: httpx.AsyncClient) -> None:
    api = any_api
    root = await headers_for(api, await superuser_id(api))
    admin = await headers_for(
        api, await make_user(api, "emb_admin", role=RoleName.admin, status=UserStatus.verified)
    )
    user = bearer(await register(api, "emb_user", first_name="Zoë"))
    request_id = (await api.post("/api/auth/v1/request-verification", headers=user)).json()[
        "request_id"
    ]
    inbox = (await api.get("/api/auth/v1/account/notifications", headers=admin)).json()
    assert inbox["items"][0]["kind"] == "request_new"

    applied = await api.post(f"/api/admin/v1/requests/{request_id}/apply", headers=admin)
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    again = await api.post(f"/api/admin/v1/requests/{request_id}/deny", headers=admin)
    assert again.status_code == 409

    found = (await api.get("/api/admin/v1/users", headers=admin, params={"q": "ZO"})).json()
    assert [u["login"] for u in found["items"]] == ["emb_user"]
    literal = (await api.get("/api/admin/v1/users", headers=admin, params={"q": "_"})).json()
    assert {u["login"] for u in literal["items"]} == {"emb_admin", "emb_user"}

    root_id = await superuser_id(api)
    last = await api.patch(
        f"/api/admin/v1/users/{root_id}/role", headers=root, json={"role": "user"}
    )
    assert last.status_code == 409

    news = await api.post(
        "/api/admin/v1/news",
        headers=root,
        json={"title": {"ru": "Привет"}, "content": {"ru": "Мир"}, "is_published": True},
    )
    assert news.status_code == 201
    feed = (await api.get("/api/backend/v1/news", headers=user)).json()
    assert feed["items"][0]["title"] == "Привет" and feed["items"][0]["lang"] == "ru"

    user_id = applied.json()["user_id"]
    off = await api.post(f"/api/admin/v1/users/{user_id}/deactivate", headers=admin)
    assert off.status_code == 200
    assert (await api.get("/api/auth/v1/me", headers=user)).status_code == 401
    sessions = (
        await api.get("/api/admin/v1/sessions", headers=admin, params={"active": "false"})
    ).json()
    assert sessions["total"] >= 1

    audit = (
        await api.get("/api/admin/v1/audit", headers=root, params={"sort": "created_at"})
    ).json()
    assert [e["action"] for e in audit["items"]] == [
        "request.apply",
        "news.create",
        "user.deactivate",
    ]
