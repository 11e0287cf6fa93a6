"""State of the simulated Telegram world: users, chats, members, messages, updates, files."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.simulator import shapes
from bot.simulator.flood import FloodControl
from bot.simulator.models import (
    ApiCall,
    ApiError,
    FaultBook,
    FloodLimits,
    SentMessage,
    SimEvent,
    SimStats,
)

logger = logging.getLogger(__name__)

DEFAULT_UPDATES = [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_join_request",
]
CONTENT_KEYS = ("text", "photo", "document", "sticker", "poll")


@dataclass
class UserState:
    """What Telegram knows about a user's relation to the bot."""

    started: bool = False  # wrote to the bot in private, so the bot may message them
    blocked: bool = False
    hide_forwards: bool = False


@dataclass
class StoredFile:
    """A file the world knows, for getFile and the download route."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. the Document object

    def as_file(self) -> dict[str, Any]:
        """The File object of getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


def now() -> int:
    """Unix time, as in message dates."""
    return int(time.time())


def message_kind(msg: dict[str, Any]) -> str:
    """text / photo / document / poll / sticker / other, from a Message dict."""
    return next((key for key in CONTENT_KEYS if key in msg), "other")


class World:
    """All state; the HTTP server and the test-facing Simulator both operate on it."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_name: str,
        limits: FloodLimits | None = None,
        *,
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            **shapes.user_dict(self.bot_id, bot_name, username=bot_username, is_bot=True),
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.privacy_mode = privacy_mode
        self.limits = limits or FloodLimits()
        self.faults = FaultBook()
        self.stats = SimStats()
        self.users: dict[int, dict[str, Any]] = {}
        self.user_state: dict[int, UserState] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.members: dict[int, dict[int, dict[str, Any]]] = {}
        self.migrated: dict[int, int] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self._message_ids: dict[int, int] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: list[str] = list(DEFAULT_UPDATES)
        self.sent_log: list[SentMessage] = []
        self.sent_index: dict[tuple[int, int], SentMessage] = {}
        self.calls: list[ApiCall] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.bot_texts: dict[str, str] = {}
        self.pins: dict[int, list[int]] = {}
        self.closed = False
        self.timers: list[asyncio.TimerHandle] = []
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000_001)
        self._subscribers: list[Callable[[SimEvent], None]] = []
        self._updates_event = asyncio.Event()
        self._sent_event = asyncio.Event()
        self._changed_event = asyncio.Event()
        self._poll_generation = 0
        self.flood = FloodControl()

    # -- events --------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[SimEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every world change; returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: (
            self._subscribers.remove(callback) if callback in self._subscribers else None
        )

    def subscribe_queue(self, maxsize: int = 0) -> tuple[asyncio.Queue[SimEvent], Callable]:
        """An asyncio.Queue receiving every event, and its unsubscribe function."""
        queue: asyncio.Queue[SimEvent] = asyncio.Queue(maxsize)

        def put(event: SimEvent) -> None:
            if not queue.full():
                queue.put_nowait(event)

        return queue, self.subscribe(put)

    def emit(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> None:
        """Tell subscribers about a change (they get a deep copy)."""
        changed, self._changed_event = self._changed_event, asyncio.Event()
        changed.set()
        if not self._subscribers:
            return
        event = SimEvent(kind, chat_id, copy.deepcopy(data))
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                logger.exception("simulator event subscriber failed")

    def wake(self) -> None:
        """Wake long polls and message waiters (new update, new message, or shutdown)."""
        self._updates_event.set()
        self._updates_event = asyncio.Event()
        self._sent_event.set()
        self._sent_event = asyncio.Event()

    # -- ids and files -------------------------------------------------------------------
    def next_id(self) -> int:
        """A fresh world-unique number (callback ids, poll ids, file ids)."""
        return next(self._ids)

    def add_file(self, kind: str, content: bytes, ext: str) -> StoredFile:
        """Store file content under a fabricated file_id and path."""
        n = self.next_id()
        stored = StoredFile(
            file_id=f"SIM{kind[:2].upper()}{n:06d}AAQ{n * 7919 % 99991:05d}",
            file_unique_id=f"AQAD{n:06d}",
            file_path=f"{kind}s/file_{n}.{ext.lstrip('.') or 'bin'}",
            content=content,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def make_photo(self, content: bytes = shapes.TINY_PNG) -> list[dict[str, Any]]:
        """A list of PhotoSize (thumbnail and full size) backed by ``content``."""
        sizes = []
        for side in (90, 800):
            stored = self.add_file("photo", content, "jpg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": side,
                    "height": side,
                    "file_size": len(content),
                }
            )
        return sizes

    # -- users, chats, members -----------------------------------------------------------
    def user(self, user_id: int) -> dict[str, Any]:
        """The User dict of a known user (KeyError otherwise)."""
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id}; call sim.add_user first")
        return self.users[user_id]

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat dict of a known chat (KeyError otherwise)."""
        if chat_id not in self.chats:
            raise KeyError(f"unknown chat {chat_id}")
        return self.chats[chat_id]

    def member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """Stored member record (status plus extra fields); status left if none."""
        return self.members.get(chat_id, {}).get(user_id, {"status": "left"})

    def status(self, chat_id: int, user_id: int) -> str:
        """A user's (or the bot's) status in a group."""
        if chat_id > 0:
            if user_id == self.bot_id:
                state = self.user_state.get(chat_id)
                return "kicked" if state is not None and state.blocked else "member"
            return "member" if user_id == chat_id else "left"
        return self.member(chat_id, user_id)["status"]

    def set_status(
        self, chat_id: int, user_id: int, status: str, extra: dict[str, Any] | None = None
    ) -> tuple[dict, dict]:
        """Change a status; returns (old ChatMember, new ChatMember)."""
        user = self.bot_user if user_id == self.bot_id else self.user(user_id)
        old_record = self.member(chat_id, user_id)
        old = shapes.chat_member(user, old_record["status"], _extra(old_record))
        record = {"status": status, **(extra or {})}
        self.members.setdefault(chat_id, {})[user_id] = record
        new = shapes.chat_member(user, status, extra)
        self.emit("member", chat_id, {"old": old, "new": new})
        return old, new

    def chat_member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """ChatMember dict for getChatMember."""
        user = self.bot_user if user_id == self.bot_id else self.user(user_id)
        record = self.member(chat_id, user_id)
        if chat_id > 0:
            record = {"status": self.status(chat_id, user_id)}
        return shapes.chat_member(user, record["status"], _extra(record))

    # -- messages ------------------------------------------------------------------------
    def new_message(
        self,
        chat_id: int,
        sender: dict[str, Any] | None,
        content: dict[str, Any],
        *,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create and store a Message in a chat; returns the stored dict."""
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        msg: dict[str, Any] = {"message_id": message_id}
        if sender is not None:
            msg["from"] = sender
        msg.update({"chat": dict(self.chat(chat_id)), "date": now()})
        if reply_to is not None:
            replied = copy.deepcopy(reply_to)
            replied.pop("reply_to_message", None)
            msg["reply_to_message"] = replied
        msg.update(content)
        self.messages.setdefault(chat_id, {})[message_id] = msg
        self.emit("message", chat_id, msg)
        return msg

    def get_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A stored, not deleted message."""
        return self.messages.get(chat_id, {}).get(message_id)

    def remove_message(self, chat_id: int, message_id: int) -> bool:
        """Delete a message from the world; False if it was not there."""
        msg = self.messages.get(chat_id, {}).pop(message_id, None)
        if msg is None:
            return False
        sent = self.sent_index.get((chat_id, message_id))
        if sent is not None:
            sent.deleted = True
        if message_id in self.pins.get(chat_id, []):
            self.pins[chat_id].remove(message_id)
            if sent is not None:
                sent.pinned = False
        self.emit("delete", chat_id, {"chat_id": chat_id, "message_id": message_id})
        return True

    def record_sent(self, msg: dict[str, Any], html: str | None) -> SentMessage:
        """Add a message the bot sent to the sent log and wake waiters."""
        kind = message_kind(msg)
        text = (
            msg["poll"]["question"] if kind == "poll" else msg.get("text", msg.get("caption", ""))
        )
        sent = SentMessage(
            chat_id=msg["chat"]["id"],
            message_id=msg["message_id"],
            kind=kind,
            text=text,
            html=html,
            entities=list(msg.get("entities", msg.get("caption_entities", []))),
            reply_markup=msg.get("reply_markup"),
            poll=msg.get("poll"),
            date=msg["date"],
            raw=msg,
        )
        self.sent_log.append(sent)
        self.sent_index[(sent.chat_id, sent.message_id)] = sent
        self.stats.messages_sent += 1
        self.wake()
        return sent

    # -- updates -------------------------------------------------------------------------
    def push_update(self, kind: str, payload: dict[str, Any], chat_id: int | None = None) -> dict:
        """Queue an Update for the bot (a deep copy of ``payload``)."""
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self.updates.append(update)
        self.emit("update", chat_id, update)
        self.wake()
        return update

    def pending_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """Confirm updates below ``offset`` and return up to ``limit`` allowed ones."""
        if offset is not None:
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
        allowed = set(self.allowed_updates)
        self.updates = [u for u in self.updates if _update_type(u) in allowed]
        return self.updates[:limit]

    async def wait_for_updates(self, offset: int | None, limit: int, timeout: float) -> list:
        """getUpdates: return pending updates, waiting up to ``timeout`` s for the first one."""
        self._poll_generation += 1
        generation = self._poll_generation
        self.wake()  # a long poll already waiting is terminated (409), as on the real server
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise_conflict()
            result = self.pending_updates(offset, limit)
            remaining = deadline - time.monotonic()
            if result or remaining <= 0 or self.closed:
                return copy.deepcopy(result)
            event = self._updates_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_changed(self, timeout: float) -> None:
        """Sleep until anything in the world changes (or ``timeout``)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed_event.wait(), timeout)

    async def wait_sent(self, timeout: float) -> None:
        """Sleep until the bot sends something (or ``timeout``)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._sent_event.wait(), timeout)

    # -- flood control -------------------------------------------------------------------
    def flood_retry_after(self, chat_id: int | None) -> int | None:
        """Seconds to wait if one more message now would exceed the limits, else None."""
        return self.flood.retry_after(self.limits, chat_id)

    def flood_record(self, chat_id: int | None) -> None:
        """Count one sent message against the flood windows."""
        self.flood.record(chat_id)


def raise_conflict() -> None:
    """409, as when two bot instances poll at once."""
    raise ApiError(
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


def _extra(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "status"}


def _update_type(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")
