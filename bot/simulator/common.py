"""Checks shared by the Bot API methods: target chat, text/caption, reply, keyboard."""

from __future__ import annotations

import logging
from typing import Any

from bot.simulator.entities import merge_entities, strip_text
from bot.simulator.models import bad_request, forbidden
from bot.simulator.params import Params
from bot.simulator.world import World
from bot.tghtml import TgHtmlError, normalize_url, parse_html, utf16_len

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def group_word(chat: dict[str, Any]) -> str:
    """'supergroup', 'group' or 'channel' as used in Telegram's error texts."""
    return {"supergroup": "supergroup", "channel": "channel"}.get(chat["type"], "group")


def resolve_chat(w: World, p: Params, *, name: str = "chat_id", sending: bool = False) -> int:
    """The chat the call targets, checking it exists and the bot may act there."""
    chat_id = p.chat_id(name)
    if chat_id in w.migrated:
        raise bad_request(
            "group chat was upgraded to a supergroup chat", migrate_to_chat_id=w.migrated[chat_id]
        )
    chat = w.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if chat["type"] == "private":
        state = w.user_state[chat_id]
        if state.blocked:
            raise forbidden("bot was blocked by the user")
        if sending and not state.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat_id
    status = w.status(chat_id, w.bot_id)
    if status == "kicked":
        raise forbidden(f"bot was kicked from the {group_word(chat)} chat")
    if status == "left":
        raise forbidden(f"bot is not a member of the {group_word(chat)} chat")
    if (
        sending
        and status == "restricted"
        and not w.member(chat_id, w.bot_id).get("can_send_messages", False)
    ):
        raise bad_request("not enough rights to send text messages to the chat")
    return chat_id


def bot_is_admin(w: World, chat_id: int, right: str | None = None) -> bool:
    """Whether the bot is an administrator of a group (with ``right`` if given)."""
    record = w.member(chat_id, w.bot_id)
    if record["status"] == "creator":
        return True
    if record["status"] != "administrator":
        return False
    return right is None or bool(record.get(right, False))


def parse_text(
    raw: str, mode: str | None, explicit: Any, *, what: str = "text"
) -> tuple[str, list[dict]]:
    """Apply parse_mode (HTML via bot.tghtml; Markdown modes kept as plain text)."""
    mode = (mode or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw)
        except TgHtmlError as exc:
            raise bad_request(str(exc)) from None
    elif mode in ("markdown", "markdownv2"):
        text, entities = raw, []  # simplification: markdown markup is not interpreted
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        text = raw
        entities = [dict(e) for e in explicit] if isinstance(explicit, list) else []
        total = utf16_len(text)
        for entity in entities:
            if not isinstance(entity, dict) or {"type", "offset", "length"} - entity.keys():
                raise bad_request(f"can't parse {what} entities: invalid entity")
            if entity["offset"] < 0 or entity["offset"] + entity["length"] > total:
                raise bad_request(f"can't parse {what} entities: entity beyond the end of text")
    text, entities = strip_text(text, entities)
    return text, merge_entities(text, entities)


def prepare_text(p: Params) -> tuple[str, list[dict], str]:
    """Message text after parse_mode, with Telegram's empty/too long checks."""
    raw = p.get_str("text")
    if not raw:
        raise bad_request("message text is empty")
    text, entities = parse_text(raw, p.get_str("parse_mode"), p.get_json("entities"))
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities, raw


def prepare_caption(p: Params) -> tuple[str | None, list[dict], str | None]:
    """Caption after parse_mode (None if absent), with the 1024-unit limit."""
    raw = p.get_str("caption")
    if not raw:
        return None, [], None
    text, entities = parse_text(
        raw, p.get_str("parse_mode"), p.get_json("caption_entities"), what="caption"
    )
    if utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return (text or None), entities, raw


def caption_content(text: str | None, entities: list[dict]) -> dict[str, Any]:
    """The caption fields of a Message."""
    content: dict[str, Any] = {}
    if text:
        content["caption"] = text
        if entities:
            content["caption_entities"] = entities
    return content


def check_markup(p: Params) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; returns the markup dict or None."""
    markup = p.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("BUTTON_TEXT_INVALID")
        if not any(key in button for key in INLINE_ACTIONS):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        data = button.get("callback_data")
        if data is not None and not (
            isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= 64
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and normalize_url(str(button["url"])) is None:
            raise bad_request("BUTTON_URL_INVALID")
    return markup


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Messages carry reply_markup only when it is an inline keyboard."""
    return markup if markup is not None and "inline_keyboard" in markup else None


def resolve_reply(w: World, p: Params, chat_id: int) -> dict[str, Any] | None:
    """The message being replied to (reply_parameters or legacy reply_to_message_id)."""
    params = p.get_json("reply_parameters")
    params = params if isinstance(params, dict) else {}
    message_id = params.get("message_id") or p.get_int("reply_to_message_id")
    if not message_id:
        return None
    allow = params.get("allow_sending_without_reply", p.get_bool("allow_sending_without_reply"))
    target = int(params.get("chat_id", chat_id))
    msg = w.get_message(target, int(message_id))
    if msg is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return msg


def post_bot_message(
    w: World,
    chat_id: int,
    content: dict[str, Any],
    *,
    html: str | None = None,
    reply: dict[str, Any] | None = None,
    markup: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a message from the bot, log it as sent and return it for the response."""
    content = dict(content)
    inline = inline_only(markup)
    if inline is not None:
        content["reply_markup"] = inline
    msg = w.new_message(chat_id, w.bot_user, content, reply_to=reply)
    w.record_sent(msg, html)
    return msg  # serialized right away by the server, before anything can change it


def bot_message(w: World, chat_id: int, message_id: int, missing: str) -> dict[str, Any]:
    """A stored message in a chat, or 400 with ``missing`` as the description."""
    msg = w.get_message(chat_id, message_id)
    if msg is None:
        raise bad_request(missing)
    return msg
