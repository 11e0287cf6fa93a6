"""The groups aggregate: registered chats, their audience profile and schedule overrides."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store.db import Database, now_ts

# Tables with a chat_id column that must follow a group when it is upgraded to a supergroup.
CHAT_KEYED_TABLES: tuple[str, ...] = ("tip_history", "outbox", "quiz_posts", "quiz_answers")


@dataclass(frozen=True)
class Group:
    chat_id: int
    title: str
    chat_type: str
    group_type: str | None
    area: str
    active: bool
    daily_times: tuple[str, ...] | None
    daily_days: str | None
    daily_enabled: bool
    quiz_times: tuple[str, ...] | None
    quiz_enabled: bool
    bot_can_pin: bool
    member_count: int | None
    registered_at: float | None
    joined_at: float | None

    @property
    def registered(self) -> bool:
        return self.group_type is not None


def _group(row) -> Group:
    return Group(
        chat_id=row["chat_id"], title=row["title"], chat_type=row["chat_type"],
        group_type=row["group_type"], area=row["area"], active=bool(row["active"]),
        daily_times=tuple(json.loads(row["daily_times"])) if row["daily_times"] else None,
        daily_days=row["daily_days"], daily_enabled=bool(row["daily_enabled"]),
        quiz_times=tuple(json.loads(row["quiz_times"])) if row["quiz_times"] else None,
        quiz_enabled=bool(row["quiz_enabled"]), bot_can_pin=bool(row["bot_can_pin"]),
        member_count=row["member_count"], registered_at=row["registered_at"],
        joined_at=row["joined_at"],
    )


class GroupRepo:
    """All SQL about groups."""

    def __init__(self, db: Database):
        self.db = db

    async def get(self, chat_id: int) -> Group | None:
        row = await self.db.fetchone("SELECT * FROM groups WHERE chat_id = ?", (chat_id,))
        return _group(row) if row else None

    async def joined(self, chat_id: int, title: str, chat_type: str, *, can_pin: bool) -> Group:
        """The bot was added (or re-added): the group is active again, its profile kept."""
        ts = now_ts()
        await self.db.execute(
            """INSERT INTO groups (chat_id, title, chat_type, active, joined_at, bot_can_pin,
                                   updated_at)
               VALUES (?, ?, ?, 1, ?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,
                   chat_type = excluded.chat_type, active = 1, left_at = NULL,
                   joined_at = excluded.joined_at, bot_can_pin = excluded.bot_can_pin,
                   updated_at = excluded.updated_at""",
            (chat_id, title, chat_type, ts, int(can_pin), ts),
        )
        return await self.get(chat_id)  # type: ignore[return-value]

    async def set_can_pin(self, chat_id: int, can_pin: bool) -> None:
        await self.db.execute("UPDATE groups SET bot_can_pin = ? WHERE chat_id = ?",
                              (int(can_pin), chat_id))

    async def left(self, chat_id: int) -> bool:
        """The bot was kicked or left; returns True if the group was active."""
        n = await self.db.execute(
            "UPDATE groups SET active = 0, left_at = ?, updated_at = ? "
            "WHERE chat_id = ? AND active = 1", (now_ts(), now_ts(), chat_id))
        return n > 0

    async def register(self, chat_id: int, title: str, chat_type: str, group_type: str,
                       area: str, by: int) -> Group:
        ts = now_ts()
        await self.db.execute(
            """INSERT INTO groups (chat_id, title, chat_type, group_type, area, active,
                                   registered_by, registered_at, joined_at, updated_at)
               VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title,
                   chat_type = excluded.chat_type, group_type = excluded.group_type,
                   area = excluded.area, active = 1, registered_by = excluded.registered_by,
                   registered_at = excluded.registered_at, updated_at = excluded.updated_at""",
            (chat_id, title, chat_type, group_type, area, by, ts, ts, ts),
        )
        return await self.get(chat_id)  # type: ignore[return-value]

    async def unregister(self, chat_id: int) -> bool:
        n = await self.db.execute(
            "UPDATE groups SET group_type = NULL, updated_at = ? "
            "WHERE chat_id = ? AND group_type IS NOT NULL", (now_ts(), chat_id))
        return n > 0

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move its row and everything keyed by it to the new id."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("SELECT 1 FROM groups WHERE chat_id = ?", (new_id,))
            exists = await cur.fetchone()
            await cur.close()
            if exists:
                # Both updates arrived: keep the old profile, which holds the registration.
                await conn.execute("DELETE FROM groups WHERE chat_id = ? AND group_type IS NULL "
                                   "AND EXISTS (SELECT 1 FROM groups WHERE chat_id = ?)",
                                   (new_id, old_id))
            await conn.execute(
                "UPDATE groups SET chat_id = ?, migrated_from = ?, chat_type = 'supergroup', "
                "updated_at = ? WHERE chat_id = ?", (new_id, old_id, now_ts(), old_id))
            for table in CHAT_KEYED_TABLES:
                await conn.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?",
                                   (new_id, old_id))

    async def update_settings(self, chat_id: int, **values: object) -> None:
        """Set schedule overrides: daily_times, daily_days, daily_enabled, quiz_times, …"""
        allowed = {"daily_times", "daily_days", "daily_enabled", "quiz_times", "quiz_enabled",
                   "area", "title"}
        if not values or set(values) - allowed:
            raise ValueError(f"unknown group settings: {sorted(set(values) - allowed)}")
        cols = []
        params: list[object] = []
        for key, value in values.items():
            if key in ("daily_times", "quiz_times") and value is not None:
                value = json.dumps(list(value))
            if isinstance(value, bool):
                value = int(value)
            cols.append(f"{key} = ?")
            params.append(value)
        await self.db.execute(f"UPDATE groups SET {', '.join(cols)}, updated_at = ? "
                              "WHERE chat_id = ?", (*params, now_ts(), chat_id))

    async def set_member_count(self, chat_id: int, count: int) -> None:
        await self.db.execute("UPDATE groups SET member_count = ?, member_count_at = ? "
                              "WHERE chat_id = ?", (count, now_ts(), chat_id))

    async def active_registered(self, *, group_type: str | None = None,
                                area: str | None = None) -> list[Group]:
        sql = "SELECT * FROM groups WHERE active = 1 AND group_type IS NOT NULL"
        params: list[object] = []
        if group_type:
            sql += " AND group_type = ?"
            params.append(group_type)
        if area:
            sql += " AND area = ?"
            params.append(area)
        rows = await self.db.fetchall(sql + " ORDER BY chat_id", params)
        return [_group(r) for r in rows]

    async def all(self) -> list[Group]:
        rows = await self.db.fetchall("SELECT * FROM groups ORDER BY group_type, area, title")
        return [_group(r) for r in rows]


