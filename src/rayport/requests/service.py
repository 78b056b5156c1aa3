"""Opening requests, and the admin's decision on them.

A decision is race-proof: the request is claimed with an atomic
`UPDATE ... WHERE status = 'new'`, so of two admins applying (or one applying, one denying)
at once exactly one wins and the other gets `Conflict`. The kind's handler
(rayport.requests.registry), the user's notice and the audit entry all happen in that same
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditRepository
from rayport.auth.principal import Actor
from rayport.errors import Conflict, NotFound, PermissionDenied
from rayport.models import Request, User
from rayport.models.enums import RequestKind, RequestStatus, TargetType
from rayport.notifications import texts
from rayport.notifications.service import notify_admins, notify_user
from rayport.pagination import AnyRow, PageParams, SortParams
from rayport.requests.registry import (
    DecisionContext,
    register_request_handler,
    request_handler,
)
from rayport.requests.repository import RequestFilters, RequestRepository
from rayport.requests.schemas import RequestDecisionRead, RequestRead
from rayport.users.admin import ResetPasswordRequestHandler, VerifyRequestHandler
from rayport.users.repository import UserRepository

if TYPE_CHECKING:
    from rayport.api.context import AppContext
    from rayport.auth.service import AuthService

register_request_handler(RequestKind.verify, VerifyRequestHandler())
register_request_handler(RequestKind.reset_password, ResetPasswordRequestHandler())


def _now() -> datetime:
    return datetime.now(UTC)


async def open_request(
    db: AsyncSession,
    user: User,
    kind: RequestKind,
    target_type: TargetType,
    target_id: uuid.UUID,
    payload: dict[str, Any] | None = None,
) -> Request:
    """Open a request and tell every admin about it (in the same transaction).

    Raises `Conflict` when the user already has an open request of this kind for this
    target."""
    request = await RequestRepository(db).add_open(
        Request(
            user_id=user.id,
            kind=kind,
            target_type=target_type,
            target_id=target_id,
            payload=payload or {},
        )
    )
    notice = texts.request_new(kind, user.login)
    await notify_admins(
        db, notice.kind, notice.title, notice.content, TargetType.request, request.id
    )
    return request


def _read(row: AnyRow) -> RequestRead:
    request, login, decider = row
    return RequestRead(
        id=request.id,
        user_id=request.user_id,
        user_login=login,
        kind=request.kind,
        status=request.status,
        target_type=request.target_type,
        target_id=request.target_id,
        payload=request.payload,
        comment=request.comment,
        decided_by_id=request.decided_by_id,
        decided_by_login=decider,
        decided_at=request.decided_at,
        created_at=request.created_at,
    )


async def list_requests(
    db: AsyncSession, filters: RequestFilters, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    result = await RequestRepository(db).page(filters, params, sort)
    return result.to_page([_read(row) for row in result.items])


async def read_request(db: AsyncSession, request_id: uuid.UUID) -> RequestRead:
    row = await RequestRepository(db).get_with_logins(request_id)
    if row is None:
        raise NotFound("Request not found")
    return _read(row)


@dataclass
class RequestService:
    db: AsyncSession
    app: AppContext
    auth: AuthService

    async def apply(
        self, actor: Actor, request_id: uuid.UUID, comment: str | None
    ) -> RequestDecisionRead:
        return await self._decide(actor, request_id, comment, RequestStatus.applied)

    async def deny(
        self, actor: Actor, request_id: uuid.UUID, comment: str | None
    ) -> RequestDecisionRead:
        return await self._decide(actor, request_id, comment, RequestStatus.denied)

    async def _decide(
        self, actor: Actor, request_id: uuid.UUID, comment: str | None, status: RequestStatus
    ) -> RequestDecisionRead:
        """Raises `NotFound`; `PermissionDenied` when the requester is an admin or a
        superuser and the actor is not a superuser; `Conflict` when the request was already
        decided or no handler is installed for its kind."""
        repository = RequestRepository(self.db)
        request = await repository.get(request_id)
        if request is None:
            raise NotFound("Request not found")
        user = await UserRepository(self.db).get(request.user_id)
        if user is None:
            raise NotFound("Request not found")
        if actor.user_id != user.id and not actor.outranks(user.role.name):
            raise PermissionDenied("Only a superuser can decide an admin's or superuser's request")
        handler = request_handler(request.kind)
        if handler is None:
            raise Conflict(f"Requests of kind {request.kind.value} cannot be decided yet")
        decided = await repository.decide(
            request_id, status, decided_by_id=actor.user_id, comment=comment, now=_now()
        )
        if decided is None:
            raise Conflict("This request has already been decided")
        context = DecisionContext(
            db=self.db,
            request=decided,
            user=user,
            actor=actor,
            comment=comment,
            app=self.app,
            auth=self.auth,
        )
        applied = status is RequestStatus.applied
        decision = await (handler.apply(context) if applied else handler.deny(context))
        notice = decision.notice or (
            texts.request_applied(decided.kind, comment)
            if applied
            else texts.request_denied(decided.kind, comment)
        )
        await notify_user(
            self.db,
            user.id,
            notice.kind,
            notice.title,
            notice.content,
            TargetType.request,
            decided.id,
        )
        await AuditRepository(self.db).record(
            actor_id=actor.user_id,
            action="request.apply" if applied else "request.deny",
            target_type=TargetType.request,
            target_id=decided.id,
            before={"status": RequestStatus.new.value, **decision.before},
            after={
                "status": status.value,
                "kind": decided.kind.value,
                "user_id": str(user.id),
                "comment": comment,
                **decision.after,
            },
            ip=actor.ip,
        )
        read = await read_request(self.db, decided.id)
        return RequestDecisionRead(
            **read.model_dump(), temporary_password=decision.temporary_password
        )
