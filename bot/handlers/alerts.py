"""/alert: an officer previews an urgent red/orange/yellow alert, confirms, gets a report."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.context import BotContext, services_of
from bot.domain.alerts import AlertParseError, parse_alert
from bot.domain.bulletin import render_alert
from bot.handlers import callbacks
from bot.handlers.common import officer_only, reply, t
from bot.store.outbox import BroadcastStatus, OutboxItem

log = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{callbacks.ALERT}:"


def _args_text(update: Update) -> str:
    """Everything after the command, newlines kept (context.args would fold them)."""
    parts = (update.effective_message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


@officer_only
async def alert(update: Update, context: BotContext) -> None:
    """/alert red|orange|yellow <text> [area=…] [type=…] -> preview with 确认发送 / 取消."""
    services = context.services
    try:
        req = parse_alert(_args_text(update))
    except AlertParseError as exc:
        await reply(update, context, exc.key, **{k: escape(v) for k, v in exc.details.items()})
        return
    groups = await services.groups.active_registered(group_type=req.group_type, area=req.area)
    alert_id = await services.alerts.create(req.level, req.text, req.area, req.group_type,
                                            update.effective_user.id)
    preview = render_alert(services.texts, services.config.locale, req.level, req.text)
    scope = t(update, context, "alert.scope", count=len(groups),
              area=escape(req.area or t(update, context, "alert.any")),
              type=t(update, context, f"group_type.{req.group_type}") if req.group_type
              else t(update, context, "alert.any"))
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(update, context, "alert.confirm"),
                             callback_data=f"{callbacks.ALERT}:send:{alert_id}"),
        InlineKeyboardButton(t(update, context, "alert.cancel"),
                             callback_data=f"{callbacks.ALERT}:cancel:{alert_id}"),
    ]])
    await update.effective_message.reply_text(
        f"{t(update, context, 'alert.preview')}\n{scope}\n\n{preview}", reply_markup=keyboard)


async def on_button(update: Update, context: BotContext) -> None:
    """确认发送 / 取消 on a preview: officers only; the first decision wins."""
    query, services = update.callback_query, context.services
    officer = update.effective_user
    if not services.config.is_officer(officer.id):
        await query.answer(t(update, context, "common.officers_only"), show_alert=True)
        return
    parsed = callbacks.parse(query.data, callbacks.ALERT, ("send", "cancel"))
    record = await services.alerts.get(int(parsed[1])) if parsed and parsed[1].isdigit() else None
    if record is None:
        await query.answer(t(update, context, "review.stale"), show_alert=True)
        return
    action = parsed[0]
    if not await services.alerts.decide(record.id, "sent" if action == "send" else "cancelled"):
        await query.answer(t(update, context, "alert.already",
                                 status=t(update, context, f"alert_status.{record.status}")),
                           show_alert=True)
        return
    if action == "cancel":
        await query.answer()
        await query.edit_message_text(t(update, context, "alert.cancelled"))
        return
    groups = await services.groups.active_registered(group_type=record.group_type,
                                                     area=record.area)
    text = render_alert(services.texts, services.config.locale, record.level, record.text)
    items = [OutboxItem(g.chat_id, "alert", "send_message", {"text": text},
                        dedupe_key=f"alert:{record.id}:{g.chat_id}", pin=record.level == "red")
             for g in groups]
    broadcast_id, _ = await services.delivery.enqueue(items, broadcast={
        "kind": "alert", "created_by": officer.id, "summary": record.text[:80],
        "meta": {"report_chat": query.message.chat_id, "level": record.level,
                 "alert_id": record.id}})
    await services.alerts.set_broadcast(record.id, broadcast_id)
    await query.answer()
    await query.edit_message_text(f"{query.message.text_html}\n\n"
                                  + t(update, context, "alert.sending", count=len(items)))


def register_hooks(app: Application) -> None:
    """When every post of an alert has an outcome, tell the officer how it went."""
    services = services_of(app)

    async def report(status: BroadcastStatus) -> None:
        chat = status.meta.get("report_chat")
        if not chat:
            return
        tx, lang = services.texts, services.config.locale
        lines = [tx.t("alert.report", lang, sent=status.sent, total=status.total,
                      failed=status.failed)]
        for chat_id, error in status.failures[:20]:
            group = await services.groups.get(chat_id)
            name = escape(group.title) if group else str(chat_id)
            lines.append(f"• {name}: {escape(error[:120])}")
        await app.bot.send_message(chat, "\n".join(lines))

    services.delivery.on_broadcast_done("alert", report)
