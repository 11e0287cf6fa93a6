"""Broadcast benchmark: the daily bulletin to 2,000 groups through the local Bot API simulator.

Run 1 keeps Telegram's real limits (30 messages/s per bot, 20/min per group) and prints the
achieved rate as a ratio of 30/s (target >= 0.95), with the 429s the simulator had to return
because of our own pacing (target 0), and lost/duplicated posts (target 0).
Run 2 raises the simulator's limit (and the bot's) to 1,000/s to show the bot's own ceiling.

    python bench/broadcast.py [--groups 2000] [--fast-only]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from bot.config import config_from_mapping
from bot.context import services_of
from bot.daily import post_all_now
from bot.simulator import FloodLimits, Simulator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH"
OFFICER = 1001


async def run(groups: int, per_second: int, label: str) -> dict:
    sim = Simulator(token=TOKEN, bot_username="bench_bot",
                    limits=FloodLimits(per_second=per_second, group_per_minute=20))
    await sim.start()
    sim.add_user(OFFICER, "Officer")
    sim.user_sends(OFFICER, OFFICER, "/start")  # opens the private chat for the report
    with tempfile.TemporaryDirectory() as tmp:
        config = config_from_mapping({
            "telegram": {"token": TOKEN, "base_url": sim.base_url},
            "database": str(Path(tmp) / "bench.sqlite3"),
            "content_dir": str(ROOT / "content"),
            "officers": [OFFICER],
            "delivery": {"per_second": per_second, "concurrency": 64},
        }, env={})
        app = build_application(config)
        await app.initialize()
        await app.post_init(app)  # no polling: only the delivery engine runs
        services = services_of(app)
        for i in range(groups):
            chat_id = -1_000_000_000 - i
            sim.add_group(chat_id, f"group {i}", members={OFFICER: "creator"})
            sim.add_bot_to_group(chat_id, OFFICER)
            await services.groups.register(chat_id, f"group {i}", "supergroup",
                                           ("neighbourhood", "parents", "workplace",
                                            "village")[i % 4], "", OFFICER)
        mark = sim.mark()
        started = time.perf_counter()
        queued, _ = await post_all_now(services, OFFICER, OFFICER)
        await services.delivery.wait_idle(timeout=groups / 10 + 60)
        elapsed = time.perf_counter() - started
        sends = [c for c in sim.calls if c.method == "sendMessage" and c.ok
                 and str(c.params.get("chat_id", "")).startswith("-")]
        per_chat = Counter(m.chat_id for m in sim.sent()[mark:] if m.chat_id < 0)
        stamps = sorted(c.at for c in sends)
        peak, lo = 0, 0
        for hi, at in enumerate(stamps):  # most messages the server saw in any 1 s window
            while stamps[lo] <= at - 1.0:
                lo += 1
            peak = max(peak, hi - lo + 1)
        await app.post_stop(app)
        await app.shutdown()
        await app.post_shutdown(app)
    await sim.stop()
    # What an officer sees: posts delivered per second, from /dailynow until the last one.
    rate = len(per_chat) / elapsed
    return {
        "label": label, "queued": queued, "delivered": len(per_chat),
        "lost": groups - len(per_chat), "duplicated": sum(n - 1 for n in per_chat.values()),
        "rate": rate, "elapsed": elapsed, "flood_429": sim.stats.flood_429, "peak": peak,
    }


def show(result: dict, limit: int) -> None:
    print(f"{result['label']}: {result['delivered']} groups in {result['elapsed']:.1f} s, "
          f"{result['rate']:.2f} msg/s = {result['rate'] / limit:.3f} x the {limit}/s limit "
          f"(busiest 1 s window: {result['peak']}); "
          f"429 from our pacing: {result['flood_429']}; lost: {result['lost']}; "
          f"duplicated: {result['duplicated']}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--fast-only", action="store_true", help="skip the real-limits run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not args.fast_only:
        show(await run(args.groups, 30, "real limits (30/s)"), 30)
    show(await run(args.groups, 1000, "raised limit (1000/s)"), 1000)


if __name__ == "__main__":
    asyncio.run(main())
