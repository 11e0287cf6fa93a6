"""Groups: the bot joins or leaves, admins register the group's audience, officers list groups."""

from __future__ import annotations

import logging
from collections import Counter
from html import escape

from telegram import ChatMemberAdministrator, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus

from bot.context import BotContext
from bot.daily import follow_migration
from bot.domain.taxonomy import GROUP_TYPES, parse_register_args
from bot.handlers.common import group_only, is_chat_admin, is_group, officer_only, reply, t
from bot.jobs import schedule_group, unschedule_group

log = logging.getLogger(__name__)

IN_CHAT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER,
           ChatMemberStatus.RESTRICTED)


def _can_pin(update: ChatMemberUpdated) -> bool:
    member = update.new_chat_member
    return isinstance(member, ChatMemberAdministrator) and bool(member.can_pin_messages)


async def bot_membership(update: Update, context: BotContext) -> None:
    """my_chat_member: added -> greet and ask an admin to register; kicked/left -> inactive."""
    change = update.my_chat_member
    if change is None or not is_group(change.chat):
        return
    groups = context.services.groups
    chat = change.chat
    was_in = change.old_chat_member.status in IN_CHAT
    now_in = change.new_chat_member.status in IN_CHAT
    if now_in:
        group = await groups.joined(chat.id, chat.title or "", chat.type, can_pin=_can_pin(change))
        schedule_group(context.application, group)
        if not was_in:
            log.info("Added to group %s (%s)", chat.id, chat.title)
            key = "group.welcome_back" if group.registered else "group.welcome"
            await context.bot.send_message(chat.id, t(update, context, key,
                                                      types=" | ".join(GROUP_TYPES)))
    elif was_in:
        log.info("Removed from group %s (%s)", chat.id, change.new_chat_member.status)
        await groups.left(chat.id)
        unschedule_group(context.application, chat.id)


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: move everything to the new chat id, losing nothing."""
    msg = update.effective_message
    if msg is None:
        return
    old, new = ((msg.chat_id, msg.migrate_to_chat_id) if msg.migrate_to_chat_id
                else (msg.migrate_from_chat_id, msg.chat_id))
    await follow_migration(context.application, old, new)


@group_only
async def register(update: Update, context: BotContext) -> None:
    """/register <type> [area] — group admins (checked with getChatMember) or officers."""
    chat, user = update.effective_chat, update.effective_user
    if not (context.services.config.is_officer(user.id) or await is_chat_admin(update, context)):
        await reply(update, context, "group.admins_only")
        return
    parsed = parse_register_args(context.args or [])
    if parsed is None:
        await reply(update, context, "group.register_usage", types=" | ".join(GROUP_TYPES))
        return
    group_type, area = parsed
    group = await context.services.groups.register(chat.id, chat.title or "", chat.type,
                                                   group_type, area, user.id)
    schedule_group(context.application, group)
    await reply(update, context, "group.registered",
                type=t(update, context, f"group_type.{group_type}"),
                area=escape(group.area) or t(update, context, "group.no_area"))


@group_only
async def unregister(update: Update, context: BotContext) -> None:
    """/unregister — stop all scheduled posts here; the history is kept."""
    user = update.effective_user
    if not (context.services.config.is_officer(user.id) or await is_chat_admin(update, context)):
        await reply(update, context, "group.admins_only")
        return
    done = await context.services.groups.unregister(update.effective_chat.id)
    unschedule_group(context.application, update.effective_chat.id)
    await reply(update, context, "group.unregistered" if done else "group.not_registered")


@officer_only
async def list_groups(update: Update, context: BotContext) -> None:
    """/groups — officers: groups by type and area, with counts."""
    groups = await context.services.groups.all()
    if not groups:
        await reply(update, context, "groups.none")
        return
    active = [g for g in groups if g.active and g.registered]
    lines = [t(update, context, "groups.header", total=len(groups), active=len(active),
               inactive=sum(1 for g in groups if not g.active),
               unregistered=sum(1 for g in groups if g.active and not g.registered))]
    counts = Counter((g.group_type, g.area) for g in active)
    for (group_type, area), n in sorted(counts.items()):
        lines.append(t(update, context, "groups.row", type=t(update, context,
                       f"group_type.{group_type}"), area=escape(area) or "—", count=n))
    for g in active[:50]:
        lines.append(f"• {escape(g.title)} <code>{g.chat_id}</code>")
    if len(active) > 50:
        lines.append(t(update, context, "groups.more", count=len(active) - 50))
    await update.effective_message.reply_text("\n".join(lines))
