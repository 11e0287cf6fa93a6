"""The cases aggregate: a case, the reports that make it up, and its review cards."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.cases import (
    DECIDED,
    NEED_INFO,
    OPEN,
    PENDING,
    WITHDRAWN,
    Case,
    Report,
    merge_indicators,
)
from bot.store.db import Database

UNDECIDED_SQL = "('pending', 'need_info')"


@dataclass(frozen=True)
class NewReport:
    """A report as it arrives, before it belongs to a case."""

    reporter_id: int
    reporter_role: str
    kind: str
    chat_id: int
    message_id: int | None
    source_chat_id: int | None
    text: str
    media: tuple[dict, ...] = ()
    origin: dict | None = None


@dataclass(frozen=True)
class IndexRow:
    case_id: int
    fingerprint: str
    signature: bytes | None
    indicators: dict[str, list[str]]
    verdict: str | None


def _case(r) -> Case:
    return Case(
        id=r["id"], status=r["status"], verdict=r["verdict"], fraud_type=r["fraud_type"],
        risk=r["risk"], score=r["score"], signals=tuple(json.loads(r["signals"])),
        indicators=json.loads(r["indicators"]), fingerprint=r["fingerprint"], text=r["text"],
        has_media=bool(r["has_media"]), created_at=r["created_at"], routed_at=r["routed_at"],
        reminded_at=r["reminded_at"], decided_by=r["decided_by"], decided_at=r["decided_at"],
        info_by=r["info_by"], warned_at=r["warned_at"], warn_scope=r["warn_scope"])


def _report(r) -> Report:
    return Report(
        id=r["id"], case_id=r["case_id"], reporter_id=r["reporter_id"],
        reporter_role=r["reporter_role"], kind=r["kind"], chat_id=r["chat_id"],
        message_id=r["message_id"], source_chat_id=r["source_chat_id"], text=r["text"],
        media=tuple(json.loads(r["media"])), origin=json.loads(r["origin"]),
        routed=bool(r["routed"]), throttled=bool(r["throttled"]),
        withdrawn=bool(r["withdrawn"]), notified=r["notified"], created_at=r["created_at"])


class CaseRepo:
    """All SQL about cases, reports and review cards. Times are passed in (the bot's clock)."""

    def __init__(self, db: Database):
        self.db = db

    # ---- reports ---------------------------------------------------------------------------
    async def add_report(self, r: NewReport, at: float) -> int:
        """Store a report first, before anything is analysed or answered."""
        return await self.db.execute(
            "INSERT INTO reports (reporter_id, reporter_role, kind, chat_id, message_id, "
            "source_chat_id, text, media, origin, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (r.reporter_id, r.reporter_role, r.kind, r.chat_id, r.message_id, r.source_chat_id,
             r.text, json.dumps(list(r.media)), json.dumps(r.origin or {}, ensure_ascii=False),
             at))

    async def report(self, report_id: int) -> Report | None:
        row = await self.db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
        return _report(row) if row else None

    async def reports_of(self, case_id: int, *, withdrawn: bool = False) -> list[Report]:
        sql = "SELECT * FROM reports WHERE case_id = ?"
        if not withdrawn:
            sql += " AND withdrawn = 0"
        return [_report(r) for r in await self.db.fetchall(sql + " ORDER BY id", (case_id,))]

    async def set_report(self, report_id: int, *, routed: bool | None = None,
                         throttled: bool | None = None, notified: str | None = None) -> None:
        sets, params = [], []
        for col, value in (("routed", routed), ("throttled", throttled)):
            if value is not None:
                sets.append(f"{col} = ?")
                params.append(int(value))
        if notified is not None:
            sets.append("notified = ?")
            params.append(notified)
        if sets:
            await self.db.execute(f"UPDATE reports SET {', '.join(sets)} WHERE id = ?",
                                  (*params, report_id))

    async def count_since(self, reporter_id: int, since: float, *, routed: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM reports WHERE reporter_id = ? AND created_at >= ?"
        if routed:
            sql += " AND routed = 1"
        return int(await self.db.fetchval(sql, (reporter_id, since)))

    # ---- cases -----------------------------------------------------------------------------
    async def create_case(self, report_id: int, a: dict, signature: bytes | None, *,
                          text: str, has_media: bool, at: float) -> int:
        """A new case from its first report (a = Assessment.to_dict() or a neutral stand-in)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO cases (fraud_type, risk, score, signals, indicators, fingerprint, "
                "signature, text, has_media, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (a.get("fraud_type"), a.get("risk", "none"), a.get("score", 0.0),
                 json.dumps(a.get("signals", [])),
                 json.dumps(a.get("indicators", {}), ensure_ascii=False),
                 a.get("fingerprint", ""), signature, text, int(has_media), at))
            case_id = cur.lastrowid
            await cur.close()
            await conn.execute("UPDATE reports SET case_id = ? WHERE id = ?",
                               (case_id, report_id))
        return int(case_id)

    async def link(self, report_id: int, case_id: int, indicators: dict) -> None:
        """A report joins a known case; an undecided case gathers its indicators (a decided
        one keeps those the officer saw: only they count as confirmed)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("SELECT indicators FROM cases WHERE id = ?", (case_id,))
            row = await cur.fetchone()
            await cur.close()
            merged = merge_indicators(json.loads(row[0]) if row else {}, indicators)
            await conn.execute("UPDATE cases SET indicators = ? WHERE id = ? AND status != ?",
                               (json.dumps(merged, ensure_ascii=False), case_id, DECIDED))
            await conn.execute("UPDATE reports SET case_id = ? WHERE id = ?",
                               (case_id, report_id))

    async def get(self, case_id: int) -> Case | None:
        row = await self.db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
        return _case(row) if row else None

    async def statuses(self, ids: Iterable[int]) -> dict[int, str]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(f"SELECT id, status FROM cases WHERE id IN ({marks})", ids)
        return {r[0]: r[1] for r in rows}

    async def route(self, case_id: int, at: float) -> bool:
        """open → pending: the case goes in front of the officers (once)."""
        return await self.db.execute(
            "UPDATE cases SET status = ?, routed_at = ? WHERE id = ? AND status = ?",
            (PENDING, at, case_id, OPEN)) > 0

    async def decide(self, case_id: int, verdict: str, fraud_type: str | None, officer_id: int,
                     at: float) -> bool:
        """The first decision wins: True only for the call that decided the case."""
        return await self.db.execute(
            f"UPDATE cases SET status = ?, verdict = ?, fraud_type = ?, decided_by = ?, "
            f"decided_at = ? WHERE id = ? AND status IN {UNDECIDED_SQL}",
            (DECIDED, verdict, fraud_type, officer_id, at, case_id)) > 0

    async def ask_info(self, case_id: int, officer_id: int) -> bool:
        return await self.db.execute(
            "UPDATE cases SET status = ?, info_by = ? WHERE id = ? AND status = ?",
            (NEED_INFO, officer_id, case_id, PENDING)) > 0

    async def info_received(self, case_id: int) -> bool:
        return await self.db.execute("UPDATE cases SET status = ? WHERE id = ? AND status = ?",
                                     (PENDING, case_id, NEED_INFO)) > 0

    async def withdraw(self, report_id: int) -> bool:
        """Withdraw one report; its case is withdrawn when no report of it is left."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE reports SET withdrawn = 1 WHERE id = ? AND withdrawn = 0 AND case_id IN "
                "(SELECT id FROM cases WHERE status IN ('open', 'pending', 'need_info'))",
                (report_id,))
            done = cur.rowcount > 0
            await cur.close()
            if done:
                await conn.execute(
                    "UPDATE cases SET status = ? WHERE id = (SELECT case_id FROM reports "
                    "WHERE id = ?) AND NOT EXISTS (SELECT 1 FROM reports WHERE case_id = "
                    "cases.id AND withdrawn = 0)", (WITHDRAWN, report_id))
        return done

    async def undecided(self, limit: int = 50) -> list[Case]:
        rows = await self.db.fetchall(
            f"SELECT * FROM cases WHERE status IN {UNDECIDED_SQL} ORDER BY routed_at, id "
            "LIMIT ?", (limit,))
        return [_case(r) for r in rows]

    async def due_reminders(self, before: float) -> list[Case]:
        """Undecided cases last announced before `before`, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT * FROM cases WHERE status IN {UNDECIDED_SQL} "
            "AND COALESCE(reminded_at, routed_at) <= ? ORDER BY routed_at, id", (before,))
        return [_case(r) for r in rows]

    async def mark_reminded(self, case_id: int, at: float) -> None:
        await self.db.execute("UPDATE cases SET reminded_at = ? WHERE id = ?", (at, case_id))

    async def set_warned(self, case_id: int, scope: str, at: float) -> None:
        await self.db.execute("UPDATE cases SET warned_at = ?, warn_scope = ? WHERE id = ?",
                              (at, scope, case_id))

    async def index_rows(self) -> list[IndexRow]:
        """Every case the known-case index should hold (all but withdrawn ones)."""
        rows = await self.db.fetchall(
            "SELECT id, fingerprint, signature, indicators, verdict FROM cases "
            "WHERE status != ? ORDER BY id", (WITHDRAWN,))
        return [IndexRow(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    async def source_chats(self, case_id: int) -> list[int]:
        """The groups a case was seen in; a group that became a supergroup by its new id."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT COALESCE(g.chat_id, r.source_chat_id) FROM reports r "
            "LEFT JOIN groups g ON g.migrated_from = r.source_chat_id "
            "WHERE r.case_id = ? AND r.withdrawn = 0 AND r.source_chat_id IS NOT NULL "
            "ORDER BY 1", (case_id,))
        return [r[0] for r in rows]

    async def to_notify(self, case_id: int, verdict: str) -> list[int]:
        """Reporters of a case who have not been told this verdict yet."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT reporter_id FROM reports WHERE case_id = ? AND withdrawn = 0 "
            "AND throttled = 0 AND (notified IS NULL OR notified != ?) ORDER BY reporter_id",
            (case_id, verdict))
        return [r[0] for r in rows]

    async def mark_notified(self, case_id: int, reporter_id: int, verdict: str) -> None:
        await self.db.execute("UPDATE reports SET notified = ? WHERE case_id = ? AND "
                              "reporter_id = ?", (verdict, case_id, reporter_id))

    async def reporter_stats(self) -> dict[int, tuple[int, int, int]]:
        """reporter id → (reports, reports on decided cases, reports on confirmed scams)."""
        rows = await self.db.fetchall(
            "SELECT r.reporter_id, COUNT(*), SUM(c.status = 'decided'), "
            "SUM(c.verdict = 'scam') FROM reports r LEFT JOIN cases c ON c.id = r.case_id "
            "WHERE r.kind != 'supplement' GROUP BY r.reporter_id")
        return {r[0]: (r[1], r[2] or 0, r[3] or 0) for r in rows}

    # ---- review cards ----------------------------------------------------------------------
    async def add_card(self, case_id: int, chat_id: int, message_id: int, at: float) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO case_cards (chat_id, message_id, case_id, created_at) "
            "VALUES (?, ?, ?, ?)", (chat_id, message_id, case_id, at))

    async def cards(self, case_id: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT chat_id, message_id FROM case_cards WHERE case_id = ? ORDER BY created_at",
            (case_id,))
        return [(r[0], r[1]) for r in rows]
