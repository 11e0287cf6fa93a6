"""The scorecard as Telegram HTML (and, through parse_html, plain text). Pure."""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.domain.stats import NOT_SCAM, SCAM, Change, Period, Scorecard, changes
from bot.domain.taxonomy import ALERT_LEVELS
from bot.i18n import Texts

TOP_AREAS = 12  # areas listed by name; the rest are summed up in one line
TOP_TYPES = 6


def period_span(period: Period, tx: Texts, lang: str) -> str:
    """"2026-11-16 – 2026-11-21" (the last day shown is the one before `end`)."""
    last = (period.end - dt.timedelta(microseconds=1)).date()
    if period.name == "all":
        return tx.t("stats.span_all", lang, end=last.isoformat())
    first = period.start.date()
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def duration(tx: Texts, lang: str, seconds: float | None) -> str:
    """Minutes up to 90 min, hours up to 48 h, then days."""
    if seconds is None:
        return tx.t("stats.none", lang)
    if seconds < 90 * 60:
        return tx.t("stats.duration.minutes", lang, n=max(1, round(seconds / 60)))
    if seconds < 48 * 3600:
        return tx.t("stats.duration.hours", lang, n=f"{seconds / 3600:.1f}")
    return tx.t("stats.duration.days", lang, n=f"{seconds / 86400:.1f}")


def format_scorecard(tx: Texts, lang: str, sc: Scorecard, period: Period, *,
                     area: str | None = None, before: Scorecard | None = None,
                     period_name: str | None = None) -> str:
    """Every figure of the scorecard; with `before`, each count shows its change."""
    deltas = changes(sc, before) if before is not None else {}

    def t(key: str, **kw: object) -> str:
        return tx.t(f"stats.{key}", lang, **kw)

    def d(name: str, *, pp: bool = False) -> str:
        change: Change | None = deltas.get(name)
        return t("delta", change=change.text(percent_points=pp)) if change else ""

    name = t(f"period.{period_name or period.name}")
    span = period_span(period, tx, lang)
    lines = [t("title_area", period=name, area=escape(area), span=span) if area
             else t("title", period=name, span=span)]
    lines += ["", t("groups.head"), t(
        "groups.summary", active=sc.active_groups, delta=d("groups"),
        inactive=sc.inactive_groups, members=sc.members, members_delta=d("members"),
        known=sc.members_known)]
    if sc.groups:
        lines.append(t("groups.by_type", items=_group_items(
            tx, lang, [(tx.t(f"group_type.{k}", lang), a, i)
                       for k, a, i in sc.groups_by("group_type")])))
        areas = sc.groups_by("area")
        named = [(escape(k) if k else t("no_area"), a, i) for k, a, i in areas[:TOP_AREAS]]
        items = _group_items(tx, lang, named)
        if len(areas) > TOP_AREAS:
            rest = areas[TOP_AREAS:]
            items += t("sep") + t("groups.more_areas", areas=len(rest),
                                  groups=sum(a + i for _, a, i in rest))
        lines.append(t("groups.by_area", items=items))

    levels = t("list_sep").join(
        t("posts.alert_level", level=t(f"level.{lv}"), count=sc.alerts_issued.get(lv, 0))
        for lv in ALERT_LEVELS)
    lines += ["", t("posts.head"),
              t("posts.daily", sent=sc.sent("daily"), delta=d("daily"),
                failed=sc.failed("daily")),
              t("posts.alerts", issued=sum(sc.alerts_issued.values()), levels=levels,
                sent=sc.sent("alert"), delta=d("alerts"), failed=sc.failed("alert")),
              t("posts.warnings", sent=sc.sent("warning"), delta=d("warnings"),
                failed=sc.failed("warning")),
              t("posts.quizzes", sent=sc.sent("quiz"), delta=d("quizzes"),
                failed=sc.failed("quiz"))]
    waiting = sc.waiting("daily", "alert", "warning", "quiz", "weekly")
    if waiting:
        lines.append(t("posts.waiting", count=waiting))

    accuracy = t("none") if sc.accuracy is None else f"{sc.accuracy:.0%}"
    lines += ["", t("quiz.head"), t(
        "quiz.summary", players=sc.players, players_delta=d("players"), answers=sc.answers,
        answers_delta=d("answers"), accuracy=accuracy, accuracy_delta=d("accuracy", pp=True))]
    missed = sc.most_missed()
    if missed:
        lines.append(t("quiz.missed", items=t("list_sep").join(
            t("quiz.missed_item", type=tx.t(f"fraud_type.{ft}", lang), wrong=wrong,
              answers=total) for ft, wrong, total in missed)))

    risk = sc.reports_by_risk()
    lines += ["", t("reports.head"),
              t("reports.summary", count=sc.reports, delta=d("reports"), cases=sc.cases),
              t("reports.risk", **{k: risk.get(k, 0) for k in ("red", "orange", "yellow",
                                                                 "none")})]
    by_type = sc.reports_by_type()
    if by_type:
        lines.append(t("reports.types", items=t("list_sep").join(
            t("reports.item", type=tx.t(f"fraud_type.{ft}", lang), count=n)
            for ft, n in by_type[:TOP_TYPES])))

    lines += ["", t("verdicts.head"),
              t("verdicts.summary", scam=sc.verdicts(SCAM), scam_delta=d("scam"),
                not_scam=sc.verdicts(NOT_SCAM), not_scam_delta=d("not_scam"),
                need_info=sc.need_info, need_info_delta=d("need_info")),
              t("verdicts.times", median=duration(tx, lang, sc.verdict_percentile(50)),
                p90=duration(tx, lang, sc.verdict_percentile(90)),
                count=len(sc.verdict_times))]
    lines += ["", t("volunteers.head"),
              t("volunteers.summary", active=sc.volunteers_active, delta=d("volunteers"),
                total=sc.volunteers)]
    return "\n".join(lines)


def _group_items(tx: Texts, lang: str, rows: list[tuple[str, int, int]]) -> str:
    """"name 3 · name 2 (1 left)" — names already escaped."""
    return tx.t("stats.sep", lang).join(
        tx.t("stats.groups.item_left" if inactive else "stats.groups.item", lang, name=name,
             active=active, inactive=inactive) for name, active, inactive in rows)


def weekly_text(tx: Texts, lang: str, sc: Scorecard, before: Scorecard, period: Period) -> str:
    """The weekly report: last week's scorecard with the changes against the week before."""
    head = tx.t("stats.weekly_head", lang, before=period_span(period.previous(), tx, lang))
    body = format_scorecard(tx, lang, sc, period, before=before, period_name="last_week")
    return f"{head}\n\n{body}"
