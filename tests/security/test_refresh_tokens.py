"""Refresh tokens: rotation, reuse detection, and what ends them (ASVS 5.0 V7.4 session
termination; the refresh-token rotation and replay rules that V10 sets for OAuth, applied
to RayPort's own refresh tokens).

Already covered in tests/api/test_refresh_security.py: a replayed token ends its session
(the rotated pair included); two concurrent refreshes have one winner; an unknown token is
a 401. In tests/api/test_auth_flow.py: refresh after logout is a 401.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from rayport.models import RefreshToken, Session, User
from tests.api.factories import context, fetch, headers_for, superuser_id
from tests.helpers import PASSWORD, bearer, login, register
from tests.security.support import claims_of, sid_of

ME = "/api/auth/v1/me"
REFRESH = "/api/auth/v1/refresh"


async def _refresh(api: httpx.AsyncClient, token: str) -> httpx.Response:
    return await api.post(REFRESH, json={"refresh_token": token})


async def test_v7_4_1_replaying_an_ancestor_ends_every_descendant_and_only_that_session(
    api: httpx.AsyncClient,
) -> None:
    """Three rotations deep, the first rotated token is replayed: every token of the family
    (the session) dies at once — the newest access and refresh tokens included — while the
    same user's other device keeps working. The revocation is recorded as reuse."""
    generations = [await register(api, "flora_chain")]
    for _ in range(3):
        response = await _refresh(api, generations[-1]["refresh_token"])
        assert response.status_code == 200
        generations.append(response.json())
    other_device = await login(api, "flora_chain")

    replay = await _refresh(api, generations[1]["refresh_token"])
    assert replay.status_code == 401
    assert "access_token" not in replay.text

    for tokens in generations:
        assert (await api.get(ME, headers=bearer(tokens))).status_code == 401
    assert (await _refresh(api, generations[-1]["refresh_token"])).status_code == 401
    assert (await api.get(ME, headers=bearer(other_device))).status_code == 200

    [session] = await fetch(api, Session, Session.id == sid_of(generations[0]))
    assert session.revoked_at is not None and session.revoke_reason == "refresh_reuse"
    rows = await fetch(api, RefreshToken, RefreshToken.session_id == session.id)
    assert [row.generation for row in rows] == [0, 1, 2, 3]


async def test_v7_4_3_password_change_ends_the_other_sessions_refresh_tokens(
    api: httpx.AsyncClient,
) -> None:
    """After a password change the other devices cannot come back through refresh; the
    device that changed it keeps its session (tests/api/test_auth_flow.py checks the access
    tokens)."""
    here = await register(api, "gregor_pwd")
    elsewhere = await login(api, "gregor_pwd")
    changed = await api.post(
        "/api/auth/v1/change-password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "Fresh-Pass-2024"},
    )
    assert changed.status_code == 204
    assert (await _refresh(api, elsewhere["refresh_token"])).status_code == 401
    assert (await _refresh(api, here["refresh_token"])).status_code == 200


async def test_v7_4_3_admin_password_reset_ends_every_refresh_token(
    api: httpx.AsyncClient,
) -> None:
    """A superuser's password reset ends all the user's sessions, refresh tokens included."""
    phone = await register(api, "hilda_reset")
    laptop = await login(api, "hilda_reset")
    [user] = await fetch(api, User, User.login == "hilda_reset")
    root = await headers_for(api, await superuser_id(api))
    reset = await api.post(f"/api/admin/v1/users/{user.id}/password-reset", headers=root)
    assert reset.status_code == 200
    for tokens in (phone, laptop):
        assert (await _refresh(api, tokens["refresh_token"])).status_code == 401


async def test_a_refresh_token_only_ever_yields_its_own_users_tokens(
    api: httpx.AsyncClient,
) -> None:
    """Whatever else the request carries (another user's access token), a refresh returns a
    pair for the owner of the refresh token's session, in that same session."""
    alice = await register(api, "ivy_owner1")
    bob = await register(api, "jack_other")
    response = await api.post(
        REFRESH, json={"refresh_token": alice["refresh_token"]}, headers=bearer(bob)
    )
    assert response.status_code == 200
    rotated = response.json()
    assert claims_of(rotated)["sub"] == claims_of(alice)["sub"]
    assert sid_of(rotated) == sid_of(alice)
    assert (await api.get(ME, headers=bearer(rotated))).json()["login"] == "ivy_owner1"
    assert (await api.get(ME, headers=bearer(bob))).json()["login"] == "jack_other"


async def test_v7_3_an_expired_refresh_token_or_session_is_refused(
    api: httpx.AsyncClient,
) -> None:
    """Past its expiry a refresh token is refused, and so is any token of an expired session
    (the absolute lifetime, REFRESH_TOKEN_DAYS since the last refresh)."""
    stale_token = await register(api, "karin_exp1")
    stale_session = await register(api, "lars_exp01")
    past = datetime.now(UTC) - timedelta(minutes=1)
    async with context(api).db.unit_of_work() as db:
        await db.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.session_id == sid_of(stale_token))
            .values(expires_at=past)
        )
        await db.execute(
            sa.update(Session).where(Session.id == sid_of(stale_session)).values(expires_at=past)
        )
    assert (await _refresh(api, stale_token["refresh_token"])).status_code == 401
    assert (await _refresh(api, stale_session["refresh_token"])).status_code == 401
    assert (await api.get(ME, headers=bearer(stale_session))).status_code == 401
