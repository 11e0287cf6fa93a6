"""The tips aggregate: library (shipped + officer-written), approval trail, per-group history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.rotation import Posted
from bot.domain.tips import Tip
from bot.store.db import Database, now_ts

DRAFT, APPROVED, REJECTED, RETIRED = "draft", "approved", "rejected", "retired"


@dataclass(frozen=True)
class TipRecord:
    tip: Tip
    source: str
    status: str
    author_id: int | None
    reviewed_by: int | None
    reviewed_at: float | None


def _record(row) -> TipRecord:
    tip = Tip(id=row["id"], title=row["title"], body=row["body"], fraud_type=row["fraud_type"],
              audiences=tuple(json.loads(row["audiences"])), tags=tuple(json.loads(row["tags"])),
              season=row["season"], advice=row["advice"])
    return TipRecord(tip, row["source"], row["status"], row["author_id"], row["reviewed_by"],
                     row["reviewed_at"])


class TipRepo:
    """All SQL about tips and what each group was sent."""

    def __init__(self, db: Database):
        self.db = db

    async def sync_content(self, tips: Iterable[Tip]) -> int:
        """Upsert shipped tips as approved; a tip an officer retired stays retired."""
        ts = now_ts()
        rows = [(t.id, t.title, t.body, t.fraud_type, json.dumps(list(t.audiences)),
                 json.dumps(list(t.tags), ensure_ascii=False), t.season, t.advice, ts, ts)
                for t in tips]
        async with self.db.transaction() as conn:
            await conn.executemany(
                """INSERT INTO tips (id, title, body, fraud_type, audiences, tags, season, advice,
                                     source, status, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'content', 'approved', ?, ?)
                   ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
                       fraud_type = excluded.fraud_type, audiences = excluded.audiences,
                       tags = excluded.tags, season = excluded.season, advice = excluded.advice,
                       updated_at = excluded.updated_at
                   WHERE tips.source = 'content'""",
                rows,
            )
        return len(rows)

    async def add_draft(self, tip: Tip, author_id: int) -> None:
        ts = now_ts()
        await self.db.execute(
            """INSERT INTO tips (id, title, body, fraud_type, audiences, tags, season, advice,
                                 source, status, author_id, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'officer', 'draft', ?, ?, ?)""",
            (tip.id, tip.title, tip.body, tip.fraud_type, json.dumps(list(tip.audiences)),
             json.dumps(list(tip.tags), ensure_ascii=False), tip.season, tip.advice, author_id,
             ts, ts),
        )

    async def update_draft(self, tip: Tip) -> bool:
        n = await self.db.execute(
            "UPDATE tips SET title = ?, body = ?, fraud_type = ?, audiences = ?, advice = ?, "
            "updated_at = ? WHERE id = ? AND status = 'draft'",
            (tip.title, tip.body, tip.fraud_type, json.dumps(list(tip.audiences)), tip.advice,
             now_ts(), tip.id))
        return n > 0

    async def exists(self, tip_id: str) -> bool:
        return await self.db.fetchval("SELECT 1 FROM tips WHERE id = ?", (tip_id,)) is not None

    async def get(self, tip_id: str) -> TipRecord | None:
        row = await self.db.fetchone("SELECT * FROM tips WHERE id = ?", (tip_id,))
        return _record(row) if row else None

    async def review(self, tip_id: str, status: str, officer_id: int,
                     note: str | None = None) -> bool:
        """Decide a draft; only the first decision counts (returns False if already decided)."""
        n = await self.db.execute(
            "UPDATE tips SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, "
            "updated_at = ? WHERE id = ? AND status = 'draft'",
            (status, officer_id, now_ts(), note, now_ts(), tip_id))
        return n > 0

    async def retire(self, tip_id: str, officer_id: int) -> bool:
        n = await self.db.execute(
            "UPDATE tips SET status = 'retired', reviewed_by = ?, reviewed_at = ?, "
            "updated_at = ? WHERE id = ? AND status = 'approved'",
            (officer_id, now_ts(), now_ts(), tip_id))
        return n > 0

    async def approved(self) -> list[Tip]:
        rows = await self.db.fetchall("SELECT * FROM tips WHERE status = 'approved' ORDER BY id")
        return [_record(r).tip for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT status, COUNT(*) FROM tips GROUP BY status")
        return {r[0]: r[1] for r in rows}

    async def history(self, chat_id: int, since: dt.date) -> list[Posted]:
        rows = await self.db.fetchall(
            "SELECT tip_id, fraud_type, day FROM tip_history WHERE chat_id = ? AND day >= ?",
            (chat_id, since.isoformat()))
        return [Posted(r[0], r[1], dt.date.fromisoformat(r[2])) for r in rows]

    async def posted_on(self, chat_id: int, day: dt.date) -> str | None:
        return await self.db.fetchval(
            "SELECT tip_id FROM tip_history WHERE chat_id = ? AND day = ?",
            (chat_id, day.isoformat()))

    async def record_post(self, chat_id: int, day: dt.date, tip: Tip, outbox_id: int) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO tip_history (chat_id, day, tip_id, fraud_type, outbox_id) "
            "VALUES (?, ?, ?, ?, ?)", (chat_id, day.isoformat(), tip.id, tip.fraud_type,
                                       outbox_id))

    async def pin(self, day: dt.date, tip_id: str, officer_id: int) -> None:
        await self.db.execute(
            "INSERT INTO pinned_tips (day, tip_id, set_by, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET tip_id = excluded.tip_id, set_by = excluded.set_by,"
            " set_at = excluded.set_at", (day.isoformat(), tip_id, officer_id, now_ts()))

    async def unpin(self, day: dt.date) -> bool:
        return await self.db.execute("DELETE FROM pinned_tips WHERE day = ?",
                                     (day.isoformat(),)) > 0

    async def pinned(self, day: dt.date) -> str | None:
        return await self.db.fetchval("SELECT tip_id FROM pinned_tips WHERE day = ?",
                                      (day.isoformat(),))
