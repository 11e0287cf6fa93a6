"""CSV exports for officers: columns, pseudonymous people, parts that fit Telegram. Pure.

People appear only as pseudonyms ("p-" + 10 hex digits of a keyed hash of their Telegram id):
stable across exports (the key stays in the database) so officers can count per person, but
neither names, usernames nor Telegram ids leave the bot. Cells that a spreadsheet would run as
a formula (=, +, -, @ at the start of a text) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

TABLES = ("deliveries", "quiz_answers", "reports")
HEADERS: dict[str, list[str]] = {
    "deliveries": ["outbox_id", "created", "day", "kind", "chat", "group", "area", "group_type",
                   "status", "attempts", "sent", "error"],
    "quiz_answers": ["answered", "day", "player", "source", "chat_id", "group", "area",
                     "question_id", "fraud_type", "correct", "points"],
    "reports": ["report_id", "reported", "case_id", "reporter", "reporter_role", "kind",
                "source_chat_id", "source_group", "area", "fraud_type", "risk", "case_status",
                "verdict", "decided", "minutes_to_verdict", "withdrawn"],
}
BOM = "\ufeff"  # Excel opens a CSV as UTF-8 only with it
MAX_PART_BYTES = 45 * 1024 * 1024  # Telegram bots may upload documents up to 50 MB
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Pseudonym = Callable[[int], str]


def make_pseudonym(key: str) -> Pseudonym:
    """user id -> "p-…", the same for the same id and key; cached (exports repeat people)."""
    cache: dict[int, str] = {}

    def pseudonym(user_id: int) -> str:
        if user_id not in cache:
            digest = hashlib.blake2b(str(user_id).encode(), key=key.encode()[:64], digest_size=5)
            cache[user_id] = "p-" + digest.hexdigest()
        return cache[user_id]

    return pseudonym


def safe_cell(value: Any) -> Any:
    """Text that would start a spreadsheet formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _local(ts: float | None, tz: dt.tzinfo) -> str:
    return "" if ts is None else dt.datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def export_row(table: str, raw: Sequence[Any], pseudonym: Pseudonym, tz: dt.tzinfo) -> list:
    """One stored row (in the store's column order) as a CSV row of HEADERS[table]."""
    if table == "deliveries":
        (row_id, created, kind, chat_id, title, area, group_type, status, attempts, sent,
         error) = raw
        private = chat_id > 0  # a private chat's id is the person's Telegram id
        return [row_id, _local(created, tz), _local(created, tz)[:10], kind,
                pseudonym(chat_id) if private else chat_id, "" if private else title or "",
                area or "", group_type or "", status, attempts, _local(sent, tz), error or ""]
    if table == "quiz_answers":
        (answered, day, user_id, source, chat_id, title, area, question_id, fraud_type, correct,
         points) = raw
        group = source == "group"
        return [_local(answered, tz), day, pseudonym(user_id), source,
                chat_id if group else "", title or "" if group else "",
                area or "" if group else "", question_id, fraud_type, correct, points]
    if table == "reports":
        (row_id, created, case_id, reporter, role, kind, source_chat, title, area, fraud_type,
         risk, status, verdict, case_created, decided, withdrawn) = raw
        minutes = "" if decided is None or case_created is None else round(
            (decided - case_created) / 60, 1)
        return [row_id, _local(created, tz), case_id or "", pseudonym(reporter), role, kind,
                source_chat or "", title or "", area or "", fraud_type or "", risk or "",
                status or "", verdict or "", _local(decided, tz), minutes, withdrawn]
    raise ValueError(f"unknown export {table!r}")


class CsvParts:
    """Rows in, CSV files out: each part starts with the BOM and the header and stays under
    `max_bytes`, so every part can be sent as one document."""

    def __init__(self, header: list[str], max_bytes: int = MAX_PART_BYTES):
        self.header = header
        self.max_bytes = max_bytes
        self.rows = 0  # rows in the current part
        self._new_part()

    def _new_part(self) -> None:
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf)
        self._buf.write(BOM)
        self._writer.writerow(self.header)
        self._head_bytes = self._size = len(self._buf.getvalue().encode("utf-8"))
        self.rows = 0

    def add(self, rows: Iterable[list]) -> list[tuple[bytes, int]]:
        """Add rows; returns the parts that became full, as (bytes, rows)."""
        done = []
        line = io.StringIO()
        one = csv.writer(line)
        for row in rows:
            line.seek(0)
            line.truncate()
            one.writerow([safe_cell(v) for v in row])
            text = line.getvalue()
            size = len(text.encode("utf-8"))
            if self.rows and self._size + size > self.max_bytes:
                done.append(self._take())
            self._buf.write(text)
            self._size += size
            self.rows += 1
        return done

    def _take(self) -> tuple[bytes, int]:
        part = (self._buf.getvalue().encode("utf-8"), self.rows)
        self._new_part()
        return part

    def finish(self) -> tuple[bytes, int]:
        """The last part (the header alone when there were no rows)."""
        return self._take()
