"""Shapes of users on the wire; login and password rules live here, once."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from rayport.models.enums import LangCode, RoleName, SocialName, UserStatus
from rayport.text import NO_NUL

LOGIN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{5,19}$")


def _check_login(value: str) -> str:
    if not LOGIN_RE.fullmatch(value):
        raise ValueError(
            "login must be 6-20 characters: a letter first, then letters, digits or underscores"
        )
    return value.lower()


def _check_password(value: str) -> str:
    if value.strip() != value or not value:
        raise ValueError("password must not start or end with spaces")
    return value


# The validators give the readable messages; the schema states the same rules.
Login = Annotated[
    str,
    Field(json_schema_extra={"pattern": LOGIN_RE.pattern, "minLength": 6, "maxLength": 20}),
    AfterValidator(_check_login),
]
Password = Annotated[
    str,
    Field(min_length=8, max_length=128, json_schema_extra={"pattern": r"^\S[\s\S]*\S$"}),
    AfterValidator(_check_password),
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=NO_NUL)
]


class ProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    first_name: str | None
    last_name: str | None
    email: str | None
    lang_code: LangCode


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: Name | None = None
    last_name: Name | None = None
    email: EmailStr | None = None
    lang_code: LangCode | None = None


class SocialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: SocialName
    external_id: str
    username: str | None
    reachable: bool


class UserRead(BaseModel):
    """The `me` shape: `{id, login, role, status, profile, socials}` and a few flags."""

    id: uuid.UUID
    login: str
    role: RoleName
    status: UserStatus
    is_active: bool
    must_change_password: bool
    has_password: bool
    created_at: datetime
    profile: ProfileRead
    socials: list[SocialRead]
