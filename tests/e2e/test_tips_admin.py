"""Officers control what is said: drafts, review, four-eyes, retire, pin, YAML upload, unpin."""

from __future__ import annotations

import asyncio

import yaml

from tests.helpers import (
    OFFICER,
    OFFICER2,
    RESIDENT,
    REVIEW_CHAT,
    make_config,
    register_group,
    running_bot,
    says,
    services,
)

GROUP = -100501


TITLE = "冒充物业退费的新骗局"
BODY = "有人冒充物业说多收了费用要退，让你点链接填银行卡。"


async def write_tip(sim, title=TITLE, body=BODY):
    assert "标题" in (await says(sim, OFFICER, "/newtip")).text
    assert "正文" in (await says(sim, OFFICER, title)).text
    types = await says(sim, OFFICER, body)
    mark = sim.mark()
    kind = types.button_data("冒充电商物流/平台客服")
    sim.press_button(OFFICER, (OFFICER, types.message_id), kind)
    await sim.wait_until(lambda: sim.sent(OFFICER)[-1].edits >= 1)
    audiences = sim.sent(OFFICER)[-1]
    sim.press_button(OFFICER, (OFFICER, audiences.message_id), audiences.button_data("老年人"))
    await sim.wait_until(lambda: "✅" in str(sim.sent(OFFICER)[-1].buttons))
    sim.press_button(OFFICER, (OFFICER, audiences.message_id), audiences.button_data("完成"))
    card = await sim.wait_for_message(lambda m: "新贴士待审核" in m.text, chat_id=REVIEW_CHAT,
                                      after=mark)
    tip_id = card.text.split("审核 ", 1)[1].split()[0]
    return card, tip_id


async def test_newtip_review_approve_and_it_enters_rotation(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        card, tip_id = await write_tip(sim)
        assert "老年人" in card.text and "冒充物业退费" in card.text
        record = await services(app).tips.get(tip_id)
        assert record.status == "draft" and record.tip.audiences == ("elderly",)
        assert tip_id not in {t.id for t in await services(app).tips.approved()}

        sim.press_button(RESIDENT, (REVIEW_CHAT, card.message_id), card.button_data("批准"),
                         forged=True)
        await asyncio.sleep(0.3)
        assert (await services(app).tips.get(tip_id)).status == "draft"

        mark = sim.mark()
        sim.press_button(OFFICER2, (REVIEW_CHAT, card.message_id), card.button_data("批准"))
        told = await sim.wait_for_message(chat_id=OFFICER, after=mark)
        assert "已批准" in told.text
        await sim.wait_until(lambda: "已批准 — 李警官" in sim.message(REVIEW_CHAT,
                                                                   card.message_id)["text"])
        record = await services(app).tips.get(tip_id)
        assert record.status == "approved" and record.reviewed_by == OFFICER2
        # a late press is told it was already decided, and changes nothing
        sim.press_button(OFFICER, (REVIEW_CHAT, card.message_id), "tip:back:" + tip_id,
                         forged=True)
        await asyncio.sleep(0.3)
        assert (await services(app).tips.get(tip_id)).status == "approved"
        assert any("已经处理过了" in (a.get("text") or "") for a in sim.callback_answers.values())


async def test_four_eyes_rule_stops_self_approval(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim, tips__four_eyes=True)) as app:
        card, tip_id = await write_tip(sim)
        sim.press_button(OFFICER, (REVIEW_CHAT, card.message_id), card.button_data("批准"))
        await sim.wait_until(lambda: any("作者不能批准" in (a.get("text") or "")
                                         for a in sim.callback_answers.values()))
        assert (await services(app).tips.get(tip_id)).status == "draft"


async def test_yaml_upload_creates_drafts_and_reports_problems(sim, tmp_path):
    doc = yaml.safe_dump({"tips": [
        {"id": "up-1", "title": "上传的贴士", "body": "内容 <b>不是标签</b>",
         "fraud_type": "other", "audiences": ["general"]},
        {"id": "up-2", "title": "缺受众", "body": "x", "fraud_type": "other"},
    ]}, allow_unicode=True).encode()
    async with running_bot(make_config(tmp_path, sim)) as app:
        mark = sim.mark()
        sim.user_sends_document(OFFICER, OFFICER, "tips.yaml", doc)
        result = await sim.wait_for_message(lambda m: "收到 2 条" in m.text, chat_id=OFFICER,
                                            after=mark)
        assert "已提交审核 1 条" in result.text and "tips[1].audiences" in result.text
        card = await sim.wait_for_message(lambda m: "up-1" in m.text, chat_id=REVIEW_CHAT,
                                          after=mark)
        assert "<b>不是标签</b>" in card.text  # escaped, shown as typed
        assert (await services(app).tips.get("up-1")).status == "draft"


async def test_retire_pin_and_tip_command(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, GROUP, "幸福里业主群", "neighbourhood")
        assert "用法" in (await says(sim, OFFICER, "/retire")).text
        pinned = (await says(sim, OFFICER, "/pintip fcs-screen-share")).text
        assert "共享屏幕" in pinned
        shown = await says(sim, RESIDENT, "/tip", chat=GROUP)
        assert "凡是要你“共享屏幕”的客服" in shown.text
        assert "已下架" in (await says(sim, OFFICER, "/retire fcs-screen-share")).text
        assert "fcs-screen-share" not in {t.id for t in await services(app).tips.approved()}
        shown = await says(sim, RESIDENT, "/tip", chat=GROUP)
        assert "凡是要你“共享屏幕”的客服" not in shown.text  # a retired pin is not used
        listing = await says(sim, OFFICER, "/tips")
        assert "已下架 1 条" in listing.text and "幸福里业主群 →" in listing.text
        assert "仅限民警" in (await says(sim, RESIDENT, "/retire fcs-refund-link")).text


async def test_red_alert_is_unpinned_after_the_configured_time(sim, tmp_path):
    config = make_config(tmp_path, sim, alerts__red_unpin_after_hours=0.0005)  # 1.8 s
    async with running_bot(config):
        await register_group(sim, GROUP, "幸福里业主群", "neighbourhood")
        sim.promote_bot(GROUP, can_pin_messages=True)
        preview = await says(sim, OFFICER, "/alert red 今晚有人冒充燃气公司上门收费")
        sim.press_button(OFFICER, (OFFICER, preview.message_id), preview.button_data("确认发送"))
        alert = await sim.wait_for_message(lambda m: "红色预警" in m.text, chat_id=GROUP)
        await sim.wait_until(lambda: alert.message_id in sim.pinned(GROUP))
        await sim.wait_until(lambda: alert.message_id not in sim.pinned(GROUP), timeout=8)


async def test_flow_survives_odd_input_and_cancel(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        await says(sim, OFFICER, "/newtip")
        reply = await says(sim, OFFICER, "标" * 41)
        assert "长度不合适" in reply.text
        assert "已取消" in (await says(sim, OFFICER, "/cancel")).text
        assert "没有进行中的操作" in (await says(sim, OFFICER, "/cancel")).text
