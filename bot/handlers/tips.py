"""Tips: /tip for anyone; officers see the library, retire and pin tips, post the daily now."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from html import escape

from telegram import Update
from telegram.ext import Application

from bot.context import BotContext, services_of
from bot.daily import post_all_now, tip_for
from bot.domain.bulletin import render_tip
from bot.domain.taxonomy import AUDIENCES, FRAUD_TYPES
from bot.handlers.common import is_group, officer_only, reply, t
from bot.store.outbox import BroadcastStatus
from bot.store.tips import APPROVED

log = logging.getLogger(__name__)



async def show_tip(update: Update, context: BotContext) -> None:
    """/tip — today's tip for this chat, shown here only (no broadcast)."""
    services = context.services
    chat = update.effective_chat
    group = await services.groups.get(chat.id) if is_group(chat) else None
    tip = await tip_for(services, group, services.today(), salt=chat.id)
    if tip is None:
        await reply(update, context, "tips.none_available")
        return
    language = services.texts.lang(update.effective_user.language_code
                                   if update.effective_user else None)
    await update.effective_message.reply_text(
        t(update, context, "tips.today") + "\n\n" + render_tip(services.texts, language, tip))


# ---- officer commands ------------------------------------------------------------------------

@officer_only
async def list_tips(update: Update, context: BotContext) -> None:
    """/tips — counts by type and audience, drafts waiting, and what each group gets next."""
    services = context.services
    approved = await services.tips.approved()
    by_status = await services.tips.count_by_status()
    by_type = Counter(tip.fraud_type for tip in approved)
    by_aud = Counter(a for tip in approved for a in tip.audiences)
    lines = [t(update, context, "tips.summary", approved=len(approved),
               drafts=by_status.get("draft", 0), retired=by_status.get("retired", 0))]
    lines.append(t(update, context, "tips.by_type"))
    lines += [f"• {t(update, context, f'fraud_type.{ft}')}: {by_type[ft]}" for ft in FRAUD_TYPES]
    lines.append(t(update, context, "tips.by_audience"))
    lines.append(" · ".join(f"{t(update, context, f'audience.{a}')} {by_aud[a]}"
                            for a in AUDIENCES))
    groups = await services.groups.active_registered()
    if groups:
        tomorrow = services.today() + dt.timedelta(days=1)
        lines.append(t(update, context, "tips.next_header"))
        for group in groups[:15]:
            tip = await tip_for(services, group, tomorrow, library=approved)
            lines.append(f"• {escape(group.title)} → {escape(tip.title) if tip else '—'}")
        if len(groups) > 15:
            lines.append(t(update, context, "groups.more", count=len(groups) - 15))
    await update.effective_message.reply_text("\n".join(lines))


@officer_only
async def retire(update: Update, context: BotContext) -> None:
    """/retire <id> — withdraw a tip from rotation."""
    if len(context.args or []) != 1:
        await reply(update, context, "tips.retire_usage")
        return
    tip_id = context.args[0]
    done = await context.services.tips.retire(tip_id, update.effective_user.id)
    await reply(update, context, "tips.retired" if done else "tips.not_found",
                id=escape(tip_id))


@officer_only
async def pin_tip(update: Update, context: BotContext) -> None:
    """/pintip <id> [YYYY-MM-DD] | /pintip off [YYYY-MM-DD] — the tip of the day for all groups."""
    services = context.services
    args = context.args or []
    try:
        day = dt.date.fromisoformat(args[1]) if len(args) == 2 else services.today()
    except ValueError:
        args = []
    if not args or len(args) > 2:
        await reply(update, context, "tips.pin_usage")
        return
    if args[0].lower() == "off":
        await services.tips.unpin(day)
        await reply(update, context, "tips.unpinned", day=day.isoformat())
        return
    record = await services.tips.get(args[0])
    if record is None or record.status != APPROVED:
        await reply(update, context, "tips.not_found", id=escape(args[0]))
        return
    await services.tips.pin(day, record.tip.id, update.effective_user.id)
    await reply(update, context, "tips.pinned", title=escape(record.tip.title),
                day=day.isoformat())


@officer_only
async def daily_now(update: Update, context: BotContext) -> None:
    """/dailynow — today's bulletin to every registered group now, through the outbox."""
    queued, total = await post_all_now(context.services, update.effective_user.id,
                                       update.effective_chat.id)
    await reply(update, context, "tips.dailynow_queued", queued=queued, total=total)


# ---- delivery reports ------------------------------------------------------------------------

def register_hooks(app: Application) -> None:
    services = services_of(app)

    async def report(status: BroadcastStatus) -> None:
        chat = status.meta.get("report_chat")
        if chat:
            await app.bot.send_message(chat, services.texts.t(
                "tips.dailynow_report", services.config.locale, sent=status.sent,
                total=status.total, failed=status.failed))

    services.delivery.on_broadcast_done("daily", report)
