"""The anti-fraud scorecard (反诈成绩单): periods, figures, percentiles, comparisons. Pure."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain.taxonomy import RISK_LEVELS

PERIODS = ("week", "month", "all")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SERIES_DAYS = 31  # the chart and the per-day series show at most the period's last 31 days
GROUP_POSTS = ("daily", "alert", "warning", "quiz", "weekly")  # kinds posted in groups
SCAM, NOT_SCAM = "scam", "not_scam"


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) of local time; `name` is week, month or all."""

    name: str
    start: dt.datetime
    end: dt.datetime

    def previous(self) -> Period:
        """The span of the same (wall-clock) length just before this one."""
        return Period(self.name, self.start - (self.end - self.start), self.start)

    def day_bounds(self, limit: int = SERIES_DAYS) -> list[tuple[str, float, float]]:
        """(local date, start ts, end ts) of each day of the period, at most the last `limit`.

        Days are local midnights (correct across daylight-saving changes); the first and last
        day are clipped to the period.
        """
        tz = self.end.tzinfo
        last = (self.end - dt.timedelta(microseconds=1)).date()
        first = max(self.start.date(), last - dt.timedelta(days=limit - 1))
        out = []
        for i in range((last - first).days + 1):
            day = first + dt.timedelta(days=i)
            lo = dt.datetime.combine(day, dt.time(), tzinfo=tz)
            hi = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
            out.append((day.isoformat(), max(lo, self.start).timestamp(),
                        min(hi, self.end).timestamp()))
        return out


def period_bounds(name: str, now: dt.datetime) -> Period:
    """week = since Monday 00:00 local, month = since the 1st, all = everything; end = now."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (local time of the bot)")
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "week":
        return Period(name, midnight - dt.timedelta(days=now.weekday()), now)
    if name == "month":
        return Period(name, midnight.replace(day=1), now)
    if name == "all":
        return Period(name, EPOCH.astimezone(now.tzinfo), now)
    raise ValueError(f"unknown period {name!r}; use {', '.join(PERIODS)}")


def last_full_week(now: dt.datetime) -> Period:
    """Monday 00:00 to the next Monday 00:00 of the week before now's week (the weekly report)."""
    this_week = period_bounds("week", now).start
    return Period("week", this_week - dt.timedelta(days=7), this_week)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0..100, as numpy's default); None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


@dataclass(frozen=True)
class Change:
    """A figure against the same figure of the period before."""

    now: float
    before: float

    @property
    def diff(self) -> float:
        return self.now - self.before

    @property
    def ratio(self) -> float | None:
        """Relative change (0.25 = +25%); None when there was nothing before."""
        return None if self.before == 0 else self.diff / self.before

    def text(self, *, percent_points: bool = False) -> str:
        """"+4, +40%", "-2, -50%", "±0", "+3" (nothing before); rates in percentage points."""
        if percent_points:
            points = round(self.diff * 100)
            return "±0" if points == 0 else f"{points:+d} pp"
        diff = round(self.diff)
        if diff == 0:
            return "±0"
        if self.ratio is None:
            return f"{diff:+d}"
        return f"{diff:+d}, {self.ratio:+.0%}"


@dataclass(frozen=True)
class GroupCount:
    """Registered groups of one type and area, active (the bot is in them) or not."""

    group_type: str
    area: str
    active: bool
    count: int
    members: int  # sum of the known member counts
    known: int  # groups whose member count is known


@dataclass
class Scorecard:
    """Every raw figure of one period (and optionally one area), as the store counted them."""

    groups: list[GroupCount] = field(default_factory=list)
    posts: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, status) -> n
    alerts_issued: dict[str, int] = field(default_factory=dict)  # level -> alerts sent
    players: int = 0
    answers: int = 0
    correct: int = 0
    quiz_by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # (answers, wrong)
    reports_by: dict[tuple[str, str], int] = field(default_factory=dict)  # (type, risk) -> n
    cases: int = 0  # distinct cases the period's reports belong to
    verdict_times: list[tuple[str, float]] = field(default_factory=list)  # (verdict, seconds)
    need_info: int = 0
    volunteers: int = 0
    volunteers_active: int = 0
    days: list[str] = field(default_factory=list)
    posts_per_day: list[int] = field(default_factory=list)
    failed_per_day: list[int] = field(default_factory=list)
    players_per_day: list[int] = field(default_factory=list)

    # ---- groups ---------------------------------------------------------------------------
    @property
    def active_groups(self) -> int:
        return sum(g.count for g in self.groups if g.active)

    @property
    def inactive_groups(self) -> int:
        return sum(g.count for g in self.groups if not g.active)

    @property
    def members(self) -> int:
        """Members of the groups the bot is in, where Telegram told us the count."""
        return sum(g.members for g in self.groups if g.active)

    @property
    def members_known(self) -> int:
        return sum(g.known for g in self.groups if g.active)

    def groups_by(self, attr: str) -> list[tuple[str, int, int]]:
        """(type or area, active, inactive), most active first."""
        active: Counter[str] = Counter()
        inactive: Counter[str] = Counter()
        for g in self.groups:
            (active if g.active else inactive)[getattr(g, attr)] += g.count
        keys = set(active) | set(inactive)
        return sorted(((k, active[k], inactive[k]) for k in keys),
                      key=lambda r: (-r[1], -r[2], r[0]))

    # ---- posts ----------------------------------------------------------------------------
    def sent(self, *kinds: str) -> int:
        return sum(n for (k, s), n in self.posts.items() if k in kinds and s == "sent")

    def failed(self, *kinds: str) -> int:
        return sum(n for (k, s), n in self.posts.items() if k in kinds and s == "failed")

    def waiting(self, *kinds: str) -> int:
        return sum(n for (k, s), n in self.posts.items()
                   if k in kinds and s in ("pending", "sending"))

    # ---- quizzes --------------------------------------------------------------------------
    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    def most_missed(self, n: int = 3) -> list[tuple[str, int, int]]:
        """(fraud type, wrong answers, answers) of the types answered wrongly most often."""
        rows = [(t, wrong, total) for t, (total, wrong) in self.quiz_by_type.items() if wrong]
        return sorted(rows, key=lambda r: (-r[1], -r[1] / r[2], r[0]))[:n]

    # ---- reports and verdicts ---------------------------------------------------------------
    @property
    def reports(self) -> int:
        return sum(self.reports_by.values())

    def reports_by_type(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for (fraud_type, _), n in self.reports_by.items():
            counts[fraud_type] += n
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def reports_by_risk(self) -> dict[str, int]:
        out = dict.fromkeys(RISK_LEVELS, 0)
        for (_, risk), n in self.reports_by.items():
            out[risk] = out.get(risk, 0) + n
        return out

    def verdicts(self, verdict: str) -> int:
        return sum(1 for v, _ in self.verdict_times if v == verdict)

    def verdict_percentile(self, p: float) -> float | None:
        return percentile([s for _, s in self.verdict_times], p)


def changes(now: Scorecard, before: Scorecard) -> dict[str, Change]:
    """The weekly report's comparisons, by figure name."""
    pairs = {
        "groups": (now.active_groups, before.active_groups),
        "members": (now.members, before.members),
        "daily": (now.sent("daily"), before.sent("daily")),
        "alerts": (now.sent("alert"), before.sent("alert")),
        "warnings": (now.sent("warning"), before.sent("warning")),
        "quizzes": (now.sent("quiz"), before.sent("quiz")),
        "failed": (now.failed(*GROUP_POSTS), before.failed(*GROUP_POSTS)),
        "players": (now.players, before.players),
        "answers": (now.answers, before.answers),
        "reports": (now.reports, before.reports),
        "scam": (now.verdicts(SCAM), before.verdicts(SCAM)),
        "not_scam": (now.verdicts(NOT_SCAM), before.verdicts(NOT_SCAM)),
        "need_info": (now.need_info, before.need_info),
        "volunteers": (now.volunteers_active, before.volunteers_active),
    }
    out = {k: Change(a, b) for k, (a, b) in pairs.items()}
    if now.accuracy is not None and before.accuracy is not None:
        out["accuracy"] = Change(now.accuracy, before.accuracy)
    return out


@dataclass(frozen=True)
class ChartData:
    """What the weekly chart shows: three series with their (already localised) labels."""

    title: str
    days: list[str]
    posts_per_day: list[int]
    failed_per_day: list[int]
    players_per_day: list[int]
    report_types: list[tuple[str, int]]  # (label, count), most first
    labels: dict[str, str]  # posts, delivered, failed, players, reports, none


def chart_data(sc: Scorecard, title: str, labels: dict[str, str],
               type_names: dict[str, str]) -> ChartData:
    """The chart's series from a scorecard: posts and failures per day, players per day, reports
    by type (type ids shown by their names)."""
    return ChartData(title, list(sc.days), list(sc.posts_per_day), list(sc.failed_per_day),
                     list(sc.players_per_day),
                     [(type_names.get(t, t), n) for t, n in sc.reports_by_type()], labels)


def split_message(text: str, limit: int = 4096, measure=len) -> list[str]:
    """Split a message at line ends into parts of at most `limit` (as `measure` counts);
    a single longer line is cut (our lines never are: tags open and close on one line)."""
    parts: list[str] = []
    current = ""
    for line in _cut_lines(text.split("\n"), limit, measure):
        candidate = f"{current}\n{line}" if current else line
        if current and measure(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts] or [""]


def _cut_lines(lines: Iterable[str], limit: int, measure) -> Iterable[str]:
    for line in lines:
        while measure(line) > limit:
            cut = limit
            while measure(line[:cut]) > limit:
                cut -= 1
            yield line[:cut]
            line = line[cut:]
        yield line
