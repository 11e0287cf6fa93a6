"""Officers' figures: /stats (the scorecard), /weekly (report + chart), /export (CSV files).

Officers only (checked on the server), and only in a private chat or the review chat: figures
are never shown in a publicity group.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from telegram import InputFile, Update
from telegram.constants import ChatAction

from bot import statistics
from bot.context import BotContext
from bot.domain.stats import PERIODS, Period, period_bounds
from bot.domain.stats_export import TABLES
from bot.domain.stats_text import period_span
from bot.handlers.common import Handler, lang, officer_only, reply, t

log = logging.getLogger(__name__)

UPLOAD_TIMEOUT = 120  # seconds to upload one CSV part (up to 45 MB)


def parse_args(args: list[str]) -> tuple[str, str | None] | None:
    """[week|month|all] [area=…] -> (period, area); None when malformed."""
    period, area = "week", None
    for arg in args:
        if arg.lower() in PERIODS:
            period = arg.lower()
        elif arg.startswith(("area=", "地区=")) and arg.split("=", 1)[1].strip():
            area = arg.split("=", 1)[1].strip()[:64]
        else:
            return None
    return period, area


def figures_chat(func: Handler) -> Handler:
    """Officers' figures only in a private chat or the review chat (checked after the officer)."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> Any:
        chat = update.effective_chat
        if chat.type != "private" and chat.id != context.services.config.review_chat_id:
            await reply(update, context, "stats.where")
            return None
        return await func(update, context)

    return wrapper


@officer_only
@figures_chat
async def stats(update: Update, context: BotContext) -> None:
    """/stats [week|month|all] [area=…] — the scorecard."""
    parsed = parse_args(context.args or [])
    if parsed is None:
        await reply(update, context, "stats.usage")
        return
    services = context.services
    period = period_bounds(parsed[0], services.now())
    text = await statistics.scorecard_text(services.db, services.texts, lang(update, context),
                                           period, parsed[1])
    for part in statistics.message_parts(text):
        await update.effective_message.reply_text(part)


@officer_only
@figures_chat
async def weekly(update: Update, context: BotContext) -> None:
    """/weekly — last week's report with its chart, here and now."""
    await statistics.send_weekly(context.services, context.bot, update.effective_chat.id,
                                 lang(update, context))


@officer_only
@figures_chat
async def export(update: Update, context: BotContext) -> None:
    """/export [week|month|all] — deliveries, quiz answers and reports as CSV documents."""
    parsed = parse_args(context.args or [])
    if parsed is None or parsed[1] is not None:
        await reply(update, context, "stats.export_usage")
        return
    period = period_bounds(parsed[0], context.services.now())
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
    for table in TABLES:
        # Hold one part back: only a file that has a next one is called "part N".
        held, sent = None, 0
        async for part in statistics.export_files(context.services, table, period):
            if held is not None:
                sent += 1
                await _document(update, context, table, period, *held, part=sent)
            held = part
        if held is not None:
            await _document(update, context, table, period, *held, part=sent + 1 if sent else 0)


async def _document(update: Update, context: BotContext, table: str, period: Period,
                    data: bytes, rows: int, *, part: int) -> None:
    """One CSV file as a document, with a caption saying what it holds."""
    services = context.services
    name = t(update, context, f"stats.export.names.{table}")
    span = period_span(period, services.texts, lang(update, context))
    caption = (t(update, context, "stats.export.caption_part", name=name, part=part, rows=rows,
                 span=span) if part
               else t(update, context, "stats.export.caption", name=name, rows=rows, span=span))
    filename = f"{table}-{period.name}-{services.today()}{f'-part{part}' if part else ''}.csv"
    await update.effective_message.reply_document(InputFile(data, filename=filename),
                                                  caption=caption, write_timeout=UPLOAD_TIMEOUT)
