"""Reports end to end: invite → forward → card → decision → verdict → known case → warning."""

from __future__ import annotations

import asyncio
import re

from tests.helpers import (
    OFFICER,
    OFFICER2,
    RESIDENT,
    REVIEW_CHAT,
    VOLUNTEER,
    make_config,
    register_group,
    running_bot,
    says,
    services,
    wait_until,
)

SCAM = "【兼职】手机刷单返利，日结300元，动动手指就赚钱！加V：shua_dan888 马上安排任务"
GROUP = -100501
SCAMMER = 5001


async def press(sim, user: int, message, data: str, *, forged: bool = False) -> str:
    """Press a button; returns the text of the callback answer (a toast or an alert)."""
    query = sim.press_button(user, (message.chat_id, message.message_id), data, forged=forged)
    await sim.wait_until(lambda: query in sim.callback_answers, what="callback answer")
    return sim.callback_answers[query].get("text") or ""


async def make_volunteer(sim, user: int = VOLUNTEER, area: str = "幸福里") -> None:
    """An officer's /invite link, opened by the user."""
    link = await says(sim, OFFICER, f"/invite {area} 网格员")
    code = re.search(r"start=(inv_\S+)", link.text)[1]
    mark = sim.mark()
    welcome = await says(sim, user, f"/start {code}")
    assert "志愿者" in welcome.text
    await sim.wait_for_message(lambda m: "通过您的邀请" in m.text, chat_id=OFFICER, after=mark)


def card_of(sim, case: int):
    cards = [m for m in sim.sent(REVIEW_CHAT) if f"举报 #{case}" in (m.text or "")]
    return cards[-1] if cards else None


def current(sim, msg):
    """The message as it is now (after edits)."""
    msg.refresh()
    return sim.message(msg.chat_id, msg.message_id)


async def test_invite_forward_review_verdict_and_known_case(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await make_volunteer(sim)
        assert (await services(app).users.get(VOLUNTEER)).role == "volunteer"

        mark = sim.mark()
        started = asyncio.get_running_loop().time()
        sim.user_forwards_text(VOLUNTEER, SCAM, origin_name="兼职客服")
        answer = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert asyncio.get_running_loop().time() - started < 1.0  # answered within a second
        assert "#1" in answer.text and "刷单返利" in answer.text
        assert "已转给民警" in answer.text and "撤回举报" in answer.text
        assert "民警会阅读" in answer.text
        assert answer.button_data("撤回举报").startswith("rp:wd:")

        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        labels = [label for row in card.buttons for label, _ in row]
        assert labels == ["确认诈骗", "非诈骗", "需补充", "确认并预警"]
        assert "小刘" in card.text and str(VOLUNTEER) in card.text and "兼职客服" in card.text
        assert "shua_dan888" in card.text and "举报次数：1" in card.text

        # A resident's press is refused on the server and changes nothing.
        scam_button = card.button_data("确认诈骗")
        assert "仅限民警" in await press(sim, RESIDENT, card, scam_button)
        assert "确认诈骗" in str(current(sim, card)["reply_markup"])

        # The officer confirms: first the type row (the analyzer's guess first), then the type.
        assert await press(sim, OFFICER, card, scam_button) == ""
        await sim.wait_until(lambda: "✅ 刷单返利" in str(current(sim, card)["reply_markup"]))
        card.refresh()
        mark = sim.mark()
        assert "已确认诈骗" in await press(sim, OFFICER, card, card.button_data("✅ 刷单返利"))
        verdict = await sim.wait_for_message(lambda m: "核实结果" in m.text, chat_id=VOLUNTEER,
                                             after=mark)
        assert "确认是诈骗" in verdict.text and "刷单返利" in verdict.text
        await sim.wait_until(lambda: "已确认诈骗" in current(sim, card)["text"])
        assert "王警官" in current(sim, card)["text"]

        # A late press by the other officer is told who decided; nothing changes.
        late = await press(sim, OFFICER2, card, "case:ok:1:romance", forged=True)
        assert "王警官" in late
        assert (await services(app).cases.get(1)).fraud_type == "task_rebate"

        # The same text from someone else: the verdict at once, no new card.
        mark = sim.mark()
        sim.user_forwards_text(RESIDENT, SCAM + "！！", origin_name="另一个号")
        known = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "#1" in known.text and "民警已核实过相同的信息" in known.text
        assert "确认是诈骗" in known.text
        await asyncio.sleep(0.3)
        assert [m for m in sim.sent(REVIEW_CHAT)[-3:] if "举报 #2" in m.text] == []
        assert len(await services(app).cases.reports_of(1)) == 2

        # A new message sharing the confirmed WeChat id is recognised as the same case.
        mark = sim.mark()
        sim.user_forwards_text(RESIDENT, "想赚零花钱的宝妈看过来，详情加V：shua_dan888")
        linked = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "#1" in linked.text and "确认是诈骗" in linked.text


async def test_group_report_names_nobody_and_the_warning_reaches_the_group(sim, tmp_path):
    sim.add_user(SCAMMER, "客服小美", language_code="zh-hans")
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, GROUP, "幸福里业主群", "neighbourhood", "幸福里")
        sim.set_member_status(GROUP, SCAMMER, "member")
        await make_volunteer(sim)
        posted = sim.user_sends(SCAMMER, GROUP, "【淘宝客服】您的订单异常需要退款，请点击 "
                                "http://tb-refund.top/a 并开启屏幕共享，验证码发给我")
        mark = sim.mark()
        sim.user_sends(VOLUNTEER, GROUP, "/report", reply_to=posted["message_id"])
        ack = await sim.wait_for_message(chat_id=GROUP, after=mark)
        assert "已收到" in ack.text
        for secret in ("小刘", "tb-refund", "客服小美"):
            assert secret not in ack.text
        private = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert "#1" in private.text and "幸福里业主群" in private.text
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "幸福里业主群" in card.text and "客服小美" in card.text

        assert await press(sim, OFFICER, card, card.button_data("确认并预警")) == ""
        await sim.wait_until(lambda: "case:okw:1:" in str(current(sim, card)["reply_markup"]))
        card.refresh()
        mark = sim.mark()
        await press(sim, OFFICER, card, card.button_data("✅"))
        warning = await sim.wait_for_message(lambda m: "反诈预警" in m.text, chat_id=GROUP,
                                             after=mark, timeout=10)
        assert "冒充电商物流/平台客服" in warning.text and "屏幕共享" in warning.text
        for secret in ("小刘", str(VOLUNTEER), "客服小美", "tb-refund", "验证码发给我"):
            assert secret not in warning.text
        report = await sim.wait_for_message(lambda m: "预警发送完成" in m.text,
                                            chat_id=REVIEW_CHAT, after=mark, timeout=10)
        assert "1/1" in report.text
        told = await sim.wait_for_message(lambda m: "核实结果" in m.text, chat_id=VOLUNTEER,
                                          after=mark)
        assert "确认是诈骗" in told.text
        # Widening to all groups later does not post twice in the source group.
        await press(sim, OFFICER, card, current_button(sim, card, "预警所有群"))
        await services(app).delivery.wait_idle()
        assert len([m for m in sim.sent(GROUP) if "反诈预警" in m.text]) == 1


def current_button(sim, card, label: str) -> str:
    card.refresh()
    return card.button_data(label)


async def test_pending_cases_survive_a_restart_and_are_re_announced(sim, tmp_path):
    config = make_config(tmp_path, sim, reports__pending_reminder_minutes=0.03)
    async with running_bot(config):
        await make_volunteer(sim)
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, SCAM)
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
    async with running_bot(config) as app:
        listing = await says(sim, OFFICER, "/pending")
        assert "#1" in listing.text and "刷单返利" in listing.text
        again = await sim.wait_for_message(lambda m: "已等待" in m.text and "举报 #1" in m.text,
                                           chat_id=REVIEW_CHAT, timeout=8)
        assert again.buttons  # a fresh card, with the decision buttons
        mark = sim.mark()
        assert "非诈骗" in await press(sim, OFFICER, card, card.button_data("非诈骗"))
        told = await sim.wait_for_message(lambda m: "核实结果" in m.text, chat_id=VOLUNTEER,
                                          after=mark)
        assert "不是诈骗" in told.text
        for msg in (card, again):  # every card of the case shows the decision
            await sim.wait_until(lambda m=msg: "非诈骗" in current(sim, m)["text"]
                                 and "王警官" in current(sim, m)["text"])
        assert not current(sim, again).get("reply_markup", {}).get("inline_keyboard")
        assert "没有待处理" in (await says(sim, OFFICER, "/pending")).text
        assert (await services(app).cases.get(1)).verdict == "not_scam"


async def test_resident_asks_an_officer_within_the_daily_limit_and_withdraws(sim, tmp_path):
    config = make_config(tmp_path, sim, reports__daily_limit_per_user=1)
    async with running_bot(config) as app:
        mark = sim.mark()
        sim.user_forwards_text(RESIDENT, "明天下午三点小区停水，请大家提前储水")
        low = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "风险不高" in low.text and "未发现明显的诈骗特征" in low.text
        assert await press(sim, RESIDENT, low, low.button_data("请民警核实")) == ""
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "张阿姨" in card.text
        # Someone else pressing my button (forged) is refused.
        assert "失效" in await press(sim, VOLUNTEER, low, "rp:wd:1", forged=True)

        mark = sim.mark()
        sim.user_forwards_text(RESIDENT, "周六上午社区义诊，地点在活动中心")
        second = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
        assert "次数已用完" in await press(sim, RESIDENT, second, second.button_data("请民警核实"))

        low.refresh()
        assert "已撤回" not in await press(sim, RESIDENT, low, current_button(sim, low, "撤回"))
        await sim.wait_until(lambda: "已撤回" in current(sim, card)["text"])
        assert (await services(app).cases.get(1)).status == "withdrawn"
        assert "不能再撤回" in await press(sim, RESIDENT, low, "rp:wd:1", forged=True)


async def test_need_more_information_and_supplement(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        await make_volunteer(sim)
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, "你好，在吗？帮我个忙")
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        mark = sim.mark()
        assert "补充" in await press(sim, OFFICER, card, card.button_data("需补充"))
        ask = await sim.wait_for_message(lambda m: "补充材料" in m.text, chat_id=VOLUNTEER,
                                         after=mark)
        assert "已经请举报人补充" in await press(sim, OFFICER2, card, card.button_data("需补充"))
        mark = sim.mark()
        assert await press(sim, VOLUNTEER, ask, ask.button_data("补充材料")) == ""
        await sim.wait_for_message(lambda m: "请发送案件 #1" in m.text, chat_id=VOLUNTEER,
                                   after=mark)
        mark = sim.mark()
        sim.user_sends(VOLUNTEER, VOLUNTEER, "对方说他是我领导，让我先转 5000 元到 <b>账户</b>")
        done = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert "已收到案件 #1 的补充材料" in done.text
        extra = await sim.wait_for_message(lambda m: "补充材料" in m.text, chat_id=REVIEW_CHAT,
                                           after=mark)
        assert "<b>账户</b>" in extra.text  # shown literally, not as HTML
        await sim.wait_until(lambda: "需补充" in str(current(sim, card)["reply_markup"]))


async def test_cards_go_to_each_officer_without_a_review_chat(sim, tmp_path):
    config = make_config(tmp_path, sim, review_chat_id=None)
    async with running_bot(config) as app:
        sim.user_sends(OFFICER2, OFFICER2, "/start")
        await make_volunteer(sim)
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, SCAM)
        first = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=OFFICER,
                                           after=mark)
        second = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=OFFICER2,
                                            after=mark)
        await press(sim, OFFICER2, second, second.button_data("非诈骗"))
        await sim.wait_until(lambda: "李警官" in current(sim, first)["text"])
        assert "李警官" in await press(sim, OFFICER, first, "case:no:1", forged=True)
        await wait_until(lambda: _decided(app, 1))


async def _decided(app, case_id: int) -> bool:
    case = await services(app).cases.get(case_id)
    return case is not None and case.status == "decided"
