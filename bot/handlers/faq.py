"""Questions: plain text in private (or a mention/reply in a group) -> the best FAQ answer."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update

from bot.context import BotContext
from bot.domain.faq import FaqEntry
from bot.domain.quiz_text import button_label, render_faq
from bot.handlers import callbacks
from bot.handlers.common import lang, t

CALLBACK_PATTERN = rf"^{callbacks.FAQ}:"


def _buttons(entries: tuple[FaqEntry, ...] | list[FaqEntry]) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(button_label(e.question),
                                  callback_data=f"{callbacks.FAQ}:a:{e.id}")] for e in entries]
    return InlineKeyboardMarkup(rows) if rows else None


async def _send_entry(context: BotContext, chat_id: int, language: str, entry: FaqEntry, *,
                      reply_to: Message | None = None) -> None:
    index = context.services.content.faq
    related = [index.by_id[r] for r in entry.related if r in index.by_id]
    text = render_faq(context.services.texts, language, entry)
    if related:
        text += "\n\n" + context.services.texts.t("faq.related", language)
    markup = _buttons(related)
    if reply_to is not None:
        await reply_to.reply_text(text, reply_markup=markup)
    else:
        await context.bot.send_message(chat_id, text, reply_markup=markup)


async def answer(update: Update, context: BotContext, text: str, *,
                 silent_if_unknown: bool = False) -> None:
    """Answer a question with the best FAQ entry, or say where to turn when nothing fits."""
    msg, index = update.effective_message, context.services.content.faq
    match = index.match(text)
    if match is not None:
        await _send_entry(context, msg.chat_id, lang(update, context), match.entry, reply_to=msg)
        return
    if silent_if_unknown:
        return
    suggestions = index.suggestions(text)
    note = t(update, context, "faq.no_match")
    if suggestions:
        note += "\n\n" + t(update, context, "faq.suggest")
    await msg.reply_text(note, reply_markup=_buttons(suggestions))


async def on_private_text(update: Update, context: BotContext) -> None:
    """Plain text in a private chat (not a command, not forwarded): a question."""
    await answer(update, context, update.effective_message.text or "")


def _mentions_bot(msg: Message, username: str) -> str | None:
    """The text without the @bot mention when the bot is mentioned, else None."""
    text = msg.text or ""
    for entity in msg.entities:
        if entity.type == MessageEntity.MENTION:
            mention = msg.parse_entity(entity)
            if mention.lstrip("@").lower() == username.lower():
                return text.replace(mention, " ").strip()
    return None


async def on_group_text(update: Update, context: BotContext) -> None:
    """In groups: answer when the bot is @mentioned (always) or replied to (only on a match)."""
    msg = update.effective_message
    if msg is None or not msg.text or msg.forward_origin is not None:
        return
    question = _mentions_bot(msg, context.bot.username or "")
    if question is not None:
        await answer(update, context, question)
        return
    replied = msg.reply_to_message
    if replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        # A reply ("收到", "谢谢") to the daily bulletin is chat, not a question: only a match
        # gets an answer.
        await answer(update, context, msg.text, silent_if_unknown=True)


async def on_button(update: Update, context: BotContext) -> None:
    """A related-question button: answer that entry (the id is re-checked against the FAQ)."""
    query = update.callback_query
    parsed = callbacks.parse(query.data, callbacks.FAQ, ("a",))
    entry = context.services.content.faq.by_id.get(parsed[1]) if parsed else None
    if entry is None:
        await query.answer(t(update, context, "review.stale"), show_alert=True)
        return
    await query.answer()
    chat_id = query.message.chat_id if query.message else update.effective_user.id
    await _send_entry(context, chat_id, lang(update, context), entry)
