"""The scorecard's figures from the database: indexed range queries, one area filter."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from bot.domain.stats import Period, Scorecard
from bot.store.db import Database
from bot.store.users import KV

GROUP_POSTS = ("daily", "alert", "quiz", "warning", "weekly")


class StatsRepo:
    """All SQL of the statistics; callers get plain figures."""

    def __init__(self, db: Database):
        self.db = db

    async def scorecard(self, period: Period, area: str | None = None) -> Scorecard:
        start, end = period.start.timestamp(), period.end.timestamp()
        offset = int(period.end.utcoffset().total_seconds()) if period.end.utcoffset() else 0
        shift = f"{offset:+d} seconds"
        sc = Scorecard()
        sc.days = _days(period)
        # The per-day series cover only the days shown (at most a month), not the whole period.
        first_day = dt.datetime.combine(dt.date.fromisoformat(sc.days[0]), dt.time(),
                                        tzinfo=period.end.tzinfo).timestamp()
        in_area = "AND chat_id IN (SELECT chat_id FROM groups WHERE area = :area)" if area else ""
        params = {"start": start, "end": end, "area": area, "shift": shift,
                  "day_start": max(start, first_day)}

        for r in await self.db.fetchall(
                "SELECT group_type, area, active, COUNT(*), COALESCE(SUM(member_count), 0) "
                "FROM groups WHERE group_type IS NOT NULL"
                + (" AND area = :area" if area else "") + " GROUP BY 1, 2, 3", params):
            sc.groups[(r[0], r[1], bool(r[2]))] = r[3]
            if r[2]:
                sc.members += r[4]
        kinds = ",".join(f"'{k}'" for k in GROUP_POSTS)
        for r in await self.db.fetchall(
                f"SELECT kind, status, COUNT(*) FROM outbox WHERE created_at >= :start "
                f"AND created_at < :end AND kind IN ({kinds}) {in_area} GROUP BY 1, 2", params):
            sc.posts[(r[0], r[1])] = r[2]
        per_day = {r[0]: r[1] for r in await self.db.fetchall(
            f"SELECT date(created_at, 'unixepoch', :shift), COUNT(*) FROM outbox "
            f"WHERE created_at >= :day_start AND created_at < :end AND status = 'sent' "
            f"AND kind IN ({kinds}) {in_area} GROUP BY 1", params)}

        def answers_since(since: str) -> str:
            return (f"FROM quiz_answers WHERE answered_at >= :{since} AND answered_at < :end "
                    + (f"AND source = 'group' {in_area}" if area else ""))

        answers = answers_since("start")
        row = await self.db.fetchone(
            f"SELECT COUNT(DISTINCT user_id), COUNT(*), COALESCE(SUM(correct), 0) {answers}",
            params)
        sc.players, sc.answers, sc.correct = row[0], row[1], row[2]
        sc.wrong_types = [(r[0], r[1]) for r in await self.db.fetchall(
            f"SELECT fraud_type, COUNT(*) {answers} AND correct = 0 GROUP BY 1 "
            "ORDER BY 2 DESC, 1 LIMIT 3", params)]
        players_per_day = {r[0]: r[1] for r in await self.db.fetchall(
            f"SELECT day, COUNT(DISTINCT user_id) {answers_since('day_start')} GROUP BY 1",
            params)}

        reports = ("FROM reports r JOIN cases c ON c.id = r.case_id "
                   "WHERE r.created_at >= :start AND r.created_at < :end"
                   + (" AND r.source_chat_id IN (SELECT chat_id FROM groups WHERE area = :area)"
                      if area else ""))
        for r in await self.db.fetchall(
                f"SELECT COALESCE(c.fraud_type, 'other'), c.risk, COUNT(*) {reports} "
                "GROUP BY 1, 2", params):
            sc.reports += r[2]
            sc.reports_by_type[r[0]] = sc.reports_by_type.get(r[0], 0) + r[2]
            sc.reports_by_risk[r[1]] = sc.reports_by_risk.get(r[1], 0) + r[2]
        cases = ("FROM cases WHERE decided_at >= :start AND decided_at < :end"
                 + (" AND id IN (SELECT case_id FROM reports WHERE source_chat_id IN "
                    "(SELECT chat_id FROM groups WHERE area = :area))" if area else ""))
        for r in await self.db.fetchall(
                f"SELECT verdict, COUNT(*) {cases} AND verdict IS NOT NULL GROUP BY 1", params):
            sc.verdicts[r[0]] = r[1]
        sc.verdict_seconds = [r[0] for r in await self.db.fetchall(
            f"SELECT decided_at - created_at {cases} AND verdict IS NOT NULL", params)]
        sc.verdicts["need_info"] = int(await self.db.fetchval(
            "SELECT COUNT(*) FROM cases WHERE status = 'need_info' "
            "AND created_at >= :start AND created_at < :end", params))
        sc.volunteers = int(await self.db.fetchval(
            "SELECT COUNT(*) FROM users WHERE role = 'volunteer'"
            + (" AND area = :area" if area else ""), params))
        sc.volunteers_active = int(await self.db.fetchval(
            "SELECT COUNT(DISTINCT reporter_id) FROM reports WHERE reporter_role = 'volunteer' "
            "AND created_at >= :start AND created_at < :end", params))

        sc.posts_per_day = [per_day.get(d, 0) for d in sc.days]
        sc.players_per_day = [players_per_day.get(d, 0) for d in sc.days]
        return sc

    async def export_rows(self, table: str, period: Period, pseudonym) -> tuple[list, list]:
        """(header, rows) for one CSV export; people appear only as pseudonymous ids."""
        start, end = period.start.timestamp(), period.end.timestamp()
        if table == "deliveries":
            header = ["id", "kind", "chat_id", "group", "area", "status", "attempts",
                      "created_at", "sent_at", "error"]
            rows = await self.db.fetchall(
                "SELECT o.id, o.kind, o.chat_id, COALESCE(g.title, ''), COALESCE(g.area, ''), "
                "o.status, o.attempts, o.created_at, o.sent_at, COALESCE(o.error, '') "
                "FROM outbox o LEFT JOIN groups g ON g.chat_id = o.chat_id "
                "WHERE o.created_at >= ? AND o.created_at < ? ORDER BY o.id", (start, end))
            # A private chat's id is the person's Telegram id: export a pseudonym instead.
            return header, [[r[0], r[1], r[2] if r[2] < 0 else pseudonym(r[2]), *r[3:7],
                             _iso(r[7]), _iso(r[8]), r[9]] for r in rows]
        if table == "quiz_answers":
            header = ["player", "chat_id", "source", "question_id", "fraud_type", "correct",
                      "points", "day", "answered_at"]
            rows = await self.db.fetchall(
                "SELECT user_id, chat_id, source, question_id, fraud_type, correct, points, "
                "day, answered_at FROM quiz_answers WHERE answered_at >= ? AND answered_at < ? "
                "ORDER BY answered_at", (start, end))
            return header, [[pseudonym(r[0]), r[1] if r[2] == "group" else "", *r[2:8],
                             _iso(r[8])] for r in rows]
        header = ["report_id", "case_id", "reporter", "reporter_role", "kind",
                  "source_chat_id", "reported_at", "fraud_type", "risk", "verdict",
                  "decided_at"]
        rows = await self.db.fetchall(
            "SELECT r.id, r.case_id, r.reporter_id, r.reporter_role, r.kind, r.source_chat_id,"
            " r.created_at, c.fraud_type, c.risk, c.verdict, c.decided_at FROM reports r "
            "LEFT JOIN cases c ON c.id = r.case_id WHERE r.created_at >= ? AND r.created_at < ?"
            " ORDER BY r.id", (start, end))
        return header, [[r[0], r[1], pseudonym(r[2]), r[3], r[4], r[5] or "", _iso(r[6]),
                         r[7] or "", r[8] or "", r[9] or "", _iso(r[10])] for r in rows]

    async def stale_member_counts(self, older_than: float, limit: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT chat_id FROM groups WHERE active = 1 AND group_type IS NOT NULL "
            "AND (member_count_at IS NULL OR member_count_at < ?) ORDER BY member_count_at "
            "LIMIT ?", (older_than, limit))
        return [r[0] for r in rows]


async def pseudonymizer(kv: KV):
    """user id -> a stable pseudonym ('p-' + 10 hex) keyed by a secret kept in the database."""
    salt = await kv.get("stats.pseudonym_salt")
    if salt is None:
        salt = secrets.token_hex(16)
        await kv.set("stats.pseudonym_salt", salt)

    def pseudonym(user_id: int) -> str:
        return "p-" + hashlib.blake2b(f"{salt}:{user_id}".encode(), digest_size=5).hexdigest()

    return pseudonym


def _iso(ts: float | None) -> str:
    return "" if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(
        timespec="seconds")


def _days(period: Period, limit: int = 31) -> list[str]:
    """The local dates of the period (at most the last `limit`)."""
    last = (period.end - dt.timedelta(microseconds=1)).date()
    first = max(period.start.date(), last - dt.timedelta(days=limit - 1))
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
