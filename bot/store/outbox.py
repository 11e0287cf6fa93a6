"""The outbox: every group post is a row here first, so nothing is lost and nothing doubles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database, now_ts

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class OutboxItem:
    """A post to make: the Bot API method, its arguments (without chat_id) and a dedupe key."""

    chat_id: int
    kind: str
    method: str
    payload: dict[str, Any]
    dedupe_key: str | None = None
    pin: bool = False
    not_before: float | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    broadcast_id: int | None
    kind: str
    chat_id: int
    method: str
    payload: dict[str, Any]
    attempts: int
    pin: bool
    status: str = PENDING


def _row(r) -> OutboxRow:
    return OutboxRow(r["id"], r["broadcast_id"], r["kind"], r["chat_id"], r["method"],
                     json.loads(r["payload"]), r["attempts"], bool(r["pin"]), r["status"])


@dataclass(frozen=True)
class BroadcastStatus:
    id: int
    kind: str
    created_by: int | None
    meta: dict[str, Any]
    total: int
    sent: int
    failed: int
    pending: int
    failures: list[tuple[int, str]]  # (chat_id, error)


class OutboxRepo:
    """All SQL about the outbox and broadcasts."""

    def __init__(self, db: Database):
        self.db = db

    async def enqueue(self, items: list[OutboxItem], *, broadcast: dict | None = None
                      ) -> tuple[int | None, list[int | None]]:
        """Insert items (a duplicate dedupe_key is skipped); optionally as one broadcast.

        Returns (broadcast id, row ids aligned with items: None where a duplicate was skipped).
        """
        ts = now_ts()
        ids: list[int | None] = []
        async with self.db.transaction() as conn:
            bid = None
            if broadcast is not None:
                cur = await conn.execute(
                    "INSERT INTO broadcasts (kind, created_by, created_at, summary, meta) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (broadcast["kind"], broadcast.get("created_by"), ts,
                     broadcast.get("summary", ""),
                     json.dumps(broadcast.get("meta", {}), ensure_ascii=False)))
                bid = cur.lastrowid
                await cur.close()
            for item in items:
                cur = await conn.execute(
                    "INSERT OR IGNORE INTO outbox (broadcast_id, kind, chat_id, method, payload,"
                    " dedupe_key, pin, not_before, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    (bid, item.kind, item.chat_id, item.method,
                     json.dumps(item.payload, ensure_ascii=False), item.dedupe_key,
                     int(item.pin), item.not_before or ts, ts))
                ids.append(cur.lastrowid if cur.rowcount else None)
                await cur.close()
            if bid is not None:
                await conn.execute("UPDATE broadcasts SET total = ? WHERE id = ?",
                                   (sum(1 for i in ids if i), bid))
        return bid, ids

    async def claim_due(self, limit: int, now: float | None = None) -> list[OutboxRow]:
        """Mark up to `limit` due rows as sending and return them, oldest first."""
        now = now_ts() if now is None else now
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "SELECT * FROM outbox WHERE status = 'pending' AND not_before <= ? "
                "ORDER BY not_before, id LIMIT ?", (now, limit))
            rows = [_row(r) for r in await cur.fetchall()]
            await cur.close()
            if rows:
                marks = ",".join("?" * len(rows))
                await conn.execute(f"UPDATE outbox SET status = 'sending' WHERE id IN ({marks})",
                                   [r.id for r in rows])
        return rows

    async def next_due(self) -> float | None:
        return await self.db.fetchval(
            "SELECT MIN(not_before) FROM outbox WHERE status = 'pending'")

    async def unfinished(self) -> int:
        """Rows waiting or being sent."""
        return int(await self.db.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"))

    async def reset_inflight(self, ids: list[int] | None = None) -> int:
        """Rows left 'sending' (a stop or crash) go back to pending."""
        if ids is None:
            return await self.db.execute(
                "UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        return await self.db.execute(
            f"UPDATE outbox SET status = 'pending' WHERE status = 'sending' AND id IN ({marks})",
            ids)

    async def mark_sent(self, row_id: int, message_id: int | None, result: dict | None,
                        *, unpin_at: float | None = None, error: str | None = None) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
            "message_id = ?, result = ?, unpin_at = ?, error = ? WHERE id = ?",
            (now_ts(), message_id, json.dumps(result) if result else None, unpin_at, error,
             row_id))

    async def mark_retry(self, row_id: int, not_before: float, error: str, *,
                         count_attempt: bool = True) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts + ?, not_before = ?, "
            "error = ? WHERE id = ?", (int(count_attempt), not_before, error, row_id))

    async def mark_failed(self, row_id: int, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, error = ? "
            "WHERE id = ?", (error, row_id))

    async def chat_of(self, row_id: int) -> int | None:
        return await self.db.fetchval("SELECT chat_id FROM outbox WHERE id = ?", (row_id,))

    async def broadcast_status(self, broadcast_id: int) -> BroadcastStatus | None:
        b = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if b is None:
            return None
        counts = {r[0]: r[1] for r in await self.db.fetchall(
            "SELECT status, COUNT(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,))}
        failures = [(r[0], r[1] or "") for r in await self.db.fetchall(
            "SELECT chat_id, error FROM outbox WHERE broadcast_id = ? AND status = 'failed' "
            "ORDER BY id", (broadcast_id,))]
        return BroadcastStatus(
            b["id"], b["kind"], b["created_by"], json.loads(b["meta"]), b["total"],
            counts.get(SENT, 0), counts.get(FAILED, 0),
            counts.get(PENDING, 0) + counts.get(SENDING, 0), failures)

    async def claim_report(self, broadcast_id: int) -> bool:
        """True exactly once, when the caller may send the broadcast's delivery report."""
        n = await self.db.execute(
            "UPDATE broadcasts SET reported_at = ? WHERE id = ? AND reported_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM outbox WHERE broadcast_id = ? "
            "                AND status IN ('pending', 'sending'))",
            (now_ts(), broadcast_id, broadcast_id))
        return n > 0

    async def unreported_broadcasts(self) -> list[int]:
        rows = await self.db.fetchall("SELECT id FROM broadcasts WHERE reported_at IS NULL")
        return [r[0] for r in rows]

    async def due_unpins(self, now: float | None = None) -> list[tuple[int, int, int]]:
        rows = await self.db.fetchall(
            "SELECT id, chat_id, message_id FROM outbox WHERE pin = 1 AND unpinned = 0 "
            "AND status = 'sent' AND unpin_at IS NOT NULL AND unpin_at <= ?",
            (now_ts() if now is None else now,))
        return [(r[0], r[1], r[2]) for r in rows]

    async def mark_unpinned(self, row_id: int) -> None:
        await self.db.execute("UPDATE outbox SET unpinned = 1 WHERE id = ?", (row_id,))

    async def count_by_status(self, kind: str | None = None) -> dict[str, int]:
        sql = "SELECT status, COUNT(*) FROM outbox"
        params: tuple = ()
        if kind:
            sql, params = sql + " WHERE kind = ?", (kind,)
        rows = await self.db.fetchall(sql + " GROUP BY status", params)
        return {r[0]: r[1] for r in rows}

    async def sent_to(self, chat_id: int, kind: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'sent'"
        params: tuple = (chat_id,)
        if kind:
            sql, params = sql + " AND kind = ?", (chat_id, kind)
        return int(await self.db.fetchval(sql, params))
