from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from rayport.models.enums import LangCode
from rayport.text import NO_NUL
from rayport.users.schemas import Login, Name, Password


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Login
    password: Password
    email: EmailStr | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    lang_code: LangCode = LangCode.en


# A login as typed at sign-in: any existing login (the bootstrap superuser's need not follow
# the registration rules), so only what no login can contain is refused — NUL, which
# PostgreSQL cannot even store (a 422, not a database error).
TypedLogin = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]


class LoginIn(BaseModel):
    login: TypedLogin
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class ForgotPasswordIn(BaseModel):
    login: TypedLogin


class ChangePasswordIn(BaseModel):
    current_password: str | None = Field(
        None, max_length=128, description="Required unless the account has no password yet"
    )
    new_password: Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="Seconds until the access token expires")


class AcceptedOut(BaseModel):
    detail: str


class RequestCreated(BaseModel):
    request_id: uuid.UUID


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    device: str | None
    user_agent: str | None
    ip: str | None
    created_at: datetime
    last_activity_at: datetime
    expires_at: datetime
    current: bool = False
