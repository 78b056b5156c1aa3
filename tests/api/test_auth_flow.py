"""The account surface end to end, on PostgreSQL + Redis and on SQLite + memory."""

from __future__ import annotations

import httpx
import jwt

from tests.conftest import JWT_SECRET
from tests.helpers import PASSWORD, bearer, error_code, login, register


async def test_register_returns_a_token_pair_and_me_shows_the_new_user(
    any_api: httpx.AsyncClient,
) -> None:
    tokens = await register(
        any_api, "Alice_01", email="alice@example.org", first_name="Alice", lang_code="ru"
    )
    assert tokens["token_type"] == "bearer"
    assert 15 * 60 - 5 <= tokens["expires_in"] <= 20 * 60
    claims = jwt.decode(tokens["access_token"], JWT_SECRET, algorithms=["HS256"])
    assert {"typ", "sub", "sid", "role", "iat", "exp", "jti"} <= set(claims)

    me = await any_api.get("/api/auth/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    body = me.json()
    assert body["login"] == "alice_01"
    assert body["role"] == "user"
    assert body["status"] == "not_verified"
    assert body["profile"] == {
        "first_name": "Alice",
        "last_name": None,
        "email": "alice@example.org",
        "lang_code": "ru",
    }
    assert body["socials"] == []


async def test_register_validates_login_password_and_email(any_api: httpx.AsyncClient) -> None:
    cases = [
        {"login": "1abcdef", "password": PASSWORD},  # must start with a letter
        {"login": "abc", "password": PASSWORD},  # too short
        {"login": "a" * 21, "password": PASSWORD},  # too long
        {"login": "bad-login", "password": PASSWORD},  # no dashes
        {"login": "goodlogin", "password": "short"},
        {"login": "goodlogin", "password": PASSWORD, "email": "not-an-email"},
        {"login": "goodlogin", "password": PASSWORD, "lang_code": "de"},
        {"login": "goodlogin"},
    ]
    for body in cases:
        response = await any_api.post("/api/auth/v1/register", json=body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
        assert PASSWORD not in response.text  # never echo a password back


async def test_register_twice_with_the_same_login_any_case_is_a_conflict(
    any_api: httpx.AsyncClient,
) -> None:
    await register(any_api, "bob_user")
    response = await any_api.post(
        "/api/auth/v1/register", json={"login": "BOB_user", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert error_code(response) == "conflict"


async def test_login_and_wrong_password_and_unknown_login_answer_identically(
    any_api: httpx.AsyncClient,
) -> None:
    await register(any_api, "carol_01")
    tokens = await login(any_api, "CAROL_01")
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 200

    wrong = await any_api.post(
        "/api/auth/v1/login", json={"login": "carol_01", "password": "nope-nope"}
    )
    unknown = await any_api.post(
        "/api/auth/v1/login", json={"login": "nobody_here", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "not_authenticated"


async def test_me_without_or_with_a_bad_token_is_401(any_api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "Basic abc"}):
        response = await any_api.get("/api/auth/v1/me", headers=headers)
        assert response.status_code == 401
        assert error_code(response) == "not_authenticated"


async def test_refresh_rotates_and_logout_ends_the_session(any_api: httpx.AsyncClient) -> None:
    first = await register(any_api, "dave_user")
    rotated = await any_api.post(
        "/api/auth/v1/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(second))).status_code == 200

    assert (await any_api.post("/api/auth/v1/logout", headers=bearer(second))).status_code == 204
    # Both the new and the old access token of that session are dead now.
    for tokens in (first, second):
        assert (await any_api.get("/api/auth/v1/me", headers=bearer(tokens))).status_code == 401
    again = await any_api.post(
        "/api/auth/v1/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert again.status_code == 401


async def test_change_password_ends_other_sessions_and_keeps_this_one(
    any_api: httpx.AsyncClient,
) -> None:
    here = await register(any_api, "erin_user")
    elsewhere = await login(any_api, "erin_user")
    wrong = await any_api.post(
        "/api/auth/v1/change-password",
        headers=bearer(here),
        json={"current_password": "wrong-one-1", "new_password": "New-Pass-123"},
    )
    assert wrong.status_code == 403
    ok = await any_api.post(
        "/api/auth/v1/change-password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "New-Pass-123"},
    )
    assert ok.status_code == 204
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(here))).status_code == 200
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(elsewhere))).status_code == 401
    old = await any_api.post(
        "/api/auth/v1/login", json={"login": "erin_user", "password": PASSWORD}
    )
    assert old.status_code == 401
    await login(any_api, "erin_user", "New-Pass-123")


async def test_profile_read_and_update(any_api: httpx.AsyncClient) -> None:
    tokens = await register(any_api, "frank_user")
    response = await any_api.patch(
        "/api/auth/v1/account/profile",
        headers=bearer(tokens),
        json={"first_name": " Frank ", "lang_code": "ru", "email": "f@example.org"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "first_name": "Frank",
        "last_name": None,
        "email": "f@example.org",
        "lang_code": "ru",
    }
    got = await any_api.get("/api/auth/v1/account/profile", headers=bearer(tokens))
    assert got.json()["lang_code"] == "ru"
    bad = await any_api.patch(
        "/api/auth/v1/account/profile", headers=bearer(tokens), json={"lang_code": "xx"}
    )
    assert bad.status_code == 422
    unknown_field = await any_api.patch(
        "/api/auth/v1/account/profile", headers=bearer(tokens), json={"role": "superuser"}
    )
    assert unknown_field.status_code == 422


async def test_profile_names_with_nul_are_a_422_not_a_500(api: httpx.AsyncClient) -> None:
    """Found by the API fuzzer: PostgreSQL cannot store NUL in a name."""
    tokens = await register(api, "nul_names")
    for body in ({"first_name": "Fr\x00nk"}, {"last_name": "\x00"}):
        response = await api.patch(
            "/api/auth/v1/account/profile", headers=bearer(tokens), json=body
        )
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"
    assert (await api.get("/api/auth/v1/account/profile", headers=bearer(tokens))).json()[
        "first_name"
    ] is None


async def test_request_verification_moves_to_pending_once(any_api: httpx.AsyncClient) -> None:
    tokens = await register(any_api, "gina_user")
    first = await any_api.post("/api/auth/v1/request-verification", headers=bearer(tokens))
    assert first.status_code == 202
    assert "request_id" in first.json()
    me = (await any_api.get("/api/auth/v1/me", headers=bearer(tokens))).json()
    assert me["status"] == "verification_pending"
    second = await any_api.post("/api/auth/v1/request-verification", headers=bearer(tokens))
    assert second.status_code == 409
    assert error_code(second) == "conflict"


async def test_forgot_password_answers_the_same_for_known_and_unknown_logins(
    any_api: httpx.AsyncClient,
) -> None:
    await register(any_api, "hank_user")
    known = await any_api.post("/api/auth/v1/forgot-password", json={"login": "hank_user"})
    again = await any_api.post("/api/auth/v1/forgot-password", json={"login": "hank_user"})
    unknown = await any_api.post("/api/auth/v1/forgot-password", json={"login": "nobody_x"})
    assert known.status_code == again.status_code == unknown.status_code == 202
    assert known.json() == again.json() == unknown.json()


async def test_sessions_list_terminate_one_and_all_but_current(any_api: httpx.AsyncClient) -> None:
    phone = await register(any_api, "ivan_user")
    laptop = await login(
        any_api,
        "ivan_user",
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36"},
    )
    tablet = await login(any_api, "ivan_user")

    listed = await any_api.get("/api/auth/v1/sessions", headers=bearer(phone))
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 3
    assert sum(s["current"] for s in sessions) == 1
    assert "Chrome on Windows" in {s["device"] for s in sessions}

    laptop_sid = jwt.decode(laptop["access_token"], options={"verify_signature": False})["sid"]
    assert (
        await any_api.delete(f"/api/auth/v1/sessions/{laptop_sid}", headers=bearer(phone))
    ).status_code == 204
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(laptop))).status_code == 401
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(tablet))).status_code == 200

    assert (await any_api.delete("/api/auth/v1/sessions", headers=bearer(phone))).status_code == 204
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(tablet))).status_code == 401
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(phone))).status_code == 200
    assert len((await any_api.get("/api/auth/v1/sessions", headers=bearer(phone))).json()) == 1


async def test_a_user_cannot_end_someone_elses_session(any_api: httpx.AsyncClient) -> None:
    mine = await register(any_api, "judy_user")
    theirs = await register(any_api, "karl_user")
    their_sid = jwt.decode(theirs["access_token"], options={"verify_signature": False})["sid"]
    response = await any_api.delete(f"/api/auth/v1/sessions/{their_sid}", headers=bearer(mine))
    assert response.status_code == 404
    assert (await any_api.get("/api/auth/v1/me", headers=bearer(theirs))).status_code == 200


async def test_session_cap_revokes_the_least_recently_active(any_api: httpx.AsyncClient) -> None:
    oldest = await register(any_api, "lena_user")
    second = await login(any_api, "lena_user")
    third = await login(any_api, "lena_user")
    # Using the oldest session's refresh token makes it the most recently active.
    oldest = (
        await any_api.post("/api/auth/v1/refresh", json={"refresh_token": oldest["refresh_token"]})
    ).json()
    fourth = await login(any_api, "lena_user")  # cap is 3: the least recently active goes
    alive = {
        name: (await any_api.get("/api/auth/v1/me", headers=bearer(t))).status_code
        for name, t in {
            "oldest": oldest,
            "second": second,
            "third": third,
            "fourth": fourth,
        }.items()
    }
    assert alive == {"oldest": 200, "second": 401, "third": 200, "fourth": 200}


async def test_account_notifications_are_paginated(any_api: httpx.AsyncClient) -> None:
    tokens = await register(any_api, "mona_user")
    response = await any_api.get(
        "/api/auth/v1/account/notifications?page=1&limit=5", headers=bearer(tokens)
    )
    assert response.status_code == 200
    assert response.json() == {"items": [], "page": 1, "limit": 5, "total": 0, "pages": 0}
    too_big = await any_api.get(
        "/api/auth/v1/account/notifications?limit=101", headers=bearer(tokens)
    )
    assert too_big.status_code == 422
