"""Which tip a group gets today. Pure: the clock, history and content are passed in."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.tips import Season, Tip


@dataclass(frozen=True)
class Posted:
    """One earlier daily post in a group."""

    tip_id: str
    fraud_type: str
    day: dt.date


def _rank_key(tip: Tip, today: dt.date, salt: int, weight: float) -> float:
    """Deterministic weighted-random key (Efraimidis–Spirakis): bigger wins."""
    digest = hashlib.blake2b(f"{salt}:{today.isoformat()}:{tip.id}".encode(), digest_size=8)
    u = (int.from_bytes(digest.digest(), "big") + 1) / (2**64 + 2)
    return u ** (1.0 / weight)


def pick_tip(
    tips: Sequence[Tip],
    *,
    audiences: Sequence[str],
    history: Sequence[Posted],
    today: dt.date,
    seasons: Mapping[str, Season],
    no_repeat_days: int = 60,
    salt: int = 0,
) -> Tip | None:
    """The next tip for one group.

    Rules, in order: only tips for the group's audiences, and not a seasonal tip out of its
    season (unless nothing else is left); a tip never used in this group before any repeat;
    once all have been used, those not used within no_repeat_days, else the least recently
    used; not the fraud type of the previous post when another type is available; in-season
    tips before evergreen ones; then a stable pseudo-random choice (per group and day) that
    favours tips written for the group's specific audience over general ones.
    """
    wanted = set(audiences)

    def in_season(t: Tip) -> int:
        if t.season is None:
            return 1
        season = seasons.get(t.season)
        return 2 if season and season.contains(today) else 0

    pool = [t for t in tips if wanted & set(t.audiences)]
    pool = [t for t in pool if in_season(t)] or pool
    if not pool:
        return None
    last_used: dict[str, dt.date] = {}
    for p in history:
        if p.day < today and (p.tip_id not in last_used or p.day > last_used[p.tip_id]):
            last_used[p.tip_id] = p.day
    fresh = [t for t in pool if t.id not in last_used]
    if not fresh:
        fresh = [t for t in pool if (today - last_used[t.id]).days >= no_repeat_days]
    if not fresh:
        oldest = min(last_used[t.id] for t in pool)
        fresh = [t for t in pool if last_used[t.id] == oldest]
    previous = max((p for p in history if p.day < today), key=lambda p: p.day, default=None)
    if previous is not None:
        fresh = [t for t in fresh if t.fraud_type != previous.fraud_type] or fresh
    best_season = max(in_season(t) for t in fresh)
    fresh = [t for t in fresh if in_season(t) == best_season]
    specific = wanted - {"general"}

    def weight(t: Tip) -> float:
        return 2.0 if specific & set(t.audiences) else 1.0

    return max(fresh, key=lambda t: (_rank_key(t, today, salt, weight(t)), t.id))
