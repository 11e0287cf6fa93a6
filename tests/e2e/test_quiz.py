"""Quizzes end to end: scheduled and on-demand quiz polls, scoring, /top, private quizzes."""

from __future__ import annotations

import asyncio
import datetime as dt
import html

from bot.domain.schedule import DAY_NAMES
from bot.domain.taxonomy import audiences_for
from tests.helpers import (
    ADMIN,
    OFFICER,
    RESIDENT,
    make_config,
    register_group,
    running_bot,
    says,
    services,
    wait_until,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PLAYERS = [(3001, "小王"), (3002, "<b>老李</b>"), (3003, "周阿姨"), (3004, "赵叔"),
           (3005, "钱同学")]


def seconds_ahead(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(SHANGHAI) + dt.timedelta(seconds=seconds)


def question_of(app, poll: dict):
    """The bank question a poll was made from (the poll shows the unescaped text)."""
    [question] = [q for q in services(app).content.quizzes.values()
                  if q.question == poll["question"]]
    return question


async def new_poll(sim, user: int, chat: int) -> dict:
    mark = sim.mark()
    sim.user_sends(user, chat, "/quiz")
    return (await sim.wait_for_message(lambda m: m.kind == "poll", chat_id=chat,
                                       after=mark)).poll


async def test_scheduled_quiz_reaches_each_group_with_its_correct_option(sim, tmp_path):
    at = seconds_ahead(5)
    config = make_config(tmp_path, sim, schedule__quiz=[
        f"{DAY_NAMES[at.weekday()]} {at:%H:%M:%S}"])
    groups = [(-100501, "幸福里业主群", "neighbourhood"), (-100502, "实验小学家长群", "parents")]
    async with running_bot(config) as app:
        for chat_id, title, group_type in groups:
            await register_group(sim, chat_id, title, group_type)
        assert not any(sim.sent(c, kind="poll") for c, _, _ in groups)
        for chat_id, _, group_type in groups:
            message = await sim.wait_for_message(lambda m: m.kind == "poll", chat_id=chat_id,
                                                 timeout=12)
            poll = message.poll
            question = question_of(app, poll)
            assert poll["type"] == "quiz" and poll["is_anonymous"] is False
            assert poll["correct_option_ids"] == list(question.correct)
            assert poll["explanation"] == question.explanation
            assert [o["text"] for o in poll["options"]] == list(question.options)
            assert set(question.audiences) & set(audiences_for(group_type))
        await asyncio.sleep(0.5)
        assert all(len(sim.sent(c, kind="poll")) == 1 for c, _, _ in groups)
        assert {j.name for j in app.job_queue.jobs()} >= {"quiz:-100501:0", "quiz:-100502:0",
                                                          "quiz-weekly-winners"}


async def test_on_demand_quiz_admins_only_with_a_cooldown(sim, tmp_path):
    chat = -100511
    async with running_bot(make_config(tmp_path, sim, quiz__cooldown_minutes=30)):
        await register_group(sim, chat, "城东业主群", "neighbourhood")
        refused = await says(sim, RESIDENT, "/quiz", chat=chat)
        assert "管理员" in refused.text and not sim.sent(chat, kind="poll")
        first = await new_poll(sim, ADMIN, chat)
        assert first["type"] == "quiz"
        sim.user_joins(OFFICER, chat)
        again = await says(sim, OFFICER, "/quiz", chat=chat)
        assert "30 分钟后" in again.text
        await asyncio.sleep(0.3)
        assert len(sim.sent(chat, kind="poll")) == 1


async def test_answers_score_once_and_top_ranks_the_players(sim, tmp_path):
    chat = -100521
    config = make_config(tmp_path, sim, quiz__cooldown_minutes=0, quiz__allow_revoting=True)
    async with running_bot(config) as app:
        await register_group(sim, chat, "幸福里三期", "neighbourhood")
        for user_id, name in PLAYERS:
            sim.add_user(user_id, name)
            sim.user_joins(user_id, chat)
        u1, u2, u3, u4, u5 = (p[0] for p in PLAYERS)
        poll = await new_poll(sim, ADMIN, chat)
        assert poll["allows_revoting"] is True
        right = poll["correct_option_ids"][0]
        wrong = (right + 1) % len(poll["options"])
        sim.answer_poll(u1, poll["id"], [right])
        sim.answer_poll(u2, poll["id"], [right])
        sim.answer_poll(u3, poll["id"], [wrong])
        sim.answer_poll(u4, poll["id"], [right])
        sim.answer_poll(u4, poll["id"], [wrong])  # changed: the first (right) answer counts
        sim.answer_poll(u5, poll["id"], [wrong])
        sim.answer_poll(u5, poll["id"], [right])  # changed to right: still nothing
        sim.answer_poll(u1, poll["id"], [])  # retracted: keeps what was scored
        sim.answer_poll(u1, poll["id"], [right])  # and voted again: not twice
        second = await new_poll(sim, ADMIN, chat)
        assert second["id"] != poll["id"] and second["question"] != poll["question"]
        ok = second["correct_option_ids"][0]
        sim.answer_poll(u2, second["id"], [ok])
        sim.answer_poll(u3, second["id"], [ok])
        quiz = services(app).quiz

        async def recorded() -> bool:
            return sum(s.answered for s in await quiz.standings(chat_id=chat)) == 7

        await wait_until(recorded)
        await asyncio.sleep(0.3)  # the changed votes, processed after the first ones
        points = {s.user_id: s.points for s in await quiz.standings(chat_id=chat)}
        assert points == {u1: 10, u2: 20, u3: 10, u4: 10, u5: 0}
        board = (await says(sim, RESIDENT, "/top", chat=chat)).text
        week = board.split("本周")[1].split("总榜")[0]
        lines = [line for line in week.splitlines() if "分" in line]
        assert lines[0].startswith("🥇 <b>老李</b> — 20 分（答对 2/2）")  # name escaped
        # 10 points each share second place, listed in the order they reached it
        assert [line.split()[1] for line in lines[1:]] == ["小王", "赵叔", "周阿姨"]
        assert all(line.startswith("🥈") for line in lines[1:]) and "钱同学" not in board
        sim.user_sends(u4, chat, "/hideme")
        await sim.wait_for_message(lambda m: "/showme" in m.text, chat_id=chat)
        board = (await says(sim, RESIDENT, "/top", chat=chat)).text
        assert "赵叔" not in board and "小王" in board


async def test_weekly_winners_only_where_someone_scored(sim, tmp_path):
    at = seconds_ahead(4)
    config = make_config(tmp_path, sim, quiz__cooldown_minutes=0,
                         schedule__weekly_winners=f"{DAY_NAMES[at.weekday()]} {at:%H:%M:%S}")
    busy, quiet = -100531, -100532
    async with running_bot(config):
        await register_group(sim, busy, "开发区单位群", "workplace")
        await register_group(sim, quiet, "村组信息群", "village")
        poll = await new_poll(sim, ADMIN, busy)
        sim.answer_poll(RESIDENT, poll["id"], poll["correct_option_ids"])
        post = await sim.wait_for_message(lambda m: "本周反诈达人" in (m.text or ""),
                                          chat_id=busy, timeout=10)
        assert "🥇 张阿姨 — 10 分" in post.text and "开发区单位群" in post.text
        await asyncio.sleep(0.5)
        assert not [m for m in sim.sent(quiet) if "本周反诈达人" in (m.text or "")]


async def test_settings_quiz_times_and_off(sim, tmp_path):
    chat = -100541
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, chat, "老年大学群", "elderly")
        profile = (await says(sim, RESIDENT, "/settings", chat=chat)).text
        assert "答题时间：fri 19:30（开启）" in profile
        saved = (await says(sim, ADMIN, "/settings quiz mon,wed 12:00, sat 10:00", chat=chat)).text
        assert "答题时间：mon,wed 12:00, sat 10:00（开启）" in saved
        jobs = {j.name for j in app.job_queue.jobs() if j.name.startswith(f"quiz:{chat}:")}
        assert jobs == {f"quiz:{chat}:0", f"quiz:{chat}:1"}
        assert "设置有误" in (await says(sim, ADMIN, "/settings quiz 25:00", chat=chat)).text
        await says(sim, ADMIN, "/settings quiz off", chat=chat)
        assert not [j for j in app.job_queue.jobs() if j.name.startswith(f"quiz:{chat}:")]
        assert any(j.name.startswith(f"daily-tip:{chat}:") for j in app.job_queue.jobs())
        usage = (await says(sim, ADMIN, "/settings quiz", chat=chat)).text
        assert "/settings quiz off" in usage
        assert html.escape("<") not in usage
