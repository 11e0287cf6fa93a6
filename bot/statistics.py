"""Officers' statistics beyond one command: the weekly report and its job, member counts, exports.

Jobs have fixed names and are rebuilt at start: `stats:weekly-report` (the scorecard of the last
full week against the week before, with a chart, to the review chat at stats.weekly_report;
sent once per week, caught up after a restart within schedule.missed_grace_minutes) and
`stats:member-counts` (hourly, asks Telegram for the member count of the groups whose count is
older than stats.member_count_hours, a share of them each hour, paced).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

from telegram import Bot, InputFile
from telegram.constants import ChatAction
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.charts import render_png_async
from bot.context import Services, services_of
from bot.domain.schedule import last_occurrence, parse_slot
from bot.domain.stats import ChartData, Period, chart_data, last_full_week, split_message
from bot.domain.stats_export import HEADERS, CsvParts, export_row, make_pseudonym
from bot.domain.stats_text import format_scorecard, period_span, weekly_text
from bot.domain.taxonomy import FRAUD_TYPES
from bot.i18n import Texts
from bot.jobs import ptb_days
from bot.store.db import Database
from bot.store.stats import StatsRepo
from bot.tghtml import utf16_len

log = logging.getLogger(__name__)

WEEKLY_JOB, MEMBERS_JOB = "stats:weekly-report", "stats:member-counts"
CATCH_UP_JOB = "stats:weekly-catch-up"
WEEKLY_SENT = "stats.weekly_sent"  # kv: the Monday of the last week the job reported
MESSAGE_LIMIT = 4096


def message_parts(html: str) -> list[str]:
    """A long text as messages within Telegram's limit, split at line ends."""
    return split_message(html, MESSAGE_LIMIT, utf16_len)


async def scorecard_text(db: Database, texts: Texts, lang: str, period: Period,
                         area: str | None = None) -> str:
    """The scorecard of a period as Telegram HTML (/stats and `python -m bot stats`)."""
    sc = await StatsRepo(db).scorecard(period, area)
    return format_scorecard(texts, lang, sc, period, area=area)


@dataclass(frozen=True)
class WeeklyReport:
    period: Period
    text: str
    chart: ChartData


async def weekly_report(services: Services, lang: str) -> WeeklyReport:
    """Last full week (Monday to Sunday, local) against the week before, and the chart's data."""
    period = last_full_week(services.now())
    repo, tx = StatsRepo(services.db), services.texts
    sc = await repo.scorecard(period)
    before = await repo.scorecard(period.previous())
    labels = {k: tx.t(f"stats.chart.{k}", lang)
              for k in ("posts", "delivered", "failed", "players", "reports", "none")}
    names = {k: tx.t(f"fraud_type.{k}", lang) for k in FRAUD_TYPES}
    title = tx.t("stats.chart.title", lang, span=period_span(period, tx, lang))
    return WeeklyReport(period, weekly_text(tx, lang, sc, before, period),
                        chart_data(sc, title, labels, names))


async def send_weekly(services: Services, bot: Bot, chat_id: int, lang: str) -> WeeklyReport:
    """The weekly report as messages and a PNG chart (drawn in a worker thread)."""
    report = await weekly_report(services, lang)
    for part in message_parts(report.text):
        await bot.send_message(chat_id, part)
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    png = await render_png_async(report.chart)
    await bot.send_photo(chat_id, InputFile(png, filename="weekly.png"),
                         caption=report.chart.title, parse_mode=None)
    return report


async def _weekly_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await post_weekly(services_of(context.application), context.bot)


async def post_weekly(services: Services, bot: Bot) -> bool:
    """The scheduled report to the review chat, at most once per week."""
    chat = services.config.review_chat_id
    if chat is None:
        log.info("No review_chat_id: the weekly report is not posted (officers can ask /weekly)")
        return False
    week = last_full_week(services.now()).start.date().isoformat()
    if await services.kv.get(WEEKLY_SENT) == week:
        return False
    try:
        await send_weekly(services, bot, chat, services.config.locale)
    except TelegramError as exc:
        log.warning("Weekly report not delivered to %s: %s", chat, exc)
        return False
    await services.kv.set(WEEKLY_SENT, week)
    return True


async def catch_up_weekly(services: Services, bot: Bot) -> bool:
    """A weekly report missed while the bot was down, if within the grace window."""
    now = services.now()
    last = last_occurrence((parse_slot(services.config.stats.weekly_report),), now)
    grace = dt.timedelta(minutes=services.config.schedule.missed_grace_minutes)
    if last is None or now - last > grace:
        return False
    return await post_weekly(services, bot)


async def _catch_up_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await catch_up_weekly(services_of(context.application), context.bot)


async def refresh_member_counts(services: Services, bot: Bot, *, limit: int | None = None,
                                pause: float = 0.1) -> int:
    """Ask Telegram for the member count of groups whose count is stale; returns how many.

    Each hourly run takes a share of the groups (all of them within member_count_hours), one
    call every `pause` seconds; a failed call is recorded too, so it is not retried at once.
    """
    repo = StatsRepo(services.db)
    hours = services.config.stats.member_count_hours
    if limit is None:
        limit = max(20, math.ceil(await repo.count_active_groups() / max(hours, 1) * 1.2))
    stale = await repo.stale_member_counts(services.clock().timestamp() - hours * 3600, limit)
    done = 0
    for chat_id, known in stale:
        try:
            count: int | None = await bot.get_chat_member_count(chat_id)
        except RetryAfter:
            log.info("getChatMemberCount: flood control; the rest waits for the next run")
            break
        except TelegramError as exc:
            log.info("getChatMemberCount %s: %s", chat_id, exc)
            count = known
        await services.groups.set_member_count(chat_id, count)  # type: ignore[arg-type]
        done += 1
        if pause:
            await asyncio.sleep(pause)
    return done


async def _member_counts_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    n = await refresh_member_counts(services_of(context.application), context.bot)
    if n:
        log.info("Refreshed the member count of %d groups", n)


def schedule(app: Application) -> None:
    """(Re)create the named jobs: the weekly report (and, once, its catch-up after a restart)
    and the member-count refresh."""
    services = services_of(app)
    for name in (WEEKLY_JOB, MEMBERS_JOB, CATCH_UP_JOB):
        for job in app.job_queue.get_jobs_by_name(name):  # type: ignore[union-attr]
            job.schedule_removal()
    slot = parse_slot(services.config.stats.weekly_report)
    app.job_queue.run_daily(  # type: ignore[union-attr]
        _weekly_job, slot.time.replace(tzinfo=services.config.tz), days=ptb_days(slot.days),
        name=WEEKLY_JOB)
    app.job_queue.run_repeating(  # type: ignore[union-attr]
        _member_counts_job, interval=3600, first=60, name=MEMBERS_JOB)
    app.job_queue.run_once(_catch_up_job, 5, name=CATCH_UP_JOB)  # type: ignore[union-attr]


async def export_files(services: Services, table: str, period: Period
                       ) -> AsyncIterator[tuple[bytes, int]]:
    """One export as CSV parts (bytes, rows), each small enough for one Telegram document.

    Rows are read a page at a time and encoded in a worker thread.
    """
    repo = StatsRepo(services.db)
    pseudonym = make_pseudonym(await repo.pseudonym_key(services.kv))
    parts = CsvParts(HEADERS[table])
    tz = services.config.tz

    def encode(page: list[tuple]) -> list[tuple[bytes, int]]:
        return parts.add(export_row(table, raw, pseudonym, tz) for raw in page)

    async for page in repo.export_pages(table, period):
        for part in await asyncio.to_thread(partial(encode, page)):
            yield part
    yield parts.finish()
