"""Volunteer invites: one-time codes an officer hands out; opening one makes a volunteer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class Invite:
    code: str
    created_by: int
    area: str
    note: str
    created_at: float
    expires_at: float
    used_by: int | None
    used_at: float | None


class InviteRepo:
    """All SQL about invites. Times are passed in (the bot's clock)."""

    def __init__(self, db: Database):
        self.db = db

    async def create(self, code: str, officer_id: int, area: str, note: str, at: float,
                     expires_at: float) -> None:
        await self.db.execute(
            "INSERT INTO invites (code, created_by, area, note, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (code, officer_id, area, note, at, expires_at))

    async def get(self, code: str) -> Invite | None:
        r = await self.db.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        if r is None:
            return None
        return Invite(r["code"], r["created_by"], r["area"], r["note"], r["created_at"],
                      r["expires_at"], r["used_by"], r["used_at"])

    async def claim(self, code: str, user_id: int, at: float) -> bool:
        """Use a code once: True only for the first claim before it expires."""
        return await self.db.execute(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL "
            "AND expires_at > ?", (user_id, at, code, at)) > 0
