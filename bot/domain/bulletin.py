"""The daily bulletin (反诈日报) and other group posts, rendered as Telegram HTML. Pure."""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.domain.tips import Tip
from bot.i18n import Texts

FRAUD_TYPE_KEY = "fraud_type.{}"


def format_date(texts: Texts, lang: str, day: dt.date) -> str:
    """A localised date with its weekday, e.g. 2026年11月21日 星期六."""
    weekdays = texts.t("date.weekdays", lang).split(",")
    return texts.t("date.full", lang, year=day.year, month=day.month, day=day.day,
                   weekday=weekdays[day.weekday()].strip())


def render_tip(texts: Texts, lang: str, tip: Tip) -> str:
    """The tip itself: title, fraud type, body and the one action to take."""
    parts = [
        f"<b>{escape(tip.title)}</b>",
        f"<i>{escape(texts.t(FRAUD_TYPE_KEY.format(tip.fraud_type), lang))}</i>",
        "",
        escape(tip.body),
    ]
    if tip.advice:
        parts += ["", texts.t("bulletin.advice", lang, advice=escape(tip.advice))]
    return "\n".join(parts)


def render_daily(texts: Texts, lang: str, tip: Tip, day: dt.date) -> str:
    """反诈日报: dated header, the tip, and the standing reminder."""
    header = texts.t("bulletin.header", lang, date=escape(format_date(texts, lang, day)))
    return "\n".join([header, "", render_tip(texts, lang, tip), "",
                      texts.t("bulletin.reminder", lang)])


def render_alert(texts: Texts, lang: str, level: str, text: str) -> str:
    """An urgent red/orange/yellow alert; the officer's text is escaped."""
    return "\n".join([texts.t(f"alert.header.{level}", lang), "", escape(text.strip()), "",
                      texts.t("bulletin.reminder", lang)])
