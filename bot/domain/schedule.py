"""Schedule entries: "[days ]HH:MM[:SS]" parsed into (weekdays, time). Pure, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: tuple[int, ...] = tuple(range(7))
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class ScheduleError(ValueError):
    """A schedule entry that cannot be parsed; the message says what is wrong."""


@dataclass(frozen=True, order=True)
class Slot:
    """One weekly slot: the weekdays (0 = Monday) and a local time of day."""

    days: tuple[int, ...]
    time: dt.time

    def __str__(self) -> str:
        return f"{format_days(self.days)} {self.time.strftime('%H:%M')}".strip()

    def runs_on(self, day: dt.date) -> bool:
        """True when this slot fires on the given date."""
        return day.weekday() in self.days


def parse_time(text: str) -> dt.time:
    """Parse "HH:MM" or "HH:MM:SS"."""
    m = _TIME_RE.match(text.strip())
    if not m:
        raise ScheduleError(f'"{text}" is not a time; write it as HH:MM, e.g. 08:30')
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ScheduleError(f'"{text}" is not a valid time of day (00:00 to 23:59)')
    return dt.time(hour, minute, second)


def parse_days(text: str) -> tuple[int, ...]:
    """Parse "mon-fri", "sat,sun", "fri", "daily" into sorted weekday numbers."""
    text = text.strip().lower()
    if text in ("", "daily", "every", "*", "all"):
        return ALL_DAYS
    if text in ("weekdays", "workdays"):
        return (0, 1, 2, 3, 4)
    if text == "weekend":
        return (5, 6)
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            start, _, end = part.partition("-")
            a, b = _day(start), _day(end)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            days.add(_day(part))
    return tuple(sorted(days))


def _day(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in DAY_NAMES:
        raise ScheduleError(f'"{name}" is not a weekday; use mon, tue, wed, thu, fri, sat, sun')
    return DAY_NAMES.index(key)


def format_days(days: tuple[int, ...]) -> str:
    """The inverse of parse_days, in the shortest form ("" for every day)."""
    if tuple(days) == ALL_DAYS:
        return ""
    if days and list(days) == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return ",".join(DAY_NAMES[d] for d in days)


def parse_slot(text: str) -> Slot:
    """Parse one entry: "08:30", "fri 19:30", "mon-fri 07:45:00"."""
    parts = text.split()
    if len(parts) == 1:
        return Slot(ALL_DAYS, parse_time(parts[0]))
    if len(parts) == 2:
        return Slot(parse_days(parts[0]), parse_time(parts[1]))
    raise ScheduleError(f'"{text}" should be "HH:MM" or "DAYS HH:MM", e.g. "mon-fri 08:30"')


def occurrences(
    slots: tuple[Slot, ...], start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Every firing of the slots in the half-open interval (start, end], in start's timezone."""
    out: list[dt.datetime] = []
    tz = start.tzinfo
    day = start.date()
    while day <= end.date():
        for slot in slots:
            if slot.runs_on(day):
                at = dt.datetime.combine(day, slot.time, tzinfo=tz)
                if start < at <= end:
                    out.append(at)
        day += dt.timedelta(days=1)
    return sorted(out)


def last_occurrence(slots: tuple[Slot, ...], now: dt.datetime, *, lookback_days: int = 7):
    """The most recent firing at or before now, or None."""
    found = occurrences(slots, now - dt.timedelta(days=lookback_days), now)
    return found[-1] if found else None
