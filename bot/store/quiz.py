"""The quiz aggregate: group quiz posts and their polls, answers, streaks, private sessions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.domain.quiz import Asked, Question
from bot.domain.scoring import Scored, ScoringRules, Standing, Streak, score_answer
from bot.store.db import Database, now_ts

GROUP, PRIVATE = "group", "private"
ACTIVE, DONE = "active", "done"


@dataclass(frozen=True)
class PollPost:
    """A quiz poll the bot sent to a group."""

    chat_id: int
    question_id: str
    fraud_type: str
    correct: tuple[int, ...]


@dataclass(frozen=True)
class Answer:
    """One answer to record: to a group poll (key = poll id) or a private question."""

    key: str
    user_id: int
    chat_id: int
    source: str
    question_id: str
    fraud_type: str
    option_ids: tuple[int, ...]
    correct: bool


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    questions: tuple[str, ...]
    position: int
    correct: int
    points: int
    status: str

    @property
    def current(self) -> str | None:
        return self.questions[self.position] if self.position < len(self.questions) else None


def _session(row) -> Session:
    return Session(row["id"], row["user_id"], tuple(json.loads(row["questions"])),
                   row["position"], row["correct"], row["points"], row["status"])


async def _fetchone(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> Any:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


class QuizRepo:
    """All SQL about quizzes and scores."""

    def __init__(self, db: Database):
        self.db = db

    # ---- group quiz posts ------------------------------------------------------------------

    async def claim_post(self, chat_id: int, slot: str, question: Question, *,
                         created_by: int | None = None, quiet_since: float | None = None
                         ) -> int | None:
        """Reserve the group's quiz for a slot; None if the slot is taken or, with quiet_since,
        the group already had a quiz since then (the /quiz cool-down), atomically."""
        async with self.db.transaction() as conn:
            if quiet_since is not None and await _fetchone(
                    conn, "SELECT 1 FROM quiz_posts WHERE chat_id = ? AND created_at >= ?",
                    (chat_id, quiet_since)):
                return None
            cur = await conn.execute(
                "INSERT OR IGNORE INTO quiz_posts (chat_id, slot, question_id, fraud_type, "
                "correct, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat_id, slot, question.id, question.fraud_type, json.dumps(question.correct),
                 created_by, now_ts()))
            post_id = cur.lastrowid if cur.rowcount else None
            await cur.close()
        return post_id

    async def set_outbox(self, post_id: int, outbox_id: int) -> None:
        await self.db.execute("UPDATE quiz_posts SET outbox_id = ? WHERE id = ?",
                              (outbox_id, post_id))

    async def drop_post(self, post_id: int) -> None:
        await self.db.execute("DELETE FROM quiz_posts WHERE id = ? AND poll_id IS NULL",
                              (post_id,))

    async def last_post_at(self, chat_id: int) -> float | None:
        return await self.db.fetchval("SELECT MAX(created_at) FROM quiz_posts WHERE chat_id = ?",
                                      (chat_id,))

    async def map_poll(self, outbox_id: int, poll_id: str, message_id: int) -> None:
        """The poll of a delivered quiz post: poll_answer updates name only the poll id."""
        await self.db.execute(
            "UPDATE quiz_posts SET poll_id = ?, message_id = ?, sent_at = ? WHERE outbox_id = ?",
            (poll_id, message_id, now_ts(), outbox_id))

    async def poll(self, poll_id: str) -> PollPost | None:
        row = await self.db.fetchone(
            "SELECT chat_id, question_id, fraud_type, correct FROM quiz_posts WHERE poll_id = ?",
            (poll_id,))
        if row is None:
            return None
        return PollPost(row["chat_id"], row["question_id"], row["fraud_type"],
                        tuple(json.loads(row["correct"])))

    async def history(self, chat_id: int, since: float) -> list[Asked]:
        rows = await self.db.fetchall(
            "SELECT question_id, fraud_type, created_at FROM quiz_posts "
            "WHERE chat_id = ? AND created_at >= ? ORDER BY created_at", (chat_id, since))
        return [Asked(r["question_id"], r["fraud_type"],
                      dt.datetime.fromtimestamp(r["created_at"], dt.UTC)) for r in rows]

    # ---- answers and scores ----------------------------------------------------------------

    async def record_answer(self, answer: Answer, today: dt.date, rules: ScoringRules
                            ) -> Scored | None:
        """Score a user's first answer to a poll or question; None (and nothing scored) when
        they had already answered it: a changed or retracted vote only counts as a change."""
        async with self.db.transaction() as conn:
            return await self._record(conn, answer, today, rules)

    async def note_change(self, key: str, user_id: int) -> None:
        """A changed or retracted vote: remembered, never scored."""
        await self.db.execute("UPDATE quiz_answers SET changes = changes + 1 "
                              "WHERE key = ? AND user_id = ?", (key, user_id))

    async def _record(self, conn: aiosqlite.Connection, answer: Answer, today: dt.date,
                      rules: ScoringRules) -> Scored | None:
        if await _fetchone(conn, "SELECT 1 FROM quiz_answers WHERE key = ? AND user_id = ?",
                           (answer.key, answer.user_id)):
            await conn.execute("UPDATE quiz_answers SET changes = changes + 1 "
                               "WHERE key = ? AND user_id = ?", (answer.key, answer.user_id))
            return None
        row = await _fetchone(conn, "SELECT streak_day, streak FROM quiz_players "
                              "WHERE user_id = ?", (answer.user_id,))
        streak = (Streak(dt.date.fromisoformat(row["streak_day"]), row["streak"])
                  if row and row["streak_day"] else Streak())
        scored = score_answer(answer.correct, streak, today, rules)
        await conn.execute(
            "INSERT INTO quiz_answers (key, user_id, chat_id, source, question_id, fraud_type, "
            "option_ids, correct, points, day, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (answer.key, answer.user_id, answer.chat_id, answer.source, answer.question_id,
             answer.fraud_type, json.dumps(list(answer.option_ids)), int(answer.correct),
             scored.points, today.isoformat(), now_ts()))
        if scored.streak != streak:
            await conn.execute(
                "INSERT INTO quiz_players (user_id, streak_day, streak) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET streak_day = excluded.streak_day, "
                "streak = excluded.streak",
                (answer.user_id, scored.streak.day.isoformat(), scored.streak.length))
        return scored

    async def standings(self, *, chat_id: int | None = None, since: float | None = None
                        ) -> list[Standing]:
        """Totals per player: in one chat or everywhere, since a time or ever."""
        where, params = ["1 = 1"], []
        if chat_id is not None:
            where.append("chat_id = ?")
            params.append(chat_id)
        if since is not None:
            where.append("answered_at >= ?")
            params.append(since)
        rows = await self.db.fetchall(
            "SELECT user_id, SUM(points) AS points, COUNT(*) AS answered, "
            "SUM(correct) AS correct, MAX(CASE WHEN points > 0 THEN answered_at ELSE 0 END) "
            f"AS last_at FROM quiz_answers WHERE {' AND '.join(where)} GROUP BY user_id",
            params)
        return [Standing(r["user_id"], r["points"], r["answered"], r["correct"], r["last_at"])
                for r in rows]

    async def type_stats(self, user_id: int, *, key_prefix: str | None = None
                         ) -> dict[str, tuple[int, int]]:
        """{fraud type: (answered, correct)} for a user (or one private session's keys)."""
        sql = ("SELECT fraud_type, COUNT(*) AS n, SUM(correct) AS ok FROM quiz_answers "
               "WHERE user_id = ?")
        params: list[Any] = [user_id]
        if key_prefix is not None:
            sql += " AND key LIKE ? ESCAPE '\\'"
            params.append(key_prefix.replace("%", "\\%").replace("_", "\\_") + "%")
        rows = await self.db.fetchall(sql + " GROUP BY fraud_type", params)
        return {r["fraud_type"]: (r["n"], r["ok"]) for r in rows}

    async def streak(self, user_id: int) -> Streak:
        row = await self.db.fetchone("SELECT streak_day, streak FROM quiz_players "
                                     "WHERE user_id = ?", (user_id,))
        if row is None or not row["streak_day"]:
            return Streak()
        return Streak(dt.date.fromisoformat(row["streak_day"]), row["streak"])

    async def hidden_users(self) -> set[int]:
        rows = await self.db.fetchall("SELECT user_id FROM users WHERE hide_from_top = 1")
        return {r["user_id"] for r in rows}

    # ---- private sessions ------------------------------------------------------------------

    async def active_session(self, user_id: int) -> Session | None:
        row = await self.db.fetchone(
            "SELECT * FROM quiz_sessions WHERE user_id = ? AND status = 'active' "
            "ORDER BY id DESC LIMIT 1", (user_id,))
        return _session(row) if row else None

    async def session(self, session_id: int) -> Session | None:
        row = await self.db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def seen(self, user_id: int) -> set[str]:
        rows = await self.db.fetchall("SELECT question_id FROM quiz_seen WHERE user_id = ?",
                                      (user_id,))
        return {r["question_id"] for r in rows}

    async def start_session(self, user_id: int, question_ids: Sequence[str], *,
                            new_round: bool) -> Session:
        """A new private quiz; its questions count as seen (a new round forgets the old)."""
        ts = now_ts()
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE quiz_sessions SET status = 'done', updated_at = ? "
                               "WHERE user_id = ? AND status = 'active'", (ts, user_id))
            if new_round:
                await conn.execute("DELETE FROM quiz_seen WHERE user_id = ?", (user_id,))
            await conn.executemany("INSERT OR IGNORE INTO quiz_seen (user_id, question_id) "
                                   "VALUES (?, ?)", [(user_id, q) for q in question_ids])
            cur = await conn.execute(
                "INSERT INTO quiz_sessions (user_id, questions, created_at, updated_at) "
                "VALUES (?, ?, ?, ?)", (user_id, json.dumps(list(question_ids)), ts, ts))
            session_id = cur.lastrowid
            await cur.close()
        return await self.session(session_id)  # type: ignore[return-value]

    async def answer_in_session(self, session: Session, position: int, answer: Answer,
                                today: dt.date, rules: ScoringRules
                                ) -> tuple[Session, Scored] | None:
        """Answer the session's current question once: the first press wins, others get None."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE quiz_sessions SET position = position + 1, updated_at = ?, "
                "status = CASE WHEN position + 1 >= ? THEN 'done' ELSE status END "
                "WHERE id = ? AND user_id = ? AND position = ? AND status = 'active'",
                (now_ts(), len(session.questions), session.id, answer.user_id, position))
            won = cur.rowcount == 1
            await cur.close()
            if not won:
                return None
            scored = await self._record(conn, answer, today, rules)
            if scored is not None:
                await conn.execute("UPDATE quiz_sessions SET correct = correct + ?, "
                                   "points = points + ? WHERE id = ?",
                                   (int(scored.correct), scored.points, session.id))
        updated = await self.session(session.id)
        return (updated, scored) if updated and scored else None

    async def end_session(self, session_id: int) -> None:
        await self.db.execute("UPDATE quiz_sessions SET status = 'done', updated_at = ? "
                              "WHERE id = ?", (now_ts(), session_id))
