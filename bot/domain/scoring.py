"""Quiz scoring, streaks, leaderboards and weak spots. Pure, no I/O.

The rules (README "Quizzes and questions"):
- An answer is correct when the chosen options are exactly the question's correct options.
- A correct answer earns `points_correct` (10).
- Streak: the number of consecutive local days, up to today, with at least one correct answer.
  The first correct answer of a day that continues a streak earns a bonus of
  `streak_bonus` (2) per day of the streak before today, capped at `streak_cap` (10): day 1 +0,
  day 2 +2, day 3 +4 … day 6 and later +10. Further correct answers that day earn no bonus,
  so a private quiz cannot farm it. A wrong answer does not break a streak; a day without a
  correct answer does.
- Only the first answer of a user to a poll (or a private question) counts. A changed vote earns
  nothing more and a retracted vote takes nothing away (Telegram shows the right answer after
  the first vote, so a change could only ever "fix" it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.taxonomy import FRAUD_TYPES


@dataclass(frozen=True)
class ScoringRules:
    points_correct: int = 10
    streak_bonus: int = 2
    streak_cap: int = 10


@dataclass(frozen=True)
class Streak:
    """A player's streak: the last local day with a correct answer and the days in a row."""

    day: dt.date | None = None
    length: int = 0


@dataclass(frozen=True)
class Scored:
    correct: bool
    points: int
    bonus: int
    streak: Streak


def is_correct(option_ids: Iterable[int], correct: Iterable[int]) -> bool:
    """Exactly the correct options, no more, no fewer."""
    chosen = set(option_ids)
    return bool(chosen) and chosen == set(correct)


def score_answer(correct: bool, streak: Streak, today: dt.date,
                 rules: ScoringRules = ScoringRules()) -> Scored:
    """Points for one (first) answer, and the player's streak after it."""
    if not correct:
        return Scored(False, 0, 0, streak)
    if streak.day == today:
        return Scored(True, rules.points_correct, 0, streak)
    continues = streak.day is not None and (today - streak.day).days == 1
    length = streak.length + 1 if continues else 1
    bonus = min(rules.streak_bonus * (length - 1), rules.streak_cap)
    return Scored(True, rules.points_correct + bonus, bonus, Streak(today, length))


def current_streak(streak: Streak, today: dt.date) -> int:
    """The streak as it stands today (0 when yesterday had no correct answer)."""
    if streak.day is None or (today - streak.day).days > 1:
        return 0
    return streak.length


@dataclass(frozen=True)
class Standing:
    """One player's totals over some answers (a group, a week, everything)."""

    user_id: int
    points: int
    answered: int
    correct: int
    last_at: float = 0.0  # when they last scored: the earlier one ranks first on a tie

    @property
    def accuracy(self) -> int:
        return accuracy(self.correct, self.answered)


def accuracy(correct: int, answered: int) -> int:
    """Whole percent, 0 when nothing was answered."""
    return round(100 * correct / answered) if answered else 0


def rank(standings: Iterable[Standing], *, limit: int | None = None,
         hidden: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, Standing]]:
    """Leaderboard: most points first; equal points share a rank (1, 2, 2, 4).

    Within a shared rank, more correct answers, then whoever got there first, are listed first.
    Players without points, and hidden players (/hideme), are left out and take up no rank.
    """
    ordered = sorted((s for s in standings if s.user_id not in hidden and s.points > 0),
                     key=lambda s: (-s.points, -s.correct, s.last_at, s.user_id))
    out: list[tuple[int, Standing]] = []
    for i, s in enumerate(ordered):
        place = out[-1][0] if out and out[-1][1].points == s.points else i + 1
        out.append((place, s))
    return out[:limit] if limit is not None else out


def rank_of(points: int, others: Sequence[int]) -> int:
    """1 + how many players have strictly more points."""
    return 1 + sum(1 for p in others if p > points)


def weakest_type(stats: Mapping[str, tuple[int, int]]) -> str | None:
    """The fraud type the player misses most: {type: (answered, correct)} -> type or None.

    Only types with a wrong answer count; lowest accuracy first, then more wrong answers, then
    the taxonomy's order. None when the player never answered wrong.
    """
    order = {ft: i for i, ft in enumerate(FRAUD_TYPES)}
    missed = [(correct / answered, -(answered - correct), order.get(ft, 99), ft)
              for ft, (answered, correct) in stats.items() if answered > correct]
    return min(missed)[3] if missed else None


def week_start(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 of now's week, in now's time zone."""
    monday = now.date() - dt.timedelta(days=now.weekday())
    return dt.datetime.combine(monday, dt.time(0), tzinfo=now.tzinfo)


def week_key(day: dt.date) -> str:
    """ISO week id, e.g. 2026-W47 (the dedupe key of a weekly announcement)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
