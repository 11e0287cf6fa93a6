"""Scorecard logic: periods, percentiles, comparisons, text, CSV; the chart renders Chinese."""

import csv
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.charts import cjk_font, font_file, render_png
from bot.domain.stats import (
    Change,
    ChartData,
    GroupCount,
    Period,
    Scorecard,
    changes,
    chart_data,
    last_full_week,
    percentile,
    period_bounds,
    split_message,
)
from bot.domain.stats_export import CsvParts, export_row, make_pseudonym, safe_cell
from bot.domain.stats_text import duration, format_scorecard, weekly_text
from bot.i18n import Texts
from bot.tghtml import parse_html, utf16_len

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 21, 10, 30, tzinfo=TZ)  # a Saturday


def test_weeks_are_local_and_start_on_monday():
    week = period_bounds("week", NOW)
    assert week.start == dt.datetime(2026, 11, 16, tzinfo=TZ) and week.end == NOW
    monday_early = dt.datetime(2026, 11, 16, 0, 5, tzinfo=TZ)  # Sunday 16:05 in UTC
    assert period_bounds("week", monday_early).start == dt.datetime(2026, 11, 16, tzinfo=TZ)
    sunday_late = dt.datetime(2026, 11, 22, 23, 59, tzinfo=TZ)
    assert period_bounds("week", sunday_late).start == dt.datetime(2026, 11, 16, tzinfo=TZ)
    # the same instant seen from UTC is still Shanghai's week once converted
    utc = dt.datetime(2026, 11, 15, 16, 30, tzinfo=dt.UTC)  # Monday 00:30 in Shanghai
    assert period_bounds("week", utc.astimezone(TZ)).start.date() == dt.date(2026, 11, 16)
    assert period_bounds("month", NOW).start == dt.datetime(2026, 11, 1, tzinfo=TZ)
    assert period_bounds("all", NOW).start.year == 2000
    with pytest.raises(ValueError):
        period_bounds("fortnight", NOW)
    with pytest.raises(ValueError):
        period_bounds("week", NOW.replace(tzinfo=None))


def test_last_full_week_and_the_week_before():
    full = last_full_week(NOW)
    assert (full.start, full.end) == (dt.datetime(2026, 11, 9, tzinfo=TZ),
                                      dt.datetime(2026, 11, 16, tzinfo=TZ))
    assert last_full_week(dt.datetime(2026, 11, 16, 9, tzinfo=TZ)) == full  # Monday's report
    before = full.previous()
    assert (before.start, before.end) == (dt.datetime(2026, 11, 2, tzinfo=TZ), full.start)


def test_day_bounds_are_local_days_clipped_to_the_period():
    days = period_bounds("week", NOW).day_bounds()
    assert [d for d, _, _ in days] == [f"2026-11-{n}" for n in range(16, 22)]
    assert days[0][1] == dt.datetime(2026, 11, 16, tzinfo=TZ).timestamp()
    assert days[-1][2] == NOW.timestamp()  # today only until now
    assert all(e - s == 86400 for _, s, e in days[:-1])
    assert len(period_bounds("all", NOW).day_bounds()) == 31
    # a day with a daylight-saving change has 23 hours
    berlin = ZoneInfo("Europe/Berlin")
    dst = Period("week", dt.datetime(2026, 3, 23, tzinfo=berlin),
                 dt.datetime(2026, 3, 30, tzinfo=berlin)).day_bounds()
    assert dst[-1][0] == "2026-03-29" and dst[-1][2] - dst[-1][1] == 23 * 3600


def test_percentiles():
    assert percentile([], 50) is None
    assert percentile([5], 90) == 5
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, 1, 3, 2], 0) == 1 and percentile([4, 1, 3, 2], 100) == 4
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([60, 120, 3600], 50) == 120
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_comparisons():
    assert Change(14, 10).text() == "+4, +40%"
    assert Change(5, 10).text() == "-5, -50%"
    assert Change(3, 0).text() == "+3" and Change(3, 0).ratio is None
    assert Change(7, 7).text() == "±0"
    assert Change(0.75, 0.5).text(percent_points=True) == "+25 pp"
    now = Scorecard(posts={("daily", "sent"): 14}, players=5, answers=4, correct=3)
    before = Scorecard(posts={("daily", "sent"): 10, ("daily", "failed"): 2}, players=7,
                       answers=2, correct=1)
    diff = changes(now, before)
    assert diff["daily"].diff == 4 and diff["players"].diff == -2
    assert diff["failed"].diff == -2 and diff["accuracy"].diff == pytest.approx(0.25)
    assert "accuracy" not in changes(now, Scorecard())  # no answers before: no rate to compare


def sample() -> Scorecard:
    return Scorecard(
        groups=[GroupCount("parents", "城东", True, 2, 120, 2),
                GroupCount("village", "", False, 1, 0, 0),
                GroupCount("village", "<b>西村</b>", True, 1, 0, 0)],
        posts={("daily", "sent"): 14, ("daily", "failed"): 1, ("quiz", "pending"): 2},
        alerts_issued={"red": 1}, players=5, answers=8, correct=6,
        quiz_by_type={"task_rebate": (4, 2), "romance": (2, 0), "fake_loan_credit": (2, 2)},
        reports_by={("task_rebate", "red"): 2, ("other", "none"): 1}, cases=2,
        verdict_times=[("scam", 600), ("scam", 1800), ("not_scam", 7200)], need_info=1,
        volunteers=4, volunteers_active=2, days=["2026-11-16", "2026-11-17"],
        posts_per_day=[3, 5], failed_per_day=[0, 1], players_per_day=[2, 4])


def test_scorecard_text_is_valid_html_with_every_figure():
    texts = Texts.load()
    week = period_bounds("week", NOW)
    text, _ = parse_html(format_scorecard(texts, "zh-CN", sample(), week, area="城东<x>"))
    for line in ("反诈成绩单 · 本周 · 城东<x>（2026-11-16 – 2026-11-21）",
                 "在推送的群 3 个，已退出 1 个；覆盖成员约 120 人（2/3 个群已知人数）",
                 "按类型：家长群 2 · 村组群 1（退出 1）",
                 "按地区：城东 2 · <b>西村</b> 1 · 未填地区 0（退出 1）",
                 "日报送达 14，失败 1", "紧急预警 1 条（红 1、橙 0、黄 0）", "尚在发送队列中：2",
                 "参与 5 人，作答 8 次，正确率 75%",
                 "易错类型：虚假贷款/信用卡/征信（错 2/2）、刷单返利（错 2/4）",
                 "收到举报 3 条，涉及 2 个案件", "风险：红 2 / 橙 0 / 黄 0 / 未见明显风险 1",
                 "类型：刷单返利 2、其他 1", "确认诈骗 2，非诈骗 1，需补充 1",
                 "中位数 30 分钟，90% 在 1.7 小时 内（3 个结论）",
                 "本期举报过的志愿者 2 人（共 4 人）"):
        assert line in text, line
    english, _ = parse_html(format_scorecard(texts, "en", sample(), week))
    assert "Daily bulletins delivered 14, failed 1" in english


def test_weekly_text_shows_changes():
    texts = Texts.load()
    week = last_full_week(NOW)
    before = Scorecard(posts={("daily", "sent"): 10}, players=7, answers=4, correct=2)
    text, _ = parse_html(weekly_text(texts, "zh-CN", sample(), before, week))
    assert "与前一周（2026-11-02 – 2026-11-08）相比" in text
    assert "反诈成绩单 · 上周（2026-11-09 – 2026-11-15）" in text
    assert "日报送达 14（+4, +40%），失败 1" in text
    assert "参与 5 人（-2, -29%），作答 8 次（+4, +100%），正确率 75%（+25 pp）" in text
    assert "收到举报 3 条（+3）" in text


def test_durations():
    texts = Texts.load()
    assert duration(texts, "zh-CN", None) == "—"
    assert duration(texts, "zh-CN", 20) == "1 分钟"
    assert duration(texts, "en", 45 * 60) == "45 min"
    assert duration(texts, "en", 5 * 3600) == "5.0 h"
    assert duration(texts, "zh-CN", 3 * 86400) == "3.0 天"


def test_long_messages_are_split_at_line_ends_within_the_limit():
    lines = [f"<b>第 {i} 行</b> " + "字" * 50 for i in range(300)]
    parts = split_message("\n".join(lines), 4096, utf16_len)
    assert len(parts) > 1 and all(utf16_len(p) <= 4096 for p in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, no line cut
    for part in parts:
        parse_html(part)  # every part is valid HTML on its own
    assert split_message("short") == ["short"]
    assert [len(p) for p in split_message("x" * 10, 4)] == [4, 4, 2]


def test_chart_data_has_the_three_series():
    data = chart_data(sample(), "周报", {"posts": "每日群消息"}, {"task_rebate": "刷单返利"})
    assert data.days == ["2026-11-16", "2026-11-17"]
    assert (data.posts_per_day, data.failed_per_day, data.players_per_day) == (
        [3, 5], [0, 1], [2, 4])
    assert data.report_types == [("刷单返利", 2), ("other", 1)]


def test_csv_parts_stay_under_the_size_and_open_in_excel_and_python():
    parts = CsvParts(["a", "名字"], max_bytes=200)
    done = parts.add([[i, "=SUM(A1)" if i == 0 else "张三"] for i in range(30)])
    done.append(parts.finish())
    assert len(done) > 1 and all(len(data) <= 200 for data, _ in done)
    assert sum(rows for _, rows in done) == 30
    rows = []
    for data, _ in done:
        assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
        reader = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert reader[0] == ["a", "名字"]
        rows += reader[1:]
    assert rows[0] == ["0", "'=SUM(A1)"] and rows[1] == ["1", "张三"]
    assert safe_cell("-1") == "'-1" and safe_cell(-100) == -100 and safe_cell(None) == ""
    empty = CsvParts(["a"]).finish()
    assert empty[1] == 0 and empty[0].decode("utf-8-sig").strip() == "a"


def test_pseudonyms_are_stable_and_reveal_nothing():
    one, other = make_pseudonym("k1"), make_pseudonym("k2")
    assert one(2003) == one(2003) != one(2004)
    assert one(2003) != other(2003) and one(2003).startswith("p-") and "2003" not in one(2003)
    row = export_row("deliveries", (7, 1.7e9, "verdict", 2003, None, None, None, "sent", 1,
                                    1.7e9, None), one, TZ)
    assert row[4] == one(2003) and row[5] == "" and row[1] == "2023-11-15 06:13:20"
    row = export_row("reports", (1, 1.7e9, 3, 2003, "volunteer", "forward", None, None, None,
                                 "task_rebate", "red", "decided", "scam", 1.7e9, 1.7e9 + 90, 0),
                     one, TZ)
    assert row[3] == one(2003) and row[14] == 1.5


def test_chart_renders_a_png_with_a_cjk_font():
    family = cjk_font()
    assert family is not None
    # matplotlib resolves the family to a CJK font file: Chinese labels are not boxes
    assert "CJK" in Path(font_file(family)).name
    png = render_png(ChartData("反诈周报 2026-11-09 – 2026-11-15",
                               [f"2026-11-{d:02d}" for d in range(9, 16)], [3, 5, 0, 0, 1, 2, 4],
                               [0, 1, 0, 0, 0, 0, 0], [2, 4, 0, 1, 0, 0, 3],
                               [("刷单返利", 3), ("冒充电商物流/平台客服", 1)],
                               {"posts": "每日群消息", "delivered": "送达", "failed": "发送失败",
                                "players": "每日答题人数", "reports": "举报类型", "none": "无"}))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (900, 1000)
