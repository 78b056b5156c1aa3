"""`rayport backup` / `rayport restore`: the restore drill, on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rayport.backup import BackupError, libpq_env, restore
from rayport.cli import app
from tests.ops.conftest import execute, seed, snapshot

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env, backups land here
    return tmp_path


def invoke(database_url: str, *args: str) -> str:
    result = runner.invoke(app, list(args), env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return result.output


async def test_postgres_backup_wipe_restore_round_trip(
    workdir: Path, new_pg_database: Callable[..., Awaitable[str]]
) -> None:
    url = await new_pg_database()
    await seed(url)
    before = await snapshot(url)
    assert len(before["user"]) == 3 and before["session"] and before["audit_log"]

    output = invoke(url, "backup", "--output", "drill.pgdump")
    assert "drill.pgdump" in output
    assert (workdir / "drill.pgdump").read_bytes().startswith(b"PGDMP")

    # The disaster: rows gone, rows changed, a table emptied, a stray row added.
    await execute(
        url,
        "DELETE FROM session",
        """UPDATE "user" SET login = 'mallory' WHERE login = 'bob_02'""",
        "TRUNCATE audit_log",
        "DELETE FROM alembic_version",
    )
    assert await snapshot(url) != before

    invoke(url, "restore", "drill.pgdump", "--yes")
    assert await snapshot(url) == before

    # The same backup on a new server: an empty database.
    fresh = await new_pg_database(migrated=False)
    invoke(fresh, "restore", str(workdir / "drill.pgdump"), "--yes")
    assert await snapshot(fresh) == before


async def test_default_backup_name_and_stdout_stdin_streaming(
    workdir: Path, new_pg_database: Callable[..., Awaitable[str]]
) -> None:
    """`docker compose exec -T api rayport backup -o - > file` and back with `restore -`."""
    url = await new_pg_database()
    await seed(url)
    before = await snapshot(url)

    output = invoke(url, "backup")
    [written] = await asyncio.to_thread(lambda: list(workdir.glob("rayport-*.pgdump")))
    assert written.name in output

    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "rayport.cli"]
    dumped = await asyncio.to_thread(
        subprocess.run,
        [*command, "backup", "--output", "-"],
        env=env,
        capture_output=True,
        check=True,
    )
    assert dumped.stdout.startswith(b"PGDMP")
    await execute(url, "DELETE FROM \"user\" WHERE login = 'alice_01'")
    await asyncio.to_thread(
        subprocess.run,
        [*command, "restore", "-", "--yes"],
        env=env,
        input=dumped.stdout,
        check=True,
    )
    assert await snapshot(url) == before


async def test_restore_refuses_what_is_not_a_backup(
    workdir: Path, new_pg_database: Callable[..., Awaitable[str]]
) -> None:
    url = await new_pg_database()
    await seed(url)
    before = await snapshot(url)
    (workdir / "notes.txt").write_text("not a dump")

    result = runner.invoke(app, ["restore", "notes.txt", "--yes"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "not a PostgreSQL custom-format backup" in result.output
    missing = runner.invoke(app, ["restore", "nope.pgdump", "--yes"], env={"DATABASE_URL": url})
    assert missing.exit_code == 1 and "no backup file" in missing.output
    declined = runner.invoke(app, ["restore", "notes.txt"], env={"DATABASE_URL": url}, input="n\n")
    assert declined.exit_code == 1  # aborted at the question
    assert await snapshot(url) == before


async def test_backup_of_an_unreachable_database_fails_cleanly(workdir: Path) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"
    result = runner.invoke(app, ["backup", "-o", "x.pgdump"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "backup failed: pg_dump failed" in result.output
    assert not await asyncio.to_thread(lambda: list(workdir.iterdir()))  # no partial file


async def test_sqlite_backup_and_restore(workdir: Path, sqlite_url: str) -> None:
    await seed(sqlite_url)
    database = sqlite_url.split("///", 1)[1]

    def rows() -> list[tuple[object, ...]]:
        with sqlite3.connect(database) as connection:
            return sorted(connection.execute('SELECT id, login, status FROM "user"').fetchall())

    before = rows()
    assert len(before) == 3
    invoke(sqlite_url, "backup", "-o", "copy.sqlite3")
    with sqlite3.connect(database) as connection:
        connection.execute("""DELETE FROM "user" WHERE login = 'bob_02'""")
    assert rows() != before

    invoke(sqlite_url, "restore", "copy.sqlite3", "--yes")
    assert rows() == before
    (workdir / "bad").write_bytes(b"PGDMP...")
    with pytest.raises(BackupError, match="not a SQLite backup"):
        restore(sqlite_url, str(workdir / "bad"))
    assert rows() == before


def test_database_url_becomes_libpq_environment() -> None:
    env = libpq_env(
        "postgresql+asyncpg://ray%40port:p%3Ass%2Fw0rd@db.internal:6543/rayport"
        "?ssl=require&sslrootcert=/certs/ca.pem"
    )
    assert env == {
        "PGDATABASE": "rayport",
        "PGHOST": "db.internal",
        "PGPORT": "6543",
        "PGUSER": "ray@port",
        "PGPASSWORD": "p:ss/w0rd",
        "PGSSLMODE": "require",
        "PGSSLROOTCERT": "/certs/ca.pem",
    }
    socket = libpq_env("postgresql+asyncpg://rayport@/rayport?host=/run/postgresql")
    assert socket["PGHOST"] == "/run/postgresql" and "PGPASSWORD" not in socket
    with pytest.raises(BackupError, match="not a PostgreSQL URL"):
        libpq_env("sqlite+aiosqlite:///x.db")
    with pytest.raises(BackupError, match="ssl value"):
        libpq_env("postgresql+asyncpg://u@h/db?ssl=maybe")
