"""The one async database object: the aiosqlite connection, migrations, transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


def now_ts() -> float:
    """Wall-clock UNIX time; every timestamp in the database is one of these."""
    return time.time()


class Database:
    """A single connection in WAL mode; every SQL statement of the bot goes through it."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        # One connection is shared by every coroutine: a transaction holds this lock, and a
        # write from another task waits for it so it never lands inside someone else's BEGIN.
        self._lock = asyncio.Lock()
        self._tx_owner: asyncio.Task | None = None

    async def connect(self) -> Database:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await self._conn.execute("PRAGMA foreign_keys=ON")
        await self._conn.execute("PRAGMA synchronous=NORMAL")
        await self._conn.execute("PRAGMA busy_timeout=5000")
        await self.migrate()
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database.connect() has not been awaited")
        return self._conn

    async def version(self) -> int:
        return int((await self.fetchval("PRAGMA user_version")) or 0)

    async def migrate(self) -> None:
        """Apply every migration newer than PRAGMA user_version, each in its own transaction."""
        current = await self.version()
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            log.info("Applying database migration %d", number)
            await self.conn.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on error."""
        async with self._lock:
            self._tx_owner = asyncio.current_task()
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
            finally:
                self._tx_owner = None

    async def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> int:
        """Run one statement; returns lastrowid (for INSERT) or rowcount."""
        if self._lock.locked() and self._tx_owner is not asyncio.current_task():
            async with self._lock:
                return await self._execute(sql, params)
        return await self._execute(sql, params)

    async def _execute(self, sql: str, params: Sequence[Any] | dict) -> int:
        cur = await self.conn.execute(sql, params)
        try:
            return cur.lastrowid if sql.lstrip().upper().startswith("INSERT") else cur.rowcount
        finally:
            await cur.close()

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchval(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]
