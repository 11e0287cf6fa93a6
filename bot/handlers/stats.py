"""Officers' figures: /stats, /weekly (scorecard + chart), /export (CSV); the weekly report job."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from html import escape

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.charts import ChartData, render_png_async
from bot.context import BotContext, Services, services_of
from bot.domain.schedule import parse_slot
from bot.domain.stats import PERIODS, Period, format_scorecard, last_full_week, period_bounds
from bot.handlers.common import officer_only, reply, t
from bot.i18n import Texts
from bot.jobs import ptb_days
from bot.store.db import Database
from bot.store.stats import StatsRepo, pseudonymizer

log = logging.getLogger(__name__)

WEEKLY_JOB, MEMBERS_JOB = "stats:weekly-report", "stats:member-counts"
EXPORTS = ("deliveries", "quiz_answers", "reports")
MAX_TEXT = 4000


def parse_args(args: list[str]) -> tuple[str, str | None] | None:
    """[week|month|all] [area=…] -> (period, area); None when malformed."""
    period, area = "week", None
    for arg in args:
        if arg in PERIODS:
            period = arg
        elif arg.startswith(("area=", "地区=")) and len(arg.split("=", 1)[1]) > 0:
            area = arg.split("=", 1)[1][:64]
        else:
            return None
    return period, area


def _allowed_chat(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    return chat.type == "private" or chat.id == context.services.config.review_chat_id


def _title(tx: Texts, lang: str, period: Period, area: str | None) -> str:
    span = f"{period.start:%Y-%m-%d} – {(period.end - dt.timedelta(seconds=1)):%Y-%m-%d}"
    name = tx.t(f"stats.period.{period.name}", lang)
    title = tx.t("stats.title", lang, period=name, span=span)
    return f"{title} · {area}" if area else title


async def scorecard_text(db: Database, texts: Texts, lang: str, period: Period,
                         area: str | None, *, compare: bool = False) -> str:
    """The scorecard of a period as Telegram HTML (also used by `python -m bot stats`)."""
    repo = StatsRepo(db)
    sc = await repo.scorecard(period, area)
    before = await repo.scorecard(period.previous(), area) if compare else None
    return format_scorecard(texts, lang, sc, _title(texts, lang, period, area), before)


@officer_only
async def stats(update: Update, context: BotContext) -> None:
    """/stats [week|month|all] [area=…] — officers, in private or the review chat."""
    if not _allowed_chat(update, context):
        await reply(update, context, "stats.where")
        return
    parsed = parse_args(context.args or [])
    if parsed is None:
        await reply(update, context, "stats.usage")
        return
    services = context.services
    lang = services.texts.lang(update.effective_user.language_code)
    period = period_bounds(parsed[0], services.now())
    text = await scorecard_text(services.db, services.texts, lang, period, parsed[1])
    for start in range(0, len(text), MAX_TEXT):
        await update.effective_message.reply_text(text[start:start + MAX_TEXT])


async def weekly_report(services: Services, bot, chat_id: int, lang: str) -> None:
    """Last full week against the week before, and the chart."""
    period = last_full_week(services.now())
    text = await scorecard_text(services.db, services.texts, lang, period, None, compare=True)
    sc = await StatsRepo(services.db).scorecard(period)
    tx = services.texts
    data = ChartData(
        title=_title(tx, lang, period, None), days=sc.days,
        posts_per_day=sc.posts_per_day, players_per_day=sc.players_per_day,
        report_types=[(tx.t(f"fraud_type.{k}", lang), n)
                      for k, n in sorted(sc.reports_by_type.items(), key=lambda kv: -kv[1])],
        labels={k: tx.t(f"stats.chart.{k}", lang) for k in ("posts", "players", "reports",
                                                           "none")})
    png = await render_png_async(data)
    await bot.send_message(chat_id, text)
    await bot.send_photo(chat_id, InputFile(png, filename="weekly.png"),
                         caption=escape(data.title))


@officer_only
async def weekly(update: Update, context: BotContext) -> None:
    """/weekly — the weekly report now, here."""
    if not _allowed_chat(update, context):
        await reply(update, context, "stats.where")
        return
    lang = context.services.texts.lang(update.effective_user.language_code)
    await weekly_report(context.services, context.bot, update.effective_chat.id, lang)


@officer_only
async def export(update: Update, context: BotContext) -> None:
    """/export [week|month|all] — CSV documents; people only as pseudonymous ids."""
    if not _allowed_chat(update, context):
        await reply(update, context, "stats.where")
        return
    parsed = parse_args(context.args or [])
    if parsed is None or parsed[1] is not None:
        await reply(update, context, "stats.export_usage")
        return
    services = context.services
    period = period_bounds(parsed[0], services.now())
    repo, pseudonym = StatsRepo(services.db), await pseudonymizer(services.kv)
    for table in EXPORTS:
        header, rows = await repo.export_rows(table, period, pseudonym)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        data = ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads it as UTF-8
        await update.effective_message.reply_document(
            InputFile(data, filename=f"{table}-{parsed[0]}-{services.today()}.csv"),
            caption=t(update, context, f"stats.export.{table}", rows=len(rows)))


async def _weekly_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context.application)
    chat = services.config.review_chat_id
    if chat is None:
        return
    try:
        await weekly_report(services, context.bot, chat, services.config.locale)
    except TelegramError as exc:
        log.warning("Weekly report not delivered: %s", exc)


async def _member_counts_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refresh a batch of stale member counts (getChatMemberCount) each hour."""
    services = services_of(context.application)
    hours = services.config.stats.member_count_hours
    stale = await StatsRepo(services.db).stale_member_counts(
        services.clock().timestamp() - hours * 3600, limit=200)
    for chat_id in stale:
        try:
            count = await context.bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            log.info("getChatMemberCount %s: %s", chat_id, exc)
            continue
        await services.groups.set_member_count(chat_id, count)


def schedule(app: Application) -> None:
    """Named jobs: the weekly report and the member-count refresh."""
    services = services_of(app)
    for name in (WEEKLY_JOB, MEMBERS_JOB):
        for job in app.job_queue.get_jobs_by_name(name):  # type: ignore[union-attr]
            job.schedule_removal()
    slot = parse_slot(services.config.stats.weekly_report)
    app.job_queue.run_daily(  # type: ignore[union-attr]
        _weekly_job, slot.time.replace(tzinfo=services.config.tz), days=ptb_days(slot.days),
        name=WEEKLY_JOB)
    app.job_queue.run_repeating(_member_counts_job, interval=3600, first=30,  # type: ignore
                                name=MEMBERS_JOB)
