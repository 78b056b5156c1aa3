"""The practical limit of this stack for an authenticated read: JWT verify, one Redis GET,
one asyncpg primary-key SELECT — no ORM, no middleware. The yardstick for `/me`."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import jwt
from fastapi import FastAPI, Header, HTTPException
from redis.asyncio import Redis

SECRET = os.environ["JWT_SECRET"]
DSN = os.environ["BARE_DSN"]
REDIS_URL = os.environ["REDIS_URL"]
state: dict[str, Any] = {}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    state["pool"] = await asyncpg.create_pool(DSN, min_size=5, max_size=10)
    state["redis"] = Redis.from_url(REDIS_URL, decode_responses=True)
    yield
    await state["pool"].close()
    await state["redis"].aclose()


app = FastAPI(lifespan=lifespan)


@app.get("/me")
async def me(authorization: str = Header()) -> dict[str, Any]:
    claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    if await state["redis"].get(f"bare:sess:{claims['sid']}") == "0":
        raise HTTPException(401)
    row = await state["pool"].fetchrow(
        'SELECT id, login, status FROM "user" WHERE id = $1', uuid.UUID(claims["sub"])
    )
    if row is None:
        raise HTTPException(401)
    return {"id": str(row["id"]), "login": row["login"], "status": row["status"]}
