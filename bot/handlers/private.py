"""Private chats: route free text and files to the right feature; /cancel; stale buttons."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers import faq, reports, tip_drafts
from bot.handlers.common import reply

YAML_NAMES = (".yaml", ".yml")


async def on_message(update: Update, context: BotContext) -> None:
    """Non-command messages in private: an unfinished flow first, then the default answer."""
    flow = context.user_data.get(tip_drafts.FLOW)
    msg = update.effective_message
    if flow and msg.text and msg.forward_origin is None:
        await tip_drafts.on_flow_text(update, context, flow)
        return
    # Forwards, photos and files from non-officers, and the message after a bare /report.
    if reports.wants(update, context):
        await reports.on_private(update, context)
        return
    if msg.text and msg.forward_origin is None:
        await faq.on_private_text(update, context)  # plain text: a question for the FAQ
        return
    await reply(update, context, "private.fallback")


async def on_document(update: Update, context: BotContext) -> None:
    """A file in private: officers' tip YAML uploads; anything else goes the normal way."""
    doc = update.effective_message.document
    name = (doc.file_name or "").lower()
    if (context.services.config.is_officer(update.effective_user.id)
            and name.endswith(YAML_NAMES) and update.effective_message.forward_origin is None):
        await tip_drafts.import_yaml(update, context)
        return
    await on_message(update, context)


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel — abandon whatever was being written."""
    had = context.user_data.pop(tip_drafts.FLOW, None)
    had = context.user_data.pop(reports.AWAIT, None) or had
    await reply(update, context, "private.cancelled" if had else "private.nothing_to_cancel")


async def unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, context, "private.unknown_command")


async def stale_button(update: Update, context: BotContext) -> None:
    """A button whose data no handler recognises (forged, or from an old version)."""
    await update.callback_query.answer(context.services.texts.t(
        "review.stale", context.services.texts.lang(update.effective_user.language_code)),
        show_alert=True)
