"""Urgent alerts: an officer's draft, then one decision (send or cancel)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database, now_ts


@dataclass(frozen=True)
class Alert:
    id: int
    level: str
    text: str
    area: str | None
    group_type: str | None
    created_by: int
    status: str
    broadcast_id: int | None


class AlertRepo:
    """All SQL about alerts."""

    def __init__(self, db: Database):
        self.db = db

    async def create(self, level: str, text: str, area: str | None, group_type: str | None,
                     officer_id: int) -> int:
        return await self.db.execute(
            "INSERT INTO alerts (level, text, area, group_type, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (level, text, area, group_type, officer_id, now_ts()))

    async def get(self, alert_id: int) -> Alert | None:
        r = await self.db.fetchone("SELECT * FROM alerts WHERE id = ?", (alert_id,))
        if r is None:
            return None
        return Alert(r["id"], r["level"], r["text"], r["area"], r["group_type"], r["created_by"],
                     r["status"], r["broadcast_id"])

    async def decide(self, alert_id: int, status: str) -> bool:
        """First decision wins: True only for the call that moved it out of draft."""
        return await self.db.execute(
            "UPDATE alerts SET status = ?, decided_at = ? WHERE id = ? AND status = 'draft'",
            (status, now_ts(), alert_id)) > 0

    async def set_broadcast(self, alert_id: int, broadcast_id: int | None) -> None:
        await self.db.execute("UPDATE alerts SET broadcast_id = ? WHERE id = ?",
                              (broadcast_id, alert_id))
