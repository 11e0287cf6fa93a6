"""Officers' figures from a database filled through the real flows."""

from __future__ import annotations

import asyncio
import csv
import io

from bot.__main__ import main
from tests.e2e.test_reports import SCAM, current, make_volunteer, press
from tests.helpers import (
    ADMIN,
    OFFICER,
    RESIDENT,
    REVIEW_CHAT,
    VOLUNTEER,
    make_config,
    register_group,
    running_bot,
    says,
    services,
)

G1, G2 = -100701, -100702


async def fill(sim, app) -> None:
    """Two groups, today's bulletin, an alert, a quiz answered by three, a decided report."""
    await register_group(sim, G1, "幸福里业主群", "neighbourhood", "幸福里")
    await register_group(sim, G2, "城东家长群", "parents", "城东")
    await says(sim, OFFICER, "/dailynow")
    preview = await says(sim, OFFICER, "/alert orange 谨防冒充物业退费 type=neighbourhood")
    await press(sim, OFFICER, preview, preview.button_data("确认发送"))
    await sim.wait_for_message(lambda m: "预警发送完成" in m.text, chat_id=OFFICER)
    mark = sim.mark()
    sim.user_sends(ADMIN, G1, "/quiz")
    poll = (await sim.wait_for_message(lambda m: m.kind == "poll", chat_id=G1, after=mark)).poll
    right = poll["correct_option_ids"][0]
    for user, option in ((RESIDENT, right), (VOLUNTEER, right),
                         (ADMIN, (right + 1) % len(poll["options"]))):
        sim.answer_poll(user, poll["id"], [option])
    await make_volunteer(sim)
    mark = sim.mark()
    sim.user_forwards_text(VOLUNTEER, SCAM, origin_name="兼职客服")
    card = await sim.wait_for_message(lambda m: "举报 #1" in m.text, chat_id=REVIEW_CHAT,
                                      after=mark)
    await press(sim, OFFICER, card, card.button_data("确认诈骗"))
    await sim.wait_until(lambda: "✅ 刷单返利" in str(current(sim, card)["reply_markup"]))
    card.refresh()
    await press(sim, OFFICER, card, card.button_data("✅ 刷单返利"))
    await sim.wait_for_message(lambda m: "核实结果" in m.text, chat_id=VOLUNTEER)
    await services(app).delivery.wait_idle(timeout=10)


async def test_stats_show_exactly_what_happened_and_only_to_officers(sim, tmp_path):
    config = make_config(tmp_path, sim)
    async with running_bot(config) as app:
        await fill(sim, app)
        card = (await says(sim, OFFICER, "/stats")).text
        assert "在推送的群 2 个，已退出 0 个" in card
        assert "日报送达 2" in card and "预警 1" in card and "答题 1" in card
        assert "答题人数 3" in card and "作答 3 次，正确率 67%" in card
        assert "收到举报 1" in card and "刷单返利 1" in card
        assert "诈骗 1，非诈骗 0" in card and "活跃志愿者 1 人（共 1 人）" in card
        area = (await says(sim, OFFICER, "/stats all area=城东")).text
        assert "在推送的群 1 个" in area and "日报送达 1" in area and "预警 0" in area
        assert "用法" in (await says(sim, OFFICER, "/stats yesterday")).text
        refused = (await says(sim, RESIDENT, "/stats")).text
        assert "仅限民警" in refused and "日报送达" not in refused
        sim.set_member_status(G1, OFFICER, "member")
        assert "私聊" in (await says(sim, OFFICER, "/stats", chat=G1)).text


async def test_cli_stats_prints_the_scorecard(sim, tmp_path, capsys):
    config = make_config(tmp_path, sim)
    config_file = tmp_path / "config.yaml"
    config_file.write_text(f"database: {tmp_path / 'bot.sqlite3'}\n", encoding="utf-8")
    async with running_bot(config):
        await register_group(sim, G1, "幸福里业主群", "neighbourhood", "幸福里")
        await says(sim, OFFICER, "/dailynow")
        await sim.wait_for_message(lambda m: "今日日报发送完成" in m.text, chat_id=OFFICER)
    capsys.readouterr()
    # the command line runs its own event loop, as from a shell
    assert await asyncio.to_thread(main, ["stats", "--config", str(config_file),
                                          "--period", "all"]) == 0
    out = capsys.readouterr().out
    assert "反诈成绩单" in out and "日报送达 1" in out and "<b>" not in out


async def test_export_csv_opens_and_names_nobody(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await fill(sim, app)
        mark = sim.mark()
        sim.user_sends(OFFICER, OFFICER, "/export all")
        await sim.wait_until(lambda: len([m for m in sim.sent()[mark:]
                                          if m.kind == "document"]) == 3)
        files = {}
        for m in [m for m in sim.sent()[mark:] if m.kind == "document"]:
            doc = m.raw["document"]
            files[doc["file_name"].split("-")[0]] = sim.world.files[doc["file_id"]].content
        assert set(files) == {"deliveries", "quiz_answers", "reports"}
        deliveries = list(csv.DictReader(io.StringIO(files["deliveries"].decode("utf-8-sig"))))
        assert sorted(r["kind"] for r in deliveries if r["status"] == "sent").count("daily") == 2
        answers = list(csv.DictReader(io.StringIO(files["quiz_answers"].decode("utf-8-sig"))))
        assert len(answers) == 3 and sum(int(r["correct"]) for r in answers) == 2
        reports = list(csv.DictReader(io.StringIO(files["reports"].decode("utf-8-sig"))))
        assert len(reports) == 1 and reports[0]["verdict"] == "scam"
        assert reports[0]["reporter"].startswith("p-")
        everything = b"".join(files.values()).decode("utf-8-sig")
        assert "小刘" not in everything and str(VOLUNTEER) not in everything


async def test_weekly_report_has_the_chart(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await fill(sim, app)
        mark = sim.mark()
        sim.user_sends(OFFICER, REVIEW_CHAT, "/weekly")
        photo = await sim.wait_for_message(lambda m: m.kind == "photo", chat_id=REVIEW_CHAT,
                                           after=mark, timeout=20)
        text = [m for m in sim.sent()[mark:] if m.chat_id == REVIEW_CHAT and m.kind == "text"]
        assert text and "反诈成绩单" in text[0].text
        assert "反诈成绩单" in photo.text


async def test_members_reached_come_from_get_chat_member_count(sim, tmp_path):
    from bot.handlers.stats import MEMBERS_JOB

    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, G1, "幸福里业主群", "neighbourhood", "幸福里")  # 3 people + bot
        [job] = app.job_queue.get_jobs_by_name(MEMBERS_JOB)
        await job.run(app)  # the hourly refresh, now
        assert (await services(app).groups.get(G1)).member_count == 4
        calls = len(sim.calls_to("getChatMemberCount"))
        await job.run(app)  # fresh counts are not asked for again
        assert len(sim.calls_to("getChatMemberCount")) == calls
        assert "覆盖群成员约 4 人" in (await says(sim, OFFICER, "/stats")).text
