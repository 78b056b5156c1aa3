"""argon2id password hashing (OWASP parameters), off the event loop.

`verify_password` for an unknown login still runs the hasher against a fixed dummy hash,
so the answer takes as long whether or not the login exists — including the first unknown
login of a process: the dummy hash is a constant, never computed on demand (computing it
then would double that one answer's time, a timing oracle).
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


# The argon2id hash of a random string nobody knows, with the parameters above, so that
# verifying against it costs exactly what a real verification costs. Should the parameters
# change without this constant being regenerated, it is recomputed once, at import.
_DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$IwIy4FSUuNh/1k+/3Jtowg$"
    "bmd3Ib+sRb7Mg9bIVRC97orSCSDTqfOaawhGYcjyO04"
)
if _hasher.check_needs_rehash(_DUMMY_HASH):  # pragma: no cover - only after a parameter change
    _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(32))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True only when `password` matches; `None` (no such user / no password) costs the same."""
    return await asyncio.to_thread(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random password for bootstrap and admin resets (letters and digits only)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
