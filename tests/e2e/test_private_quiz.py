"""Private quizzes, /myscore and FAQ answers end to end."""

from __future__ import annotations

import asyncio

from bot.domain.quiz_text import LETTERS
from tests.helpers import ADMIN, RESIDENT, VOLUNTEER, make_config, register_group, running_bot

BOT = "antifraud_test_bot"


def question_in(app, text: str):
    [question] = [q for q in app.bot_data["services"].content.quizzes.values()
                  if q.question in text]
    return question


async def press(sim, user: int, message, data: str, *, forged: bool = False) -> str:
    """Press a button; returns the text of the callback answer (a toast or an alert)."""
    query = sim.press_button(user, (message.chat_id, message.message_id), data, forged=forged)
    await sim.wait_until(lambda: query in sim.callback_answers, what="callback answer")
    return sim.callback_answers[query].get("text") or ""


async def answer_question(sim, app, n: int, right: bool, after: int):
    """Answer question n of the running quiz: (question, edited text, message, mark, data)."""
    message = await sim.wait_for_message(lambda m: f"第 {n}/5 题" in (m.text or ""),
                                         chat_id=RESIDENT, after=after)
    question = question_in(app, message.text)
    choice = question.correct[0] if right else (question.correct[0] + 1) % len(question.options)
    mark = sim.mark()
    data = message.button_data(LETTERS[choice])
    assert await press(sim, RESIDENT, message, data) == ""
    await sim.wait_until(lambda: sim.message(RESIDENT, message.message_id).get("edit_date"),
                         what="verdict")
    edited = sim.message(RESIDENT, message.message_id)
    assert "reply_markup" not in edited or not edited["reply_markup"].get("inline_keyboard")
    return question, edited["text"], message, mark, data


async def test_private_quiz_runs_to_the_end_across_a_restart(sim, tmp_path):
    config = make_config(tmp_path, sim)
    asked = []
    async with running_bot(config) as app:
        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "/quiz")
        intro = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "共 5 题" in intro.text
        for n in (1, 2):
            question, verdict, _, mark, _ = await answer_question(sim, app, n, True, mark)
            assert "✅ 回答正确！+10 分" in verdict and question.explanation in verdict
            asked.append(question.id)
    async with running_bot(config) as app:  # the session lives in the database
        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "/quiz")
        resumed = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "没有完成" in resumed.text
        for n in (3, 4, 5):
            question, verdict, message, mark, data = await answer_question(sim, app, n, n < 5,
                                                                           mark)
            asked.append(question.id)
        correct = LETTERS[question.correct[0]]
        assert f"❌ 回答错误，正确答案是 {correct}。" in verdict
        summary = await sim.wait_for_message(lambda m: "本轮答题结束" in m.text,
                                             chat_id=RESIDENT, after=mark)
        weak = app.bot_data["services"].texts.t(f"fraud_type.{question.fraud_type}", "zh-CN")
        assert "答对 4/5 题，得 40 分" in summary.text and f"需要加强：{weak}" in summary.text
        # An old button, pressed again (stale) or by someone else (forged): nothing happens.
        count = len(sim.sent(RESIDENT))
        assert "已失效" in await press(sim, RESIDENT, message, data, forged=True)
        assert "已失效" in await press(sim, VOLUNTEER, message, "qz:a:1.9.0", forged=True)
        assert "已失效" in await press(sim, RESIDENT, message, "qz:a:x", forged=True)
        await asyncio.sleep(0.2)
        assert len(sim.sent(RESIDENT)) == count

        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "/myscore")
        score = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        for part in ("总积分：40 分", "答对 4 道", "正确率 80%", "第 1 名", f"最需要加强：{weak}"):
            assert part in score.text, part
        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "/quiz")  # a new round: none of the five again
        first = await sim.wait_for_message(lambda m: "第 1/5 题" in (m.text or ""),
                                           chat_id=RESIDENT, after=mark)
        assert question_in(app, first.text).id not in asked


async def test_myscore_without_answers_and_only_in_private(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        mark = sim.mark()
        sim.user_sends(VOLUNTEER, VOLUNTEER, "/myscore")
        assert "还没有答过题" in (await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)).text
        await register_group(sim, -100601, "测试群", "general")
        mark = sim.mark()
        sim.user_sends(RESIDENT, -100601, "/myscore")
        reply = await sim.wait_for_message(chat_id=-100601, after=mark)
        assert f"@{BOT}" in reply.text


async def test_questions_in_private_get_the_best_faq_answer(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        faq = app.bot_data["services"].content.faq
        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "有个号码96110老给我打电话，我一直没敢接")
        answer = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        entry = faq.by_id["what-is-96110"]
        assert entry.question in answer.text and "全国统一的反诈预警劝阻专线" in answer.text
        related = faq.by_id[entry.related[0]]
        mark = sim.mark()
        assert await press(sim, RESIDENT, answer, f"faq:a:{related.id}") == ""
        follow = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert follow.text.startswith(f"💬 {related.question}")
        assert "已失效" in await press(sim, RESIDENT, answer, "faq:a:no-such-entry", forged=True)

        mark = sim.mark()
        sim.user_sends(RESIDENT, RESIDENT, "小区今晚停水到几点")
        unknown = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert all(s in unknown.text for s in ("答不上来", "96110", "110", "转发给我"))

        count = len(sim.sent(RESIDENT))
        sim.user_forwards_text(RESIDENT, "96110是什么电话")  # forwards belong to reports
        await asyncio.sleep(0.5)
        assert not [m for m in sim.sent(RESIDENT)[count:] if (m.text or "").startswith("💬")]


async def test_in_groups_the_bot_answers_when_mentioned_or_replied_to(sim, tmp_path):
    chat = -100611
    async with running_bot(make_config(tmp_path, sim)) as app:
        faq = app.bot_data["services"].content.faq
        await register_group(sim, chat, "幸福里业主群", "neighbourhood")
        mark = sim.mark()
        asked = sim.user_sends(RESIDENT, chat, f"@{BOT} 收到的六位数字验证码能发给别人吗")
        answer = await sim.wait_for_message(chat_id=chat, after=mark)
        assert faq.by_id["verification-code"].question in answer.text
        assert answer.raw["reply_to_message"]["message_id"] == asked["message_id"]
        count = len(sim.sent(chat))
        sim.user_sends(RESIDENT, chat, "验证码能发给别人吗")  # not for the bot: not seen
        sim.user_sends(ADMIN, chat, "收到，谢谢", reply_to=answer.message_id)  # chat: silent
        await asyncio.sleep(0.5)
        assert len(sim.sent(chat)) == count
        mark = sim.mark()
        sim.user_sends(ADMIN, chat, "那要是对方说是银行客服呢？安全账户是真的吗",
                       reply_to=answer.message_id)
        follow = await sim.wait_for_message(chat_id=chat, after=mark)
        assert faq.by_id["safe-account"].question in follow.text
