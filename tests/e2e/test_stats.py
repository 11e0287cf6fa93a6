"""Officers' figures from a database filled through the real flows, as an officer sees them."""

from __future__ import annotations

import asyncio
import csv
import io

from bot import statistics
from bot.__main__ import main
from tests.e2e.test_reports import SCAM, current, make_volunteer, press
from tests.helpers import (
    ADMIN,
    OFFICER,
    OFFICER2,
    RESIDENT,
    REVIEW_CHAT,
    VOLUNTEER,
    Clock,
    make_config,
    register_group,
    running_bot,
    says,
    services,
)

G1, G2, G3 = -100701, -100702, -100703
WATER = "明天下午三点小区停水，请大家提前储水"


async def fill(sim, app) -> None:
    """Three groups (one lost on sending), today's bulletin, an alert, a quiz answered by three
    (one wrong), a volunteer's report confirmed as a scam and warned about in every group, a
    resident's report sent back for more information; then the member counts."""
    await register_group(sim, G1, "幸福里业主群", "neighbourhood", "幸福里")
    await register_group(sim, G2, "城东家长群", "parents", "城东")
    await register_group(sim, G3, "城东单位群", "workplace", "城东")
    sim.faults.add("forbidden", chat_id=G3, count=1)  # the bot was removed: found on sending
    await says(sim, OFFICER, "/dailynow")
    await sim.wait_for_message(lambda m: "今日日报发送完成" in m.text, chat_id=OFFICER)
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
    assert "2 个群" in (await says(sim, OFFICER, "/warn 1 all")).text

    mark = sim.mark()
    sim.user_forwards_text(RESIDENT, WATER)
    low = await sim.wait_for_message(chat_id=RESIDENT, after=mark)
    await press(sim, RESIDENT, low, low.button_data("请民警核实"))
    card = await sim.wait_for_message(lambda m: "举报 #2" in m.text, chat_id=REVIEW_CHAT,
                                      after=mark)
    await press(sim, OFFICER, card, card.button_data("需补充"))
    await sim.wait_for_message(lambda m: "补充" in m.text, chat_id=RESIDENT, after=mark)

    await services(app).delivery.wait_idle(timeout=10)
    await statistics.refresh_member_counts(services(app), app.bot, pause=0)


async def test_stats_show_exactly_what_happened_and_only_to_officers(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await fill(sim, app)
        card = (await says(sim, OFFICER, "/stats")).text
        wrong_type = services(app).content.quizzes[
            (await services(app).db.fetchval("SELECT question_id FROM quiz_posts"))].fraud_type
        wrong_name = services(app).texts.t(f"fraud_type.{wrong_type}", "zh-CN")
        for line in (
                "反诈成绩单 · 本周",
                "在推送的群 2 个，已退出 1 个；覆盖成员约 8 人（2/2 个群已知人数）",
                "按类型：小区业主群 1 · 家长群 1 · 单位工作群 0（退出 1）",
                "按地区：城东 1（退出 1） · 幸福里 1",
                "日报送达 2，失败 1",
                "紧急预警 1 条（红 0、橙 1、黄 0），送达 1 个群次，失败 0",
                "群预警提醒送达 2，失败 0",
                "答题推送 1，失败 0",
                "参与 3 人，作答 3 次，正确率 67%",
                f"易错类型：{wrong_name}（错 1/3）",
                "收到举报 2 条，涉及 2 个案件",
                "风险：红 1 / 橙 0 / 黄 0 / 未见明显风险 1",
                "类型：其他 1、刷单返利 1",
                "确认诈骗 1，非诈骗 0，需补充 1",
                "举报到结论用时：中位数 1 分钟，90% 在 1 分钟 内（1 个结论）",
                "本期举报过的志愿者 1 人（共 1 人）"):
            assert line in card, line

        area = (await says(sim, OFFICER, "/stats all area=城东")).text
        for line in ("反诈成绩单 · 全部 · 城东", "在推送的群 1 个，已退出 1 个",
                     "日报送达 1，失败 1", "群预警提醒送达 1", "答题推送 0",
                     "收到举报 0 条", "本期举报过的志愿者 0 人（共 0 人）"):
            assert line in area, line
        assert "幸福里" not in area
        sim.add_user(OFFICER2, "Officer Li", language_code="en")
        english = (await says(sim, OFFICER2, "/stats month")).text
        assert "Daily bulletins delivered 2, failed 1" in english
        assert "用法" in (await says(sim, OFFICER, "/stats yesterday")).text

        for user, chat, command in ((RESIDENT, RESIDENT, "/stats"),
                                    (VOLUNTEER, VOLUNTEER, "/weekly"),
                                    (RESIDENT, RESIDENT, "/export all"),
                                    (ADMIN, G1, "/stats all")):
            mark = sim.mark()
            refused = await says(sim, user, command, chat=chat)
            assert "仅限民警" in refused.text
            await asyncio.sleep(0.3)
            assert [m.kind for m in sim.sent()[mark:]] == ["text"]  # no figures, no files
        sim.set_member_status(G1, OFFICER, "member")
        assert "私聊" in (await says(sim, OFFICER, "/stats", chat=G1)).text


async def test_weekly_report_compares_weeks_and_charts_the_series(sim, tmp_path):
    clock = Clock()
    async with running_bot(make_config(tmp_path, sim), clock=clock) as app:
        await fill(sim, app)
        clock.advance(days=7)  # a week later: what just happened is "last week"
        mark = sim.mark()
        sim.user_sends(OFFICER, REVIEW_CHAT, "/weekly")
        photo = await sim.wait_for_message(lambda m: m.kind == "photo", chat_id=REVIEW_CHAT,
                                           after=mark, timeout=20)
        [text] = [m.text for m in sim.sent()[mark:] if m.chat_id == REVIEW_CHAT
                  and m.kind == "text" and "周报" in m.text]
        for line in ("每周反诈工作周报", "反诈成绩单 · 上周", "日报送达 2（+2），失败 1",
                     "参与 3 人（+3），作答 3 次（+3）", "收到举报 2 条（+2）",
                     "确认诈骗 1（+1），非诈骗 0（±0），需补充 1（+1）"):
            assert line in text, line
        assert "反诈周报" in photo.text
        png = sim.world.files[photo.raw["photo"][-1]["file_id"]].content
        assert png.startswith(b"\x89PNG\r\n\x1a\n")

        chart = (await statistics.weekly_report(services(app), "zh-CN")).chart
        today = (clock() - __import__("datetime").timedelta(days=7)).astimezone(
            services(app).config.tz).date().isoformat()
        assert len(chart.days) == 7 and today in chart.days
        i = chart.days.index(today)
        # daily 2 + alert 1 + quiz 1 + warnings 2 delivered that day; the lost group failed
        assert chart.posts_per_day[i] == 6 and sum(chart.posts_per_day) == 6
        assert chart.failed_per_day[i] == 1 and sum(chart.failed_per_day) == 1
        assert chart.players_per_day[i] == 3 and sum(chart.players_per_day) == 3
        assert chart.report_types == [("其他", 1), ("刷单返利", 1)]


async def test_weekly_job_posts_to_the_review_chat_once_a_week(sim, tmp_path):
    config = make_config(tmp_path, sim, stats__weekly_report="wed 07:15")
    async with running_bot(config) as app:
        [job] = app.job_queue.get_jobs_by_name(statistics.WEEKLY_JOB)
        at = job.next_t.astimezone(config.tz)
        assert (at.weekday(), at.hour, at.minute) == (2, 7, 15)
        mark = sim.mark()
        await job.run(app)
        await job.run(app)  # the same week again (e.g. after a restart): nothing more
        posted = [m for m in sim.sent()[mark:] if m.chat_id == REVIEW_CHAT and "周报" in m.text]
        assert [m.kind for m in posted] == ["text", "photo"]
        assert "每周反诈工作周报" in posted[0].text


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
            assert doc["file_name"].endswith(".csv") and "行" in m.text
        assert set(files) == {"deliveries", "quiz_answers", "reports"}
        assert all(data.startswith(b"\xef\xbb\xbf") for data in files.values())  # BOM

        def rows(name):
            return list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))

        deliveries = rows("deliveries")
        group_posts = [r for r in deliveries if r["kind"] in ("daily", "alert", "quiz",
                                                              "warning")]
        assert sorted((r["kind"], r["status"]) for r in group_posts) == [
            ("alert", "sent"), ("daily", "failed"), ("daily", "sent"), ("daily", "sent"),
            ("quiz", "sent"), ("warning", "sent"), ("warning", "sent")]
        failed = next(r for r in deliveries if r["status"] == "failed")
        assert failed["group"] == "城东单位群" and failed["area"] == "城东"
        private = [r for r in deliveries if r["kind"] in ("verdict", "case_info")]
        assert len(private) == 2 and all(r["chat"].startswith("p-") for r in private)

        answers = rows("quiz_answers")
        assert len(answers) == 3 and sorted(r["correct"] for r in answers) == ["0", "1", "1"]
        assert {r["group"] for r in answers} == {"幸福里业主群"}
        assert len({r["player"] for r in answers}) == 3

        reports = rows("reports")
        assert [(r["case_id"], r["verdict"], r["case_status"], r["fraud_type"])
                for r in reports] == [("1", "scam", "decided", "task_rebate"),
                                      ("2", "", "need_info", "")]
        assert all(r["reporter"].startswith("p-") for r in reports)
        assert reports[0]["reporter"] != reports[1]["reporter"]
        assert float(reports[0]["minutes_to_verdict"]) < 5
        everything = b"".join(files.values()).decode("utf-8-sig")
        for secret in ("小刘", "张阿姨", "陈群主", "兼职客服", "shua_dan", "停水",
                       str(VOLUNTEER), str(RESIDENT), str(ADMIN)):
            assert secret not in everything, secret
        # the same person has the same pseudonym in every export
        assert private[0]["chat"] in {r["reporter"] for r in reports}


async def test_members_reached_come_from_get_chat_member_count(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, G1, "幸福里业主群", "neighbourhood", "幸福里")  # 3 people + bot
        [job] = app.job_queue.get_jobs_by_name(statistics.MEMBERS_JOB)
        await job.run(app)  # the hourly refresh, now
        assert (await services(app).groups.get(G1)).member_count == 4
        calls = len(sim.calls_to("getChatMemberCount"))
        await job.run(app)  # fresh counts are not asked for again
        assert len(sim.calls_to("getChatMemberCount")) == calls
        assert "覆盖成员约 4 人（1/1 个群已知人数）" in (await says(sim, OFFICER, "/stats")).text


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
    assert "反诈成绩单 · 全部" in out and "日报送达 1，失败 0" in out and "<b>" not in out
    assert await asyncio.to_thread(main, ["stats", "--config", str(config_file),
                                          "--area", "城东"]) == 0
    assert "在推送的群 0 个" in capsys.readouterr().out
