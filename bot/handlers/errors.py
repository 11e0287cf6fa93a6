"""The application error handler: log with context, apologise briefly, never let the bot die."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.context import BotContext
from bot.daily import follow_migration
from bot.handlers.common import is_group, t

log = logging.getLogger(__name__)


def _describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)[:200]
    chat = update.effective_chat
    user = update.effective_user
    kind = next((k for k in ("message", "callback_query", "poll_answer", "my_chat_member",
                             "edited_message", "poll") if getattr(update, k, None)), "update")
    return (f"update {update.update_id} ({kind}) chat={chat.id if chat else None} "
            f"user={user.id if user else None}")


async def on_error(update: object, context: BotContext) -> None:
    """Expected Telegram errors are handled narrowly; anything else is logged in full."""
    error = context.error
    where = _describe(update)
    if isinstance(error, Forbidden):
        chat = update.effective_chat if isinstance(update, Update) else None
        log.warning("Forbidden in %s: %s", where, error.message)
        if is_group(chat):
            await context.services.groups.left(chat.id)
        return
    if isinstance(error, ChatMigrated) and isinstance(update, Update) and update.effective_chat:
        await follow_migration(context.application, update.effective_chat.id,
                               error.new_chat_id)
        return
    if isinstance(error, RetryAfter | NetworkError):
        log.warning("Telegram unavailable for %s: %s", where, error)
        return
    if isinstance(error, BadRequest) and "query is too old" in error.message:
        return  # a button pressed long ago; nothing to tell anyone
    log.error("Unhandled error in %s", where, exc_info=error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id,
                                           t(update, context, "common.error"))
        except Exception as exc:  # the apology itself may fail (blocked, network)
            log.info("Could not send the apology: %s", exc)
