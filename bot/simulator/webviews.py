"""JSON views of the simulated world for the demo web chat: messages, polls, chat lists.

Views carry plain text plus Telegram entities, never HTML: the page builds DOM nodes from them,
so nothing the bot or a user wrote is ever interpreted as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.simulator import shapes
from bot.simulator.world import World, message_kind

# Entity types the page knows how to show; anything else is shown as plain text.
ENTITY_TYPES = frozenset({
    "bold", "italic", "underline", "strikethrough", "spoiler", "code", "pre", "text_link",
    "url", "email", "phone_number", "mention", "hashtag", "cashtag", "bot_command",
    "text_mention", "blockquote", "expandable_blockquote", "custom_emoji",
})


@dataclass(frozen=True)
class Persona:
    """Someone the visitor can act as in the web chat."""

    key: str  # resident, admin, volunteer, officer
    user_id: int


def display_name(user: dict[str, Any] | None) -> str:
    """A User's or Chat's name as Telegram shows it."""
    if not user:
        return ""
    if "title" in user:
        return str(user["title"])
    return shapes.full_name(user)


def _entities(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    for e in items or []:
        if e.get("type") not in ENTITY_TYPES:
            continue
        view = {"type": e["type"], "offset": int(e["offset"]), "length": int(e["length"])}
        if e["type"] == "text_link":
            view["url"] = str(e.get("url", ""))
        if e["type"] == "pre" and e.get("language"):
            view["language"] = str(e["language"])
        out.append(view)
    return out


def _buttons(markup: dict[str, Any] | None) -> list[list[dict[str, str]]]:
    rows = []
    for row in (markup or {}).get("inline_keyboard") or []:
        out = []
        for b in row:
            button = {"text": str(b.get("text", ""))}
            if "callback_data" in b:
                button["data"] = str(b["callback_data"])
            elif "url" in b:
                button["url"] = str(b["url"])
            out.append(button)
        rows.append(out)
    return rows


def poll_view(world: World, poll: dict[str, Any]) -> dict[str, Any]:
    """A poll with its counts and who voted what (user id → option ids)."""
    entry = world.polls.get(str(poll.get("id")), {})
    view = {
        "id": str(poll["id"]),
        "question": poll["question"],
        "question_entities": _entities(poll.get("question_entities")),
        "options": [{"text": o["text"], "voter_count": o.get("voter_count", 0)}
                    for o in poll["options"]],
        "total_voter_count": poll.get("total_voter_count", 0),
        "is_closed": bool(poll.get("is_closed")),
        "is_anonymous": bool(poll.get("is_anonymous", True)),
        "type": poll.get("type", "regular"),
        "allows_multiple_answers": bool(poll.get("allows_multiple_answers")),
        "votes": {str(uid): ids for uid, ids in entry.get("votes", {}).items()},
    }
    if poll.get("type") == "quiz":
        view["correct_option_ids"] = list(poll.get("correct_option_ids", []))
        if poll.get("explanation"):
            view["explanation"] = poll["explanation"]
            view["explanation_entities"] = _entities(poll.get("explanation_entities"))
    return view


def _service(msg: dict[str, Any]) -> dict[str, Any] | None:
    if "new_chat_members" in msg:
        return {"type": "joined", "names": [display_name(u) for u in msg["new_chat_members"]]}
    if "left_chat_member" in msg:
        return {"type": "left", "names": [display_name(msg["left_chat_member"])]}
    if "pinned_message" in msg:
        return {"type": "pinned", "names": [display_name(msg.get("from"))]}
    if "new_chat_title" in msg:
        return {"type": "title", "names": [str(msg["new_chat_title"])]}
    if "migrate_to_chat_id" in msg or "migrate_from_chat_id" in msg:
        return {"type": "migrated", "names": []}
    if "group_chat_created" in msg or "supergroup_chat_created" in msg:
        return {"type": "created", "names": []}
    return None


def _origin_name(origin: dict[str, Any]) -> str:
    if origin.get("type") == "user":
        return display_name(origin.get("sender_user"))
    if origin.get("type") == "hidden_user":
        return str(origin.get("sender_user_name", ""))
    if origin.get("type") == "chat":
        return display_name(origin.get("sender_chat"))
    return display_name(origin.get("chat"))


def message_view(world: World, msg: dict[str, Any]) -> dict[str, Any]:
    """One message as the page shows it."""
    chat_id = msg["chat"]["id"]
    sender = msg.get("sender_chat") or msg.get("from")
    kind = message_kind(msg)
    view: dict[str, Any] = {
        "id": msg["message_id"],
        "chat_id": chat_id,
        "date": msg.get("date", 0),
        "from": {"id": (sender or {}).get("id"), "name": display_name(sender),
                 "is_bot": bool((sender or {}).get("is_bot"))},
        "kind": kind,
        "text": msg.get("text", msg.get("caption", "")),
        "entities": _entities(msg.get("entities", msg.get("caption_entities"))),
        "buttons": _buttons(msg.get("reply_markup")),
        "edited": "edit_date" in msg,
        "pinned": msg["message_id"] in world.pins.get(chat_id, []),
    }
    service = _service(msg)
    if service is not None:
        view["kind"] = "service"
        view["service"] = service
    if kind == "poll":
        view["poll"] = poll_view(world, msg["poll"])
    if kind == "document":
        view["file_name"] = str(msg["document"].get("file_name", ""))
    if "forward_origin" in msg:
        view["forwarded_from"] = _origin_name(msg["forward_origin"])
    replied = msg.get("reply_to_message")
    if replied:
        view["reply_to"] = {
            "id": replied.get("message_id"),
            "name": display_name(replied.get("sender_chat") or replied.get("from")),
            "text": str(replied.get("text", replied.get("caption", "")))[:120],
        }
    return view


def can_see(world: World, persona: Persona, chat_id: int) -> bool:
    """A persona sees their own private chat with the bot and the groups they are in."""
    if chat_id == persona.user_id:
        return True
    chat = world.chats.get(chat_id)
    if chat is None or chat["type"] not in ("group", "supergroup"):
        return False
    return world.status(chat_id, persona.user_id) in shapes.PRESENT_STATUSES


def chat_list(world: World, persona: Persona, order: list[int]) -> list[dict[str, Any]]:
    """The chats a persona sees: the private chat with the bot first, then groups."""
    groups = [c for c in world.chats if c < 0 and can_see(world, persona, c)]
    groups.sort(key=lambda c: (order.index(c) if c in order else len(order), c))
    out = []
    for chat_id in [persona.user_id, *groups]:
        chat = world.chats[chat_id]
        messages = world.messages.get(chat_id, {})
        last = messages[max(messages)] if messages else None
        out.append({
            "id": chat_id,
            "type": chat["type"],
            "title": world.bot_user["first_name"] if chat_id > 0 else chat.get("title", ""),
            "members": sum(1 for r in world.members.get(chat_id, {}).values()
                           if r["status"] in shapes.PRESENT_STATUSES),
            "last": message_view(world, last) if last else None,
            "count": len(messages),
            "pinned": list(world.pins.get(chat_id, [])),
        })
    return out


def messages_of(world: World, chat_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The last ``limit`` messages of a chat, oldest first."""
    stored = world.messages.get(chat_id, {})
    return [message_view(world, stored[i]) for i in sorted(stored)[-limit:]]
