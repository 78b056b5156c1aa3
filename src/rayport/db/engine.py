"""Engine and session factory for PostgreSQL (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.expression import Executable

from rayport.db.locks import release_locks
from rayport.errors import AppError, ServiceUnavailable

AfterCommit = Callable[[], Awaitable[None]]


def create_engine(
    url: str, *, pool_size: int = 20, max_overflow: int = 10, echo: bool = False
) -> AsyncEngine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # Overflow connections are closed on return, so a pool smaller than the usual
        # concurrency churns connections (each a TCP + TLS attempt + auth): size it for
        # the steady state and keep the overflow for bursts.
        # No pre-ping: it costs a round trip on every checkout. When the database restarts,
        # the first statement on a stale connection fails (503 for that request) and
        # SQLAlchemy invalidates the whole pool, so the next request reconnects.
        kwargs.update(
            pool_size=pool_size, max_overflow=max_overflow, pool_recycle=1800, pool_timeout=5
        )
        kwargs["connect_args"] = {"timeout": 5, "command_timeout": 30}
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


# SQLSTATEs with which PostgreSQL says "not now" rather than "your query is wrong": class 08
# (connection exception), admin_shutdown, crash_shutdown, cannot_connect_now (starting up,
# shutting down, in recovery) and too_many_connections. asyncpg raises some of them as
# exceptions SQLAlchemy maps to a bare DBAPIError, not an OperationalError.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


def is_connection_error(exc: BaseException) -> bool:
    """True when the database is unreachable (down, restarting, starting up) or has no
    connection to spare right now, not when a query is wrong."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state is not None and (state.startswith("08") or state in _UNAVAILABLE_SQLSTATES):
        return True
    return isinstance(exc, (ConnectionError, OSError, TimeoutError))


class Database:
    """Owns the engine and hands out units of work.

    The edge (a request, a notifier job, a bot update) owns the transaction: it opens a unit
    of work, services ``flush()`` but never ``commit()``, and the edge commits. Callbacks
    registered with `after_commit` run only once the commit succeeded — that is where cache
    invalidations and other side effects of a change belong.
    """

    def __init__(
        self, url: str, *, pool_size: int = 20, max_overflow: int = 10, echo: bool = False
    ) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow, echo=echo)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads that need no transaction skip BEGIN/COMMIT: one round trip per statement.
        self.read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._compiled_sql: dict[Executable, tuple[str, tuple[str, ...]]] = {}

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Yield a session; commit when the block ends cleanly, roll back otherwise.

        Raises `ServiceUnavailable` when the database cannot be reached.
        """
        session = self.sessionmaker()
        try:
            yield session
            await session.commit()
        except AppError:
            # A service may mark its work as worth keeping even though it answers with an
            # error (refresh-token reuse revokes the session, then refuses): commit it.
            if session.info.pop("commit_on_error", False):
                await session.commit()
                await _run_after_commit(session)
            else:
                await _safe_rollback(session)
            raise
        except BaseException as exc:
            await _safe_rollback(session)
            if isinstance(exc, Exception) and is_connection_error(exc):
                raise ServiceUnavailable() from exc
            raise
        finally:
            await _safe_close(session)
            release_locks(session)
        await _run_after_commit(session)

    @asynccontextmanager
    async def read_only(self) -> AsyncIterator[AsyncSession]:
        """A session for pure reads: autocommit, no transaction, nothing to commit.

        Only for code that writes nothing. Raises `ServiceUnavailable` when the database
        cannot be reached.
        """
        session = self.read_sessionmaker()
        try:
            yield session
        except Exception as exc:
            if is_connection_error(exc):
                raise ServiceUnavailable() from exc
            raise
        finally:
            await _safe_close(session)

    @asynccontextmanager
    async def read_connection(self) -> AsyncIterator[AsyncConnection]:
        """A pooled Core connection in autocommit for the hottest reads: no ORM session,
        no transaction. Raises `ServiceUnavailable` when the database cannot be reached."""
        try:
            async with self.read_engine.connect() as connection:
                yield connection
        except Exception as exc:
            if is_connection_error(exc):
                raise ServiceUnavailable() from exc
            raise

    async def read_mappings(
        self, statement: Executable, params: Mapping[str, Any]
    ) -> Sequence[Mapping[Any, Any]]:
        """Rows of a read as mappings, for the hottest reads: a pooled autocommit connection,
        no ORM session, no transaction.

        On PostgreSQL the statement, compiled once per statement object, runs on the asyncpg
        connection underneath: SQLAlchemy's execution layers cost about a fifth of the
        authenticated hot path (bench/README.md). Should that fail, the same read goes
        through SQLAlchemy on the same connection, so a dead connection or a database that
        is away is handled as everywhere else (the pool invalidated, `ServiceUnavailable`).
        Meant for module-level statements (the compiled form is kept for the process).
        """
        async with self.read_connection() as connection:
            if self.dialect == "postgresql":
                sql, names = self._compiled(statement)
                driver: Any = (await connection.get_raw_connection()).driver_connection
                # A failure falls through to the same read via SQLAlchemy, which sorts it out.
                with contextlib.suppress(Exception):
                    return await driver.fetch(sql, *(params[name] for name in names))  # type: ignore[no-any-return]
            return (await connection.execute(statement, params)).mappings().all()

    def _compiled(self, statement: Executable) -> tuple[str, tuple[str, ...]]:
        compiled = self._compiled_sql.get(statement)
        if compiled is None:
            done = statement.compile(dialect=self.engine.dialect)  # type: ignore[attr-defined]
            compiled = (done.string, tuple(done.positiontup or ()))
            self._compiled_sql[statement] = compiled
        return compiled

    async def dispose(self) -> None:
        await self.engine.dispose()


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` after the unit of work that owns `session` has committed."""
    session.info.setdefault("after_commit", []).append(callback)


async def _run_after_commit(session: AsyncSession) -> None:
    for callback in session.info.pop("after_commit", []):
        await callback()


async def _safe_rollback(session: AsyncSession) -> None:
    # The connection may already be gone; the original error is the one to report.
    with contextlib.suppress(Exception):
        await session.rollback()


async def _safe_close(session: AsyncSession) -> None:
    with contextlib.suppress(Exception):
        await session.close()
