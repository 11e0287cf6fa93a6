"""The anti-fraud daily end to end: schedule, audience match, alerts, faults, restarts."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.domain.taxonomy import audiences_for
from tests.helpers import (
    ADMIN,
    OFFICER,
    OFFICER2,
    RESIDENT,
    Clock,
    group_inactive,
    make_config,
    register_group,
    running_bot,
    says,
    services,
    wait_until,
)

GROUPS = [(-100301, "幸福里业主群", "neighbourhood"), (-100302, "实验小学家长群", "parents"),
          (-100303, "开发区单位群", "workplace")]


def bulletins(sim, chat_id):
    return [m for m in sim.sent(chat_id) if m.text.startswith("🛡️ 反诈日报")]


async def register_all(sim, groups=GROUPS):
    for chat_id, title, group_type in groups:
        await register_group(sim, chat_id, title, group_type)


async def test_each_group_gets_exactly_one_matching_bulletin_at_the_scheduled_time(sim, tmp_path):
    at = (dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
          + dt.timedelta(seconds=5)).strftime("%H:%M:%S")
    config = make_config(tmp_path, sim, schedule__daily_tip=[at])
    async with running_bot(config) as app:
        await register_all(sim)
        for chat_id, _, _ in GROUPS:
            assert bulletins(sim, chat_id) == []
        for chat_id, _, _ in GROUPS:
            await sim.wait_for_message(lambda m: m.text.startswith("🛡️ 反诈日报"), chat_id=chat_id,
                                       timeout=12)
        await asyncio.sleep(1.0)
        tips = {t.title: t for t in services(app).content.tips.values()}
        for chat_id, _, group_type in GROUPS:
            [post] = bulletins(sim, chat_id)
            assert "三不一多" in post.text and "96110" in post.text
            title = post.text.split("\n")[2]
            assert set(tips[title].audiences) & set(audiences_for(group_type))
        # /dailynow later the same day does not post a second bulletin anywhere
        reply = await says(sim, OFFICER, "/dailynow")
        assert "0 个群" in reply.text
        await asyncio.sleep(0.5)
        assert all(len(bulletins(sim, c)) == 1 for c, _, _ in GROUPS)


async def test_tip_command_shows_todays_tip_without_broadcasting(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        await register_all(sim, GROUPS[:2])
        msg = await says(sim, RESIDENT, "/tip", chat=GROUPS[0][0])
        assert "今日反诈贴士" in msg.text
        await asyncio.sleep(0.3)
        assert bulletins(sim, GROUPS[1][0]) == []


async def test_alert_preview_confirm_reaches_matching_groups_and_red_is_pinned(sim, tmp_path):
    groups = [(-100311, "幸福里一期", "neighbourhood"), (-100312, "幸福里二期", "neighbourhood"),
              (-100313, "城东家长群", "parents")]
    async with running_bot(make_config(tmp_path, sim)):
        await register_all(sim, groups)
        sim.promote_bot(-100311, can_pin_messages=True)
        text = "/alert red 有人冒充社区民警上门收取<保证金>，请勿转账 type=neighbourhood"
        preview = await says(sim, OFFICER, text)
        assert "2 个群" in preview.text and "<保证金>" in preview.text
        confirm = preview.button_data("确认发送")
        mark = sim.mark()
        sim.press_button(RESIDENT, (OFFICER, preview.message_id), confirm)
        await asyncio.sleep(0.3)
        assert sim.sent(-100311, kind="text")[-1].text.find("红色预警") == -1  # refused
        sim.press_button(OFFICER, (OFFICER, preview.message_id), confirm)
        report = await sim.wait_for_message(lambda m: "预警发送完成" in m.text,
                                            chat_id=OFFICER, after=mark, timeout=10)
        assert "成功 2/2" in report.text
        for chat_id in (-100311, -100312):
            [alert] = [m for m in sim.sent(chat_id) if "红色预警" in m.text]
            assert "<保证金>" in alert.text
        assert [m for m in sim.sent(-100313) if "预警" in m.text] == []
        pinned = next(m for m in sim.sent(-100311) if "红色预警" in m.text)
        assert pinned.message_id in sim.pinned(-100311)
        assert not sim.sent(OFFICER)[1].buttons  # the preview lost its buttons
        # a second (stale or forged) press sends nothing more
        sim.press_button(OFFICER2, (OFFICER, preview.message_id), confirm, forged=True)
        await asyncio.sleep(0.5)
        assert len([m for m in sim.sent(-100312) if "红色预警" in m.text]) == 1


async def test_alert_usage_and_refusal(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        usage = await says(sim, OFFICER, "/alert purple hello")
        assert "用法" in usage.text
        no = await says(sim, RESIDENT, "/alert red 测试")
        assert "仅限民警" in no.text


async def test_faults_never_lose_or_double_a_post(sim, tmp_path):
    groups = [(-100320 - i, f"测试群{i}", "general") for i in range(6)]
    config = make_config(tmp_path, sim, telegram__request_timeout=1.5,
                         delivery__max_attempts=10)
    async with running_bot(config) as app:
        await register_all(sim, groups)
        sim.faults.add("429", method="sendMessage", count=2, retry_after=1)
        sim.faults.add("500", method="sendMessage", count=2)
        sim.faults.add("timeout", method="sendMessage", count=1)
        await says(sim, OFFICER, "/dailynow")
        await services(app).delivery.wait_idle(timeout=30)
        for chat_id, _, _ in groups:
            assert len(bulletins(sim, chat_id)) == 1, chat_id
        assert sim.stats.fault_429 == 2 and sim.stats.flood_429 == 0


async def test_restart_mid_broadcast_finishes_without_duplicates(sim, tmp_path):
    groups = [(-100400 - i, f"群{i}", "general") for i in range(40)]
    config = make_config(tmp_path, sim)
    async with running_bot(config):
        await register_all(sim, groups)
        sim.limits.per_second = 10  # slow Telegram down so the stop lands mid-broadcast
        await says(sim, OFFICER, "/dailynow")
        await sim.wait_until(lambda: sum(len(bulletins(sim, c)) for c, _, _ in groups) >= 8)
    assert sum(len(bulletins(sim, c)) for c, _, _ in groups) < 40
    async with running_bot(config) as app:
        await services(app).delivery.wait_idle(timeout=30)
        for chat_id, _, _ in groups:
            assert len(bulletins(sim, chat_id)) == 1


async def test_kicked_group_is_skipped_and_marked_inactive(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_all(sim)
        sim.kick_bot(GROUPS[0][0], ADMIN)  # seen as an update
        await wait_until(lambda: group_inactive(app, GROUPS[0][0]))
        sim.faults.add("forbidden", chat_id=GROUPS[1][0], count=1)  # found only on sending
        await says(sim, OFFICER, "/dailynow")
        report = await sim.wait_for_message(lambda m: "今日日报发送完成" in m.text,
                                            chat_id=OFFICER, timeout=10)
        assert "成功 1/2" in report.text and "失败 1" in report.text
        assert bulletins(sim, GROUPS[0][0]) == [] and bulletins(sim, GROUPS[1][0]) == []
        assert len(bulletins(sim, GROUPS[2][0])) == 1
        assert await group_inactive(app, GROUPS[1][0])


async def test_missed_bulletin_is_caught_up_within_grace_only(sim, tmp_path):
    now = dt.datetime.now(dt.UTC)
    slot = (now + dt.timedelta(minutes=30)).astimezone(
        dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
    config = make_config(tmp_path, sim, schedule__daily_tip=[slot],
                         schedule__missed_grace_minutes=120)
    async with running_bot(config):
        await register_all(sim, GROUPS[:1])
    async with running_bot(config, clock=Clock(now + dt.timedelta(hours=4))):
        await asyncio.sleep(0.5)  # 3.5 h late: past the grace window, skipped
        assert bulletins(sim, GROUPS[0][0]) == []
    async with running_bot(config, clock=Clock(now + dt.timedelta(hours=1))) as app:
        await services(app).delivery.wait_idle(timeout=10)
        assert len(bulletins(sim, GROUPS[0][0])) == 1


async def test_settings_change_time_days_and_off(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_all(sim, GROUPS[:1])
        chat = GROUPS[0][0]
        assert "管理员" in (await says(sim, RESIDENT, "/settings time 07:45", chat=chat)).text
        saved = await says(sim, ADMIN, "/settings time 07:45", chat=chat)
        assert "07:45" in saved.text
        assert "mon-fri" in (await says(sim, ADMIN, "/settings days mon-fri", chat=chat)).text
        assert "设置有误" in (await says(sim, ADMIN, "/settings time 25:99", chat=chat)).text
        mark = sim.mark()
        sim.user_sends(ADMIN, chat, "/settings off")
        await sim.wait_for_message(chat_id=chat, after=mark)
        assert not any(j.name.startswith(f"daily-tip:{chat}:") for j in app.job_queue.jobs())


async def test_delivery_follows_a_migration_the_bot_never_heard_of(sim, tmp_path):
    basic, upgraded = -4101, -1004101
    config = make_config(tmp_path, sim)
    async with running_bot(config):
        sim.add_group(basic, "老年人活动群", type="group", members={ADMIN: "creator"})
        sim.add_bot_to_group(basic, ADMIN)
        await sim.wait_for_message(chat_id=basic)
        await says(sim, ADMIN, "/register elderly 东街", chat=basic)
    sim.migrate_group(basic, upgraded)
    sim.world.updates.clear()  # the bot was down longer than Telegram keeps updates (24 h)
    async with running_bot(config) as app:
        await says(sim, OFFICER, "/dailynow")
        await services(app).delivery.wait_idle(timeout=10)
        assert len(bulletins(sim, upgraded)) == 1 and bulletins(sim, basic) == []
        group = await services(app).groups.get(upgraded)
        assert group.group_type == "elderly" and group.area == "东街"
        assert any(j.name == f"daily-tip:{upgraded}:0" for j in app.job_queue.jobs())
