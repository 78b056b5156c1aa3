"""What auth failures look like on the wire (ASVS 5.0 V16.5 error handling: a generic
message, no stack trace, SQL or internals; RFC 6750 §3 / RFC 9110 §15.5.2: a 401 names its
scheme in WWW-Authenticate).

Already covered in tests/api/test_errors.py: an unhandled error is a 500 with a request id
and no internals; validation errors list fields without echoing input; security headers.
"""

from __future__ import annotations

import time

import httpx

from tests.helpers import PASSWORD, bearer, register
from tests.security.support import assert_clean_error, claims_of, hs256_with


async def test_v16_5_every_401_is_a_clean_envelope_naming_the_bearer_scheme(
    api: httpx.AsyncClient,
) -> None:
    """Whatever made the request unauthenticated — no token, garbage, an expired token, an
    ended session, bad credentials, a bad refresh token — the answer is the same envelope,
    `WWW-Authenticate: Bearer`, and no internals."""
    tokens = await register(api, "kurt_errors")
    expired = hs256_with({**claims_of(tokens), "exp": int(time.time()) - 3600})
    ended = await register(api, "lina_ended1")
    assert (await api.post("/api/auth/v1/logout", headers=bearer(ended))).status_code == 204

    failures = {
        "no token": await api.get("/api/auth/v1/me"),
        "garbage": await api.get("/api/auth/v1/me", headers={"Authorization": "Bearer x.y.z"}),
        "not base64": await api.get(
            "/api/auth/v1/me", headers={"Authorization": "Bearer %%%.@@@.!!!"}
        ),
        "expired": await api.get("/api/auth/v1/me", headers={"Authorization": f"Bearer {expired}"}),
        "session ended": await api.get("/api/auth/v1/me", headers=bearer(ended)),
        "bad credentials": await api.post(
            "/api/auth/v1/login", json={"login": "kurt_errors", "password": "Wrong-Pass-1"}
        ),
        "bad refresh token": await api.post(
            "/api/auth/v1/refresh", json={"refresh_token": "not-a-token"}
        ),
        "logout without token": await api.post("/api/auth/v1/logout"),
        "admin without token": await api.get("/api/admin/v1/users"),
        "change password, ended session": await api.post(
            "/api/auth/v1/change-password",
            headers=bearer(ended),
            json={"current_password": PASSWORD, "new_password": "Another-Pass-1"},
        ),
    }
    for name, response in failures.items():
        assert response.status_code == 401, name
        assert response.headers.get("WWW-Authenticate") == "Bearer", name
        assert response.json()["error"]["code"] == "not_authenticated", name
        assert_clean_error(response)


async def test_v16_5_hostile_input_to_the_auth_endpoints_is_a_4xx_never_a_500(
    any_api: httpx.AsyncClient,
) -> None:
    """Input no client would send is refused as such, on PostgreSQL and on SQLite.

    Weakness found and fixed: a NUL character in the login of login or forgot-password
    reached PostgreSQL, which cannot store it — a 500, and the failing SQL with the login in
    the error log. Now a 422 before any work.
    """
    cases = [
        ("/api/auth/v1/login", {"login": "ab\x00cdef", "password": PASSWORD}, 422),
        ("/api/auth/v1/login", {"login": "\x00", "password": PASSWORD}, 422),
        ("/api/auth/v1/forgot-password", {"login": "ab\x00cdef"}, 422),
        ("/api/auth/v1/login", {"login": "a" * 65, "password": PASSWORD}, 422),
        ("/api/auth/v1/login", {"login": "someone", "password": "p" * 129}, 422),
        ("/api/auth/v1/login", {"login": ["someone"], "password": PASSWORD}, 422),
        ("/api/auth/v1/login", {"login": {"$ne": None}, "password": {"$ne": None}}, 422),
        ("/api/auth/v1/login", {"login": "' OR '1'='1", "password": "' OR '1'='1"}, 401),
        ("/api/auth/v1/login", {"login": "\u212aelvin_user", "password": PASSWORD}, 401),
        ("/api/auth/v1/login", {"login": "x\u202eresu", "password": PASSWORD}, 401),
        ("/api/auth/v1/refresh", {"refresh_token": "ab\x00cd"}, 401),
        ("/api/auth/v1/refresh", {"refresh_token": "r" * 257}, 422),
        ("/api/auth/v1/register", {"login": "ab\x00cdefg", "password": PASSWORD}, 422),
        ("/api/auth/v1/forgot-password", {"login": "\U0001f600" * 10}, 202),
    ]
    for path, body, status in cases:
        response = await any_api.post(path, json=body)
        assert response.status_code == status, (path, body, response.text)
        if status != 202:
            assert_clean_error(response)
        assert PASSWORD not in response.text
    # JSON may escape what a Python str can hold but UTF-8 cannot: a lone surrogate.
    for path, raw in (
        ("/api/auth/v1/login", b'{"login": "ab\\ud800cdef", "password": "x"}'),
        ("/api/auth/v1/forgot-password", b'{"login": "ab\\udfffcdef"}'),
        ("/api/auth/v1/refresh", b'{"refresh_token": "\\ud800"}'),
    ):
        response = await any_api.post(
            path, content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, (path, raw, response.text)
        assert_clean_error(response)
