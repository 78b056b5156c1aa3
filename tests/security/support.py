"""Helpers of the security suite: forging JWTs by hand, comparing answers, counting the
password hasher, shifting the rate limiter's clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time as _time
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import jwt

from tests.conftest import JWT_SECRET

# Headers that legitimately differ between two answers to the same question.
PER_REQUEST_HEADERS = frozenset({"x-request-id", "date"})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def claims_of(tokens: dict[str, Any]) -> dict[str, Any]:
    """The verified claims of a real access token."""
    return dict(jwt.decode(tokens["access_token"], JWT_SECRET, algorithms=["HS256"]))


def sid_of(tokens: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(claims_of(tokens)["sid"])


def hs256_with(claims: dict[str, Any], *, key: str = JWT_SECRET, **header: Any) -> str:
    """A token signed like the server signs (HS256), with any claims and extra header fields."""
    return jwt.encode(claims, key, algorithm="HS256", headers=header or None)


def hand_signed(
    header: dict[str, Any], claims: dict[str, Any], key: bytes | None, digest: str = "sha256"
) -> str:
    """A compact JWS built by hand: `key` None leaves the signature empty (as for `none`);
    otherwise an HMAC (SHA-256 unless told) over the signing input, whatever `alg` the
    header claims."""
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), getattr(hashlib, digest)).digest()
    return f"{signing_input}.{b64url(signature)}"


def with_payload(token: str, **changes: Any) -> str:
    """The same token with claims changed but the original signature kept (tampering)."""
    header, payload, signature = token.split(".")
    claims = json.loads(unb64url(payload))
    claims.update(changes)
    return f"{header}.{b64url_json(claims)}.{signature}"


def auth_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def comparable(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    """What an observer sees of an answer, minus what differs on every request."""
    headers = {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower() not in PER_REQUEST_HEADERS
    }
    return response.status_code, headers, response.content


def assert_indistinguishable(responses: dict[str, httpx.Response]) -> None:
    """Every answer has the same status, headers (but the request id) and body bytes."""
    seen = {name: comparable(response) for name, response in responses.items()}
    first_name, first = next(iter(seen.items()))
    for name, answer in seen.items():
        assert answer == first, f"{name!r} answers differently from {first_name!r}"


LEAK_MARKERS = (
    "Traceback",
    'File "',
    "sqlalchemy",
    "asyncpg",
    "psycopg",
    "aiosqlite",
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    " FROM ",
    "jwt.exceptions",
    "argon2",
    "/work/",
    "site-packages",
)


def assert_clean_error(response: httpx.Response) -> None:
    """One envelope, JSON, and nothing about the internals in it."""
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    for marker in LEAK_MARKERS:
        assert marker not in response.text, (marker, response.text)


class CountingHasher:
    """Delegates to the real argon2 hasher and records every hash and verify."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[str] = []

    def hash(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append("hash")
        return str(self.real.hash(*args, **kwargs))

    def verify(self, *args: Any, **kwargs: Any) -> bool:
        self.calls.append("verify")
        return bool(self.real.verify(*args, **kwargs))

    def check_needs_rehash(self, password_hash: str) -> bool:
        return bool(self.real.check_needs_rehash(password_hash))


class ShiftedClock:
    """`time` for the rate limiter: the real clock plus an offset the test moves forward.

    Stands in for the `time` module inside the `limits` storages and strategies and in
    `rayport.api.ratelimit`, which only ever call `time.time()`.
    """

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return _time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


def contains_any(haystack: str, needles: Iterable[str]) -> list[str]:
    return [needle for needle in needles if needle and needle in haystack]
