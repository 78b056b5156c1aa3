"""Admin workflows on users: verify, role, password reset, deactivation.

Who may do what:

- an admin manages plain users (and themself where harmless); only a superuser changes an
  admin or a superuser — `PermissionDenied` otherwise;
- nobody deactivates themself, and the last active superuser can be neither demoted nor
  deactivated — `Conflict`;
- every change is audited in its own transaction and the user gets a notice (ru/en).

Extension point for the configs domain: `on_user_deactivated` / `on_user_reactivated`
register hooks that run inside the unit of work right after the user row changed (e.g. to
disable the user's panel clients). A hook that raises rolls the whole change back.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditRepository
from rayport.auth.passwords import generate_password, hash_password
from rayport.auth.principal import Actor
from rayport.auth.repository import SessionRepository
from rayport.auth.schemas import SessionRead
from rayport.configs.repository import ConfigRepository
from rayport.configs.schemas import ConfigBrief
from rayport.errors import Conflict, NotFound, PermissionDenied
from rayport.models import User
from rayport.models.enums import (
    NotificationChannel,
    RequestKind,
    RequestStatus,
    RoleName,
    TargetType,
    UserStatus,
)
from rayport.notifications import texts
from rayport.notifications.service import notify_user, private_channels
from rayport.notifications.texts import Notice
from rayport.pagination import PageParams, SortParams
from rayport.requests.registry import Decision, DecisionContext
from rayport.requests.repository import RequestRepository
from rayport.requests.schemas import RequestRead
from rayport.users.admin_schemas import AdminUserDetail, PasswordResetRead
from rayport.users.repository import UserFilters, UserRepository
from rayport.users.schemas import UserRead
from rayport.users.service import to_user_read

if TYPE_CHECKING:
    from rayport.api.context import AppContext
    from rayport.auth.service import AuthService


def _now() -> datetime:
    return datetime.now(UTC)


# --- hooks (extension point) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserStateChange:
    db: AsyncSession
    user: User  # already changed (is_active flipped), flushed
    actor: Actor
    app: AppContext


UserHook = Callable[[UserStateChange], Awaitable[None]]

_deactivated_hooks: list[UserHook] = []
_reactivated_hooks: list[UserHook] = []


def on_user_deactivated(hook: UserHook) -> UserHook:
    """Run `hook` whenever a user is deactivated (usable as a decorator; idempotent)."""
    if hook not in _deactivated_hooks:
        _deactivated_hooks.append(hook)
    return hook


def on_user_reactivated(hook: UserHook) -> UserHook:
    """Run `hook` whenever a user is reactivated (usable as a decorator; idempotent)."""
    if hook not in _reactivated_hooks:
        _reactivated_hooks.append(hook)
    return hook


# --- reads -------------------------------------------------------------------------


async def list_users(
    db: AsyncSession, filters: UserFilters, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    result = await UserRepository(db).page(filters, params, sort)
    return result.to_page([to_user_read(user) for user in result.items])


async def read_user_detail(db: AsyncSession, user_id: uuid.UUID) -> AdminUserDetail:
    user = await UserRepository(db).get_full(user_id)
    if user is None:
        raise NotFound("User not found")
    sessions = await SessionRepository(db).live_for_user(user.id, _now())
    requests = await RequestRepository(db).open_for_user(user.id)
    configs = await ConfigRepository(db).list_for_user(user.id)
    return AdminUserDetail(
        configs=[ConfigBrief.from_row(c) for c in configs],
        **to_user_read(user).model_dump(),
        sessions=[SessionRead.model_validate(s) for s in sessions],
        open_requests=[
            RequestRead(
                id=r.id,
                user_id=r.user_id,
                user_login=user.login,
                kind=r.kind,
                status=r.status,
                target_type=r.target_type,
                target_id=r.target_id,
                payload=r.payload,
                comment=r.comment,
                decided_by_id=None,
                decided_by_login=None,
                decided_at=None,
                created_at=r.created_at,
            )
            for r in requests
        ],
    )


# --- changes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedPassword:
    password: str
    channels: list[NotificationChannel]
    sessions_ended: int

    @property
    def shown_to_admin(self) -> str | None:
        """The password goes to the admin only when no private channel reaches the user."""
        return None if self.channels else self.password

    def notice(self, comment: str | None = None) -> Notice:
        return texts.password_reset(None if not self.channels else self.password, comment)


@dataclass
class UserAdminService:
    db: AsyncSession
    app: AppContext
    auth: AuthService

    @property
    def users(self) -> UserRepository:
        return UserRepository(self.db)

    async def _target(self, user_id: uuid.UUID) -> User:
        user = await self.users.reload(user_id)
        if user is None:
            raise NotFound("User not found")
        return user

    @staticmethod
    def _ensure_manages(actor: Actor, user: User) -> None:
        if actor.user_id != user.id and not actor.outranks(user.role.name):
            raise PermissionDenied("Only a superuser can change an admin or a superuser")

    async def _read(self, user: User) -> UserRead:
        return to_user_read(await self.users.with_relations(user))

    async def _audit(
        self,
        actor: Actor,
        action: str,
        user: User,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        await AuditRepository(self.db).record(
            actor_id=actor.user_id,
            action=action,
            target_type=TargetType.user,
            target_id=user.id,
            before=before,
            after=after,
            ip=actor.ip,
        )

    async def _notify(self, user: User, notice: Notice) -> None:
        await notify_user(
            self.db, user.id, notice.kind, notice.title, notice.content, TargetType.user, user.id
        )

    async def set_verified(self, actor: Actor, user_id: uuid.UUID, verified: bool) -> UserRead:
        """Verify or unverify a user; an open `verify` request is closed as applied
        (verify) or denied (unverify). Idempotent: no change, no audit, no notice."""
        user = await self._target(user_id)
        self._ensure_manages(actor, user)
        closed = await RequestRepository(self.db).decide_open(
            user.id,
            RequestKind.verify,
            RequestStatus.applied if verified else RequestStatus.denied,
            decided_by_id=actor.user_id,
            now=_now(),
        )
        status = UserStatus.verified if verified else UserStatus.not_verified
        before = user.status
        if before is status and not closed:
            return await self._read(user)
        user.status = status
        await self.db.flush()
        notice = texts.account_verified() if verified else texts.account_unverified()
        await self._notify(user, notice)
        await self._audit(
            actor,
            "user.verify" if verified else "user.unverify",
            user,
            {"status": before.value},
            {"status": status.value, "closed_requests": [str(i) for i in closed]},
        )
        return await self._read(user)

    async def _ensure_not_last_superuser(self, user: User, superusers: list[uuid.UUID]) -> None:
        if user.role.name is RoleName.superuser and user.is_active and superusers == [user.id]:
            raise Conflict("This is the last active superuser; promote another one first")

    async def change_role(self, actor: Actor, user_id: uuid.UUID, role: RoleName) -> UserRead:
        """Give a user another role (superuser only) and end their sessions, so that every
        token carries the new role. Raises `Conflict` for the last active superuser."""
        superusers = await self.users.lock_active_superusers()
        user = await self._target(user_id)
        self._ensure_manages(actor, user)
        before = user.role.name
        if before is role:
            return await self._read(user)
        if role is not RoleName.superuser:
            await self._ensure_not_last_superuser(user, superusers)
        role_row = await self.users.role(role)
        user.role_id = role_row.id
        user.role = role_row
        await self.db.flush()
        ended = await self.auth.revoke_user_sessions(user.id, "role_change")
        await self._notify(user, texts.role_changed(role))
        await self._audit(
            actor,
            "user.role",
            user,
            {"role": before.value},
            {"role": role.value, "sessions_ended": ended},
        )
        return await self._read(user)

    async def issue_password(self, user: User) -> IssuedPassword:
        """Set a new random password that must be changed at next sign-in, end every
        session of the user, and find the private channels to deliver it through. The
        caller sends the notice (`IssuedPassword.notice`)."""
        password = generate_password()
        user.password_hash = await hash_password(password)
        user.must_change_password = True
        await self.db.flush()
        ended = await self.auth.revoke_user_sessions(user.id, "password_reset")
        channels = await private_channels(self.db, self.app.settings, user.id)
        return IssuedPassword(password=password, channels=channels, sessions_ended=ended)

    async def reset_password(self, actor: Actor, user_id: uuid.UUID) -> PasswordResetRead:
        """Reset a password (superuser only). An open `reset_password` request of the user
        is closed as applied."""
        user = await self._target(user_id)
        self._ensure_manages(actor, user)
        issued = await self.issue_password(user)
        closed = await RequestRepository(self.db).decide_open(
            user.id,
            RequestKind.reset_password,
            RequestStatus.applied,
            decided_by_id=actor.user_id,
            now=_now(),
        )
        await self._notify(user, issued.notice())
        await self._audit(
            actor,
            "user.password_reset",
            user,
            {},
            {
                "must_change_password": True,
                "delivered_via": [c.value for c in issued.channels],
                "sessions_ended": issued.sessions_ended,
                "closed_requests": [str(i) for i in closed],
            },
        )
        return PasswordResetRead(
            user_id=user.id,
            temporary_password=issued.shown_to_admin,
            delivered_via=issued.channels,
        )

    async def set_active(self, actor: Actor, user_id: uuid.UUID, active: bool) -> UserRead:
        """Deactivate (sign-in refused, sessions ended, hooks run) or reactivate a user.

        Raises `Conflict` for deactivating oneself or the last active superuser.
        Idempotent: no change, no audit, no notice, no hooks.
        """
        if not active and actor.user_id == user_id:
            raise Conflict("You cannot deactivate your own account")
        superusers = await self.users.lock_active_superusers() if not active else []
        user = await self._target(user_id)
        self._ensure_manages(actor, user)
        if user.is_active is active:
            return await self._read(user)
        if not active:
            await self._ensure_not_last_superuser(user, superusers)
        user.is_active = active
        await self.db.flush()
        ended = 0 if active else await self.auth.revoke_user_sessions(user.id, "deactivated")
        change = UserStateChange(db=self.db, user=user, actor=actor, app=self.app)
        for hook in _reactivated_hooks if active else _deactivated_hooks:
            await hook(change)
        await self._notify(
            user, texts.account_reactivated() if active else texts.account_deactivated()
        )
        after: dict[str, Any] = {"is_active": active}
        if not active:
            after["sessions_ended"] = ended
        await self._audit(
            actor,
            "user.reactivate" if active else "user.deactivate",
            user,
            {"is_active": not active},
            after,
        )
        return await self._read(user)


# --- request kinds of the users domain ---------------------------------------------


class VerifyRequestHandler:
    """`verify`: applying verifies the user; denying puts a waiting user back to
    `not_verified` (they may ask again)."""

    async def apply(self, ctx: DecisionContext) -> Decision:
        before = ctx.user.status
        ctx.user.status = UserStatus.verified
        await ctx.db.flush()
        return Decision(
            notice=texts.account_verified(ctx.comment),
            before={"user_status": before.value},
            after={"user_status": UserStatus.verified.value},
        )

    async def deny(self, ctx: DecisionContext) -> Decision:
        before = ctx.user.status
        if before is UserStatus.verification_pending:
            ctx.user.status = UserStatus.not_verified
            await ctx.db.flush()
        return Decision(
            before={"user_status": before.value}, after={"user_status": ctx.user.status.value}
        )


class ResetPasswordRequestHandler:
    """`reset_password`: applying sets a temporary password (see `issue_password`)."""

    async def apply(self, ctx: DecisionContext) -> Decision:
        service = UserAdminService(db=ctx.db, app=ctx.app, auth=ctx.auth)
        issued = await service.issue_password(ctx.user)
        return Decision(
            notice=issued.notice(ctx.comment),
            temporary_password=issued.shown_to_admin,
            after={
                "must_change_password": True,
                "delivered_via": [c.value for c in issued.channels],
                "sessions_ended": issued.sessions_ended,
            },
        )

    async def deny(self, ctx: DecisionContext) -> Decision:
        return Decision()
