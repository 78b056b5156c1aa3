"""Alembic owns the schema: migrations go up and down on both dialects and match the models."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import rayport.models  # noqa: F401 - registers the tables
from rayport.db import migrate
from rayport.db.base import Base
from rayport.db.engine import create_engine
from tests.conftest import create_pg_database, drop_pg_database


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    name = f"rayport_mig_{uuid.uuid4().hex[:10]}"
    url = await create_pg_database(name)
    yield url
    await drop_pg_database(name)


async def test_up_down_up_and_models_match(empty_database: str) -> None:
    url = empty_database
    expected = {t.name for t in Base.metadata.sorted_tables}
    await asyncio.to_thread(migrate.upgrade, url)
    assert expected <= await _tables(url)
    assert await asyncio.to_thread(migrate.current_heads, url) == migrate.script_heads()
    assert await _diff(url) == []

    await asyncio.to_thread(migrate.downgrade, url, "base")
    assert (await _tables(url)) & expected == set()

    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            roles = dict((await connection.execute(sa.text("SELECT name, weight FROM role"))).all())
    finally:
        await engine.dispose()
    assert roles == {"superuser": 0, "admin": 1, "user": 2}
