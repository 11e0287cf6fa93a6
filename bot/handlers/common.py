"""Helpers every handler uses: the user's language and role, replies, access checks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.store.users import RESIDENT, VOLUNTEER

log = logging.getLogger(__name__)

OFFICER = "officer"
Handler = Callable[[Update, BotContext], Awaitable[Any]]
ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
# Telegram's "GroupAnonymousBot": a message an anonymous admin sent on behalf of the group.
ANONYMOUS_ADMIN_ID = 1087968824


def lang(update: Update | None, context: BotContext) -> str:
    """The locale for whoever caused this update."""
    user = update.effective_user if update else None
    return context.services.texts.lang(user.language_code if user else None)


def t(update: Update | None, context: BotContext, key: str, **kwargs: object) -> str:
    """A text in the language of the update's user."""
    return context.services.texts.t(key, lang(update, context), **kwargs)


async def role_of(context: BotContext, user_id: int | None) -> str:
    """officer (from config only) > volunteer (from the database) > resident."""
    if context.services.config.is_officer(user_id):
        return OFFICER
    if user_id is None:
        return RESIDENT
    user = await context.services.users.get(user_id)
    return user.role if user and user.role == VOLUNTEER else RESIDENT


async def reply(update: Update, context: BotContext, key: str, **kwargs: object) -> None:
    """Reply in the chat of the update with a localised text."""
    if update.effective_message:
        await update.effective_message.reply_text(t(update, context, key, **kwargs))


def is_private(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def is_group(chat: Chat | None) -> bool:
    return bool(chat and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP))


async def is_chat_admin(update: Update, context: BotContext) -> bool:
    """Ask Telegram whether the sender administers this chat; never trust the message itself."""
    chat, user, msg = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None:
        return False
    if msg is not None and msg.sender_chat is not None and msg.sender_chat.id == chat.id:
        return True  # only admins can post anonymously as the group itself
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("getChatMember failed in %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


def officer_only(func: Handler) -> Handler:
    """Run the handler only for configured officers; everyone else is told so."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> Any:
        user = update.effective_user
        if not context.services.config.is_officer(user.id if user else None):
            if update.callback_query:
                await update.callback_query.answer(t(update, context, "common.officers_only"),
                                                   show_alert=True)
            else:
                await reply(update, context, "common.officers_only")
            return None
        return await func(update, context)

    return wrapper


def private_only(func: Handler) -> Handler:
    """Run only in a private chat with the bot; elsewhere point the user there."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> Any:
        if not is_private(update):
            await reply(update, context, "common.private_only",
                        bot=context.bot.username or "")
            return None
        return await func(update, context)

    return wrapper


def group_only(func: Handler) -> Handler:
    """Run only in a group chat."""

    @functools.wraps(func)
    async def wrapper(update: Update, context: BotContext) -> Any:
        if not is_group(update.effective_chat):
            await reply(update, context, "common.group_only")
            return None
        return await func(update, context)

    return wrapper


async def track_user(update: Update, context: BotContext) -> None:
    """Runs first for every update: remember the user and whether they opened a private chat."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    await context.services.users.seen(user.id, user.first_name, user.last_name, user.username,
                                      user.language_code, private=is_private(update))
