"""`rayport backup` / `rayport restore`: the whole database to one file and back.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` in one
transaction (a restore either completes or changes nothing), run with the connection of
``DATABASE_URL`` translated to libpq's environment (``PGHOST``, ``PGPASSWORD``...): the
password never appears on a command line. The client tools must be of the server's major
version or newer (the image ships them).

SQLite: SQLite's online backup API, which copies a consistent snapshot while the app
runs, and the same API in the other direction to restore.

Restoring replaces the tables the backup holds; stop the API, notifier and bot first, run
``rayport migrate`` afterwards (a backup from an older release is then brought up to
date), and flush the cache (sessions it remembers may no longer exist).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

STDIO = "-"
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# asyncpg's `ssl` query values → libpq's sslmode.
_SSL_MODES = {
    "true": "require",
    "1": "require",
    "false": "disable",
    "0": "disable",
    **{
        mode: mode for mode in ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
    },
}
_PASSTHROUGH_QUERY = {
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """The backup or restore did not happen; the message says why (no secrets in it)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: str
    """The file written, or ``-`` for standard output."""
    dialect: str
    size: int | None
    """Bytes written (None when streamed to standard output)."""


def libpq_env(database_url: str) -> dict[str, str]:
    """libpq environment variables for a SQLAlchemy PostgreSQL URL
    (``postgresql+asyncpg://user:pass@host:5432/db?ssl=require``).

    Raises BackupError for a URL that is not PostgreSQL or names no database.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise BackupError("DATABASE_URL is not a PostgreSQL URL")
    if not url.database:
        raise BackupError("DATABASE_URL names no database")
    env = {"PGDATABASE": url.database}
    host = url.host or _query(url, "host")
    if host:
        env["PGHOST"] = host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    ssl = _query(url, "sslmode") or _query(url, "ssl")
    if ssl:
        mode = _SSL_MODES.get(ssl.lower())
        if mode is None:
            raise BackupError(f"DATABASE_URL has an ssl value libpq does not know: {ssl!r}")
        env["PGSSLMODE"] = mode
    for key, variable in _PASSTHROUGH_QUERY.items():
        value = _query(url, key)
        if value:
            env[variable] = value
    return env


def _query(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1] if value else None
    return value


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools of the server's major "
            "version (Debian: postgresql-client)"
        )
    return path


def _run(command: list[str], env: dict[str, str], *, stdout: int | None = None) -> None:
    completed = subprocess.run(  # noqa: S603 - a tool found on PATH, arguments we built
        command,
        env={**os.environ, **env},
        stdout=stdout,
        stderr=subprocess.PIPE,
        check=False,
    )
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed: {message[-2000:]}")


def default_backup_name(database_url: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if _is_sqlite(database_url) else "pgdump"
    return f"rayport-{stamp}.{suffix}"


def _is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("DATABASE_URL is an in-memory SQLite database: nothing to back up")
    return Path(database)


def backup(database_url: str, output: str | None = None) -> BackupResult:
    """Write a backup of the database to ``output`` (a path, ``-`` for standard output,
    None for `default_backup_name` in the current directory). An existing file is
    replaced only once the new backup is complete. Raises BackupError."""
    target = output or default_backup_name(database_url)
    if _is_sqlite(database_url):
        return _backup_sqlite(_sqlite_path(database_url), target)
    env = libpq_env(database_url)
    command = [_tool("pg_dump"), "--format=custom"]
    if target == STDIO:
        sys.stdout.flush()
        _run(command, env)  # inherits our standard output
        return BackupResult(STDIO, "postgresql", None)
    path = Path(target)
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run([*command, f"--file={partial}"], env)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(str(path), "postgresql", path.stat().st_size)


def _backup_sqlite(database: Path, target: str) -> BackupResult:
    if not database.is_file():
        raise BackupError(f"no SQLite database at {database}")
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = Path(scratch) / "snapshot.sqlite3"
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        destination = sqlite3.connect(snapshot)
        try:
            source.backup(destination)  # a consistent copy even while RayPort writes
        finally:
            destination.close()
            source.close()
        if target == STDIO:
            sys.stdout.flush()
            with snapshot.open("rb") as data:
                shutil.copyfileobj(data, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return BackupResult(STDIO, "sqlite", None)
        path = Path(target)
        shutil.move(snapshot, path)
        return BackupResult(str(path), "sqlite", path.stat().st_size)


def restore(database_url: str, source: str) -> str:
    """Replace the database's contents with the backup in ``source`` (a path, or ``-``
    for standard input). Returns the dialect restored. Raises BackupError: nothing was
    changed when the file is not a backup of this database's kind; on PostgreSQL a
    failing restore is rolled back as a whole."""
    with tempfile.TemporaryDirectory() as scratch:
        if source == STDIO:
            path = Path(scratch) / "backup"
            with path.open("wb") as spooled:
                shutil.copyfileobj(sys.stdin.buffer, spooled)
        else:
            path = Path(source)
            if not path.is_file():
                raise BackupError(f"no backup file at {source}")
        with path.open("rb") as head:
            magic = head.read(len(SQLITE_MAGIC))
        if _is_sqlite(database_url):
            if not magic.startswith(SQLITE_MAGIC):
                raise BackupError("not a SQLite backup (this DATABASE_URL is SQLite)")
            _restore_sqlite(path, _sqlite_path(database_url))
            return "sqlite"
        if not magic.startswith(PG_MAGIC):
            raise BackupError(
                "not a PostgreSQL custom-format backup (from `rayport backup` / pg_dump -Fc)"
            )
        env = libpq_env(database_url)
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={env['PGDATABASE']}",
                str(path),
            ],
            env,
            stdout=subprocess.DEVNULL,
        )
        return "postgresql"


def _restore_sqlite(backup_file: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    destination = sqlite3.connect(database, timeout=30)
    try:
        source.execute("PRAGMA schema_version").fetchone()  # fails early on a broken file
        source.backup(destination)  # page by page, under the destination's write lock
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"SQLite restore failed: {exc}") from exc
    finally:
        destination.close()
        source.close()
