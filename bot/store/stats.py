"""The scorecard's figures and the exports from the database: all SQL of the statistics.

Every figure is a range query on a time column with a covering index (migration 005), so a
week costs the rows of that week, not of the whole history. The area filter narrows each query
to the chats of that area's groups (a group that became a supergroup keeps its old reports).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

from bot.domain.stats import GROUP_POSTS, GroupCount, Period, Scorecard
from bot.store.db import Database
from bot.store.users import KV

AREA_CHATS = "(SELECT chat_id FROM groups WHERE area = :area)"
STATUSES = "('sent', 'failed', 'pending', 'sending')"
AREA_SOURCES = ("(SELECT chat_id FROM groups WHERE area = :area UNION "
                "SELECT migrated_from FROM groups WHERE area = :area "
                "AND migrated_from IS NOT NULL)")
PSEUDONYM_KEY = "stats.pseudonym_key"
EXPORT_PAGE = 20_000


class StatsRepo:
    """Plain figures out; callers (the domain) compute rates, percentiles and text."""

    def __init__(self, db: Database):
        self.db = db

    async def scorecard(self, period: Period, area: str | None = None) -> Scorecard:
        p = {"start": period.start.timestamp(), "end": period.end.timestamp(), "area": area,
             **{f"k{i}": k for i, k in enumerate(GROUP_POSTS)}}
        kinds = ", ".join(f":k{i}" for i in range(len(GROUP_POSTS)))
        sc = Scorecard()
        sc.groups = [GroupCount(r[0], r[1], bool(r[2]), r[3], r[4], r[5])
                     for r in await self.db.fetchall(
            "SELECT group_type, area, active, COUNT(*), COALESCE(SUM(member_count), 0), "
            "COUNT(member_count) FROM groups WHERE group_type IS NOT NULL"
            + (" AND area = :area" if area else "") + " GROUP BY 1, 2, 3", p)]

        # "+chat_id": the area is a filter on the time-ordered index, never a lookup by chat.
        in_area = f"AND +chat_id IN {AREA_CHATS}" if area else ""
        sc.posts = {(r[0], r[1]): r[2] for r in await self.db.fetchall(
            f"SELECT kind, status, COUNT(*) FROM outbox WHERE kind IN ({kinds}) AND status IN "
            f"{STATUSES} AND created_at >= :start AND created_at < :end {in_area} GROUP BY 1, 2",
            p)}
        sc.alerts_issued = {r[0]: r[1] for r in await self.db.fetchall(
            "SELECT level, COUNT(*) FROM alerts WHERE status = 'sent' AND decided_at >= :start "
            "AND decided_at < :end" + (" AND (area = :area OR area IS NULL)" if area else "")
            + " GROUP BY 1", p)}

        answers = ("FROM quiz_answers WHERE answered_at >= :start AND answered_at < :end "
                   + (f"AND source = 'group' {in_area}" if area else ""))
        sc.players = int(await self.db.fetchval(f"SELECT COUNT(DISTINCT user_id) {answers}", p))
        sc.quiz_by_type = {r[0]: (r[1], r[2]) for r in await self.db.fetchall(
            f"SELECT fraud_type, COUNT(*), SUM(correct = 0) {answers} GROUP BY 1", p)}
        sc.answers = sum(n for n, _ in sc.quiz_by_type.values())
        sc.correct = sc.answers - sum(wrong for _, wrong in sc.quiz_by_type.values())

        reports = ("FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.created_at >= :start"
                   " AND r.created_at < :end AND r.kind != 'supplement'"
                   + (f" AND +r.source_chat_id IN {AREA_SOURCES}" if area else ""))
        sc.reports_by = {(r[0], r[1]): r[2] for r in await self.db.fetchall(
            f"SELECT COALESCE(c.fraud_type, 'other'), c.risk, COUNT(*) {reports} GROUP BY 1, 2",
            p)}
        sc.cases = int(await self.db.fetchval(f"SELECT COUNT(DISTINCT r.case_id) {reports}", p))

        case_area = (f" AND id IN (SELECT case_id FROM reports WHERE source_chat_id IN "
                     f"{AREA_SOURCES})" if area else "")
        sc.verdict_times = [(r[0], r[1]) for r in await self.db.fetchall(
            "SELECT verdict, decided_at - created_at FROM cases WHERE decided_at >= :start "
            f"AND decided_at < :end AND verdict IS NOT NULL{case_area}", p)]
        # 需补充 leaves no time of its own: count the period's cases an officer asked about.
        sc.need_info = int(await self.db.fetchval(
            "SELECT COUNT(*) FROM cases WHERE created_at >= :start AND created_at < :end "
            f"AND info_by IS NOT NULL{case_area}", p))

        volunteer_area = " AND area = :area" if area else ""
        sc.volunteers = int(await self.db.fetchval(
            f"SELECT COUNT(*) FROM users WHERE role = 'volunteer'{volunteer_area}", p))
        sc.volunteers_active = int(await self.db.fetchval(
            "SELECT COUNT(DISTINCT reporter_id) FROM reports WHERE created_at >= :start "
            "AND created_at < :end AND reporter_role = 'volunteer'"
            + (" AND reporter_id IN (SELECT user_id FROM users WHERE role = 'volunteer'"
               f"{volunteer_area})" if area else ""), p))
        await self._series(sc, period, area, p, kinds)
        return sc

    async def _series(self, sc: Scorecard, period: Period, area: str | None, p: dict,
                      kinds: str) -> None:
        """Per local day (the last 31 of the period): posts delivered and failed, players."""
        bounds = period.day_bounds()
        if not bounds:
            return
        values = ", ".join(f"(:d{i}, :s{i}, :e{i})" for i in range(len(bounds)))
        for i, (day, lo, hi) in enumerate(bounds):
            p.update({f"d{i}": day, f"s{i}": lo, f"e{i}": hi})
        in_area = f"AND +chat_id IN {AREA_CHATS}" if area else ""
        answers_area = f"AND source = 'group' {in_area}" if area else ""
        rows = await self.db.fetchall(
            f"WITH d(day, s, e) AS (VALUES {values}) SELECT day, "
            f"(SELECT COUNT(*) FROM outbox WHERE created_at >= s AND created_at < e "
            f" AND kind IN ({kinds}) AND status = 'sent' {in_area}), "
            f"(SELECT COUNT(*) FROM outbox WHERE created_at >= s AND created_at < e "
            f" AND kind IN ({kinds}) AND status = 'failed' {in_area}), "
            f"(SELECT COUNT(DISTINCT user_id) FROM quiz_answers WHERE answered_at >= s "
            f" AND answered_at < e {answers_area}) FROM d ORDER BY day", p)
        sc.days = [r[0] for r in rows]
        sc.posts_per_day = [r[1] for r in rows]
        sc.failed_per_day = [r[2] for r in rows]
        sc.players_per_day = [r[3] for r in rows]

    # ---- exports ----------------------------------------------------------------------------
    async def export_pages(self, table: str, period: Period, page: int = EXPORT_PAGE
                           ) -> AsyncIterator[list[tuple]]:
        """The period's rows of one export, oldest first, in pages (keyset, short queries).

        Row shapes are those of bot.domain.stats_export.export_row.
        """
        sql = EXPORT_SQL[table]
        after = (period.start.timestamp(), -1)
        while True:
            rows = await self.db.fetchall(sql, {"t": after[0], "id": after[1], "n": page,
                                                "start": period.start.timestamp(),
                                                "end": period.end.timestamp()})
            if not rows:
                return
            yield [tuple(r)[:-2] for r in rows]
            after = (rows[-1][-2], rows[-1][-1])
            if len(rows) < page:
                return

    async def pseudonym_key(self, kv: KV) -> str:
        """The secret behind export pseudonyms, made once and kept in the database."""
        key = await kv.get(PSEUDONYM_KEY)
        if key is None:
            key = secrets.token_hex(32)
            await kv.set(PSEUDONYM_KEY, key)
        return key

    # ---- member counts ----------------------------------------------------------------------
    async def stale_member_counts(self, older_than: float, limit: int
                                  ) -> list[tuple[int, int | None]]:
        """(chat id, last known count) of active registered groups to ask again, least
        recently asked first."""
        rows = await self.db.fetchall(
            "SELECT chat_id, member_count FROM groups WHERE active = 1 "
            "AND group_type IS NOT NULL AND (member_count_at IS NULL OR member_count_at < ?) "
            "ORDER BY member_count_at IS NOT NULL, member_count_at LIMIT ?", (older_than, limit))
        return [(r[0], r[1]) for r in rows]

    async def count_active_groups(self) -> int:
        return int(await self.db.fetchval(
            "SELECT COUNT(*) FROM groups WHERE active = 1 AND group_type IS NOT NULL"))


# Keyset pagination on (time, id), the last two columns: each page is one short query.
# Private chats and people are pseudonymised by the caller; no name, username or text is read.
EXPORT_SQL = {
    "deliveries": (
        "SELECT o.id, o.created_at, o.kind, o.chat_id, g.title, g.area, g.group_type, o.status,"
        " o.attempts, o.sent_at, o.error, o.created_at, o.id FROM outbox o "
        "LEFT JOIN groups g ON g.chat_id = o.chat_id "
        "WHERE o.id > :id AND o.created_at >= :start AND o.created_at < :end "
        "ORDER BY o.id LIMIT :n"),  # ids follow the time of queueing; no time index needed
    "quiz_answers": (
        "SELECT a.answered_at, a.day, a.user_id, a.source, a.chat_id, g.title, g.area, "
        "a.question_id, a.fraud_type, a.correct, a.points, a.answered_at, a.rowid "
        "FROM quiz_answers a LEFT JOIN groups g ON g.chat_id = a.chat_id "
        "WHERE (a.answered_at, a.rowid) > (:t, :id) AND a.answered_at < :end "
        "ORDER BY a.answered_at, a.rowid LIMIT :n"),
    "reports": (
        "SELECT r.id, r.created_at, r.case_id, r.reporter_id, r.reporter_role, r.kind, "
        "r.source_chat_id, COALESCE(g.title, m.title), COALESCE(g.area, m.area), c.fraud_type,"
        " c.risk, c.status, c.verdict, c.created_at, c.decided_at, r.withdrawn, r.created_at, "
        "r.id FROM reports r LEFT JOIN cases c ON c.id = r.case_id "
        "LEFT JOIN groups g ON g.chat_id = r.source_chat_id "
        "LEFT JOIN groups m ON m.migrated_from = r.source_chat_id "
        "WHERE (r.created_at, r.id) > (:t, :id) AND r.created_at < :end "
        "ORDER BY r.created_at, r.id LIMIT :n"),
}
