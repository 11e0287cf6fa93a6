"""Building the simulated world and the bot's membership in it; delivery of updates."""

from __future__ import annotations

import copy
import logging
from typing import Any

from bot.simulator import shapes
from bot.simulator.entities import find_entities
from bot.simulator.world import UserState, World, now

logger = logging.getLogger(__name__)

SERVICE_KEYS = (
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "pinned_message",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "group_chat_created",
    "supergroup_chat_created",
)


def text_content(text: str, key: str = "text") -> dict[str, Any]:
    """Text (or caption) fields of a user's message, with the entities Telegram finds."""
    content: dict[str, Any] = {key: text}
    entities = find_entities(text)
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    return content


class WorldBuilder:
    """Creates users, groups and channels; moves the bot in and out; delivers updates."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- building the world --------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> dict[str, Any]:
        """Create a user (and their private chat with the bot); returns the User."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = shapes.user_dict(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.world.users[user_id] = user
        self.world.user_state.setdefault(user_id, UserState())
        self.world.chats[user_id] = shapes.private_chat(user)
        self.world.emit("user", user_id, user)
        return copy.deepcopy(user)

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        members: dict[int, str] | None = None,
    ) -> dict[str, Any]:
        """Create a group; ``members`` maps user_id → status. The bot is not a member yet."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if type not in ("group", "supergroup"):
            raise ValueError("type must be 'group' or 'supergroup'")
        self.world.chats[chat_id] = {"id": chat_id, "type": type, "title": title}
        self.world.members.setdefault(chat_id, {})
        self.world.emit("chat", chat_id, self.world.chats[chat_id])
        for user_id, status in (members or {}).items():
            self.world.set_status(chat_id, user_id, status)
        return dict(self.world.chats[chat_id])

    def add_channel(self, chat_id: int, title: str, *, username: str | None = None) -> dict:
        """Create a channel (a source of forwarded posts; the bot is not in it)."""
        chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        self.world.chats[chat_id] = chat
        self.world.emit("chat", chat_id, chat)
        return dict(chat)

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel (not delivered to the bot); forward it with user_forwards."""
        chat = self.world.chat(chat_id)
        content = text_content(text)
        content["sender_chat"] = chat
        msg = self.world.new_message(chat_id, None, content)
        return copy.deepcopy(msg)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Change someone's status in a group (for the bot: also a my_chat_member update)."""
        if user_id == self.world.bot_id:
            extra = shapes.admin_rights() if status == "administrator" else None
            self._bot_status(chat_id, self._chat_owner(chat_id), status, extra)
        else:
            self.world.set_status(chat_id, user_id, status)

    def set_forward_privacy(self, user_id: int, hidden: bool) -> None:
        """The user hides (or shows) their account in forwarded messages."""
        self.world.user(user_id)
        self.world.user_state[user_id].hide_forwards = hidden

    def user_joins(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """The user joins a group: a new_chat_members service message (always delivered)."""
        user = self.world.user(user_id)
        self.world.set_status(chat_id, user_id, "member")
        msg = self.world.new_message(chat_id, user, {"new_chat_members": [user]})
        self._deliver(msg)
        return copy.deepcopy(msg)

    def user_leaves(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """The user leaves a group: a left_chat_member service message."""
        user = self.world.user(user_id)
        self.world.set_status(chat_id, user_id, "left")
        msg = self.world.new_message(chat_id, user, {"left_chat_member": user})
        self._deliver(msg)
        return copy.deepcopy(msg)

    # -- the bot's membership ------------------------------------------------------------
    def add_bot_to_group(self, chat_id: int, by_user_id: int, *, status: str = "member") -> None:
        """``by_user_id`` adds the bot: my_chat_member plus a new_chat_members message."""
        if status not in ("member", "administrator"):
            raise ValueError("status must be 'member' or 'administrator'")
        by = self._present_user(chat_id, by_user_id)
        extra = shapes.admin_rights() if status == "administrator" else None
        self._bot_status(chat_id, by_user_id, status, extra)
        msg = self.world.new_message(chat_id, by, {"new_chat_members": [self.world.bot_user]})
        self._deliver(msg)

    def kick_bot(self, chat_id: int, by_user_id: int) -> None:
        """An admin removes the bot from the group."""
        by = self._present_user(chat_id, by_user_id)
        self._bot_status(chat_id, by_user_id, "kicked", {"until_date": 0})
        self.world.new_message(chat_id, by, {"left_chat_member": self.world.bot_user})

    def promote_bot(
        self, chat_id: int, *, can_pin_messages: bool = True, by_user_id: int | None = None
    ) -> None:
        """The bot becomes an administrator."""
        by = by_user_id if by_user_id is not None else self._chat_owner(chat_id)
        rights = shapes.admin_rights(can_pin_messages=can_pin_messages)
        self._bot_status(chat_id, by, "administrator", rights)

    def migrate_group(self, chat_id: int, new_chat_id: int) -> None:
        """A basic group becomes a supergroup with a new id."""
        old = self.world.chat(chat_id)
        if old["type"] != "group":
            raise ValueError("only basic groups (type 'group') can be migrated")
        self.world.chats[new_chat_id] = {
            "id": new_chat_id,
            "type": "supergroup",
            "title": old["title"],
        }
        self.world.members[new_chat_id] = copy.deepcopy(self.world.members.get(chat_id, {}))
        owner = self.world.user(self._chat_owner(chat_id))
        old_msg = self.world.new_message(chat_id, owner, {"migrate_to_chat_id": new_chat_id})
        self._deliver(old_msg)
        self.world.migrated[chat_id] = new_chat_id
        new_msg = self.world.new_message(new_chat_id, owner, {"migrate_from_chat_id": chat_id})
        self._deliver(new_msg)

    def user_blocks_bot(self, user_id: int) -> None:
        """The user blocks the bot (my_chat_member: member → kicked)."""
        self._set_blocked(user_id, True)

    def user_unblocks_bot(self, user_id: int) -> None:
        """The user unblocks the bot (my_chat_member: kicked → member)."""
        self._set_blocked(user_id, False)

    def _present_user(self, chat_id: int, user_id: int) -> dict[str, Any]:
        user = self.world.user(user_id)
        if self.world.status(chat_id, user_id) not in shapes.PRESENT_STATUSES:
            raise ValueError(f"user {user_id} is not a member of chat {chat_id}")
        return user

    def _chat_owner(self, chat_id: int) -> int:
        records = self.world.members.get(chat_id, {})
        for status in ("creator", "administrator"):
            for user_id, record in records.items():
                if record["status"] == status and user_id != self.world.bot_id:
                    return user_id
        raise ValueError(f"chat {chat_id} has no creator or administrator to act")

    def _bot_status(
        self, chat_id: int, by_user_id: int, status: str, extra: dict[str, Any] | None
    ) -> None:
        old, new = self.world.set_status(chat_id, self.world.bot_id, status, extra)
        self.world.push_update(
            "my_chat_member",
            {
                "chat": self.world.chat(chat_id),
                "from": self.world.user(by_user_id),
                "date": now(),
                "old_chat_member": old,
                "new_chat_member": new,
            },
            chat_id,
        )

    def _set_blocked(self, user_id: int, blocked: bool) -> None:
        user = self.world.user(user_id)
        state = self.world.user_state[user_id]
        if state.blocked == blocked:
            return
        old = shapes.chat_member(self.world.bot_user, "kicked" if not blocked else "member")
        state.blocked = blocked
        new = shapes.chat_member(self.world.bot_user, "kicked" if blocked else "member")
        self.world.emit("member", user_id, {"old": old, "new": new})
        self.world.push_update(
            "my_chat_member",
            {
                "chat": self.world.chat(user_id),
                "from": user,
                "date": now(),
                "old_chat_member": old,
                "new_chat_member": new,
            },
            user_id,
        )

    def _deliver(self, msg: dict[str, Any], kind: str = "message") -> None:
        """Queue the update if the bot would receive this message (privacy mode rules)."""
        chat_id = msg["chat"]["id"]
        if chat_id > 0:
            if not self.world.user_state[chat_id].blocked:
                self.world.push_update(kind, msg, chat_id)
            return
        status = self.world.status(chat_id, self.world.bot_id)
        if status not in shapes.PRESENT_STATUSES:
            return
        if self.world.privacy_mode and status != "administrator" and not self._for_bot(msg):
            return
        self.world.push_update(kind, msg, chat_id)

    def _for_bot(self, msg: dict[str, Any]) -> bool:
        """Privacy mode: service messages, commands for this bot, replies to and @mentions of
        the bot (BotFather: "messages that start with '/' or mention the bot by username")."""
        if any(key in msg for key in SERVICE_KEYS):
            return True
        if msg.get("reply_to_message", {}).get("from", {}).get("id") == self.world.bot_id:
            return True
        text = msg.get("text", msg.get("caption", ""))
        entities = msg.get("entities", msg.get("caption_entities", []))
        units = text.encode("utf-16-le")
        me = "@" + self.world.bot_user["username"].lower()
        for e in entities:
            span = units[2 * e["offset"] : 2 * (e["offset"] + e["length"])]
            if e["type"] == "mention" and span.decode("utf-16-le").lower() == me:
                return True
        first = next((e for e in entities if e["offset"] == 0), None)
        if first is None or first["type"] != "bot_command":
            return False
        command = text[: first["length"]]
        if "@" not in command:
            return True
        return command.split("@", 1)[1].lower() == self.world.bot_user["username"].lower()
