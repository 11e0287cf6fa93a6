"""Polls (quiz round trip, votes, limits, closing) and inline buttons (callback queries)."""

import asyncio
import time

import pytest
import telegram
from telegram.error import BadRequest

from bot.simulator import FloodLimits, Simulator
from bot.simulator.testing import running_simulator

USER, OTHER, ADMIN, OUTSIDER = 1001, 1002, 1003, 1004
GROUP = -100100


@pytest.fixture
async def sim():
    async with running_simulator(limits=FloodLimits(per_second=1000, group_per_minute=1000)) as s:
        s.add_user(USER, "张三")
        s.add_user(OTHER, "李四")
        s.add_user(ADMIN, "王群主")
        s.add_user(OUTSIDER, "路人")
        s.add_group(
            GROUP, "幸福里业主群", members={ADMIN: "creator", USER: "member", OTHER: "member"}
        )
        s.add_bot_to_group(GROUP, ADMIN)
        s.user_sends(USER, USER, "/start")
        s.updates.clear()
        yield s


async def send_quiz(bot: telegram.Bot, **kwargs: object) -> telegram.Message:
    return await bot.send_poll(
        GROUP,
        "陌生人让你下载会议软件共享屏幕，应该？",
        ["照做", "拒绝并挂断", "先转账"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="<b>共享屏幕</b>会泄露验证码",
        explanation_parse_mode="HTML",
        **kwargs,
    )


async def test_quiz_round_trip(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await send_quiz(bot)
    poll = msg.poll
    assert poll.type == "quiz" and poll.correct_option_ids == (1,)
    assert [o.persistent_id for o in poll.options] == ["0", "1", "2"]
    assert poll.explanation == "共享屏幕会泄露验证码" and poll.explanation_entities[0].length == 4
    assert poll.allows_revoting is False and poll.members_only is False
    [sent] = sim.sent(GROUP, kind="poll")
    assert sent.text == poll.question and sent.poll["id"] == poll.id

    sim.answer_poll(USER, poll.id, [1])
    sim.answer_poll(OTHER, poll.id, [0])
    updates = await bot.get_updates()
    answers = [u.poll_answer for u in updates if u.poll_answer]
    states = [u.poll for u in updates if u.poll]
    assert [(a.user.id, a.option_ids, a.option_persistent_ids) for a in answers] == [
        (USER, (1,), ("1",)),
        (OTHER, (0,), ("0",)),
    ]
    assert states[-1].total_voter_count == 2
    assert [o.voter_count for o in states[-1].options] == [1, 1, 0]
    assert sent.poll["total_voter_count"] == 2  # the sent log reflects the live poll

    with pytest.raises(ValueError, match="does not allow changing"):
        sim.answer_poll(USER, poll.id, [0])
    with pytest.raises(ValueError, match="not a member"):
        sim.answer_poll(OUTSIDER, poll.id, [1])


async def test_regular_poll_votes_can_be_retracted(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_poll(GROUP, "你接到过诈骗电话吗？", ["有", "没有"], is_anonymous=False)
    assert msg.poll.allows_revoting is True
    sim.answer_poll(USER, msg.poll.id, [0])
    sim.answer_poll(USER, msg.poll.id, [])
    updates = await bot.get_updates()
    retract = [u.poll_answer for u in updates if u.poll_answer][-1]
    assert retract.option_ids == () and retract.option_persistent_ids == ()
    assert [u.poll for u in updates if u.poll][-1].total_voter_count == 0


async def test_anonymous_polls_only_report_counts(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_poll(GROUP, "匿名投票", ["A", "B"])
    sim.answer_poll(USER, msg.poll.id, [1])
    updates = await bot.get_updates()
    assert [u.poll_answer for u in updates if u.poll_answer] == []
    assert [u.poll.options[1].voter_count for u in updates if u.poll] == [1]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"options": ["只有一个"]}, "poll must have at least 2 option"),
        ({"options": [str(i) for i in range(13)]}, "poll can't have more than 12 options"),
        ({"question": "问" * 301}, "poll question length must not exceed 300"),
        ({"options": ["A", "字" * 101]}, "poll options length must not exceed 100"),
        (
            {"explanation": "长" * 201, "type": "quiz", "correct_option_ids": [0]},
            "explanation length must not exceed 200",
        ),
        ({"type": "quiz"}, "correct option ids must be specified"),
        ({"type": "quiz", "correct_option_ids": [5]}, "wrong correct option id"),
    ],
)
async def test_poll_limits(bot: telegram.Bot, kwargs: dict, error: str) -> None:
    args = {"chat_id": GROUP, "question": "问题", "options": ["A", "B"], **kwargs}
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_poll(**args)


async def test_stop_poll(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await send_quiz(bot)
    sim.answer_poll(USER, msg.poll.id, [1])
    closed = await bot.stop_poll(GROUP, msg.message_id)
    assert closed.is_closed and closed.total_voter_count == 1
    with pytest.raises(ValueError, match="closed"):
        sim.answer_poll(OTHER, msg.poll.id, [1])
    with pytest.raises(BadRequest, match=r"(?i)poll has already been closed"):
        await bot.stop_poll(GROUP, msg.message_id)
    assert sim.sent(GROUP, kind="poll")[0].poll["is_closed"]


async def test_poll_closes_at_close_date(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_poll(GROUP, "一秒钟", ["A", "B"], close_date=int(time.time()) + 1)
    await asyncio.sleep(1.2)
    updates = await bot.get_updates()
    assert [u.poll.is_closed for u in updates if u.poll] == [True]
    assert sim.sent(GROUP)[0].poll["is_closed"] and msg.poll.id == updates[-1].poll.id


async def test_buttons_make_callback_queries(bot: telegram.Bot, sim: Simulator) -> None:
    markup = telegram.InlineKeyboardMarkup(
        [
            [
                telegram.InlineKeyboardButton("举报", callback_data="report:1"),
                telegram.InlineKeyboardButton("官网", url="https://www.example.com"),
            ]
        ]
    )
    msg = await bot.send_message(USER, "这条消息可疑吗？", reply_markup=markup)
    [sent] = sim.sent(USER)
    assert sent.buttons == [[("举报", "report:1"), ("官网", None)]]
    query_id = sim.press_button(USER, (USER, msg.message_id), sent.button_data("举报"))
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query.id == query_id and query.data == "report:1" and query.from_user.id == USER
    assert query.message.message_id == msg.message_id and query.chat_instance
    assert await query.answer("已收到", show_alert=True)
    assert sim.callback_answers[query_id] == {"text": "已收到", "show_alert": True}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(ValueError, match="no button"):
        sim.press_button(USER, msg.to_dict(), "report:2")
    forged = sim.press_button(USER, msg.to_dict(), "report:2", forged=True)
    [update] = await bot.get_updates(offset=update.update_id + 1)
    assert update.callback_query.id == forged and update.callback_query.data == "report:2"
