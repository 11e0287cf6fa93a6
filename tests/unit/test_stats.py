"""Scorecard logic: periods, percentiles, comparison; the chart renders Chinese, not boxes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.charts import ChartData, cjk_font, render_png
from bot.domain.stats import (
    Scorecard,
    format_scorecard,
    last_full_week,
    percentile,
    period_bounds,
)
from bot.i18n import Texts
from bot.tghtml import parse_html

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 21, 10, 30, tzinfo=TZ)  # a Saturday


def test_periods_are_local_weeks_from_monday_and_months():
    week = period_bounds("week", NOW)
    assert week.start == dt.datetime(2026, 11, 16, tzinfo=TZ) and week.end == NOW
    assert period_bounds("month", NOW).start == dt.datetime(2026, 11, 1, tzinfo=TZ)
    assert period_bounds("all", NOW).start.year == 2000
    full = last_full_week(NOW)
    assert (full.start, full.end) == (dt.datetime(2026, 11, 9, tzinfo=TZ),
                                      dt.datetime(2026, 11, 16, tzinfo=TZ))
    assert full.previous().start == dt.datetime(2026, 11, 2, tzinfo=TZ)
    with pytest.raises(ValueError):
        period_bounds("fortnight", NOW)


def test_percentiles():
    assert percentile([], 50) is None
    assert percentile([5], 90) == 5
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


def test_scorecard_text_with_changes_is_valid_html():
    texts = Texts.load()
    now = Scorecard(groups={("parents", "城东", True): 2, ("village", "", False): 1},
                    members=120, posts={("daily", "sent"): 14, ("daily", "failed"): 1},
                    players=5, answers=8, correct=6, reports=3,
                    reports_by_type={"task_rebate": 2, "other": 1},
                    reports_by_risk={"red": 1, "yellow": 2}, verdicts={"scam": 2},
                    verdict_seconds=[600, 1800, 7200])
    before = Scorecard(posts={("daily", "sent"): 10}, players=7, reports=1)
    text, _ = parse_html(format_scorecard(texts, "zh-CN", now, "成绩单 <本周>", before))
    assert "成绩单 <本周>" in text
    assert "在推送的群 2 个，已退出 1 个；覆盖群成员约 120 人" in text
    assert "日报送达 14 (+4)" in text and "发送失败 1" in text
    assert "答题人数 5 (-2)" in text and "正确率 75%" in text
    assert "收到举报 3 (+2)" in text and "中位数 30 min" in text and "90% 在 1.7 h 内" in text
    english, _ = parse_html(format_scorecard(texts, "en", now, "Scorecard"))
    assert "Daily bulletins delivered 14," in english


def test_chart_renders_a_png_with_a_cjk_font():
    family = cjk_font()
    assert family is not None and "CJK" in family  # Chinese labels will not be boxes
    png = render_png(ChartData("反诈成绩单 第47周", ["2026-11-16", "2026-11-17"], [3, 5], [2, 4],
                               [("刷单返利", 3), ("冒充客服", 1)],
                               {"posts": "每日推送", "players": "答题人数",
                                "reports": "举报类型", "none": "无"}))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
