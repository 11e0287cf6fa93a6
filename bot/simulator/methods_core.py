"""Bot API methods about the bot, updates, commands, chats, members, files and callbacks."""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any

from bot.simulator import shapes
from bot.simulator.common import resolve_chat
from bot.simulator.models import bad_request
from bot.simulator.params import Params, api_method
from bot.simulator.world import DEFAULT_UPDATES, World, now

logger = logging.getLogger(__name__)

MAX_DOWNLOAD = 20 * 1024 * 1024
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


@api_method("getMe")
def get_me(w: World, p: Params) -> dict[str, Any]:
    """getMe."""
    return dict(w.bot_user)


@api_method("logOut")
@api_method("close")
def log_out(w: World, p: Params) -> bool:
    """logOut / close: accepted, nothing happens."""
    return True


@api_method("deleteWebhook")
def delete_webhook(w: World, p: Params) -> bool:
    """deleteWebhook (drop_pending_updates clears the queue)."""
    if p.get_bool("drop_pending_updates"):
        w.updates.clear()
    return True


@api_method("getWebhookInfo")
def get_webhook_info(w: World, p: Params) -> dict[str, Any]:
    """getWebhookInfo: never a webhook."""
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(w.updates)}


@api_method("getUpdates")
async def get_updates(w: World, p: Params) -> list[dict[str, Any]]:
    """getUpdates with long polling; allowed_updates is remembered."""
    allowed = p.get_json("allowed_updates")
    if isinstance(allowed, list):
        w.allowed_updates = [str(a) for a in allowed] or list(DEFAULT_UPDATES)
    elif allowed is not None:
        raise bad_request("can't parse allowed updates JSON object")
    limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
    timeout = max(p.get_int("timeout", 0) or 0, 0)
    return await w.wait_for_updates(p.get_int("offset"), limit, float(timeout))


def scope_key(scope: Any) -> str:
    """Stable JSON key of a BotCommandScope (default scope if none)."""
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    scope = dict(scope)
    if isinstance(scope.get("chat_id"), str) and re.fullmatch(r"-?\d+", scope["chat_id"]):
        scope["chat_id"] = int(scope["chat_id"])
    return json.dumps(scope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _command_key(p: Params) -> tuple[str, str]:
    return scope_key(p.get_json("scope")), p.get_str("language_code") or ""


@api_method("setMyCommands")
def set_my_commands(w: World, p: Params) -> bool:
    """setMyCommands for a scope and language."""
    commands = p.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned = []
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description") or "")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command["command"], "description": description})
    key = _command_key(p)
    if cleaned:
        w.commands[key] = cleaned
    else:
        w.commands.pop(key, None)
    w.emit("commands", None, {"scope": key[0], "language_code": key[1], "commands": cleaned})
    return True


@api_method("getMyCommands")
def get_my_commands(w: World, p: Params) -> list[dict[str, Any]]:
    """getMyCommands."""
    return copy.deepcopy(w.commands.get(_command_key(p), []))


@api_method("deleteMyCommands")
def delete_my_commands(w: World, p: Params) -> bool:
    """deleteMyCommands."""
    w.commands.pop(_command_key(p), None)
    return True


def _bot_text(name: str, limit: int) -> None:
    def setter(w: World, p: Params) -> bool:
        value = p.get_str(name) or ""
        if len(value) > limit:
            raise bad_request(f"{name.replace('_', ' ')} is too long")
        w.bot_texts[f"{name}:{p.get_str('language_code') or ''}"] = value
        return True

    def getter(w: World, p: Params) -> dict[str, str]:
        return {name: w.bot_texts.get(f"{name}:{p.get_str('language_code') or ''}", "")}

    suffix = "".join(part.title() for part in name.split("_"))
    api_method(f"setMy{suffix}")(setter)
    api_method(f"getMy{suffix}")(getter)


_bot_text("description", 512)
_bot_text("short_description", 120)
_bot_text("name", 64)


@api_method("setChatMenuButton")
def set_chat_menu_button(w: World, p: Params) -> bool:
    """setChatMenuButton."""
    w.bot_texts[f"menu:{p.get_str('chat_id') or ''}"] = json.dumps(p.get_json("menu_button"))
    return True


@api_method("getChatMenuButton")
def get_chat_menu_button(w: World, p: Params) -> dict[str, Any]:
    """getChatMenuButton."""
    stored = w.bot_texts.get(f"menu:{p.get_str('chat_id') or ''}")
    return (json.loads(stored) if stored else None) or {"type": "commands"}


@api_method("getChat")
def get_chat(w: World, p: Params) -> dict[str, Any]:
    """getChat: a ChatFullInfo."""
    chat_id = resolve_chat(w, p)
    pins = w.pins.get(chat_id, [])
    pinned = w.get_message(chat_id, pins[-1]) if pins else None
    return copy.deepcopy(shapes.chat_full_info(w.chats[chat_id], pinned=pinned))


@api_method("getChatMember")
def get_chat_member(w: World, p: Params) -> dict[str, Any]:
    """getChatMember."""
    chat_id = resolve_chat(w, p)
    user_id = p.get_int("user_id", required=True)
    if user_id != w.bot_id and user_id not in w.users:
        raise bad_request("user not found")
    return copy.deepcopy(w.chat_member(chat_id, user_id))


@api_method("getChatAdministrators")
def get_chat_administrators(w: World, p: Params) -> list[dict[str, Any]]:
    """getChatAdministrators."""
    chat_id = resolve_chat(w, p)
    if chat_id > 0:
        raise bad_request("there are no administrators in the private chat")
    return [
        copy.deepcopy(w.chat_member(chat_id, user_id))
        for user_id, record in w.members.get(chat_id, {}).items()
        if record["status"] in ("creator", "administrator")
    ]


@api_method("getChatMemberCount")
def get_chat_member_count(w: World, p: Params) -> int:
    """getChatMemberCount."""
    chat_id = resolve_chat(w, p)
    if chat_id > 0:
        return 2
    return sum(
        1
        for record in w.members.get(chat_id, {}).values()
        if record["status"] in shapes.PRESENT_STATUSES and record.get("is_member", True)
    )


@api_method("leaveChat")
def leave_chat(w: World, p: Params) -> bool:
    """leaveChat: the bot leaves a group (my_chat_member update follows)."""
    chat_id = resolve_chat(w, p)
    if chat_id > 0:
        raise bad_request("chat member status can't be changed in private chats")
    old, new = w.set_status(chat_id, w.bot_id, "left")
    w.push_update(
        "my_chat_member",
        {
            "chat": w.chats[chat_id],
            "from": w.bot_user,
            "date": now(),
            "old_chat_member": old,
            "new_chat_member": new,
        },
        chat_id,
    )
    return True


@api_method("getFile")
def get_file(w: World, p: Params) -> dict[str, Any]:
    """getFile: a File with file_path for the download route."""
    stored = w.files.get(p.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.as_file()


@api_method("answerCallbackQuery")
def answer_callback_query(w: World, p: Params) -> bool:
    """answerCallbackQuery (each query can be answered once)."""
    query_id = p.get_str("callback_query_id") or ""
    query = w.callback_queries.get(query_id)
    if query is None or query["answered"]:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query["answered"] = True
    answer = {
        key: p.get(key)
        for key in ("text", "show_alert", "url", "cache_time")
        if p.get(key) is not None
    }
    w.callback_answers[query_id] = answer
    w.emit("callback_answer", query["chat_id"], {"callback_query_id": query_id, **answer})
    return True
