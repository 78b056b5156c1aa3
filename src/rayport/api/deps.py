"""FastAPI dependencies: the unit of work, the caller, role and verification guards.

All are `async def`, even trivial ones: FastAPI runs a plain `def` dependency in the
thread pool, a hop that costs more than the work on the hot path.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.api.context import AppContext
from rayport.auth.principal import Actor, ClientInfo, Principal
from rayport.auth.service import AuthService
from rayport.auth.tokens import decode_access_token
from rayport.errors import NotAuthenticated, PermissionDenied, UserNotVerified
from rayport.models.enums import RoleName, UserStatus
from rayport.pagination import MAX_LIMIT, PageParams, SortParams
from rayport.users.repository import UserRepository


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


Context = Annotated[AppContext, Depends(get_context)]


async def get_db(context: Context) -> AsyncIterator[AsyncSession]:
    """One unit of work per request, committed before the response is sent."""
    async with context.db.unit_of_work() as session:
        yield session


DB = Annotated[AsyncSession, Depends(get_db, scope="function")]


async def get_read_db(context: Context) -> AsyncIterator[AsyncSession]:
    """An autocommit session for handlers that only read (no BEGIN/COMMIT round trips)."""
    async with context.db.read_only() as session:
        yield session


ReadDB = Annotated[AsyncSession, Depends(get_read_db, scope="function")]


async def get_client(request: Request) -> ClientInfo:
    return ClientInfo(ip=request.state.client_ip, user_agent=request.headers.get("user-agent"))


Client = Annotated[ClientInfo, Depends(get_client)]

_bearer = HTTPBearer(auto_error=False, description="Access token from login/refresh")


async def get_principal(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Signature and claims first (no I/O), then: is the session still live? (The cache
    answers that; the database only on a miss, so no session is opened up front.)"""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated()
    claims = decode_access_token(
        credentials.credentials, secret=context.settings.auth.jwt_secret.get_secret_value()
    )
    if not await context.gate.is_live(context.db, claims.session_id, claims.user_id):
        raise NotAuthenticated("The session has ended; sign in again")
    return Principal(user_id=claims.user_id, session_id=claims.session_id, role=claims.role)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_role(minimum: RoleName) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(minimum):
            raise PermissionDenied()
        return principal

    return check


AdminPrincipal = Annotated[Principal, Depends(require_role(RoleName.admin))]
SuperuserPrincipal = Annotated[Principal, Depends(require_role(RoleName.superuser))]


async def require_verified(principal: CurrentPrincipal, context: Context) -> Principal:
    """Verified users pass; admins and superusers are exempt.

    Reads on a session of its own, closed before the handler runs: a request-long session
    here would hold a second pooled connection next to the handler's unit of work (and
    a handler waiting for the panel would hold both)."""
    if principal.has_role(RoleName.admin):
        return principal
    async with context.db.read_only() as db:
        user = await UserRepository(db).get(principal.user_id)
    if user is None or user.status is not UserStatus.verified:
        raise UserNotVerified()
    return principal


VerifiedPrincipal = Annotated[Principal, Depends(require_verified)]


async def get_actor(principal: CurrentPrincipal, client: Client) -> Actor:
    return Actor(user_id=principal.user_id, ip=client.ip, role=principal.role)


CurrentActor = Annotated[Actor, Depends(get_actor)]


async def get_auth_service(context: Context, db: DB) -> AuthService:
    return AuthService(db=db, settings=context.settings.auth, gate=context.gate)


Auth = Annotated[AuthService, Depends(get_auth_service)]


async def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> PageParams:
    return PageParams(page=page, limit=limit)


Pagination = Annotated[PageParams, Depends(page_params)]


def sorting(fields: Sequence[str], default: str) -> Any:
    """A `sort` query parameter limited to `fields` (`-field` for descending).

    Use as ``sort: Annotated[SortParams, sorting(("created_at", "login"), "-created_at")]``;
    anything else is a 422 `validation_error`, and OpenAPI lists the allowed values.
    """
    pattern = "^-?(" + "|".join(re.escape(field) for field in fields) + ")$"
    description = f"One of {', '.join(fields)}; prefix with - for descending"

    # The Query goes in the default, not in an Annotated hint: with postponed annotations
    # a hint naming these locals could not be resolved.
    async def parse(
        sort: str = Query(default, pattern=pattern, description=description),
    ) -> SortParams:
        return SortParams.parse(sort)

    return Depends(parse)
