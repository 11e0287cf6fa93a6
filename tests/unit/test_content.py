"""Content validation and rendering: what `python -m bot check` guarantees."""

import datetime as dt

from bot.check import rendered_problems, run_check
from bot.content import load_content
from bot.domain.bulletin import render_alert, render_daily
from bot.domain.tips import Tip, parse_tip
from bot.i18n import Texts
from bot.tghtml import parse_html

TEXTS = Texts.load()


def test_shipped_content_and_config_pass_check(capsys):
    assert run_check("config.yaml") == 0
    assert "check: OK" in capsys.readouterr().out


def test_shipped_tips_cover_every_type_and_audience():
    content = load_content("content")
    assert content.problems == []
    assert len(content.tips) >= 120


def test_bulletin_escapes_text_and_is_valid_telegram_html():
    tip = Tip("x-1", "标题 <b>不是标签</b> & 符号", "正文 </code> <script>", "other",
              ("general",), advice="拨打 110 & 96110")
    html = render_daily(TEXTS, "zh-CN", tip, dt.date(2026, 11, 21))
    text, entities = parse_html(html)
    assert "2026年11月21日 星期六" in text
    assert "<b>不是标签</b>" in text and "</code> <script>" in text
    assert "三不一多" in text and "96110" in text and "国家反诈中心" in text
    assert any(e["type"] == "bold" for e in entities)
    english = parse_html(render_daily(TEXTS, "en", tip, dt.date(2026, 11, 21)))[0]
    assert "Saturday, 2026-11-21" in english
    alert = parse_html(render_alert(TEXTS, "zh-CN", "red", "<i>转账</i>"))[0]
    assert "红色预警" in alert and "<i>转账</i>" in alert


def test_bad_tips_are_reported_with_file_and_key(tmp_path):
    (tmp_path / "tips").mkdir()
    seasons = "seasons:\n  x: {name: X, from: '13-01', to: '01-02'}\n"
    (tmp_path / "seasons.yaml").write_text(seasons, encoding="utf-8")
    (tmp_path / "tips" / "a.yaml").write_text(
        "tips:\n"
        "  - {id: Bad_ID, title: t, body: b, fraud_type: other, audiences: [general]}\n"
        "  - {id: ok-1, title: t, body: b, fraud_type: nope, audiences: [aliens]}\n"
        "  - {id: ok-2, title: t, body: '" + "长" * 601 + "', fraud_type: other,"
        " audiences: [general], season: winter}\n",
        encoding="utf-8")
    content = load_content(tmp_path)
    joined = "\n".join(content.problems)
    assert "seasons.x" in joined
    assert "tips[0].id" in joined
    assert "tips[1].fraud_type" in joined and "aliens" in joined
    assert "tips[2].body: too long (601 > 600" in joined
    assert "tips[2].season" in joined
    assert "audience elderly: 0 tips" in joined


def test_rendered_problems_catch_broken_html_in_texts():
    broken = Texts({"zh-CN": {**TEXTS.tables["zh-CN"], "bulletin.header": "<b>{date}"},
                    "en": TEXTS.tables["en"]})
    tip, _ = parse_tip({"id": "t-1", "title": "T", "body": "B", "fraud_type": "other",
                        "audiences": ["general"]}, "x")
    content = load_content("content")
    content.tips = {"t-1": tip}
    problems = rendered_problems(content, broken)
    assert problems and "t-1" in problems[0]
