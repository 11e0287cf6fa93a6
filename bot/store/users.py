"""The users aggregate: who has talked to the bot, their language and role."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database, now_ts

RESIDENT, VOLUNTEER = "resident", "volunteer"


@dataclass(frozen=True)
class User:
    user_id: int
    first_name: str
    last_name: str
    username: str | None
    language_code: str | None
    role: str
    area: str
    started: bool
    blocked: bool
    hide_from_top: bool

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.user_id)


def _user(row) -> User:
    return User(row["user_id"], row["first_name"], row["last_name"], row["username"],
                row["language_code"], row["role"], row["area"], bool(row["started"]),
                bool(row["blocked"]), bool(row["hide_from_top"]))


class UserRepo:
    """All SQL about users."""

    def __init__(self, db: Database):
        self.db = db

    async def seen(self, user_id: int, first_name: str, last_name: str | None,
                   username: str | None, language_code: str | None, *,
                   private: bool = False) -> None:
        """Upsert a user from an update; private=True records that they opened a chat with us."""
        ts = now_ts()
        await self.db.execute(
            """INSERT INTO users (user_id, first_name, last_name, username, language_code,
                                  started, created_at, last_seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,
                   last_name = excluded.last_name, username = excluded.username,
                   language_code = COALESCE(excluded.language_code, users.language_code),
                   started = MAX(users.started, excluded.started),
                   last_seen_at = excluded.last_seen_at""",
            (user_id, first_name or "", last_name or "", username, language_code,
             int(private), ts, ts),
        )

    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))
        return _user(row) if row else None

    async def set_role(self, user_id: int, role: str, area: str = "") -> None:
        await self.db.execute("UPDATE users SET role = ?, area = ? WHERE user_id = ?",
                              (role, area, user_id))

    async def set_flag(self, user_id: int, flag: str, value: bool) -> None:
        if flag not in ("blocked", "hide_from_top", "started"):
            raise ValueError(flag)
        await self.db.execute(f"UPDATE users SET {flag} = ? WHERE user_id = ?",
                              (int(value), user_id))

    async def by_role(self, role: str) -> list[User]:
        rows = await self.db.fetchall("SELECT * FROM users WHERE role = ? ORDER BY user_id",
                                      (role,))
        return [_user(r) for r in rows]


class KV:
    """Small named values that must survive a restart (e.g. the last weekly report)."""

    def __init__(self, db: Database):
        self.db = db

    async def get(self, key: str, default: str | None = None) -> str | None:
        value = await self.db.fetchval("SELECT value FROM kv WHERE key = ?", (key,))
        return default if value is None else value

    async def set(self, key: str, value: str) -> None:
        await self.db.execute("INSERT INTO kv (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              (key, value))
