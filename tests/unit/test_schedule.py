"""Schedule entries and their occurrences."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    ScheduleError,
    format_days,
    last_occurrence,
    occurrences,
    parse_days,
    parse_slot,
)

TZ = ZoneInfo("Asia/Shanghai")


def test_parse_slots():
    assert parse_slot("08:30").time == dt.time(8, 30)
    assert parse_slot("07:45:10").time == dt.time(7, 45, 10)
    assert parse_slot("fri 19:30").days == (4,)
    assert parse_slot("mon-fri 07:00").days == (0, 1, 2, 3, 4)
    assert parse_days("sat,sun") == (5, 6)
    assert parse_days("fri-mon") == (0, 4, 5, 6)
    assert format_days(parse_days("mon-fri")) == "mon-fri"
    assert format_days(parse_days("daily")) == ""


@pytest.mark.parametrize("bad", ["8h30", "24:00", "12:60", "funday 08:00", "mon 08:00 x", ""])
def test_bad_entries_raise_with_a_hint(bad):
    with pytest.raises(ScheduleError):
        parse_slot(bad)


def test_occurrences_and_last():
    slots = (parse_slot("08:30"), parse_slot("sat 20:00"))
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)  # a Friday
    end = dt.datetime(2026, 11, 21, 21, 0, tzinfo=TZ)
    got = occurrences(slots, start, end)
    assert [o.strftime("%d %H:%M") for o in got] == ["21 08:30", "21 20:00"]
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=TZ)
    assert last_occurrence(slots, now) == dt.datetime(2026, 11, 21, 20, 0, tzinfo=TZ)
