"""Officer review: the buttons of a case card, /pending, /warn, re-announcements, start-up."""

from __future__ import annotations

import contextlib
import logging
from html import escape

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot import casework
from bot.context import BotContext, services_of
from bot.domain import cases as rules
from bot.domain.case_texts import risk_label, type_label
from bot.domain.cases import Case
from bot.handlers import callbacks
from bot.handlers.case_cards import (
    card_view,
    main_keyboard,
    name_of,
    officer_text,
    refresh_cards,
    send_card,
    type_keyboard,
)
from bot.handlers.common import officer_only, reply, t
from bot.store.outbox import BroadcastStatus

log = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{callbacks.CASE}:"
REMINDER_JOB = "reports:pending-reminder"
REMINDERS_PER_RUN = 10


# ---- buttons ---------------------------------------------------------------------------------

async def on_button(update: Update, context: BotContext) -> None:
    """case:<action>:<case>[:<value>] — officers only (checked here), data re-validated."""
    query, services, officer = update.callback_query, context.services, update.effective_user
    if not services.config.is_officer(officer.id):
        await query.answer(t(update, context, "common.officers_only"), show_alert=True)
        return
    parsed = callbacks.parse(query.data, callbacks.CASE, rules.CARD_ACTIONS)
    act = rules.parse_card_action(parsed[1], parsed[0]) if parsed else None
    case = await services.cases.get(act.case_id) if act else None
    if act is None or case is None:
        await query.answer(t(update, context, "reports.stale"), show_alert=True)
        return
    why = rules.check_action(case.status, act.action)
    if why == "decided":
        await _already_decided(update, context, case)
        return
    if why:
        await query.answer(t(update, context, f"reports.card.why.{why}"), show_alert=True)
        return
    if act.action in ("scam", "warn", "back"):
        markup = (main_keyboard(services, case) if act.action == "back"
                  else type_keyboard(services, case, warn=act.action == "warn"))
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(markup)
    elif act.action == "info":
        if not await casework.request_info(services, case, officer.id):
            await query.answer(t(update, context, "reports.card.why.already_info"),
                               show_alert=True)
            return
        await query.answer(t(update, context, "reports.card.info_sent"))
        await refresh_cards(context.bot, services, case.id)
    elif act.action == "wa":
        await _widen(update, context, case, act.value)
    else:
        await _decide(update, context, case, act)


async def _already_decided(update: Update, context: BotContext, case: Case) -> None:
    """A late press: say who decided, and make sure this card shows it."""
    services = context.services
    verdict = t(update, context, f"reports.status.{case.verdict or 'decided'}")
    await update.callback_query.answer(t(
        update, context, "reports.card.decided_alert", officer=await name_of(services,
                                                                           case.decided_by),
        time=casework.local_time(services, case.decided_at), verdict=verdict), show_alert=True)
    await refresh_cards(context.bot, services, case.id)


async def _decide(update: Update, context: BotContext, case: Case,
                  act: rules.CardAction) -> None:
    query, services, officer = update.callback_query, context.services, update.effective_user
    verdict, warn = rules.decision_of(act.action) or (rules.NOT_SCAM, False)
    fraud_type = act.value if verdict == rules.SCAM else case.fraud_type
    decided = await casework.decide(services, case.id, verdict, fraud_type, officer.id)
    if decided is None:  # someone else was faster
        await _already_decided(update, context, await services.cases.get(case.id) or case)
        return
    await query.answer(t(update, context, f"reports.card.done_{verdict}"))
    await refresh_cards(context.bot, services, case.id)
    if warn:
        chats, _ = await casework.warning_targets(services, decided, "src")
        if chats:
            count = await casework.warn(services, decided, chats, "src", officer.id,
                                        query.message.chat_id)
            await context.bot.send_message(query.message.chat_id, officer_text(
                services, "reports.card.warn_queued", case=case.id, count=count))
        else:
            await context.bot.send_message(query.message.chat_id, officer_text(
                services, "reports.card.no_source", case=case.id))


async def _widen(update: Update, context: BotContext, case: Case, scope: str) -> None:
    query, services = update.callback_query, context.services
    if case.verdict != rules.SCAM:
        await query.answer(t(update, context, "reports.card.warn_not_scam"), show_alert=True)
        return
    chats, _ = await casework.warning_targets(services, case, scope)
    if not chats:
        await query.answer(t(update, context, "reports.card.warn_none"), show_alert=True)
        return
    count = await casework.warn(services, case, chats, scope, update.effective_user.id,
                                query.message.chat_id)
    await query.answer(t(update, context, "reports.card.warn_queued", case=case.id,
                         count=count)[:190])


# ---- commands --------------------------------------------------------------------------------

@officer_only
async def pending(update: Update, context: BotContext) -> None:
    """/pending — undecided cases, oldest first."""
    services = context.services
    waiting = await services.cases.undecided(limit=30)
    if not waiting:
        await reply(update, context, "reports.pending.none")
        return
    lines = [t(update, context, "reports.pending.header", count=len(waiting))]
    language = services.texts.lang(update.effective_user.language_code)
    for case in waiting:
        view = await card_view(services, case)
        lines.append(t(update, context, "reports.pending.row", case=case.id,
                       risk=risk_label(services.texts, language, case.risk),
                       type=type_label(services.texts, language, case.fraud_type),
                       count=view.reports, minutes=casework.minutes_waiting(services, case),
                       source=escape(", ".join(view.sources))
                       or t(update, context, "reports.card.source_private")))
    await update.effective_message.reply_text("\n".join(lines))


@officer_only
async def warn_command(update: Update, context: BotContext) -> None:
    """/warn <case> [area=…|all] — a confirmed scam's warning to its groups, or wider."""
    services = context.services
    req = rules.parse_warn_args(context.args or [])
    if req is None:
        await reply(update, context, "reports.warn.usage")
        return
    case = await services.cases.get(req.case_id)
    if case is None:
        await reply(update, context, "reports.warn.not_found", case=req.case_id)
        return
    if case.verdict != rules.SCAM:
        await reply(update, context, "reports.card.warn_not_scam")
        return
    chats, _ = await casework.warning_targets(services, case, req.scope, req.area)
    if not chats:
        await reply(update, context, "reports.card.warn_none")
        return
    count = await casework.warn(services, case, chats, req.scope, update.effective_user.id,
                                update.effective_chat.id)
    await reply(update, context, "reports.card.warn_queued", case=case.id, count=count)


# ---- start-up: the known-case index, hooks, the reminder job ---------------------------------

async def _remind_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-announce cases that waited longer than reports.pending_reminder_minutes."""
    services = services_of(context.application)
    now = services.clock().timestamp()
    limit = services.config.reports.pending_reminder_minutes * 60
    for case in (await services.cases.due_reminders(now - limit))[:REMINDERS_PER_RUN]:
        await services.cases.mark_reminded(case.id, now)
        await send_card(context.bot, services, case.id, media=False,
                        waiting=casework.minutes_waiting(services, case))


async def start(app: Application) -> int:
    """post_init: fill the known-case index, hook warning reports, schedule the reminder."""
    services = services_of(app)
    services.case_index = casework.build_index(await services.cases.index_rows())

    async def report(status: BroadcastStatus) -> None:
        chat = status.meta.get("report_chat")
        if chat:
            await app.bot.send_message(chat, officer_text(
                services, "reports.warn.report", case=status.meta.get("case_id"),
                sent=status.sent, total=status.total, failed=status.failed))

    services.delivery.on_broadcast_done("warning", report)
    for job in app.job_queue.get_jobs_by_name(REMINDER_JOB):  # type: ignore[union-attr]
        job.schedule_removal()
    minutes = services.config.reports.pending_reminder_minutes
    if minutes > 0:
        every = max(1.0, min(60.0, minutes * 60))
        app.job_queue.run_repeating(_remind_job, interval=every,  # type: ignore[union-attr]
                                    first=every, name=REMINDER_JOB)
    return len(services.case_index)
