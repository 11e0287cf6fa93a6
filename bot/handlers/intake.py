"""The transform step: a Telegram message → the fields of a report (text, media, origin)."""

from __future__ import annotations

from telegram import Message

MEDIA_KINDS = ("photo", "document", "video", "animation", "voice", "audio", "video_note")
MAX_TEXT = 8192  # text + caption of one message never exceeds this; more is cut, not refused


def text_of(msg: Message) -> str:
    """The words of a message: text, caption, a poll's question and options, a contact."""
    if msg.text or msg.caption:
        return (msg.text or msg.caption or "")[:MAX_TEXT]
    if msg.poll:
        return "\n".join([msg.poll.question, *(o.text for o in msg.poll.options)])
    if msg.contact:
        c = msg.contact
        return " ".join(p for p in (c.first_name, c.last_name or "", c.phone_number) if p)
    return ""


def media_of(msg: Message) -> tuple[dict, ...]:
    """File ids of what the message carries (the largest photo size)."""
    out = []
    if msg.photo:
        out.append({"type": "photo", "file_id": msg.photo[-1].file_id})
    for kind in MEDIA_KINDS[1:]:
        item = getattr(msg, kind, None)
        if item is not None:
            out.append({"type": kind, "file_id": item.file_id})
    return tuple(out)


def origin_of(msg: Message) -> dict:
    """Where a forwarded message came from: user, hidden user, chat or channel."""
    o = msg.forward_origin
    if o is None:
        return {}
    if o.type == "user":
        u = o.sender_user
        return {"type": "user", "id": u.id, "name": u.full_name, "username": u.username}
    if o.type == "hidden_user":
        return {"type": "hidden_user", "name": o.sender_user_name}
    if o.type == "chat":
        return {"type": "chat", "id": o.sender_chat.id, "name": o.sender_chat.title or ""}
    return {"type": "channel", "id": o.chat.id, "name": o.chat.title or "",
            "message_id": o.message_id}


def sender_of(msg: Message) -> dict:
    """Who wrote a message in a group (for the officers' card)."""
    if msg.sender_chat is not None:
        return {"type": "chat", "id": msg.sender_chat.id, "name": msg.sender_chat.title or ""}
    u = msg.from_user
    if u is None:
        return {}
    return {"type": "group_member", "id": u.id, "name": u.full_name}
