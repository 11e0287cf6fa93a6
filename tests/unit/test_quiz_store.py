"""Quiz storage on real SQLite: first answers only, streaks, cool-down, sessions, migration."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.domain.quiz import Question
from bot.domain.scoring import ScoringRules
from bot.store.db import now_ts
from bot.store.groups import GroupRepo
from bot.store.quiz import GROUP, PRIVATE, Answer, QuizRepo

RULES = ScoringRules(10, 2, 10)
DAY = dt.date(2026, 11, 20)
Q1 = Question("q-1", "Q1?", ("a", "b"), (1,), "E", "romance", ("general",))
Q2 = Question("q-2", "Q2?", ("a", "b"), (0,), "E", "task_rebate", ("general",))


def answer(key: str, user: int, options: tuple[int, ...], correct: bool, chat: int = -1,
           question: Question = Q1) -> Answer:
    return Answer(key, user, chat, GROUP, question.id, question.fraud_type, options, correct)


async def test_only_the_first_answer_to_a_poll_scores(db):
    quiz = QuizRepo(db)
    first = await quiz.record_answer(answer("p1", 7, (0,), False), DAY, RULES)
    assert first is not None and first.points == 0
    # The user changes to the right option: remembered as a change, nothing scored.
    assert await quiz.record_answer(answer("p1", 7, (1,), True), DAY, RULES) is None
    await quiz.note_change("p1", 7)  # a retraction
    assert await db.fetchval("SELECT changes FROM quiz_answers WHERE key = 'p1'") == 2
    scored = await quiz.record_answer(answer("p2", 7, (1,), True), DAY, RULES)
    assert scored.points == 10
    [standing] = await quiz.standings(chat_id=-1)
    assert (standing.points, standing.answered, standing.correct) == (10, 2, 1)
    assert (await quiz.type_stats(7)) == {"romance": (2, 1)}


async def test_streak_is_stored_and_the_bonus_paid_once_a_day(db):
    quiz = QuizRepo(db)
    for offset, key in enumerate(["a", "b", "c"]):
        day = DAY + dt.timedelta(days=offset)
        scored = await quiz.record_answer(answer(key, 7, (1,), True), day, RULES)
        assert scored.points == 10 + 2 * offset
        again = await quiz.record_answer(answer(key + "2", 7, (1,), True), day, RULES)
        assert again.points == 10
    streak = await quiz.streak(7)
    assert streak.length == 3 and streak.day == DAY + dt.timedelta(days=2)


async def test_concurrent_answers_are_recorded_once(db):
    quiz = QuizRepo(db)
    results = await asyncio.gather(*[
        quiz.record_answer(answer("p1", 7, (1,), True), DAY, RULES) for _ in range(5)])
    assert sum(r is not None for r in results) == 1
    assert (await quiz.standings())[0].points == 10


async def test_cooldown_and_slots_are_claimed_atomically(db):
    quiz = QuizRepo(db)
    since = now_ts() - 60
    claims = await asyncio.gather(*[
        quiz.claim_post(-1, f"now:{i}", Q1, created_by=5, quiet_since=since) for i in range(4)])
    assert sum(c is not None for c in claims) == 1
    assert await quiz.claim_post(-1, "2026-11-20T19:30:00", Q2) is not None
    assert await quiz.claim_post(-1, "2026-11-20T19:30:00", Q2) is None  # the slot is taken
    assert await quiz.claim_post(-2, "now:9", Q1, quiet_since=since) is not None  # other group
    post_id = next(c for c in claims if c)
    await quiz.set_outbox(post_id, 99)
    await quiz.map_poll(99, "poll-1", 5)
    post = await quiz.poll("poll-1")
    assert (post.chat_id, post.question_id, post.correct) == (-1, "q-1", (1,))
    assert [a.question_id for a in await quiz.history(-1, 0)] == ["q-1", "q-2"]


async def test_session_answers_once_per_question_and_finishes(db):
    quiz = QuizRepo(db)
    session = await quiz.start_session(7, ["q-1", "q-2"], new_round=False)
    assert await quiz.seen(7) == {"q-1", "q-2"}
    private = Answer(f"s{session.id}:0", 7, 7, PRIVATE, "q-1", "romance", (1,), True)
    results = await asyncio.gather(*[
        quiz.answer_in_session(session, 0, private, DAY, RULES) for _ in range(3)])
    [(after, scored)] = [r for r in results if r]
    assert after.position == 1 and after.correct == 1 and scored.points == 10
    assert await quiz.answer_in_session(after, 0, private, DAY, RULES) is None  # stale
    wrong = Answer(f"s{session.id}:1", 7, 7, PRIVATE, "q-2", "task_rebate", (1,), False)
    done, _ = await quiz.answer_in_session(after, 1, wrong, DAY, RULES)
    assert done.status == "done" and done.points == 10 and await quiz.active_session(7) is None
    stats = await quiz.type_stats(7, key_prefix=f"s{session.id}:")
    assert stats == {"romance": (1, 1), "task_rebate": (1, 0)}
    await quiz.start_session(7, ["q-3"], new_round=True)
    assert await quiz.seen(7) == {"q-3"}


async def test_quiz_rows_follow_a_group_migration(db):
    groups, quiz = GroupRepo(db), QuizRepo(db)
    await groups.register(-1, "群", "group", "general", "", 1)
    await quiz.claim_post(-1, "now:1", Q1)
    await quiz.record_answer(answer("p1", 7, (1,), True), DAY, RULES)
    await groups.migrate(-1, -1001)
    assert [s.user_id for s in await quiz.standings(chat_id=-1001)] == [7]
    assert len(await quiz.history(-1001, 0)) == 1
