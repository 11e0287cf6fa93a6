"""Scorecard benchmark: /stats figures at 10,000 groups and a million deliveries.

Fills a temporary database (the real schema, bulk rows spread over 120 days), then times the
scorecard for week, month and all with the project's indexes, and — the baseline, in the same
run — on a copy without the statistics indexes (migration 005 dropped). Prints both and the
ratio. Never collected by pytest.

    python bench/stats.py [--groups 10000] [--deliveries 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.stats import period_bounds
from bot.domain.taxonomy import FRAUD_TYPES, GROUP_TYPES
from bot.store.db import Database
from bot.store.stats import StatsRepo

TZ = ZoneInfo("Asia/Shanghai")
DAYS = 120
STATS_INDEXES = ("outbox_created", "quiz_answers_time", "reports_time", "cases_decided",
                 "cases_created")


def fill(path: Path, groups: int, deliveries: int, now: float, rng: random.Random) -> None:
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO groups (chat_id, title, chat_type, group_type, area, active, member_count,"
        " joined_at, registered_at) VALUES (?, ?, 'supergroup', ?, ?, ?, ?, ?, ?)",
        [(-1_000_000 - i, f"g{i}", GROUP_TYPES[i % 7], f"area{i % 40}", int(i % 25 != 0),
          rng.randint(20, 500), now, now) for i in range(groups)])
    kinds = ("daily",) * 8 + ("alert", "quiz", "warning", "verdict")
    rows = []
    for i in range(deliveries):
        at = now - rng.random() * DAYS * 86400
        rows.append((kinds[i % len(kinds)], -1_000_000 - rng.randrange(groups), "send_message",
                     "{}", "sent" if rng.random() < 0.97 else "failed", at, at, at))
        if len(rows) == 100_000:
            _outbox(con, rows)
            rows = []
    _outbox(con, rows)
    con.executemany(
        "INSERT INTO quiz_answers (key, user_id, chat_id, source, question_id, fraud_type,"
        " option_ids, correct, points, day, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(f"p{i // 5}", 10_000 + i % 30_000, -1_000_000 - rng.randrange(groups), "group",
          f"q{i % 131}", FRAUD_TYPES[i % 12], "[0]", int(rng.random() < 0.7), 10,
          dt.datetime.fromtimestamp(t, TZ).date().isoformat(), t)
         for i, t in ((i, now - rng.random() * DAYS * 86400) for i in range(200_000))])
    cases = []
    for i in range(20_000):
        created = now - rng.random() * DAYS * 86400
        decided = created + rng.expovariate(1 / 5400) if rng.random() < 0.8 else None
        cases.append((i + 1, "decided" if decided else "pending",
                      rng.choice(("scam", "not_scam")) if decided else None,
                      FRAUD_TYPES[i % 12], rng.choice(("red", "orange", "yellow", "none")),
                      created, decided))
    con.executemany("INSERT INTO cases (id, status, verdict, fraud_type, risk, created_at,"
                    " decided_at) VALUES (?,?,?,?,?,?,?)", cases)
    con.executemany(
        "INSERT INTO reports (case_id, reporter_id, reporter_role, kind, chat_id,"
        " source_chat_id, created_at) VALUES (?, ?, ?, 'forward', ?, ?, ?)",
        [(c[0], 50_000 + c[0] % 3000, "volunteer" if c[0] % 3 else "resident",
          50_000 + c[0] % 3000, -1_000_000 - rng.randrange(groups), c[5]) for c in cases])
    con.commit()
    con.execute("ANALYZE")
    con.close()


def _outbox(con: sqlite3.Connection, rows: list) -> None:
    con.executemany("INSERT INTO outbox (kind, chat_id, method, payload, status, not_before,"
                    " created_at, sent_at) VALUES (?,?,?,?,?,?,?,?)", rows)


async def timed(path: Path, runs: int) -> dict[str, float]:
    db = await Database(path).connect()
    repo, out = StatsRepo(db), {}
    now = dt.datetime.now(TZ)
    for name in ("week", "month", "all"):
        period = period_bounds(name, now)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            await repo.scorecard(period)
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
    with tempfile.TemporaryDirectory() as tmp:
        indexed, bare = Path(tmp) / "indexed.sqlite3", Path(tmp) / "bare.sqlite3"
        await (await Database(indexed).connect()).close()  # the real schema, all migrations
        started = time.perf_counter()
        fill(indexed, args.groups, args.deliveries, time.time(), random.Random(7))
        print(f"filled {args.groups} groups, {args.deliveries} deliveries, 200000 quiz "
              f"answers, 20000 cases in {time.perf_counter() - started:.1f} s")
        shutil.copy(indexed, bare)
        con = sqlite3.connect(bare)
        for name in STATS_INDEXES:
            con.execute(f"DROP INDEX {name}")
        con.commit()
        con.close()
        fast, slow = await timed(indexed, args.runs), await timed(bare, max(1, args.runs // 2))
    for name in fast:
        print(f"/stats {name:5}: {fast[name] * 1000:8.1f} ms with the indexes, "
              f"{slow[name] * 1000:8.1f} ms without (baseline) = {slow[name] / fast[name]:.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
