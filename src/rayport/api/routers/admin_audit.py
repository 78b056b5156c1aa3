"""`/api/admin/v1/audit`: who did what, to what, when."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BeforeValidator

from rayport.api.deps import AdminPrincipal, Pagination, ReadDB, sorting
from rayport.audit.repository import AuditFilters
from rayport.audit.schemas import AuditRead
from rayport.audit.service import list_audit
from rayport.models.enums import TargetType
from rayport.pagination import Page, SortParams
from rayport.text import NO_NUL

router = APIRouter(prefix="/api/admin/v1", tags=["admin: audit"])


_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _not_a_number(value: object) -> object:
    """Times are ISO 8601, as documented: pydantic would also read `0.5` as a Unix time."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        raise ValueError("must be an ISO 8601 date-time, not a number")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_not_a_number)]


def _utc(value: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@router.get("/audit", summary="The audit log, newest first by default")
async def get_audit(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[SortParams, sorting(("created_at",), "-created_at")],
    actor_id: uuid.UUID | None = None,
    action: Annotated[
        str | None, Query(max_length=64, pattern=NO_NUL, examples=["user.deactivate"])
    ] = None,
    target_type: TargetType | None = None,
    target_id: uuid.UUID | None = None,
    since: Annotated[
        IsoDateTime | None, Query(alias="from", description="Inclusive; UTC when no zone")
    ] = None,
    until: Annotated[
        IsoDateTime | None, Query(alias="to", description="Exclusive; UTC when no zone")
    ] = None,
) -> Page[AuditRead]:
    filters = AuditFilters(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        since=_utc(since),
        until=_utc(until),
    )
    return Page[AuditRead].model_validate(await list_audit(db, filters, pagination, sort))
