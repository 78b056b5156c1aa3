"""Fixtures of the admin tests: a superuser and an admin with live tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest

from rayport.models.enums import RoleName, UserStatus
from tests.api.factories import headers_for, make_user, superuser_id


@dataclass(frozen=True)
class Staff:
    root_id: uuid.UUID
    root: dict[str, str]  # the bootstrap superuser's auth headers
    admin_id: uuid.UUID
    admin: dict[str, str]


@pytest.fixture
async def staff(api: httpx.AsyncClient) -> Staff:
    root_id = await superuser_id(api)
    admin_id = await make_user(api, "olga_admin", role=RoleName.admin, status=UserStatus.verified)
    return Staff(
        root_id=root_id,
        root=await headers_for(api, root_id),
        admin_id=admin_id,
        admin=await headers_for(api, admin_id),
    )
