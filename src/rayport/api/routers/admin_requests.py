"""`/api/admin/v1/requests`: what users asked for, and the admin's decision."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from rayport.api.deps import (
    DB,
    AdminPrincipal,
    Auth,
    Context,
    CurrentActor,
    Pagination,
    ReadDB,
    sorting,
)
from rayport.models.enums import RequestKind, RequestStatus
from rayport.pagination import Page, SortParams
from rayport.requests.repository import RequestFilters
from rayport.requests.schemas import DecisionIn, RequestDecisionRead, RequestRead
from rayport.requests.service import RequestService, list_requests, read_request

router = APIRouter(prefix="/api/admin/v1", tags=["admin: requests"])


async def get_request_service(context: Context, db: DB, auth: Auth) -> RequestService:
    return RequestService(db=db, app=context, auth=auth)


Requests = Annotated[RequestService, Depends(get_request_service)]


@router.get("/requests", summary="Requests, newest first by default")
async def get_requests(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[SortParams, sorting(("created_at", "kind", "status"), "-created_at")],
    kind: RequestKind | None = None,
    status: RequestStatus | None = None,
    user_id: uuid.UUID | None = None,
) -> Page[RequestRead]:
    filters = RequestFilters(kind=kind, status=status, user_id=user_id)
    return Page[RequestRead].model_validate(await list_requests(db, filters, pagination, sort))


@router.get("/requests/{request_id}")
async def get_request(request_id: uuid.UUID, _: AdminPrincipal, db: ReadDB) -> RequestRead:
    return await read_request(db, request_id)


@router.post(
    "/requests/{request_id}/apply",
    summary="Apply a new request; a request already decided is a 409",
)
async def apply_request(
    request_id: uuid.UUID,
    _: AdminPrincipal,
    actor: CurrentActor,
    requests: Requests,
    data: DecisionIn | None = None,
) -> RequestDecisionRead:
    return await requests.apply(actor, request_id, data.comment if data else None)


@router.post(
    "/requests/{request_id}/deny",
    summary="Deny a new request; a request already decided is a 409",
)
async def deny_request(
    request_id: uuid.UUID,
    _: AdminPrincipal,
    actor: CurrentActor,
    requests: Requests,
    data: DecisionIn | None = None,
) -> RequestDecisionRead:
    return await requests.deny(actor, request_id, data.comment if data else None)
