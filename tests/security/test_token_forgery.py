"""Forged and misused access tokens (ASVS 5.0 V9 Self-contained Tokens; V7.2.1 session
tokens verified by the backend).

Already covered in tests/api/test_refresh_security.py::test_forged_access_tokens_are_rejected:
plain `alg: none`, HS256 with a wrong key, no `exp`, expired, `typ: refresh`. This module adds
what an attacker tries next.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
import sqlalchemy as sa

from rayport.auth.tokens import decode_access_token
from rayport.errors import NotAuthenticated
from rayport.models import User
from rayport.models.enums import RoleName
from tests.api.factories import context, make_user, tokens_for
from tests.conftest import JWT_SECRET
from tests.helpers import bearer, error_code, register
from tests.security.support import (
    assert_clean_error,
    auth_header,
    b64url,
    claims_of,
    hand_signed,
    hs256_with,
    with_payload,
)

ME = "/api/auth/v1/me"
ADMIN_USERS = "/api/admin/v1/users"


async def _refused(api: httpx.AsyncClient, token: str, path: str = ME) -> httpx.Response:
    response = await api.get(path, headers=auth_header(token))
    assert response.status_code == 401, (token, response.text)
    assert error_code(response) == "not_authenticated"
    assert_clean_error(response)
    return response


async def test_v9_1_2_none_algorithm_in_every_spelling_is_refused(api: httpx.AsyncClient) -> None:
    """V9.1.2: `none` is not on the allowlist, whatever its case, with or without a signature."""
    claims = claims_of(await register(api, "nadia_none"))
    for alg in ("none", "None", "NONE", "nOnE"):
        await _refused(api, hand_signed({"alg": alg, "typ": "JWT"}, claims, None))
        # ...also when a valid HMAC is attached anyway
        await _refused(api, hand_signed({"alg": alg, "typ": "JWT"}, claims, JWT_SECRET.encode()))
    # No header algorithm at all.
    await _refused(api, hand_signed({"typ": "JWT"}, claims, JWT_SECRET.encode()))


async def test_v9_1_2_algorithm_confusion_with_the_secret_is_refused(
    api: httpx.AsyncClient,
) -> None:
    """V9.1.2: HS256 is pinned. A header naming RS256/ES256/PS256 with an HMAC made from the
    server secret (the secret used as a "public key"), or another HMAC size keyed with the
    real secret, is refused."""
    claims = claims_of(await register(api, "oleg_alg01"))
    secret = JWT_SECRET.encode()
    for alg in ("RS256", "ES256", "PS256", "EdDSA", "hs256", "HS256 "):
        await _refused(api, hand_signed({"alg": alg, "typ": "JWT"}, claims, secret))
    for alg, digest in (("HS384", "sha384"), ("HS512", "sha512")):
        await _refused(api, hand_signed({"alg": alg, "typ": "JWT"}, claims, secret, digest))


async def test_v9_1_3_keys_named_in_the_token_header_are_ignored(api: httpx.AsyncClient) -> None:
    """V9.1.3: the key comes from configuration only: `jwk`, `jku`, `x5u` and `kid` pointing
    at the attacker's own key do not make the attacker's signature valid."""
    claims = claims_of(await register(api, "petra_jwk1"))
    attacker_key = "attacker-controlled-key-" + "z" * 32
    jwk = {"kty": "oct", "k": b64url(attacker_key.encode())}
    for header in (
        {"jwk": jwk},
        {"jku": "https://evil.example/jwks.json"},
        {"x5u": "https://evil.example/cert.pem"},
        {"kid": "../../../../dev/null"},
        {"kid": "attacker"},
    ):
        await _refused(api, hs256_with(claims, key=attacker_key, **header))


async def test_v9_1_1_tampered_claims_with_the_original_signature_are_refused(
    api: httpx.AsyncClient,
) -> None:
    """V9.1.1: any change to the payload breaks the MAC — a role raised to superuser, another
    user's id, a later expiry. (Where the role comes from: the token's `role` claim, trusted
    only because it is signed; a role change ends every session of the user, so the next
    request needs a new token with the new role — tests/api/test_admin_users.py::
    test_role_change_ends_sessions_and_takes_effect and tests/api/test_multi_instance.py.)"""
    tokens = await register(api, "quentin_rl")
    other = claims_of(await register(api, "rachel_rl1"))
    real = tokens["access_token"]
    later = int(time.time()) + 86_400
    for tampered in (
        with_payload(real, role="superuser"),
        with_payload(real, role="admin"),
        with_payload(real, sub=other["sub"]),
        with_payload(real, sid=other["sid"]),
        with_payload(real, exp=later),
    ):
        await _refused(api, tampered)
        await _refused(api, tampered, ADMIN_USERS)
    # The untouched token still works: the refusals above were about the tampering.
    assert (await api.get(ME, headers=bearer(tokens))).status_code == 200


async def test_v9_2_required_claims_missing_or_malformed_are_refused_even_when_signed(
    api: httpx.AsyncClient,
) -> None:
    """V9.2: signed with the real key (as only a bug or a leaked key would allow), a token
    still needs every claim, well-formed: no 5xx, no acceptance."""
    claims = claims_of(await register(api, "sergei_clm"))
    for name in ("sid", "sub", "typ", "role", "iat", "jti", "exp"):
        await _refused(api, hs256_with({k: v for k, v in claims.items() if k != name}))
    for changes in (
        {"sub": "not-a-uuid"},
        {"sid": 12345},
        {"sub": None},
        {"role": "god"},
        {"role": ["superuser"]},
        {"typ": "refresh"},
        {"typ": "id"},
        {"exp": "tomorrow"},
        {"exp": 10**20},  # beyond what a datetime holds: was a 500 before the fix
        {"exp": 253402300800},  # year 10000
        {"iat": "yesterday"},
    ):
        await _refused(api, hs256_with({**claims, **changes}))


async def test_v9_2_1_not_before_in_the_future_is_refused(api: httpx.AsyncClient) -> None:
    """V9.2.1: RayPort does not set `nbf`, but a token that carries one is honoured."""
    claims = claims_of(await register(api, "tanya_nbf1"))
    await _refused(api, hs256_with({**claims, "nbf": int(time.time()) + 600}))
    accepted = hs256_with({**claims, "nbf": int(time.time()) - 60})
    assert (await api.get(ME, headers=auth_header(accepted))).status_code == 200


def test_v9_2_1_expiry_is_checked_with_at_most_five_seconds_of_leeway() -> None:
    """V9.2.1: the validity window is enforced by the decoder itself (unit level)."""
    now = datetime.now(UTC)
    base = {
        "typ": "access",
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "role": "user",
        "iat": now - timedelta(minutes=20),
        "jti": uuid.uuid4().hex,
    }
    with pytest.raises(NotAuthenticated):
        decode_access_token(
            jwt.encode({**base, "exp": now - timedelta(seconds=10)}, JWT_SECRET), secret=JWT_SECRET
        )
    claims = decode_access_token(
        jwt.encode({**base, "exp": now + timedelta(seconds=30)}, JWT_SECRET), secret=JWT_SECRET
    )
    assert claims.role is RoleName.user


async def test_v9_2_2_refresh_token_is_not_an_access_token_and_vice_versa(
    api: httpx.AsyncClient,
) -> None:
    """V9.2.2: each token is accepted only for its purpose. (A truncated access token as a
    refresh token: tests/api/test_refresh_security.py.)"""
    tokens = await register(api, "ursula_typ")
    await _refused(api, tokens["refresh_token"])
    as_refresh = await api.post(
        "/api/auth/v1/refresh", json={"refresh_token": tokens["access_token"]}
    )
    assert as_refresh.status_code in (401, 422)
    assert "access_token" not in as_refresh.text
    # The refresh token was not spent by being shown as a bearer token.
    rotated = await api.post(
        "/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert rotated.status_code == 200


async def test_v7_2_1_a_signed_token_must_name_the_owner_of_its_session_even_on_a_cache_hit(
    api: httpx.AsyncClient,
) -> None:
    """V7.2.1 (defence in depth against a leaked signing key): a token whose `sub` is not the
    owner of its `sid` is refused — also when that session's "live" answer is cached — and
    the refusal does not end the real owner's session.

    Weakness found and fixed: the cache used to store a bare "live" per session, so a token
    signed with a leaked key naming the attacker's own (cached) session and the victim's id
    passed as the victim; and a cache miss on such a token cached "dead" for the owner's
    session, ending it.
    """
    attacker = await register(api, "victor_atk")
    victim = await register(api, "wendy_vict")
    attacker_claims, victim_claims = claims_of(attacker), claims_of(victim)
    # Warm the cache with the attacker's own session.
    assert (await api.get(ME, headers=bearer(attacker))).status_code == 200
    await _refused(api, hs256_with({**attacker_claims, "sub": victim_claims["sub"]}))
    # A cold session (never looked up) named with someone else's `sub`...
    await _refused(api, hs256_with({**victim_claims, "sub": attacker_claims["sub"]}))
    # ...leaves the owner's session alive.
    me = await api.get(ME, headers=bearer(victim))
    assert me.status_code == 200 and me.json()["login"] == "wendy_vict"
    assert (await api.get(ME, headers=bearer(attacker))).json()["login"] == "victor_atk"


async def test_v7_4_2_token_of_a_deleted_user_is_refused(api: httpx.AsyncClient) -> None:
    """V7.4.2: a user removed from the database (no API does it; an operator might) takes
    their sessions with them. (Deactivation: tests/api/test_admin_users.py::
    test_deactivation_ends_sessions_refuses_login_and_runs_hooks.)"""
    user_id = await make_user(api, "xenia_gone")
    tokens = await tokens_for(api, user_id)
    async with context(api).db.unit_of_work() as db:
        await db.execute(sa.delete(User).where(User.id == user_id))
    await _refused(api, tokens["access_token"])
    refreshed = await api.post(
        "/api/auth/v1/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_authorization_header_scheme_and_whitespace(api: httpx.AsyncClient) -> None:
    """RFC 6750 §2.1 / RFC 9110 §11.1: the scheme is case-insensitive and `1*SP` may separate
    it from the token; anything else is refused, never half-parsed."""
    tokens = await register(api, "yusuf_hdr1")
    token = tokens["access_token"]
    for value in (f"bearer {token}", f"BEARER {token}", f"Bearer    {token}", f"Bearer {token}  "):
        response = await api.get(ME, headers={"Authorization": value})
        assert response.status_code == 200, value
    for value in (
        token,  # no scheme
        f"Bearer\t{token}",
        f"Bearer{token}",
        f"Basic {token}",
        f"Token {token}",
        f"Bearer {token} extra",
        f"Bearer {token}.{token}",
        f"Bearer {token[:-2]}",
        "Bearer ",
        "Bearer",
    ):
        response = await api.get(ME, headers={"Authorization": value})
        assert response.status_code == 401, value
        assert_clean_error(response)


async def test_two_authorization_headers_never_authenticate_as_the_second(
    api: httpx.AsyncClient,
) -> None:
    """Two Authorization headers: the first one decides (an invalid first one is a 401 even
    when a valid one follows); a second token is never looked at, so appending a header
    cannot switch the identity. See tests/security/README.md for the recommendation."""
    alice = await register(api, "zara_multi")
    bob = await register(api, "abel_multi")
    garbage_first = await api.get(
        ME,
        headers=[
            ("Authorization", "Bearer garbage"),
            ("Authorization", bearer(bob)["Authorization"]),
        ],
    )
    assert garbage_first.status_code == 401
    both = await api.get(
        ME,
        headers=[
            ("Authorization", bearer(alice)["Authorization"]),
            ("Authorization", bearer(bob)["Authorization"]),
        ],
    )
    assert both.status_code in (200, 400, 401)
    if both.status_code == 200:
        assert both.json()["login"] == "zara_multi"


async def test_an_admin_role_needs_a_token_issued_after_the_promotion(
    api: httpx.AsyncClient,
) -> None:
    """V8 / V9.1.1: a user cannot mint themself an admin token; the admin area answers their
    real token with 403 and a role-elevated forgery with 401."""
    user_id = await make_user(api, "bruno_plain")
    tokens = await tokens_for(api, user_id)
    assert (await api.get(ADMIN_USERS, headers=bearer(tokens))).status_code == 403
    await _refused(api, with_payload(tokens["access_token"], role="admin"), ADMIN_USERS)
    forged = hand_signed(
        {"alg": "none", "typ": "JWT"}, {**claims_of(tokens), "role": "superuser"}, None
    )
    await _refused(api, forged, ADMIN_USERS)
