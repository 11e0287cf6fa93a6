"""What the people in the simulated world do: write, forward, press buttons, vote, add the bot."""

from __future__ import annotations

import copy
import logging
import mimetypes
from typing import Any

from bot.simulator import shapes
from bot.simulator.membership import WorldBuilder, text_content
from bot.simulator.methods_send import document_from, forward_origin
from bot.simulator.world import now

logger = logging.getLogger(__name__)

ANONYMOUS_ADMIN = shapes.user_dict(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)


def chat_instance(chat_id: int) -> str:
    """A stable chat_instance string for callback queries from a chat."""
    return str((chat_id * 2654435761 + 0x5DEECE66D) % (1 << 63))


class UserActions(WorldBuilder):
    """What users do: write, forward, edit, press buttons, vote."""

    # -- messages ------------------------------------------------------------------------
    def user_sends(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """The user writes ``text`` (chat_id == user_id: the private chat with the bot)."""
        return self._post(user_id, chat_id, text_content(text), reply_to, anonymous)

    def user_sends_photo(
        self, user_id: int, chat_id: int, *, caption: str | None = None
    ) -> dict[str, Any]:
        """The user sends a (fabricated) photo."""
        content = {
            "photo": self.world.make_photo(),
            **(text_content(caption, "caption") if caption else {}),
        }
        return self._post(user_id, chat_id, content)

    def user_sends_document(
        self,
        user_id: int,
        chat_id: int,
        filename: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a file; getFile and the download route return ``content``."""
        mime = mime_type or mimetypes.guess_type(filename)[0]
        document = document_from(self.world, filename, content, mime)
        return self._post(
            user_id,
            chat_id,
            {"document": document, **(text_content(caption, "caption") if caption else {})},
        )

    def user_sends_sticker(self, user_id: int, chat_id: int) -> dict[str, Any]:
        """The user sends a sticker."""
        stored = self.world.add_file("sticker", shapes.TINY_PNG, "webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": "👍",
            "set_name": "SimulatorStickers",
            "file_size": len(stored.content),
        }
        return self._post(user_id, chat_id, {"sticker": sticker})

    def user_edits(self, user_id: int, chat_id: int, message_id: int, text: str) -> dict:
        """The user edits their text message (edited_message update)."""
        msg = self.world.get_message(chat_id, message_id)
        if msg is None or msg.get("from", {}).get("id") != user_id or "text" not in msg:
            raise ValueError(f"user {user_id} has no text message {message_id} in {chat_id}")
        msg.pop("entities", None)
        msg.update(text_content(text))
        msg["edit_date"] = now()
        self.world.emit("edit", chat_id, msg)
        self._deliver(msg, "edited_message")
        return copy.deepcopy(msg)

    def user_forwards(self, user_id: int, message: dict[str, Any]) -> dict[str, Any]:
        """Forward an existing message into the user's private chat with the bot."""
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        source = self.world.get_message(chat_id, message_id) or message
        keys = ("text", "entities", "caption", "caption_entities", "photo", "document", "sticker")
        content = {key: copy.deepcopy(source[key]) for key in keys if key in source}
        if "poll" in source:
            content["poll"] = copy.deepcopy(source["poll"])
        if not content:
            raise ValueError("service messages can't be forwarded")
        content["forward_origin"] = forward_origin(self.world, source)
        return self._post(user_id, user_id, content)

    def user_forwards_text(
        self, user_id: int, text: str, *, origin_name: str = "某人", hidden: bool = True
    ) -> dict[str, Any]:
        """Forward a message from outside the simulated world into the private chat."""
        date = now() - 3600
        if hidden:
            origin = {"type": "hidden_user", "date": date, "sender_user_name": origin_name}
        else:
            sender = shapes.user_dict(7_000_000_000 + self.world.next_id(), origin_name)
            origin = {"type": "user", "date": date, "sender_user": sender}
        content = text_content(text)
        content["forward_origin"] = origin
        return self._post(user_id, user_id, content)

    def delete_message(self, chat_id: int, message_id: int) -> bool:
        """Someone deletes a message (bots are not told)."""
        return self.world.remove_message(chat_id, message_id)

    # -- buttons and polls ---------------------------------------------------------------
    def press_button(
        self,
        user_id: int,
        message: dict[str, Any] | tuple[int, int],
        callback_data: str,
        *,
        forged: bool = False,
    ) -> str:
        """The user presses an inline button; returns the callback query id."""
        # forged=True sends the callback even if the message has no such button (a stale
        # client or a crafted request), to test that the bot re-checks what it is asked to do.
        chat_id, message_id = (
            (message["chat"]["id"], message["message_id"])
            if isinstance(message, dict)
            else message
        )
        user = self.world.user(user_id)
        msg = self.world.get_message(chat_id, message_id)
        if msg is None:
            raise ValueError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        available = [b.get("callback_data") for row in rows for b in row]
        if callback_data not in available and not forged:
            raise ValueError(f"no button with callback_data {callback_data!r}: {available}")
        query_id = str(4_000_000_000_000_000 + self.world.next_id())
        query = {
            "id": query_id,
            "from": user,
            "message": msg,
            "chat_instance": chat_instance(chat_id),
            "data": callback_data,
        }
        self.world.callback_queries[query_id] = {
            "answered": False,
            "user_id": user_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "data": callback_data,
        }
        self.world.push_update("callback_query", query, chat_id)
        return query_id

    def answer_poll(self, user_id: int, poll_id: str, option_ids: list[int]) -> None:
        """The user votes ([] retracts); poll_answer (non-anonymous) and poll updates follow."""
        entry = self.world.polls.get(str(poll_id))
        if entry is None:
            raise KeyError(f"unknown poll {poll_id}")
        poll, votes = entry["poll"], entry["votes"]
        user = self.world.user(user_id)
        chat_id = entry["chat_id"]
        if chat_id < 0 and self.world.status(chat_id, user_id) not in shapes.PRESENT_STATUSES:
            raise ValueError(f"user {user_id} is not a member of chat {chat_id}")
        if chat_id > 0 and chat_id != user_id:
            raise ValueError(f"the poll is in another user's private chat ({chat_id})")
        if poll["is_closed"]:
            raise ValueError("the poll is closed")
        if len(set(option_ids)) != len(option_ids) or any(
            not 0 <= i < len(poll["options"]) for i in option_ids
        ):
            raise ValueError(f"invalid option ids {option_ids}")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("the poll allows one answer only")
        previous = votes.get(user_id)
        if previous and not poll["allows_revoting"]:
            raise ValueError("the poll does not allow changing a vote")
        if not option_ids and not previous:
            raise ValueError("nothing to retract")
        for i in previous or []:
            poll["options"][i]["voter_count"] -= 1
        for i in option_ids:
            poll["options"][i]["voter_count"] += 1
        poll["total_voter_count"] += (1 if option_ids else 0) - (1 if previous else 0)
        if option_ids:
            votes[user_id] = sorted(option_ids)
        else:
            votes.pop(user_id, None)
        self.world.emit("poll", chat_id, poll)
        if not poll["is_anonymous"]:
            answer = {
                "poll_id": poll["id"],
                "user": user,
                "option_ids": sorted(option_ids),
                "option_persistent_ids": [
                    poll["options"][i]["persistent_id"] for i in sorted(option_ids)
                ],
            }
            self.world.push_update("poll_answer", answer, chat_id)
        self.world.push_update("poll", poll, chat_id)

    # -- internals -----------------------------------------------------------------------
    def _post(
        self,
        user_id: int,
        chat_id: int,
        content: dict[str, Any],
        reply_to: int | None = None,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        user = self.world.user(user_id)
        if chat_id == user_id:
            self._set_blocked(user_id, False)
            self.world.user_state[user_id].started = True
        elif chat_id > 0:
            raise ValueError("users can only write to their own private chat with the bot")
        else:
            self._present_user(chat_id, user_id)
        replied = None
        if reply_to is not None:
            replied = self.world.get_message(chat_id, reply_to)
            if replied is None:
                raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
        sender = user
        if anonymous and chat_id < 0:
            sender = ANONYMOUS_ADMIN
            content = {**content, "sender_chat": self.world.chat(chat_id)}
        msg = self.world.new_message(chat_id, sender, content, reply_to=replied)
        self._deliver(msg)
        return copy.deepcopy(msg)
