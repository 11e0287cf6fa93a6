"""Quiz bank validation, question selection, scoring, streaks and leaderboards (pure logic)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bot.content import load_content
from bot.domain.quiz import (
    Asked,
    Question,
    coverage_problems,
    parse_question,
    pick_for_group,
    pick_for_user,
)
from bot.domain.quiz_text import poll_payload
from bot.domain.schedule import ScheduleError
from bot.domain.scoring import (
    ScoringRules,
    Standing,
    Streak,
    current_streak,
    is_correct,
    rank,
    rank_of,
    score_answer,
    weakest_type,
    week_key,
    week_start,
)
from bot.domain.taxonomy import FRAUD_TYPES
from bot.handlers.quiz_settings import parse_slots
from bot.quizzes import slot_text

TZ = dt.timezone(dt.timedelta(hours=8))
GOOD = {"id": "q-x-1", "question": "问题？", "options": ["甲", "乙", "丙"], "correct": [1],
        "explanation": "解析。", "fraud_type": "other", "audiences": ["general"],
        "difficulty": 2}


def q(qid: str, fraud_type: str = "other", audiences=("general",), correct=(0,)) -> Question:
    return Question(qid, f"{qid}?", ("a", "b", "c"), tuple(correct), "why", fraud_type,
                    tuple(audiences))


# ---- content validation ----------------------------------------------------------------------

def test_shipped_bank_and_faq_load_without_problems():
    content = load_content("content")
    assert content.problems == []
    assert len(content.quizzes) >= 120
    assert len(content.faq.entries) >= 45
    assert coverage_problems(content.quizzes.values(), "quizzes") == []
    assert any(line.startswith("quizzes: ") for line in content.summary())


def test_good_question_parses():
    question, problems = parse_question(GOOD, "f.yaml: questions[0]")
    assert problems == [] and question is not None
    assert question.correct == (1,) and question.options == ("甲", "乙", "丙")


def test_every_telegram_limit_and_field_is_checked_with_its_key():
    bad = {**GOOD, "id": "Bad Id", "question": "问" * 301, "options": ["x" * 101, "y"],
           "correct": [2], "explanation": "解" * 201, "fraud_type": "aliens",
           "audiences": ["martians"], "difficulty": 4, "extra": 1}
    question, problems = parse_question(bad, "f.yaml: questions[3]")
    joined = "\n".join(problems)
    assert question is None
    for key in ("questions[3].id", "questions[3].question: too long (301 > 300",
                "questions[3].options[0]: too long (101 > 100)",
                "questions[3].correct: [2] out of range", "questions[3].explanation: too long",
                "questions[3].fraud_type", "martians", "questions[3].difficulty",
                "questions[3].extra: unknown key"):
        assert key in joined, key
    assert "2-6 options" in "\n".join(parse_question({**GOOD, "options": ["x"]}, "w")[1])
    assert parse_question({**GOOD, "options": list("abcdefg")}, "w")[1]
    assert parse_question({**GOOD, "correct": []}, "w")[1]
    assert parse_question({**GOOD, "correct": [0, 1, 2]}, "w")[1]  # nothing wrong to pick


def test_emoji_count_as_telegram_counts_them():
    # 🛡 is a surrogate pair, 2 UTF-16 units: 150 of them fit in 300, 151 do not.
    assert parse_question({**GOOD, "question": "🛡" * 150}, "w")[1] == []
    assert "too long (302 > 300" in parse_question({**GOOD, "question": "🛡" * 151}, "w")[1][0]


def test_bank_files_duplicates_and_coverage_are_reported(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "a.yaml").write_text(
        "questions:\n"
        "  - {id: q-1, question: Q, options: [a, b], correct: [0], explanation: E,"
        " fraud_type: other, audiences: [general], difficulty: 1}\n"
        "  - {id: q-1, question: Q, options: [a, b], correct: [5], explanation: E,"
        " fraud_type: other, audiences: [general], difficulty: 1}\n", encoding="utf-8")
    (tmp_path / "faq.yaml").write_text("faq:\n  - {id: x, question: q}\n", encoding="utf-8")
    problems = "\n".join(load_content(tmp_path).problems)
    assert "a.yaml: questions[1].correct: [5] out of range" in problems
    assert "fraud_type task_rebate: 0 questions, need at least 5" in problems
    assert "faq.yaml: faq[0].answer" in problems and str(tmp_path) in problems


def test_poll_payload_is_a_quiz_with_correct_option_ids_and_escaped_text():
    question = Question("q-1", "<b>1 & 2</b>?", ("<a>", "b"), (1,), "x < y", "other",
                        ("general",))
    payload = poll_payload(question)
    assert payload["type"] == "quiz" and payload["is_anonymous"] is False
    assert payload["correct_option_ids"] == [1] and "correct_option_id" not in payload
    assert payload["question"] == "&lt;b&gt;1 &amp; 2&lt;/b&gt;?"
    assert payload["options"] == ["&lt;a&gt;", "b"] and payload["explanation"] == "x &lt; y"
    assert "allows_revoting" not in payload
    assert poll_payload(question, allow_revoting=True)["allows_revoting"] is True


# ---- selection -------------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 20, 19, 30, tzinfo=TZ)


def test_group_gets_its_audience_and_no_recent_repeat():
    bank = [q("q-old", audiences=("elderly",)), q("q-kid", audiences=("students",)),
            q("q-all", "romance", audiences=("general",))]
    seen = set()
    history: list[Asked] = []
    for i in range(2):
        now = NOW + dt.timedelta(days=i)
        pick = pick_for_group(bank, ("general", "elderly"), history, now, no_repeat_days=30)
        assert pick is not None and pick.id != "q-kid" and pick.id not in seen
        seen.add(pick.id)
        history.append(Asked(pick.id, pick.fraud_type, now))
    # Everything asked: the least recently asked comes back, never the wrong audience.
    again = pick_for_group(bank, ("general", "elderly"), history, NOW + dt.timedelta(days=3),
                           no_repeat_days=30)
    assert again.id == history[0].question_id


def test_group_selection_spreads_fraud_types_and_is_deterministic():
    bank = [q(f"q-{ft}-{i}", ft) for ft in FRAUD_TYPES for i in range(3)]
    history: list[Asked] = []
    for day in range(6):
        now = NOW + dt.timedelta(days=day)
        pick = pick_for_group(bank, ("general",), history, now, no_repeat_days=30, salt=7)
        assert pick.fraud_type not in [a.fraud_type for a in history[-3:]]
        assert pick == pick_for_group(bank, ("general",), history, now, no_repeat_days=30,
                                      salt=7)
        history.append(Asked(pick.id, pick.fraud_type, now))
    assert pick_for_group([], ("general",), [], NOW, no_repeat_days=30) is None


def test_private_quiz_never_repeats_until_the_bank_is_used_up():
    bank = [q(f"q-{i}", FRAUD_TYPES[i % 4]) for i in range(12)]
    rng, seen, rounds = random.Random(1), set(), []
    for _ in range(3):
        picked, reset = pick_for_user(bank, seen, 5, rng)
        rounds.append((picked, reset))
        ids = {p.id for p in picked}
        assert len(ids) == 5
        if reset:
            seen = set(ids)
        else:
            assert not ids & seen
            seen |= ids
    assert [r for _, r in rounds] == [False, False, True]
    first_two = {p.id for p in rounds[0][0]} | {p.id for p in rounds[1][0]}
    leftover = {f"q-{i}" for i in range(12)} - first_two
    assert leftover <= {p.id for p in rounds[2][0]}  # the last two unseen come first
    assert len({p.fraud_type for p in rounds[0][0]}) == 4  # spread over the types


def test_private_quiz_skips_multi_answer_questions():
    bank = [q("q-multi", correct=(0, 1)), q("q-one")]
    picked, _ = pick_for_user(bank, set(), 5, random.Random(0))
    assert [p.id for p in picked] == ["q-one"]


# ---- scoring ---------------------------------------------------------------------------------

def test_correct_means_exactly_the_correct_options():
    assert is_correct([1], (1,)) and not is_correct([0], (1,))
    assert not is_correct([], (1,)) and not is_correct([0, 1], (1,))
    assert is_correct([2, 0], (0, 2))


def test_streak_bonus_once_a_day_capped_and_reset_by_a_missed_day():
    rules, day = ScoringRules(10, 2, 6), dt.date(2026, 11, 16)
    streak = Streak()
    points = []
    for offset in range(5):
        scored = score_answer(True, streak, day + dt.timedelta(days=offset), rules)
        points.append(scored.points)
        streak = scored.streak
        again = score_answer(True, streak, day + dt.timedelta(days=offset), rules)
        assert again.points == 10 and again.bonus == 0 and again.streak == streak
    assert points == [10, 12, 14, 16, 16]  # +2 a day, capped at 6
    wrong = score_answer(False, streak, day + dt.timedelta(days=5), rules)
    assert wrong.points == 0 and wrong.streak == streak  # a wrong answer breaks nothing
    assert current_streak(streak, day + dt.timedelta(days=5)) == 5
    assert current_streak(streak, day + dt.timedelta(days=6)) == 0
    late = score_answer(True, streak, day + dt.timedelta(days=6), rules)
    assert late.points == 10 and late.streak.length == 1  # one day missed: start again


def test_leaderboard_ties_share_a_rank_and_hidden_players_are_left_out():
    board = [Standing(1, 30, 3, 3, 5.0), Standing(2, 42, 4, 4, 9.0),
             Standing(3, 30, 4, 3, 1.0), Standing(4, 30, 3, 3, 2.0), Standing(5, 10, 1, 1, 1.0),
             Standing(6, 0, 2, 0, 0.0)]
    ranked = rank(board)
    # 30 points each: more correct answers first (none here), then who got there first.
    assert [(place, s.user_id) for place, s in ranked] == [
        (1, 2), (2, 3), (2, 4), (2, 1), (5, 5)]  # no points, not on the board
    assert [s.user_id for _, s in rank(board, hidden={2}, limit=2)] == [3, 4]
    assert rank(board, hidden={2})[0][0] == 1
    assert rank_of(30, [s.points for s in board]) == 2 and rank_of(42, [42, 30]) == 1


def test_weakest_type_is_the_lowest_accuracy_among_missed_types():
    assert weakest_type({}) is None
    assert weakest_type({"romance": (3, 3)}) is None
    stats = {"romance": (4, 3), "task_rebate": (2, 1), "other": (2, 1), "game_trade": (1, 1)}
    assert weakest_type(stats) == "task_rebate"  # 50% like other; earlier in the taxonomy
    assert weakest_type({**stats, "other": (4, 2)}) == "other"  # 50%, more wrong answers


def test_week_starts_on_monday_local_time():
    sunday = dt.datetime(2026, 11, 22, 20, 0, tzinfo=TZ)
    assert week_start(sunday) == dt.datetime(2026, 11, 16, 0, 0, tzinfo=TZ)
    assert week_start(dt.datetime(2026, 11, 16, 0, 0, tzinfo=TZ)).day == 16
    assert week_key(sunday.date()) == "2026-W47"


def test_settings_quiz_times_parse_days_before_their_times():
    # Days apply to the times written right after them (one token: "10:00,18:30:15").
    slots = parse_slots("mon,wed 12:00, sat 10:00，18:30:15 21:00")
    assert [slot_text(s) for s in slots] == ["mon,wed 12:00", "sat 10:00", "sat 18:30:15",
                                             "21:00"]
    assert [slot_text(s) for s in parse_slots("fri 19:30, 20:00")] == ["fri 19:30", "20:00"]
    for bad in ("fri", "fri sat 10:00", "25:00", "someday 10:00"):
        with pytest.raises(ScheduleError):
            parse_slots(bad)
