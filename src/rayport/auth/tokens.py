"""Access tokens (JWT, HS256 pinned) and opaque refresh tokens (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from rayport.errors import NotAuthenticated
from rayport.models.enums import RoleName

ALGORITHM = "HS256"
ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid", "jti", "typ", "role"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    role: RoleName
    expires_at: datetime


def issue_access_token(
    *, secret: str, user_id: uuid.UUID, session_id: uuid.UUID, role: RoleName, ttl: timedelta
) -> str:
    now = datetime.now(UTC)
    claims = {
        "typ": ACCESS_TYPE,
        "sub": str(user_id),
        "sid": str(session_id),
        "role": role.value,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> AccessClaims:
    """Verify signature and claims. Raises `NotAuthenticated` for anything wrong."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": REQUIRED_CLAIMS},
            leeway=5,
        )
        if claims["typ"] != ACCESS_TYPE:
            raise NotAuthenticated("Not an access token")
        return AccessClaims(
            # str(): a claim of another JSON type is a ValueError, not an AttributeError.
            user_id=uuid.UUID(str(claims["sub"])),
            session_id=uuid.UUID(str(claims["sid"])),
            role=RoleName(claims["role"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("The access token has expired") from exc
    # Claims are checked even though only a holder of the key can sign them: a malformed
    # one is a 401, never a 500 (OverflowError/OSError: an `exp` no datetime can hold).
    except (jwt.PyJWTError, ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
        raise NotAuthenticated("The access token is not valid") from exc


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
