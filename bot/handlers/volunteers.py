"""Volunteers: /invite links, joining through one, /volunteers, /revoke, /block, /unblock."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.domain.cases import parse_user_id
from bot.handlers import callbacks
from bot.handlers.common import is_private, officer_only, reply, t
from bot.store.users import RESIDENT, VOLUNTEER

log = logging.getLogger(__name__)

PAYLOAD = "inv"  # t.me/<bot>?start=inv_<code>
CALLBACK_PATTERN = rf"^{callbacks.VOLUNTEER}:"
MAX_LISTED = 40
MAX_BUTTONS = 20


@officer_only
async def invite(update: Update, context: BotContext) -> None:
    """/invite [area] [note] — a one-time volunteer link that expires after reports.invite_days."""
    services = context.services
    args = context.args or []
    area = args[0][:64] if args else ""
    note = " ".join(args[1:])[:200]
    code = secrets.token_urlsafe(12).replace("_", "x").replace("-", "y")
    now = services.clock()
    days = services.config.reports.invite_days
    await services.invites.create(code, update.effective_user.id, area, note, now.timestamp(),
                                  (now + dt.timedelta(days=days)).timestamp())
    link = f"https://t.me/{context.bot.username}?start={PAYLOAD}_{code}"
    await reply(update, context, "reports.volunteers.invite_link", link=escape(link),
                days=f"{days:g}", area=escape(area) or t(update, context,
                                                          "reports.volunteers.no_area"),
                note=escape(note) or "—")


async def accept_invite(update: Update, context: BotContext) -> None:
    """/start inv_<code>: whoever opens a valid, unused, unexpired link becomes a volunteer."""
    services, user = context.services, update.effective_user
    if not is_private(update):
        await reply(update, context, "reports.volunteers.private_only")
        return
    code = context.args[0].split("_", 1)[1] if "_" in context.args[0] else ""
    if services.config.is_officer(user.id):
        await reply(update, context, "reports.volunteers.officer")
        return
    record = await services.users.get(user.id)
    if record is not None and record.role == VOLUNTEER:
        await reply(update, context, "reports.volunteers.already")
        return
    if not await services.invites.claim(code, user.id, services.clock().timestamp()):
        found = await services.invites.get(code)
        key = "invalid" if found is None else "used" if found.used_by else "expired"
        await reply(update, context, f"reports.volunteers.{key}")
        return
    found = await services.invites.get(code)
    area = found.area if found else ""
    await services.users.set_role(user.id, VOLUNTEER, area)
    await reply(update, context, "reports.volunteers.welcome",
                area=escape(area) or t(update, context, "reports.volunteers.no_area"))
    if found is not None:
        try:
            await context.bot.send_message(found.created_by, services.texts.t(
                "reports.volunteers.invited", services.config.locale,
                name=escape(user.full_name), id=user.id))
        except TelegramError as exc:
            log.info("Could not tell officer %s about a new volunteer: %s", found.created_by,
                     exc)


async def _listing(update: Update, context: BotContext
                   ) -> tuple[str, InlineKeyboardMarkup | None]:
    services = context.services
    people = await services.users.by_role(VOLUNTEER)
    if not people:
        return t(update, context, "reports.volunteers.none"), None
    stats = await services.cases.reporter_stats()
    lines = [t(update, context, "reports.volunteers.header", count=len(people))]
    for p in people[:MAX_LISTED]:
        reports, decided, scams = stats.get(p.user_id, (0, 0, 0))
        share = f"{scams / decided:.0%}" if decided else "—"
        lines.append(t(update, context, "reports.volunteers.row", name=escape(p.display_name),
                       id=p.user_id, area=escape(p.area) or "—", reports=reports,
                       decided=decided, share=share)
                     + (t(update, context, "reports.volunteers.blocked_mark")
                        if p.blocked else ""))
    if len(people) > MAX_LISTED:
        lines.append(t(update, context, "groups.more", count=len(people) - MAX_LISTED))
    buttons = [[InlineKeyboardButton(
        t(update, context, "reports.volunteers.revoke_button", name=p.display_name[:20]),
        callback_data=f"{callbacks.VOLUNTEER}:revoke:{p.user_id}")]
        for p in people[:MAX_BUTTONS]]
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


@officer_only
async def list_volunteers(update: Update, context: BotContext) -> None:
    """/volunteers — who they are, their reports and the share confirmed as scams."""
    text, markup = await _listing(update, context)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _revoke(update: Update, context: BotContext, user_id: int) -> bool:
    services = context.services
    user = await services.users.get(user_id)
    if user is None or user.role != VOLUNTEER:
        return False
    await services.users.set_role(user_id, RESIDENT, "")
    return True


@officer_only
async def revoke(update: Update, context: BotContext) -> None:
    """/revoke <user id> — the volunteer becomes a resident again."""
    user_id = parse_user_id(context.args or [])
    if user_id is None:
        await reply(update, context, "reports.volunteers.user_usage", command="revoke")
        return
    if not await _revoke(update, context, user_id):
        await reply(update, context, "reports.volunteers.not_volunteer", id=user_id)
        return
    user = await context.services.users.get(user_id)
    await reply(update, context, "reports.volunteers.revoked",
                name=escape(user.display_name if user else str(user_id)), id=user_id)


async def _set_blocked(update: Update, context: BotContext, blocked: bool) -> None:
    command = "block" if blocked else "unblock"
    user_id = parse_user_id(context.args or [])
    if user_id is None:
        await reply(update, context, "reports.volunteers.user_usage", command=command)
        return
    user = await context.services.users.get(user_id)
    if user is None:
        await reply(update, context, "reports.volunteers.unknown_user", id=user_id)
        return
    await context.services.users.set_flag(user_id, "blocked", blocked)
    await reply(update, context, f"reports.volunteers.{command}ed",
                name=escape(user.display_name), id=user_id)


@officer_only
async def block(update: Update, context: BotContext) -> None:
    """/block <user id> — their reports are still stored but no longer reach officers."""
    await _set_blocked(update, context, True)


@officer_only
async def unblock(update: Update, context: BotContext) -> None:
    """/unblock <user id>."""
    await _set_blocked(update, context, False)


async def on_button(update: Update, context: BotContext) -> None:
    """vol:revoke:<user id> under /volunteers — officers only, data re-validated."""
    query = update.callback_query
    if not context.services.config.is_officer(update.effective_user.id):
        await query.answer(t(update, context, "common.officers_only"), show_alert=True)
        return
    parsed = callbacks.parse(query.data, callbacks.VOLUNTEER, ("revoke",))
    user_id = parse_user_id([parsed[1]]) if parsed else None
    if user_id is None or not await _revoke(update, context, user_id):
        await query.answer(t(update, context, "reports.stale"), show_alert=True)
        return
    await query.answer(t(update, context, "reports.volunteers.revoked_alert", id=user_id))
    text, markup = await _listing(update, context)
    await query.edit_message_text(text, reply_markup=markup)
