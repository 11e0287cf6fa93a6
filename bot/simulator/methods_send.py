"""Bot API methods that send messages: sendMessage, sendPhoto, sendDocument, polls, copies."""

from __future__ import annotations

import asyncio
import copy
import logging
import mimetypes
import posixpath
from typing import Any
from urllib.parse import urlsplit

from bot.simulator import shapes
from bot.simulator.common import (
    MAX_CAPTION,
    bot_message,
    caption_content,
    check_markup,
    parse_text,
    post_bot_message,
    prepare_caption,
    prepare_text,
    resolve_chat,
    resolve_reply,
)
from bot.simulator.models import bad_request
from bot.simulator.params import Params, UploadedFile, api_method
from bot.simulator.world import World, now
from bot.tghtml import utf16_len

logger = logging.getLogger(__name__)

MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_OPTIONS = 12
MAX_UPLOAD = 50 * 1024 * 1024
COPYABLE = ("text", "entities", "photo", "document", "sticker", "caption", "caption_entities")


@api_method("sendMessage", sends=True)
def send_message(w: World, p: Params) -> dict[str, Any]:
    """sendMessage."""
    chat_id = resolve_chat(w, p, sending=True)
    text, entities, html = prepare_text(p)
    markup = check_markup(p)
    reply = resolve_reply(w, p, chat_id)
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    preview = p.get_json("link_preview_options")
    if isinstance(preview, dict) and preview:
        content["link_preview_options"] = preview
    return post_bot_message(w, chat_id, content, html=html, reply=reply, markup=markup)


def _upload_content(upload: UploadedFile) -> bytes:
    if not upload.content:
        raise bad_request("file must be non-empty")
    if len(upload.content) > MAX_UPLOAD:
        raise bad_request("file is too big")
    return upload.content


@api_method("sendPhoto", sends=True)
def send_photo(w: World, p: Params) -> dict[str, Any]:
    """sendPhoto: an upload, a known file_id or an HTTP URL."""
    chat_id = resolve_chat(w, p, sending=True)
    photo = p.file("photo")
    if photo is None:
        raise bad_request("there is no photo in the request")
    if isinstance(photo, UploadedFile):
        sizes = w.make_photo(_upload_content(photo))
    elif photo in w.files:
        sizes = w.make_photo(w.files[photo].content)
    elif photo.startswith(("http://", "https://")):
        sizes = w.make_photo(shapes.TINY_PNG)
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    caption, entities, html = prepare_caption(p)
    markup = check_markup(p)
    reply = resolve_reply(w, p, chat_id)
    content = {"photo": sizes, **caption_content(caption, entities)}
    return post_bot_message(w, chat_id, content, html=html, reply=reply, markup=markup)


def document_from(w: World, filename: str, content: bytes, mime: str | None) -> dict[str, Any]:
    """Store a document and return its Document object."""
    ext = posixpath.splitext(filename)[1] or ".bin"
    stored = w.add_file("document", content, ext)
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": filename,
        "mime_type": mime or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "file_size": len(content),
    }
    stored.meta = document
    return document


@api_method("sendDocument", sends=True)
def send_document(w: World, p: Params) -> dict[str, Any]:
    """sendDocument: an upload, a known file_id or an HTTP URL."""
    chat_id = resolve_chat(w, p, sending=True)
    doc = p.file("document")
    if doc is None:
        raise bad_request("there is no document in the request")
    if isinstance(doc, UploadedFile):
        mime = doc.content_type if doc.content_type != "application/octet-stream" else None
        document = document_from(w, doc.filename or "file", _upload_content(doc), mime)
    elif doc in w.files:
        document = dict(w.files[doc].meta) or document_from(w, "file", w.files[doc].content, None)
    elif doc.startswith(("http://", "https://")):
        name = posixpath.basename(urlsplit(doc).path) or "file"
        document = document_from(w, name, b"simulated download of " + doc.encode(), None)
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    caption, entities, html = prepare_caption(p)
    markup = check_markup(p)
    reply = resolve_reply(w, p, chat_id)
    content = {"document": document, **caption_content(caption, entities)}
    return post_bot_message(w, chat_id, content, html=html, reply=reply, markup=markup)


def _poll_options(p: Params) -> list[dict[str, Any]]:
    options = p.get_json("options")
    if not isinstance(options, list):
        raise bad_request("can't parse options JSON object")
    if len(options) < 2:
        raise bad_request("poll must have at least 2 option")
    if len(options) > MAX_OPTIONS:
        raise bad_request(f"poll can't have more than {MAX_OPTIONS} options")
    result = []
    for index, option in enumerate(options):
        raw = option.get("text", "") if isinstance(option, dict) else str(option)
        mode = option.get("text_parse_mode") if isinstance(option, dict) else None
        explicit = option.get("text_entities") if isinstance(option, dict) else None
        text, entities = parse_text(raw, mode, explicit, what="option")
        if not text:
            raise bad_request("poll options must be non-empty")
        if utf16_len(text) > MAX_OPTION:
            raise bad_request(f"poll options length must not exceed {MAX_OPTION}")
        entry: dict[str, Any] = {"text": text, "voter_count": 0, "persistent_id": str(index)}
        if entities:
            entry["text_entities"] = entities
        result.append(entry)
    return result


def _correct_ids(p: Params, poll: dict[str, Any]) -> list[int]:
    ids = p.get_json("correct_option_ids")
    if ids is None and p.has("correct_option_id"):
        ids = [p.get_int("correct_option_id")]
    if isinstance(ids, int):
        ids = [ids]
    if not ids:
        raise bad_request("correct option ids must be specified for quiz polls")
    if not isinstance(ids, list) or any(
        not isinstance(i, int) or not 0 <= i < len(poll["options"]) for i in ids
    ):
        raise bad_request("wrong correct option id specified")
    if len(set(ids)) != len(ids) or (len(ids) > 1 and not poll["allows_multiple_answers"]):
        raise bad_request("quiz poll must have exactly one correct option")
    return sorted(ids)


def build_poll(w: World, p: Params) -> dict[str, Any]:
    """Validate sendPoll parameters and build the Poll object."""
    raw = p.get_str("question") or ""
    question, q_entities = parse_text(
        raw, p.get_str("question_parse_mode"), p.get_json("question_entities"), what="question"
    )
    if not question:
        raise bad_request("poll question must be non-empty")
    if utf16_len(question) > MAX_QUESTION:
        raise bad_request(f"poll question length must not exceed {MAX_QUESTION}")
    kind = p.get_str("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("poll type is invalid")
    poll: dict[str, Any] = {
        "id": str(5_300_000_000_000_000_000 + w.next_id()),
        "question": question,
        "options": _poll_options(p),
        "total_voter_count": 0,
        "is_closed": p.get_bool("is_closed"),
        "is_anonymous": p.get_bool("is_anonymous", True),
        "type": kind,
        "allows_multiple_answers": p.get_bool("allows_multiple_answers"),
        "allows_revoting": p.get_bool("allows_revoting", kind != "quiz"),
        "members_only": p.get_bool("members_only"),
    }
    if q_entities:
        poll["question_entities"] = q_entities
    if kind == "quiz":
        poll["correct_option_ids"] = _correct_ids(p, poll)
    explanation = p.get_str("explanation")
    if explanation:
        text, entities = parse_text(
            explanation,
            p.get_str("explanation_parse_mode"),
            p.get_json("explanation_entities"),
            what="explanation",
        )
        if utf16_len(text) > MAX_EXPLANATION:
            raise bad_request(f"explanation length must not exceed {MAX_EXPLANATION}")
        poll["explanation"] = text
        if entities:
            poll["explanation_entities"] = entities
    description = p.get_str("description")
    if description:
        text, entities = parse_text(
            description, p.get_str("description_parse_mode"), p.get_json("description_entities")
        )
        if utf16_len(text) > MAX_CAPTION:
            raise bad_request("poll description is too long")
        poll["description"] = text
        if entities:
            poll["description_entities"] = entities
    open_period = p.get_int("open_period")
    if open_period:
        if not 5 <= open_period <= 2_628_000:
            raise bad_request("wrong open period specified")
        poll["open_period"] = open_period
        poll["close_date"] = now() + open_period
    elif p.has("close_date"):
        poll["close_date"] = p.get_int("close_date")
    return poll


def register_poll(w: World, msg: dict[str, Any]) -> None:
    """Remember a poll the bot sent so users can vote, and schedule its closing."""
    poll = msg["poll"]
    w.polls[poll["id"]] = {
        "poll": poll,
        "chat_id": msg["chat"]["id"],
        "message_id": msg["message_id"],
        "votes": {},
    }
    close_date = poll.get("close_date")
    if close_date and not poll["is_closed"]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        delay = max(close_date - now(), 0)
        w.timers.append(loop.call_later(delay, close_poll, w, poll["id"]))


def close_poll(w: World, poll_id: str) -> dict[str, Any]:
    """Close a poll (open_period elapsed or stopPoll) and tell the bot."""
    poll = w.polls[poll_id]["poll"]
    if not poll["is_closed"]:
        poll["is_closed"] = True
        w.emit("poll", w.polls[poll_id]["chat_id"], poll)
        w.push_update("poll", poll, w.polls[poll_id]["chat_id"])
    return poll


@api_method("sendPoll", sends=True)
def send_poll(w: World, p: Params) -> dict[str, Any]:
    """sendPoll."""
    chat_id = resolve_chat(w, p, sending=True)
    poll = build_poll(w, p)
    markup = check_markup(p)
    reply = resolve_reply(w, p, chat_id)
    result = post_bot_message(w, chat_id, {"poll": poll}, reply=reply, markup=markup)
    register_poll(w, w.messages[chat_id][result["message_id"]])
    return result


@api_method("stopPoll")
def stop_poll(w: World, p: Params) -> dict[str, Any]:
    """stopPoll: returns the closed Poll."""
    chat_id = resolve_chat(w, p)
    msg = bot_message(
        w, chat_id, p.get_int("message_id", required=True), "message with poll to stop not found"
    )
    if "poll" not in msg:
        raise bad_request("message with poll to stop not found")
    if msg.get("from", {}).get("id") != w.bot_id:
        raise bad_request("poll can't be stopped")
    if msg["poll"]["is_closed"]:
        raise bad_request("poll has already been closed")
    markup = check_markup(p)
    if markup is not None and "inline_keyboard" in markup:
        msg["reply_markup"] = markup
    poll = close_poll(w, msg["poll"]["id"])
    sent = w.sent_index.get((chat_id, msg["message_id"]))
    if sent is not None:
        sent.refresh()
    return copy.deepcopy(poll)


def _source(w: World, p: Params, missing: str) -> dict[str, Any]:
    from_chat = resolve_chat(w, p, name="from_chat_id")
    msg = bot_message(w, from_chat, p.get_int("message_id", required=True), missing)
    if not any(key in msg for key in ("text", "photo", "document", "sticker", "poll")):
        raise bad_request("message can't be copied")
    return msg


def _content_of(w: World, msg: dict[str, Any]) -> dict[str, Any]:
    content = {key: copy.deepcopy(msg[key]) for key in COPYABLE if key in msg}
    if "poll" in msg:
        poll = copy.deepcopy(msg["poll"])
        poll["id"] = str(5_300_000_000_000_000_000 + w.next_id())
        poll["total_voter_count"] = 0
        for option in poll["options"]:
            option["voter_count"] = 0
        content["poll"] = poll
    return content


@api_method("copyMessage", sends=True)
def copy_message(w: World, p: Params) -> dict[str, Any]:
    """copyMessage: returns a MessageId."""
    chat_id = resolve_chat(w, p, sending=True)
    source = _source(w, p, "message to copy not found")
    content = _content_of(w, source)
    if p.has("caption") and any(key in source for key in ("photo", "document")):
        caption, entities, _ = prepare_caption(p)
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(caption_content(caption, entities))
    markup = check_markup(p)
    reply = resolve_reply(w, p, chat_id)
    result = post_bot_message(w, chat_id, content, reply=reply, markup=markup)
    if "poll" in content:
        register_poll(w, w.messages[chat_id][result["message_id"]])
    return {"message_id": result["message_id"]}


def forward_origin(w: World, msg: dict[str, Any]) -> dict[str, Any]:
    """The MessageOrigin a forward of ``msg`` carries (the original origin for re-forwards)."""
    if "forward_origin" in msg:
        return copy.deepcopy(msg["forward_origin"])
    date = msg["date"]
    if msg["chat"]["type"] == "channel":
        return {
            "type": "channel",
            "date": date,
            "chat": msg["chat"],
            "message_id": msg["message_id"],
        }
    if "sender_chat" in msg:
        return {"type": "chat", "date": date, "sender_chat": msg["sender_chat"]}
    sender = msg["from"]
    state = w.user_state.get(sender["id"])
    if state is not None and state.hide_forwards:
        return {"type": "hidden_user", "date": date, "sender_user_name": shapes.full_name(sender)}
    return {"type": "user", "date": date, "sender_user": sender}


@api_method("forwardMessage", sends=True)
def forward_message(w: World, p: Params) -> dict[str, Any]:
    """forwardMessage: returns the new Message with forward_origin."""
    chat_id = resolve_chat(w, p, sending=True)
    source = _source(w, p, "message to forward not found")
    content = _content_of(w, source)
    content["forward_origin"] = forward_origin(w, source)
    result = post_bot_message(w, chat_id, content)
    if "poll" in content:
        register_poll(w, w.messages[chat_id][result["message_id"]])
    return result


@api_method("sendChatAction")
def send_chat_action(w: World, p: Params) -> bool:
    """sendChatAction: checks the chat, shows nothing."""
    resolve_chat(w, p, sending=True)
    if not p.get_str("action"):
        raise bad_request("action is empty")
    return True
