"""Authentication: sessions, token pairs, rotation with reuse detection, passwords.

Services flush and never commit; the request's unit of work commits. Cache updates that
must follow a revocation are registered with `after_commit`.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.app_settings.service import get_settings
from rayport.auth.devices import device_name
from rayport.auth.passwords import hash_password, verify_password
from rayport.auth.principal import ClientInfo, Principal
from rayport.auth.repository import RefreshTokenRepository, SessionRepository
from rayport.auth.schemas import RegisterIn, SessionRead, TokenPair
from rayport.auth.session_gate import SessionGate
from rayport.auth.tokens import hash_refresh_token, issue_access_token, new_refresh_token
from rayport.db.engine import after_commit
from rayport.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RegistrationDisabled,
)
from rayport.models import RefreshToken, Session, User
from rayport.models.enums import RequestKind, TargetType, UserStatus
from rayport.requests.repository import RequestRepository
from rayport.requests.service import open_request
from rayport.settings import AuthSettings
from rayport.users.repository import UserRepository
from rayport.users.service import create_user

INVALID_CREDENTIALS = "Invalid login or password"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AuthService:
    db: AsyncSession
    settings: AuthSettings
    gate: SessionGate

    @property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self.db)

    # --- sign-in -------------------------------------------------------------------

    async def register(self, data: RegisterIn, client: ClientInfo) -> TokenPair:
        """Create a user and sign them in. Raises `RegistrationDisabled`, `Conflict`."""
        if not (await get_settings(self.db)).basic.registration_enabled:
            raise RegistrationDisabled()
        user = await create_user(
            self.db,
            login=data.login,
            password=data.password,
            email=str(data.email) if data.email else None,
            first_name=data.first_name,
            last_name=data.last_name,
            lang_code=data.lang_code,
        )
        return await self.start_session(user, client)

    async def login(self, login: str, password: str, client: ClientInfo) -> TokenPair:
        """Check a password. Unknown logins and wrong passwords get the same answer and
        cost the same time (the hasher runs either way)."""
        user = await UserRepository(self.db).get_by_login(login)
        ok = await verify_password(user.password_hash if user else None, password)
        if user is None or not ok:
            raise NotAuthenticated(INVALID_CREDENTIALS)
        if not user.is_active:
            raise PermissionDenied("This account is deactivated")
        return await self.start_session(user, client)

    async def start_session(self, user: User, client: ClientInfo) -> TokenPair:
        """Open a session (revoking the least recently active beyond the cap) and issue
        its first token pair. Also used by the Telegram login."""
        now = _now()
        live = await self.sessions.live_for_user(user.id, now)
        overflow = live[self.settings.session_limit - 1 :]
        if overflow:
            revoked = await self.sessions.revoke(
                now=now, reason="session_limit", session_ids=[s.id for s in overflow]
            )
            self._forget_after_commit(revoked)
        session = await self.sessions.add(
            Session(
                user_id=user.id,
                user_agent=(client.user_agent or "")[:512] or None,
                ip=client.ip,
                device=device_name(client.user_agent),
                last_activity_at=now,
                expires_at=now + timedelta(days=self.settings.refresh_token_days),
            )
        )
        return await self._issue_pair(user, session, generation=0)

    async def refresh(self, raw_token: str, client: ClientInfo) -> TokenPair:
        """Rotate a refresh token.

        The token is spent atomically; a token presented a second time (a replay, or two
        clients racing with one token) revokes its whole session, so a stolen token is
        worth at most one use and the legitimate owner is forced to sign in again.
        """
        now = _now()
        tokens = RefreshTokenRepository(self.db)
        token = await tokens.get_by_hash(hash_refresh_token(raw_token))
        if token is None:
            raise NotAuthenticated("The refresh token is not valid")
        session = await self.sessions.get(token.session_id)
        if session is None or session.revoked_at is not None or session.expires_at <= now:
            raise NotAuthenticated("The session has ended; sign in again")
        if token.expires_at <= now:
            raise NotAuthenticated("The refresh token has expired")
        if token.used_at is not None or not await tokens.mark_used(token.id, now):
            await self._revoke_on_reuse(session.id, now)
            raise NotAuthenticated("The refresh token was already used; the session is ended")
        user = await UserRepository(self.db).get(session.user_id)
        if user is None or not user.is_active:
            raise NotAuthenticated("The session has ended; sign in again")
        expires_at = now + timedelta(days=self.settings.refresh_token_days)
        await self.sessions.touch(
            session.id,
            now=now,
            expires_at=expires_at,
            ip=client.ip,
            user_agent=(client.user_agent or "")[:512] or None,
            device=device_name(client.user_agent),
        )
        session.expires_at = expires_at
        return await self._issue_pair(user, session, generation=token.generation + 1)

    async def _revoke_on_reuse(self, session_id: uuid.UUID, now: datetime) -> None:
        # This revocation must survive the request failing: the unit of work commits it
        # even though we answer with an error (see Database.unit_of_work).
        revoked = await self.sessions.revoke(
            now=now, reason="refresh_reuse", session_ids=[session_id]
        )
        self.db.info["commit_on_error"] = True
        self._forget_after_commit(revoked)

    async def _issue_pair(self, user: User, session: Session, generation: int) -> TokenPair:
        raw = new_refresh_token()
        await RefreshTokenRepository(self.db).add(
            RefreshToken(
                session_id=session.id,
                token_hash=hash_refresh_token(raw),
                generation=generation,
                expires_at=session.expires_at,
            )
        )
        ttl = timedelta(minutes=self.settings.access_token_minutes)
        access = issue_access_token(
            secret=self.settings.jwt_secret.get_secret_value(),
            user_id=user.id,
            session_id=session.id,
            role=user.role.name,
            ttl=ttl,
        )
        return TokenPair(
            access_token=access, refresh_token=raw, expires_in=int(ttl.total_seconds())
        )

    # --- sign-out and sessions -----------------------------------------------------

    async def logout(self, principal: Principal) -> None:
        revoked = await self.sessions.revoke(
            now=_now(), reason="logout", session_ids=[principal.session_id]
        )
        self._forget_after_commit(revoked)

    async def list_sessions(self, principal: Principal) -> list[SessionRead]:
        sessions = await self.sessions.live_for_user(principal.user_id, _now())
        return [
            SessionRead.model_validate(s).model_copy(
                update={"current": s.id == principal.session_id}
            )
            for s in sessions
        ]

    async def revoke_session(self, principal: Principal, session_id: uuid.UUID) -> None:
        """End one of the caller's own sessions. Someone else's session is a 404."""
        session = await self.sessions.get(session_id)
        if (
            session is None
            or session.user_id != principal.user_id
            or session.revoked_at is not None
        ):
            raise NotFound("Session not found")
        revoked = await self.sessions.revoke(now=_now(), reason="user", session_ids=[session_id])
        self._forget_after_commit(revoked)

    async def revoke_other_sessions(self, principal: Principal) -> int:
        revoked = await self.sessions.revoke(
            now=_now(), reason="user", user_id=principal.user_id, except_id=principal.session_id
        )
        self._forget_after_commit(revoked)
        return len(revoked)

    async def revoke_user_sessions(self, user_id: uuid.UUID, reason: str) -> int:
        """End every session of a user (deactivation, role change, admin action)."""
        revoked = await self.sessions.revoke(now=_now(), reason=reason, user_id=user_id)
        self._forget_after_commit(revoked)
        return len(revoked)

    async def end_session(self, session_id: uuid.UUID, reason: str) -> bool:
        """End any user's session (an admin action). False when it had already ended."""
        revoked = await self.sessions.revoke(now=_now(), reason=reason, session_ids=[session_id])
        self._forget_after_commit(revoked)
        return bool(revoked)

    def _forget_after_commit(self, session_ids: list[uuid.UUID]) -> None:
        if session_ids:
            after_commit(self.db, lambda: self.gate.forget(session_ids))

    # --- passwords and requests ----------------------------------------------------

    async def change_password(
        self, principal: Principal, current_password: str | None, new_password: str
    ) -> None:
        """Set a new password and end every other session of the user."""
        user = await UserRepository(self.db).get(principal.user_id)
        if user is None:
            raise NotAuthenticated()
        if user.password_hash is not None and not (
            current_password and await verify_password(user.password_hash, current_password)
        ):
            raise PermissionDenied(
                "The current password is wrong", details={"field": "current_password"}
            )
        if current_password == new_password:
            raise Conflict("The new password must differ from the current one")
        user.password_hash = await hash_password(new_password)
        user.must_change_password = False
        await self.db.flush()
        await self.revoke_other_sessions(principal)

    async def forgot_password(self, login: str) -> None:
        """Open a `reset_password` request for an admin to act on (admins are notified).

        The caller always gets the same answer: whether the login exists is not revealed,
        nor whether a request was already waiting.
        """
        user = await UserRepository(self.db).get_by_login(login)
        if user is None or not user.is_active:
            return
        if (
            await RequestRepository(self.db).find_open(user.id, RequestKind.reset_password, user.id)
            is None
        ):
            with contextlib.suppress(Conflict):  # a concurrent call opened it first
                await open_request(
                    self.db, user, RequestKind.reset_password, TargetType.user, user.id
                )

    async def request_verification(self, principal: Principal) -> uuid.UUID:
        """`not_verified` → `verification_pending`, with a `verify` request for admins
        (who are notified).

        Raises `Conflict` when the user is already verified or already waiting.
        """
        user = await UserRepository(self.db).get(principal.user_id)
        if user is None:
            raise NotAuthenticated()
        if user.status is UserStatus.verified:
            raise Conflict("Your account is already verified")
        if user.status is UserStatus.verification_pending:
            raise Conflict("Your verification request is already waiting for an admin")
        request = await open_request(self.db, user, RequestKind.verify, TargetType.user, user.id)
        user.status = UserStatus.verification_pending
        await self.db.flush()
        return request.id
