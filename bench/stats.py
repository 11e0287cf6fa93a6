"""Scorecard benchmark: /stats figures at 10,000 groups and a million deliveries.

Fills a temporary database with the real schema (all migrations) by bulk SQL: 10,000 groups in
40 areas (4% left, member counts known for most), a million outbox rows of every kind spread
over 120 days (3% failed), 60,000 quiz polls answered 200,000 times (70% right), 20,000 cases
with 24,000 reports (80% decided within hours, some asked for more), alerts and volunteers.
Then it times the whole scorecard (every query /stats runs) for week, month, all and a week of
one area with the statistics indexes, and - the baseline, in the same run - on a copy with the
indexes of migration 006 dropped. Prints both and the ratio. Never collected by pytest.

    python bench/stats.py [--groups 10000] [--deliveries 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.stats import Period, period_bounds
from bot.domain.taxonomy import ALERT_LEVELS, FRAUD_TYPES, GROUP_TYPES, RISK_LEVELS
from bot.store.db import Database
from bot.store.stats import StatsRepo

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
DAYS = 120
MIGRATION = ROOT / "bot" / "store" / "schema" / "006_stats_indexes.sql"
KINDS = ("daily",) * 7 + ("quiz", "alert", "warning", "weekly", "verdict")


def stats_indexes() -> list[str]:
    return re.findall(r"CREATE INDEX (\w+)", MIGRATION.read_text(encoding="utf-8"))


def fill(path: Path, groups: int, deliveries: int, now: float, rng: random.Random) -> None:
    con = sqlite3.connect(path)
    chats = [-1_000_000_000 - i for i in range(groups)]
    con.executemany(
        "INSERT INTO groups (chat_id, title, chat_type, group_type, area, active, member_count,"
        " member_count_at, joined_at, registered_at) VALUES (?, ?, 'supergroup', ?, ?, ?, ?, ?,"
        " ?, ?)",
        [(c, f"群{i}", GROUP_TYPES[i % len(GROUP_TYPES)], f"区{i % 40}", int(i % 25 != 0),
          rng.randint(20, 500) if i % 10 else None, now, now - 200 * 86400,
          now - 200 * 86400) for i, c in enumerate(chats)])
    rows = []
    for i in range(deliveries):
        at = now - rng.random() * DAYS * 86400
        kind = KINDS[i % len(KINDS)]
        chat = rng.randrange(10_000, 60_000) if kind == "verdict" else rng.choice(chats)
        rows.append((kind, chat, "send_message", "{}",
                     "sent" if rng.random() < 0.97 else "failed", at, at, at + 1))
        if len(rows) == 100_000:
            con.executemany("INSERT INTO outbox (kind, chat_id, method, payload, status, "
                            "not_before, created_at, sent_at) VALUES (?,?,?,?,?,?,?,?)", rows)
            rows = []
    con.executemany("INSERT INTO outbox (kind, chat_id, method, payload, status, not_before, "
                    "created_at, sent_at) VALUES (?,?,?,?,?,?,?,?)", rows)
    answers = []
    for poll in range(60_000):
        at, chat = now - rng.random() * DAYS * 86400, rng.choice(chats)
        fraud_type = FRAUD_TYPES[poll % len(FRAUD_TYPES)]
        for user in rng.sample(range(100_000, 130_000), rng.choice((1, 2, 3, 4, 5))):
            t = at + rng.random() * 3600
            answers.append((f"p{poll}", user, chat, "group", f"q{poll % 131}", fraud_type, "[0]",
                            int(rng.random() < 0.7), 10,
                            dt.datetime.fromtimestamp(t, TZ).date().isoformat(), t))
    con.executemany(
        "INSERT INTO quiz_answers (key, user_id, chat_id, source, question_id, fraud_type,"
        " option_ids, correct, points, day, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        answers[:200_000])
    cases, reports = [], []
    for case in range(1, 20_001):
        created = now - rng.random() * DAYS * 86400
        decided = created + rng.expovariate(1 / 5400) if rng.random() < 0.8 else None
        cases.append((case, "decided" if decided else "pending",
                      rng.choice(("scam", "not_scam")) if decided else None,
                      FRAUD_TYPES[case % len(FRAUD_TYPES)], rng.choice(RISK_LEVELS), created,
                      decided, 9001 if rng.random() < 0.05 else None))
        for n in range(1 if case % 5 else 2):
            reporter = 50_000 + rng.randrange(3000)
            reports.append((case, reporter, "volunteer" if reporter % 3 else "resident",
                            "forward", reporter, rng.choice(chats) if case % 2 else None,
                            created + n * 600))
    con.executemany("INSERT INTO cases (id, status, verdict, fraud_type, risk, created_at,"
                    " decided_at, info_by) VALUES (?,?,?,?,?,?,?,?)", cases)
    con.executemany("INSERT INTO reports (case_id, reporter_id, reporter_role, kind, chat_id,"
                    " source_chat_id, created_at) VALUES (?,?,?,?,?,?,?)", reports)
    con.executemany("INSERT INTO alerts (level, text, area, created_by, created_at, status,"
                    " decided_at) VALUES (?, '…', ?, 1, ?, 'sent', ?)",
                    [(ALERT_LEVELS[i % 3], f"区{i % 40}" if i % 2 else None, t, t)
                     for i, t in enumerate(now - rng.random() * DAYS * 86400
                                           for _ in range(600))])
    con.executemany("INSERT INTO users (user_id, first_name, role, area, created_at, "
                    "last_seen_at) VALUES (?, '', ?, ?, ?, ?)",
                    [(u, "volunteer" if u < 52_000 else "resident", f"区{u % 40}", now, now)
                     for u in range(50_000, 130_000)])
    con.commit()
    con.execute("ANALYZE")
    con.close()


async def timed(path: Path, periods: dict[str, tuple[Period, str | None]], runs: int
                ) -> dict[str, float]:
    db = await Database(path).connect()
    repo, out = StatsRepo(db), {}
    for name, (period, area) in periods.items():
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            await repo.scorecard(period, area)
            samples.append(time.perf_counter() - started)
        out[name] = statistics.median(samples)
    await db.close()
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    now = dt.datetime.now(TZ)
    periods = {name: (period_bounds(name, now), None) for name in ("week", "month", "all")}
    periods["week area=区7"] = (period_bounds("week", now), "区7")
    with tempfile.TemporaryDirectory() as tmp:
        indexed, bare = Path(tmp) / "indexed.sqlite3", Path(tmp) / "bare.sqlite3"
        await (await Database(indexed).connect()).close()  # the real schema, all migrations
        started = time.perf_counter()
        fill(indexed, args.groups, args.deliveries, now.timestamp(), random.Random(7))
        print(f"filled {args.groups:,} groups, {args.deliveries:,} deliveries, 200,000 quiz "
              f"answers, 20,000 cases in {time.perf_counter() - started:.1f} s")
        shutil.copy(indexed, bare)
        con = sqlite3.connect(bare)
        for name in stats_indexes():
            con.execute(f"DROP INDEX {name}")
        con.commit()
        con.close()
        fast = await timed(indexed, periods, args.runs)
        slow = await timed(bare, periods, 1)  # slow: one run
    print(f"scorecard query set (median of {args.runs} runs; baseline: one run of the same "
          "queries without the indexes of migration 006):")
    for name in fast:
        print(f"  /stats {name:13} {fast[name] * 1000:8.1f} ms with the indexes, "
              f"{slow[name] * 1000:8.1f} ms without = {slow[name] / fast[name]:5.1f}x faster")


if __name__ == "__main__":
    asyncio.run(main())
