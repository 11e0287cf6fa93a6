"""Rotation: audience match, no repeats within the window, type spread, seasons, determinism."""

import datetime as dt
import itertools
from collections import Counter

from bot.domain.rotation import Posted, pick_tip
from bot.domain.tips import Season, Tip

SEASONS = {"spring_festival": Season("spring_festival", "春节", (1, 5), (2, 25)),
           "year_end": Season("year_end", "年底", (12, 15), (1, 20))}


def tip(i, ft="task_rebate", aud=("general",), season=None):
    return Tip(id=f"t{i}", title=f"T{i}", body="b", fraud_type=ft, audiences=aud, season=season)


def simulate(tips, audiences, days, start=dt.date(2026, 3, 1), **kw):
    history: list[Posted] = []
    for n in range(days):
        today = start + dt.timedelta(days=n)
        chosen = pick_tip(tips, audiences=audiences, history=history, today=today,
                          seasons=SEASONS, **kw)
        history.append(Posted(chosen.id, chosen.fraud_type, today))
    return history


def test_only_tips_for_the_groups_audiences():
    tips = [tip(1, aud=("elderly",)), tip(2, aud=("students",)), tip(3, aud=("finance_staff",))]
    picked = {p.tip_id for p in simulate(tips, ("general", "students", "parents"), 10)}
    assert picked == {"t2"}
    assert pick_tip(tips, audiences=("rural",), history=[], today=dt.date(2026, 1, 1),
                    seasons=SEASONS) is None


def test_no_repeat_within_window_while_tips_remain():
    types = ["task_rebate", "romance", "other", "game_trade"]
    tips = [tip(i, ft=types[i % 4]) for i in range(80)]
    history = simulate(tips, ("general",), 80)
    ids = [p.tip_id for p in history]
    assert len(set(ids[:60])) == 60  # 60-day window, 80 tips: no repeat
    assert len(set(ids)) == 80       # every tip used before any repeats


def test_repeats_least_recently_used_when_pool_is_small():
    tips = [tip(i, ft=["romance", "other", "task_rebate"][i % 3]) for i in range(6)]
    ids = [p.tip_id for p in simulate(tips, ("general",), 18)]
    for start in range(0, 18, 6):
        assert len(set(ids[start:start + 6])) == 6  # a full cycle before any tip repeats


def test_fraud_type_not_two_days_running():
    tips = [tip(i, ft="romance") for i in range(10)] + [tip(100 + i, ft="other")
                                                         for i in range(10)]
    history = simulate(tips, ("general",), 20)
    for a, b in itertools.pairwise(history):
        assert a.fraud_type != b.fraud_type


def test_in_season_first_and_out_of_season_held_back():
    tips = [tip(1, season="spring_festival"), tip(2, ft="romance"), tip(3, ft="other"),
            tip(4, season="year_end", ft="game_trade")]
    jan = pick_tip(tips, audiences=("general",), history=[], today=dt.date(2027, 1, 10),
                   seasons=SEASONS)
    assert jan.season in ("spring_festival", "year_end")  # both windows include 10 Jan
    july = simulate(tips, ("general",), 30, start=dt.date(2026, 7, 1), no_repeat_days=60)
    assert {p.tip_id for p in july} == {"t2", "t3"}  # seasonal tips wait for their season
    only_seasonal = [tip(1, season="spring_festival")]
    assert pick_tip(only_seasonal, audiences=("general",), history=[],
                    today=dt.date(2026, 7, 1), seasons=SEASONS).id == "t1"
    assert SEASONS["year_end"].contains(dt.date(2027, 1, 3))
    assert not SEASONS["year_end"].contains(dt.date(2027, 3, 3))


def test_specific_audience_is_favoured_and_choice_is_stable():
    tips = [tip(i, ft=f"type{i % 5}") for i in range(20)]
    tips += [tip(100 + i, ft=f"type{i % 5}", aud=("parents",)) for i in range(20)]
    first = [p.tip_id for p in simulate(tips, ("general", "parents"), 20)]
    again = [p.tip_id for p in simulate(tips, ("general", "parents"), 20)]
    assert first == again
    specific = sum(1 for i in first if int(i[1:]) >= 100)
    assert specific > 10


def test_groups_get_different_tips_on_the_same_day():
    tips = [tip(i, ft=f"type{i % 6}") for i in range(30)]
    picks = Counter(pick_tip(tips, audiences=("general",), history=[], today=dt.date(2026, 5, 5),
                             seasons=SEASONS, salt=salt).id for salt in range(20))
    assert len(picks) > 5
