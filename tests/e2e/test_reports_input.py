"""Reports: bad input and abuse — each gets a clear answer, nothing crashes, nothing is lost."""

from __future__ import annotations

import asyncio
import re

from tests.e2e.test_reports import SCAM, SCAMMER, card_of, make_volunteer, press, says
from tests.helpers import (
    OFFICER,
    RESIDENT,
    REVIEW_CHAT,
    VOLUNTEER,
    Clock,
    make_config,
    register_group,
    running_bot,
    services,
    wait_until,
)

GROUP = -100601
APOLOGY = "出了点问题"


def no_apology(sim) -> bool:
    return not any(APOLOGY in (m.text or "") for m in sim.sent())


async def test_stickers_media_without_text_long_and_html_text(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await make_volunteer(sim)
        # A bare /report waits for the next message; a sticker is refused, the text is taken.
        assert "转发给我" in (await says(sim, RESIDENT, "/report")).text
        mark = sim.mark()
        sim.user_sends_sticker(RESIDENT, RESIDENT)
        assert "贴纸" in (await sim.wait_for_message(chat_id=RESIDENT, after=mark)).text
        taken = await says(sim, RESIDENT, "有人打电话说我涉嫌洗钱，要我把钱转到安全账户")
        assert "#1" in taken.text and "冒充公检法" in taken.text and "已转给民警" in taken.text

        # A photo without a caption: saved, explained, officers get the photo under the card.
        mark = sim.mark()
        sim.user_sends_photo(VOLUNTEER, VOLUNTEER)
        photo = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert "#2" in photo.text and "无法自动识别" in photo.text
        await sim.wait_for_message(lambda m: m.kind == "photo", chat_id=REVIEW_CHAT, after=mark)
        assert "附件：图片" in card_of(sim, 2).text

        # 4096 characters: answered without echoing it, trimmed on the card, stored whole.
        long_text = ("刷单返利日结加V：abc12345 " * 300)[:4096]
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, long_text)
        answer = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert "#3" in answer.text and len(answer.text) < 1000
        await sim.wait_for_message(lambda m: "举报 #3" in m.text, chat_id=REVIEW_CHAT, after=mark)
        assert "…" in card_of(sim, 3).text and len(card_of(sim, 3).text) < 1500
        assert len((await services(app).cases.get(3)).text) == 4096

        # HTML-like text is shown literally to officers.
        html = "<b>内部渠道</b> 办理高额信用卡 </code> & 先交 <i>手续费</i> 加QQ 12345678"
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, html)
        await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        card = await sim.wait_for_message(lambda m: "举报 #4" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert html in card.text

        # A channel post forwarded: the channel is named on the card as the original sender.
        sim.add_channel(-1007001, "理财内参频道")
        post = sim.channel_post(-1007001, "内部消息：这只股票下周翻倍，稳赚不赔，进群跟老师操作")
        mark = sim.mark()
        sim.user_forwards(VOLUNTEER, post)
        card = await sim.wait_for_message(lambda m: "举报 #5" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "频道“理财内参频道”" in card.text and "虚假投资理财" in card.text
        assert no_apology(sim)


async def test_fifty_forwards_a_minute_are_all_stored_and_answered_once_slowly(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim, reports__per_minute=10)) as app:
        await make_volunteer(sim)
        mark = sim.mark()
        for i in range(50):
            sim.user_forwards_text(VOLUNTEER, f"第{i}条：稳赚不赔，投资请加微信 tz{i:04d}x")
        await wait_until(lambda: _count(app, VOLUNTEER, 50), timeout=20)
        await asyncio.sleep(0.5)
        replies = [m for m in sim.sent()[mark:] if m.chat_id == VOLUNTEER]
        assert len([m for m in replies if "已收到" in m.text]) == 10
        assert len([m for m in replies if "太多" in m.text]) == 1
        cards = [m for m in sim.sent()[mark:] if m.chat_id == REVIEW_CHAT and "举报 #" in m.text]
        assert len(cards) <= 10
        assert no_apology(sim)


async def _count(app, user: int, n: int) -> bool:
    rows = await services(app).db.fetchval(
        "SELECT COUNT(*) FROM reports WHERE reporter_id = ?", (user,))
    return rows >= n


async def test_group_report_edge_cases_never_talk_much_in_the_group(sim, tmp_path):
    sim.add_user(SCAMMER, "客服小美", language_code="zh-hans")
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, GROUP, "阳光小区群", "neighbourhood", "阳光")
        sim.set_member_status(GROUP, SCAMMER, "member")
        sim.promote_bot(GROUP)  # may delete the volunteer's /report command
        await make_volunteer(sim)
        in_group = len(sim.sent(GROUP))
        # A resident's /report and a volunteer's /report that replies to nothing: told privately.
        sim.user_sends(RESIDENT, RESIDENT, "/start")
        posted = sim.user_sends(SCAMMER, GROUP, SCAM)
        mark = sim.mark()
        sim.user_sends(RESIDENT, GROUP, "/report", reply_to=posted["message_id"])
        assert "志愿者" in (await sim.wait_for_message(chat_id=RESIDENT, after=mark)).text
        mark = sim.mark()
        sim.user_sends(VOLUNTEER, GROUP, "/report")
        assert "回复" in (await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)).text
        assert len(sim.sent(GROUP)) == in_group

        # A photo post deleted right after it was reported: the report keeps its caption.
        photo = sim.user_sends_photo(SCAMMER, GROUP, caption="扫码领取医保补贴，过期作废 http://yb-bt.top")
        mark = sim.mark()
        command = sim.user_sends(VOLUNTEER, GROUP, "/report", reply_to=photo["message_id"])
        sim.delete_message(GROUP, photo["message_id"])
        ack = await sim.wait_for_message(chat_id=GROUP, after=mark)
        assert "小刘" not in ack.text and "yb-bt" not in ack.text
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "yb-bt.top" in card.text and "阳光小区群" in card.text
        await sim.wait_until(lambda: sim.message(GROUP, command["message_id"]) is None,
                             what="the /report command deleted")
        assert len(sim.sent(GROUP)) == in_group + 1  # the acknowledgement only
        assert (await services(app).cases.reports_of(1))[0].source_chat_id == GROUP
        assert no_apology(sim)


async def test_blocked_reporter_blocked_bot_revoke_and_invites(sim, tmp_path):
    clock = Clock()
    async with running_bot(make_config(tmp_path, sim), clock=clock) as app:
        await make_volunteer(sim)
        assert "已禁止" in (await says(sim, OFFICER, f"/block {VOLUNTEER}")).text
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, SCAM)
        held = await sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
        assert "暂停" in held.text and not held.buttons
        assert "已恢复" in (await says(sim, OFFICER, f"/unblock {VOLUNTEER}")).text

        # The reporter blocks the bot before the verdict: nothing breaks, the card is decided.
        mark = sim.mark()
        sim.user_forwards_text(VOLUNTEER, "冒充领导：我是王总，换了新微信，急需转账 3 万，别声张")
        card = await sim.wait_for_message(lambda m: "举报 #2" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        sim.user_blocks_bot(VOLUNTEER)
        await press(sim, OFFICER, card, card.button_data("非诈骗"))
        await services(app).delivery.wait_idle(timeout=10)
        failed = await services(app).db.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'verdict' AND status = 'failed'")
        assert failed == 1
        sim.user_unblocks_bot(VOLUNTEER)

        listing = await says(sim, OFFICER, "/volunteers")
        assert "小刘" in listing.text and "举报 2 条" in listing.text
        assert "确认诈骗 0%" in listing.text
        await press(sim, OFFICER, listing, listing.button_data("撤销"))
        await wait_until(lambda: _role(app, VOLUNTEER, "resident"))

        # Invites: used once only, expire, and unknown codes are refused.
        link = (await says(sim, OFFICER, "/invite 阳光")).text
        code = re.search(r"start=(inv_\S+)", link)[1]
        assert "欢迎" in (await says(sim, VOLUNTEER, f"/start {code}")).text
        assert "已经被使用" in (await says(sim, RESIDENT, f"/start {code}")).text
        assert "无效" in (await says(sim, RESIDENT, "/start inv_nope")).text
        code = re.search(r"start=(inv_\S+)", (await says(sim, OFFICER, "/invite")).text)[1]
        clock.advance(days=8)
        assert "过期" in (await says(sim, RESIDENT, f"/start {code}")).text
        assert "用法" in (await says(sim, OFFICER, "/block abc")).text
        assert "仅限民警" in (await says(sim, RESIDENT, "/volunteers")).text
        assert no_apology(sim)


async def _role(app, user: int, role: str) -> bool:
    return (await services(app).users.get(user)).role == role


async def test_english_reporter_and_warn_command(sim, tmp_path):
    sim.add_user(3001, "Alice", language_code="en")
    async with running_bot(make_config(tmp_path, sim)):
        await register_group(sim, GROUP, "阳光小区群", "neighbourhood", "阳光")
        mark = sim.mark()
        sim.user_sends(3001, 3001, "/report 有人让我下载会议软件开屏幕共享，说要退款")
        answer = await sim.wait_for_message(chat_id=3001, after=mark)
        assert "Received, case number" in answer.text and "Withdraw" in str(answer.buttons)
        card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "用法" in (await says(sim, OFFICER, "/warn")).text
        assert "只有确认" in (await says(sim, OFFICER, "/warn 1 all")).text
        await press(sim, OFFICER, card, card.button_data("确认诈骗"))
        await sim.wait_until(lambda: "case:ok:1:" in str(sim.message(REVIEW_CHAT,
                                                                    card.message_id)))
        card.refresh()
        mark = sim.mark()
        await press(sim, OFFICER, card, card.button_data("✅"))
        told = await sim.wait_for_message(lambda m: "Result" in m.text, chat_id=3001, after=mark)
        assert "scam" in told.text
        queued = await says(sim, OFFICER, "/warn 1 area=阳光")
        assert "1 个群" in queued.text
        warning = await sim.wait_for_message(lambda m: "反诈预警" in m.text, chat_id=GROUP,
                                             timeout=10)
        assert "Alice" not in warning.text and "3001" not in warning.text
        assert "找不到案件" in (await says(sim, OFFICER, "/warn 99")).text
