"""Reports: forwards and /report in private chats, /report replies in groups, reporters' buttons.

A report is stored before anything is answered (bot/casework.py). The reporter is answered
privately; a group only ever sees an acknowledgement that names nobody and repeats nothing.
"""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import casework
from bot.context import BotContext
from bot.domain import cases as rules
from bot.domain.case_texts import Answer, render_answer
from bot.handlers import callbacks
from bot.handlers import case_cards as review
from bot.handlers.common import is_group, lang, reply, role_of, t
from bot.handlers.intake import MAX_TEXT, MEDIA_KINDS, media_of, origin_of, sender_of, text_of
from bot.store.cases import NewReport

log = logging.getLogger(__name__)

AWAIT = "report_next"  # user_data key: the next private message is a report (or a supplement)
AWAIT_SECONDS = 600    # … if it comes within this time (a forgotten bare /report expires)
CALLBACK_PATTERN = rf"^{callbacks.REPORT}:"


def wants(update: Update, context: BotContext) -> bool:
    """Whether a private non-command message is a report (the private router asks this)."""
    msg = update.effective_message
    if msg is None or update.edited_message is not None:
        return False  # an edit is not a new report
    waiting = context.user_data.get(AWAIT)
    if waiting and time.monotonic() - waiting["at"] > AWAIT_SECONDS:
        context.user_data.pop(AWAIT, None)
        waiting = None
    if waiting or msg.forward_origin is not None:
        return True
    officer = context.services.config.is_officer(update.effective_user.id)
    return not officer and any(getattr(msg, k, None) for k in MEDIA_KINDS)


# ---- private chats ---------------------------------------------------------------------------

async def on_private(update: Update, context: BotContext) -> None:
    """A forward, a photo/file, or the message after a bare /report: file it and answer."""
    msg = update.effective_message
    waiting = context.user_data.pop(AWAIT, None)
    if msg.sticker is not None:
        if waiting:
            context.user_data[AWAIT] = waiting
        await reply(update, context, "reports.sticker")
        return
    text, media = text_of(msg), media_of(msg)
    if not text.strip() and not media:
        if waiting:
            context.user_data[AWAIT] = waiting
        await reply(update, context, "reports.unsupported")
        return
    if waiting and waiting.get("case"):
        await _supplement(update, context, int(waiting["case"]), text, media)
        return
    origin = origin_of(msg)
    source = origin.get("id") if origin.get("type") == "chat" else None
    if source is not None and await context.services.groups.get(source) is None:
        source = None  # a chat we do not know is not a group we could warn
    await file_and_answer(update, context, NewReport(
        reporter_id=update.effective_user.id,
        reporter_role=await role_of(context, update.effective_user.id),
        kind="forward" if msg.forward_origin else "command", chat_id=msg.chat_id,
        message_id=msg.message_id, source_chat_id=source, text=text, media=media,
        origin=origin))


async def report_command(update: Update, context: BotContext) -> None:
    """/report TEXT (or a bare /report, then the next message) in private; replies in groups."""
    if is_group(update.effective_chat):
        await group_report(update, context)
        return
    msg = update.effective_message
    parts = (msg.text or "").split(maxsplit=1)
    text = parts[1].strip() if len(parts) > 1 else ""
    if not text:
        context.user_data[AWAIT] = {"at": time.monotonic()}
        await reply(update, context, "reports.ask_send")
        return
    context.user_data.pop(AWAIT, None)
    await file_and_answer(update, context, NewReport(
        reporter_id=update.effective_user.id,
        reporter_role=await role_of(context, update.effective_user.id), kind="command",
        chat_id=msg.chat_id, message_id=msg.message_id, source_chat_id=None,
        text=text[:MAX_TEXT]))


def _keyboard(update: Update, context: BotContext, filed: casework.Filed
              ) -> InlineKeyboardMarkup | None:
    if filed.route == rules.BLOCKED or not rules.can_withdraw(filed.case.status, False):
        return None
    row = [InlineKeyboardButton(t(update, context, "reports.buttons.withdraw"),
                                callback_data=f"{callbacks.REPORT}:wd:{filed.report_id}")]
    if filed.route == rules.NOT_NEEDED:
        row.append(InlineKeyboardButton(t(update, context, "reports.buttons.ask"),
                                        callback_data=f"{callbacks.REPORT}:ask:{filed.report_id}"))
    return InlineKeyboardMarkup([row])


def answer_text(update: Update, context: BotContext, filed: casework.Filed,
                group_title: str | None = None) -> str:
    a, case = filed.assessment, filed.case
    decided = case.status == rules.DECIDED
    return render_answer(context.services.texts, lang(update, context), Answer(
        case_id=case.id, fraud_type=a["fraud_type"], risk=a["risk"],
        signals=tuple(a["signals"]), has_text=filed.has_text, has_media=filed.has_media,
        route=filed.route,
        verdict=case.verdict if decided else None,
        verdict_type=case.fraud_type if decided else None, others=filed.others,
        daily_limit=context.services.config.reports.daily_limit_per_user,
        group_title=group_title))


async def file_and_answer(update: Update, context: BotContext, new: NewReport) -> None:
    """Store and assess, answer the reporter, then put a new case in front of the officers."""
    filed = await casework.file_report(context.services, new)
    if filed.route == rules.THROTTLED:
        if filed.notice:
            await reply(update, context, "reports.throttled",
                        limit=context.services.config.reports.per_minute)
        return
    await update.effective_message.reply_text(answer_text(update, context, filed),
                                              reply_markup=_keyboard(update, context, filed))
    await review.after_filing(context, filed)


async def _supplement(update: Update, context: BotContext, case_id: int, text: str,
                      media: tuple[dict, ...]) -> None:
    msg, user = update.effective_message, update.effective_user
    case = await casework.add_supplement(context.services, case_id, NewReport(
        reporter_id=user.id, reporter_role=await role_of(context, user.id), kind="supplement",
        chat_id=msg.chat_id, message_id=msg.message_id, source_chat_id=None, text=text,
        media=media, origin=origin_of(msg)))
    if case is None:
        await reply(update, context, "reports.supplement_closed", case=case_id)
        return
    await reply(update, context, "reports.supplement_received", case=case_id)
    await review.post_supplement(context, case, user.full_name, text, msg)


# ---- groups ----------------------------------------------------------------------------------

async def _tell_privately(update: Update, context: BotContext, key: str, **kw: object) -> None:
    """Tell the sender in private; only if that is impossible, a short line in the group."""
    try:
        await context.bot.send_message(update.effective_user.id, t(update, context, key, **kw))
    except TelegramError:
        await context.bot.send_message(update.effective_chat.id, t(
            update, context, "reports.group_use_private", bot=context.bot.username or ""))


async def group_report(update: Update, context: BotContext) -> None:
    """A volunteer or officer replies /report to a message: it becomes a report from the group."""
    services, chat, msg = context.services, update.effective_chat, update.effective_message
    user = update.effective_user
    role = await role_of(context, user.id)
    if role == rules.RESIDENT:
        await _tell_privately(update, context, "reports.group_volunteers_only")
        return
    target = msg.reply_to_message
    if target is None:  # no reply, or the message was deleted before the reply was sent
        await _tell_privately(update, context, "reports.group_usage")
        return
    if (target.from_user and target.from_user.id == context.bot.id) or not (
            text_of(target).strip() or media_of(target)):
        await _tell_privately(update, context, "reports.group_cannot")
        return
    filed = await casework.file_report(services, NewReport(
        reporter_id=user.id, reporter_role=role, kind="group", chat_id=chat.id,
        message_id=target.message_id, source_chat_id=chat.id, text=text_of(target),
        media=media_of(target), origin=sender_of(target)))
    if services.config.reports.delete_group_command:
        with contextlib.suppress(TelegramError):  # needs the delete right; fine without
            await msg.delete()
    if filed.route == rules.THROTTLED and not filed.notice:
        return
    if filed.route != rules.BLOCKED:
        await context.bot.send_message(chat.id, t(update, context, "reports.group_ack"))
    with contextlib.suppress(TelegramError):  # the reporter may never have opened the bot
        if filed.route == rules.THROTTLED:
            await context.bot.send_message(user.id, t(
                update, context, "reports.throttled", limit=services.config.reports.per_minute))
            return
        await context.bot.send_message(
            user.id, answer_text(update, context, filed, group_title=chat.title or ""),
            reply_markup=_keyboard(update, context, filed))
    await review.after_filing(context, filed)


# ---- the reporter's buttons ------------------------------------------------------------------

async def on_button(update: Update, context: BotContext) -> None:
    """rp:wd:<report> withdraw · rp:ask:<report> ask an officer · rp:add:<case> send more."""
    query, services, user = update.callback_query, context.services, update.effective_user
    parsed = callbacks.parse(query.data, callbacks.REPORT, ("wd", "ask", "add"))
    if parsed is None or not parsed[1].isdigit():
        await query.answer(t(update, context, "reports.stale"), show_alert=True)
        return
    action, ident = parsed[0], int(parsed[1])
    if action == "wd":
        report = await services.cases.report(ident)
        if report is None or report.reporter_id != user.id:  # forged: not this user's report
            await query.answer(t(update, context, "reports.stale"), show_alert=True)
            return
        case = await casework.withdraw(services, ident, user.id)
        if case is None:
            await query.answer(t(update, context, "reports.cannot_withdraw"), show_alert=True)
            return
        await query.answer()
        await query.edit_message_text(f"{query.message.text_html}\n\n"
                                      + t(update, context, "reports.withdrawn"))
        await review.refresh_cards(context.bot, services, case.id)
    elif action == "ask":
        await _ask(update, context, ident)
    else:
        reporters = {r.reporter_id for r in await services.cases.reports_of(ident)}
        case = await services.cases.get(ident)
        if case is None or not case.undecided or user.id not in reporters:
            await query.answer(t(update, context, "reports.stale"), show_alert=True)
            return
        context.user_data[AWAIT] = {"at": time.monotonic(), "case": ident}
        await query.answer()
        await context.bot.send_message(user.id, t(update, context, "reports.ask_supplement",
                                                  case=ident))


async def _ask(update: Update, context: BotContext, report_id: int) -> None:
    query, services = update.callback_query, context.services
    outcome = await casework.ask_officers(services, report_id, update.effective_user.id)
    if outcome != rules.TO_OFFICERS:
        key = {rules.LIMIT_REACHED: "reports.ask_limit",
               rules.ALREADY_ROUTED: "reports.ask_already",
               rules.BLOCKED: "reports.ask_blocked"}.get(outcome, "reports.stale")
        await query.answer(t(update, context, key,
                             limit=services.config.reports.daily_limit_per_user),
                           show_alert=True)
        return
    await query.answer()
    report = await services.cases.report(report_id)
    keep = InlineKeyboardMarkup([[InlineKeyboardButton(
        t(update, context, "reports.buttons.withdraw"),
        callback_data=f"{callbacks.REPORT}:wd:{report_id}")]])
    await query.edit_message_text(f"{query.message.text_html}\n\n" + t(update, context,
                                                                       "reports.asked"),
                                  reply_markup=keep)
    await review.send_card(context.bot, services, report.case_id)  # type: ignore[union-attr]
