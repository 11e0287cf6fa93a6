"""The anti-fraud scorecard (反诈成绩单): periods, percentiles, comparison, text. Pure."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from bot.i18n import Texts

PERIODS = ("week", "month", "all")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Period:
    name: str
    start: dt.datetime
    end: dt.datetime

    def previous(self) -> Period:
        """The period of the same length just before this one (for week-on-week figures)."""
        return Period(self.name, self.start - (self.end - self.start), self.start)


def period_bounds(name: str, now: dt.datetime) -> Period:
    """week = since Monday 00:00 local, month = since the 1st, all = everything; end = now."""
    local = now
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "week":
        return Period(name, midnight - dt.timedelta(days=local.weekday()), now)
    if name == "month":
        return Period(name, midnight.replace(day=1), now)
    if name == "all":
        return Period(name, EPOCH.astimezone(local.tzinfo), now)
    raise ValueError(f"unknown period {name!r}; use {', '.join(PERIODS)}")


def last_full_week(now: dt.datetime) -> Period:
    """Monday 00:00 to Monday 00:00 of the week before now's week (the weekly report)."""
    this_week = period_bounds("week", now).start
    return Period("week", this_week - dt.timedelta(days=7), this_week)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


@dataclass
class Scorecard:
    """Every figure of one period (and optionally one area)."""

    groups: dict[tuple[str, str, bool], int] = field(default_factory=dict)  # (type, area, active)
    members: int = 0
    posts: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, status) -> n
    players: int = 0
    answers: int = 0
    correct: int = 0
    wrong_types: list[tuple[str, int]] = field(default_factory=list)
    reports: int = 0
    reports_by_type: dict[str, int] = field(default_factory=dict)
    reports_by_risk: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)  # scam | not_scam | need_info
    verdict_seconds: list[float] = field(default_factory=list)
    volunteers: int = 0
    volunteers_active: int = 0
    days: list[str] = field(default_factory=list)
    posts_per_day: list[int] = field(default_factory=list)
    players_per_day: list[int] = field(default_factory=list)

    def sent(self, *kinds: str) -> int:
        return sum(n for (k, s), n in self.posts.items() if k in kinds and s == "sent")

    def failed(self, *kinds: str) -> int:
        return sum(n for (k, s), n in self.posts.items() if k in kinds and s == "failed")

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def active_groups(self) -> int:
        return sum(n for (_, _, active), n in self.groups.items() if active)

    @property
    def inactive_groups(self) -> int:
        return sum(n for (_, _, active), n in self.groups.items() if not active)


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _delta(now: int, before: int | None) -> str:
    if before is None:
        return ""
    diff = now - before
    return f" ({'+' if diff >= 0 else ''}{diff})"


def format_scorecard(texts: Texts, lang: str, sc: Scorecard, title: str,
                     before: Scorecard | None = None) -> str:
    """The scorecard as Telegram HTML; with `before`, each count shows its change."""
    def tx(key: str, **kw: object) -> str:
        return texts.t(f"stats.{key}", lang, **kw)

    def b(attr: str, *kinds: str) -> int | None:
        if before is None:
            return None
        return getattr(before, attr)(*kinds) if kinds else getattr(before, attr)

    lines = [f"📊 <b>{escape(title)}</b>", "", tx("groups_head", active=sc.active_groups,
                                                   inactive=sc.inactive_groups,
                                                   members=sc.members)]
    by_type: dict[str, int] = {}
    for (gtype, _area, active), n in sc.groups.items():
        if active:
            by_type[gtype] = by_type.get(gtype, 0) + n
    if by_type:
        lines.append(" · ".join(f"{texts.t(f'group_type.{k}', lang)} {v}"
                                for k, v in sorted(by_type.items())))
    lines += ["", tx("posts", daily=sc.sent("daily"), daily_delta=_delta(sc.sent("daily"),
                     b("sent", "daily")), alerts=sc.sent("alert"),
                     warnings=sc.sent("warning"), quizzes=sc.sent("quiz"),
                     failed=sc.failed("daily", "alert", "warning", "quiz", "weekly"))]
    accuracy = "—" if sc.accuracy is None else f"{sc.accuracy:.0%}"
    lines.append(tx("quiz", players=sc.players, players_delta=_delta(sc.players, b("players")),
                    answers=sc.answers, accuracy=accuracy))
    if sc.wrong_types:
        lines.append(tx("wrong_types", types="、".join(
            f"{texts.t(f'fraud_type.{ft}', lang)} {n}" for ft, n in sc.wrong_types)))
    lines += ["", tx("reports", count=sc.reports, delta=_delta(sc.reports, b("reports")),
                     red=sc.reports_by_risk.get("red", 0),
                     orange=sc.reports_by_risk.get("orange", 0),
                     yellow=sc.reports_by_risk.get("yellow", 0))]
    if sc.reports_by_type:
        top = sorted(sc.reports_by_type.items(), key=lambda kv: -kv[1])[:5]
        lines.append(tx("report_types", types="、".join(
            f"{texts.t(f'fraud_type.{ft}', lang)} {n}" for ft, n in top)))
    lines.append(tx("verdicts", scam=sc.verdicts.get("scam", 0),
                    not_scam=sc.verdicts.get("not_scam", 0),
                    need_info=sc.verdicts.get("need_info", 0),
                    median=_hours(percentile(sc.verdict_seconds, 50)),
                    p90=_hours(percentile(sc.verdict_seconds, 90))))
    lines.append(tx("volunteers", active=sc.volunteers_active, total=sc.volunteers))
    return "\n".join(lines)
