"""Bot API methods that change existing messages: edits, deletion, pins."""

from __future__ import annotations

import copy
import logging
from typing import Any

from bot.simulator.common import (
    NOT_MODIFIED,
    bot_is_admin,
    bot_message,
    check_markup,
    inline_only,
    prepare_caption,
    prepare_text,
    resolve_chat,
)
from bot.simulator.models import bad_request
from bot.simulator.params import Params, api_method
from bot.simulator.world import World, now

logger = logging.getLogger(__name__)


def _editable(w: World, p: Params) -> tuple[int, dict[str, Any]]:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat_id = resolve_chat(w, p)
    msg = bot_message(
        w, chat_id, p.get_int("message_id", required=True), "message to edit not found"
    )
    if msg.get("from", {}).get("id") != w.bot_id:
        raise bad_request("message can't be edited")
    return chat_id, msg


def _apply(
    w: World,
    chat_id: int,
    msg: dict[str, Any],
    fields: dict[str, Any],
    markup: dict[str, Any] | None,
    html: str | None = None,
) -> dict[str, Any]:
    """Apply an edit (``fields`` with None values are removed) or 400 if nothing changes."""
    before = {key: msg.get(key) for key in fields}
    before["reply_markup"] = msg.get("reply_markup")
    after = {**fields, "reply_markup": markup}
    if before == after:
        raise bad_request(NOT_MODIFIED)
    for key, value in after.items():
        if value is None or value == []:
            msg.pop(key, None)
        else:
            msg[key] = value
    msg["edit_date"] = now()
    sent = w.sent_index.get((chat_id, msg["message_id"]))
    if sent is not None:
        sent.edits += 1
        sent.refresh()
        if "text" in fields:
            sent.text = msg["text"]
            sent.entities = list(msg.get("entities", []))
        if "caption" in fields:
            sent.text = msg.get("caption")
            sent.entities = list(msg.get("caption_entities", []))
        if html is not None:
            sent.html = html
    w.emit("edit", chat_id, msg)
    return copy.deepcopy(msg)


@api_method("editMessageText")
def edit_message_text(w: World, p: Params) -> dict[str, Any]:
    """editMessageText (a missing reply_markup removes the inline keyboard, as on Telegram)."""
    chat_id, msg = _editable(w, p)
    if "text" not in msg:
        raise bad_request("there is no text in the message to edit")
    text, entities, html = prepare_text(p)
    markup = inline_only(check_markup(p))
    fields: dict[str, Any] = {"text": text, "entities": entities or None}
    preview = p.get_json("link_preview_options")
    if isinstance(preview, dict) and preview:
        fields["link_preview_options"] = preview
    return _apply(w, chat_id, msg, fields, markup, html)


@api_method("editMessageCaption")
def edit_message_caption(w: World, p: Params) -> dict[str, Any]:
    """editMessageCaption."""
    chat_id, msg = _editable(w, p)
    if not any(key in msg for key in ("photo", "document")):
        raise bad_request("there is no caption in the message to edit")
    caption, entities, html = prepare_caption(p)
    markup = inline_only(check_markup(p))
    fields = {"caption": caption, "caption_entities": entities or None}
    return _apply(w, chat_id, msg, fields, markup, html)


@api_method("editMessageReplyMarkup")
def edit_message_reply_markup(w: World, p: Params) -> dict[str, Any]:
    """editMessageReplyMarkup."""
    chat_id, msg = _editable(w, p)
    markup = check_markup(p)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return _apply(w, chat_id, msg, {}, markup)


@api_method("deleteMessage")
def delete_message(w: World, p: Params) -> bool:
    """deleteMessage: own messages anywhere; others' in private chats or as a group admin."""
    chat_id = resolve_chat(w, p)
    message_id = p.get_int("message_id", required=True)
    msg = bot_message(w, chat_id, message_id, "message to delete not found")
    own = msg.get("from", {}).get("id") == w.bot_id
    if chat_id < 0 and not own and not bot_is_admin(w, chat_id, "can_delete_messages"):
        raise bad_request("message can't be deleted")
    w.remove_message(chat_id, message_id)
    return True


def _check_pin_rights(w: World, chat_id: int) -> None:
    if chat_id < 0 and not bot_is_admin(w, chat_id, "can_pin_messages"):
        raise bad_request("not enough rights to manage pinned messages in the chat")


def _set_pinned(w: World, chat_id: int, message_id: int, pinned: bool) -> None:
    pins = w.pins.setdefault(chat_id, [])
    if message_id in pins:
        pins.remove(message_id)
    if pinned:
        pins.append(message_id)
    sent = w.sent_index.get((chat_id, message_id))
    if sent is not None:
        sent.pinned = pinned
    w.emit("pin", chat_id, {"chat_id": chat_id, "message_id": message_id, "pinned": pinned})


@api_method("pinChatMessage")
def pin_chat_message(w: World, p: Params) -> bool:
    """pinChatMessage (needs can_pin_messages in groups)."""
    chat_id = resolve_chat(w, p)
    message_id = p.get_int("message_id", required=True)
    msg = bot_message(w, chat_id, message_id, "message to pin not found")
    _check_pin_rights(w, chat_id)
    _set_pinned(w, chat_id, message_id, True)
    pinned = copy.deepcopy(msg)
    pinned.pop("reply_to_message", None)
    w.new_message(chat_id, w.bot_user, {"pinned_message": pinned})
    return True


@api_method("unpinChatMessage")
def unpin_chat_message(w: World, p: Params) -> bool:
    """unpinChatMessage (the given message, else the most recently pinned one)."""
    chat_id = resolve_chat(w, p)
    _check_pin_rights(w, chat_id)
    pins = w.pins.get(chat_id, [])
    message_id = p.get_int("message_id") or (pins[-1] if pins else None)
    if message_id is not None:
        _set_pinned(w, chat_id, message_id, False)
    return True


@api_method("unpinAllChatMessages")
def unpin_all_chat_messages(w: World, p: Params) -> bool:
    """unpinAllChatMessages."""
    chat_id = resolve_chat(w, p)
    _check_pin_rights(w, chat_id)
    for message_id in list(w.pins.get(chat_id, [])):
        _set_pinned(w, chat_id, message_id, False)
    return True
