"""Sessions and their secrets (ASVS 5.0 V7.2 fundamental session management security:
V7.2.3 reference tokens from a CSPRNG with at least 128 bits, V7.2.4 a new session token on
every authentication; V11 cryptography — secrets stored as hashes; V3.3 cookies).

Already covered: logout ends the access token at once and refresh after it fails
(tests/api/test_auth_flow.py::test_refresh_rotates_and_logout_ends_the_session, and across
processes tests/api/test_multi_instance.py); a password change ends the other sessions
(test_auth_flow.py::test_change_password_ends_other_sessions_and_keeps_this_one,
test_multi_instance.py); deactivation, role change and admin reset end them all
(tests/api/test_admin_users.py); admins end anyone's session (tests/api/test_admin_ops.py).
"""

from __future__ import annotations

import base64
import hashlib
import uuid

import httpx
import sqlalchemy as sa

from rayport.db.base import Base
from rayport.models import RefreshToken
from tests.api.factories import context, make_user, tokens_for
from tests.helpers import PASSWORD, bearer, login, register
from tests.security.support import assert_indistinguishable, auth_header, sid_of


async def test_v7_2_3_refresh_tokens_carry_at_least_128_random_bits_and_never_repeat(
    api: httpx.AsyncClient,
) -> None:
    """The refresh token is the bearer reference token: 32 bytes from `secrets` (256 bits),
    unique. Session ids are random UUIDv4 — not a secret (the sessions list shows them), and
    worth nothing alone: a request needs the signed access token or the refresh token."""
    user_id = await make_user(api, "alma_random")
    pairs = [await tokens_for(api, user_id) for _ in range(40)]
    refresh_tokens = [pair["refresh_token"] for pair in pairs]
    assert len(set(refresh_tokens)) == len(refresh_tokens)
    for token in refresh_tokens:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128, token
    session_ids = [sid_of(pair) for pair in pairs]
    assert len(set(session_ids)) == len(session_ids)
    assert {sid.version for sid in session_ids} == {4}
    # A session id is not a credential.
    sid = str(session_ids[-1])
    assert (await api.get("/api/auth/v1/me", headers=auth_header(sid))).status_code == 401
    refused = await api.post("/api/auth/v1/refresh", json={"refresh_token": sid})
    assert refused.status_code == 401


async def test_v7_2_4_every_sign_in_opens_a_new_session(api: httpx.AsyncClient) -> None:
    """Signing in never continues an existing session (no fixation): a new session id and
    new tokens each time, also after a logout."""
    first = await register(api, "bernd_fresh")
    second = await login(api, "bernd_fresh")
    assert (await api.post("/api/auth/v1/logout", headers=bearer(second))).status_code == 204
    third = await login(api, "bernd_fresh", headers=bearer(first))
    sids = {sid_of(first), sid_of(second), sid_of(third)}
    assert len(sids) == 3
    assert len({t["refresh_token"] for t in (first, second, third)}) == 3


async def test_v11_refresh_tokens_are_stored_only_as_hashes_nowhere_in_clear(
    api: httpx.AsyncClient,
) -> None:
    """Neither the refresh token nor the access token appears in any column of any table
    (a database dump gives an attacker no usable token); the stored value is the SHA-256."""
    first = await register(api, "clara_hash1")
    rotated = (
        await api.post("/api/auth/v1/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    secrets_ = [first["refresh_token"], rotated["refresh_token"], rotated["access_token"]]
    async with context(api).db.read_only() as db:
        for table in Base.metadata.sorted_tables:
            for row in (await db.execute(sa.select(table))).all():
                text = " ".join(str(value) for value in row)
                for secret in secrets_:
                    assert secret not in text, table.name
        stored = set((await db.scalars(sa.select(RefreshToken.token_hash))).all())
    assert hashlib.sha256(rotated["refresh_token"].encode()).hexdigest() in stored


async def test_v3_3_auth_endpoints_set_no_cookies(api: httpx.AsyncClient) -> None:
    """Tokens travel in the body and the Authorization header only (DESIGN §8), so there is
    no cookie to flag Secure/HttpOnly/SameSite — and none appears by accident."""
    responses = [
        await api.post(
            "/api/auth/v1/register", json={"login": "dirk_nocookie", "password": PASSWORD}
        )
    ]
    tokens = responses[0].json()
    responses.append(
        await api.post("/api/auth/v1/login", json={"login": "dirk_nocookie", "password": PASSWORD})
    )
    responses.append(
        await api.post("/api/auth/v1/login", json={"login": "dirk_nocookie", "password": "nope-1"})
    )
    responses.append(
        await api.post("/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]})
    )
    fresh = responses[-1].json()
    responses.append(await api.get("/api/auth/v1/me", headers=bearer(fresh)))
    responses.append(
        await api.post("/api/auth/v1/forgot-password", json={"login": "dirk_nocookie"})
    )
    responses.append(await api.post("/api/auth/v1/logout", headers=bearer(fresh)))
    for response in responses:
        assert "set-cookie" not in response.headers, response.request.url
    assert not api.cookies


async def test_v7_ending_a_session_by_id_reveals_nothing_about_other_ids(
    api: httpx.AsyncClient,
) -> None:
    """DELETE /sessions/{id} answers a random id, someone else's live session and one's own
    already-ended session with the same 404, so it cannot be used to probe for session ids;
    someone else's session stays alive. (Ending one's own: tests/api/test_auth_flow.py.)"""
    mine = await register(api, "erik_twodev")
    ended = await login(api, "erik_twodev")
    theirs = await register(api, "fiona_other")
    assert (await api.post("/api/auth/v1/logout", headers=bearer(ended))).status_code == 204
    responses = {
        name: await api.delete(f"/api/auth/v1/sessions/{sid}", headers=bearer(mine))
        for name, sid in {
            "random": uuid.uuid4(),
            "someone else's": sid_of(theirs),
            "own, ended": sid_of(ended),
        }.items()
    }
    assert_indistinguishable(responses)
    assert responses["random"].status_code == 404
    assert (await api.get("/api/auth/v1/me", headers=bearer(theirs))).status_code == 200
