"""The test-facing Simulator: a world, its users' actions, the HTTP server and observation."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.simulator.actions import UserActions
from bot.simulator.models import ApiCall, FaultBook, FloodLimits, SentMessage, SimEvent, SimStats
from bot.simulator.server import BotApiServer
from bot.simulator.world import World

logger = logging.getLogger(__name__)


class Simulator(UserActions):
    """A local Bot API server plus a scriptable world of users and groups."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "antifraud_test_bot",
        bot_name: str = "反诈助手",
        limits: FloodLimits | None = None,
        *,
        privacy_mode: bool = True,
    ) -> None:
        super().__init__(
            World(
                token, bot_username, bot_name, limits or FloodLimits(), privacy_mode=privacy_mode
            )
        )
        self.server = BotApiServer(self.world)

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving on a loopback address (port 0: a free port)."""
        await self.server.start(host, port)

    async def stop(self) -> None:
        """Stop serving; held requests and long polls are released first."""
        for timer in self.world.timers:
            timer.cancel()
        self.world.timers.clear()
        await self.server.stop()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Give this to PTB as ``base_url`` (it appends the token)."""
        return f"{self.server.origin}/bot"

    @property
    def base_file_url(self) -> str:
        """Give this to PTB as ``base_file_url``."""
        return f"{self.server.origin}/file/bot"

    # -- state shortcuts -----------------------------------------------------------------
    @property
    def token(self) -> str:
        """The bot token the server accepts."""
        return self.world.token

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object."""
        return self.world.bot_user

    @property
    def bot_id(self) -> int:
        """The bot's user id (the number before ':' in the token)."""
        return self.world.bot_id

    @property
    def limits(self) -> FloodLimits:
        """Flood limits, changeable at run time."""
        return self.world.limits

    @limits.setter
    def limits(self, value: FloodLimits) -> None:
        self.world.limits = value

    @property
    def faults(self) -> FaultBook:
        """Injected faults: ``sim.faults.add("429", method="sendMessage")``."""
        return self.world.faults

    @property
    def stats(self) -> SimStats:
        """Counters (calls, messages_sent, flood_429, fault_429, ...)."""
        return self.world.stats

    @property
    def calls(self) -> list[ApiCall]:
        """Every API call, in order."""
        return self.world.calls

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """callback_query_id → parameters of answerCallbackQuery."""
        return self.world.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """(scope JSON key, language_code or '') → commands of setMyCommands."""
        return self.world.commands

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Updates queued for the bot and not yet confirmed."""
        return self.world.updates

    def subscribe(self, callback: Callable[[SimEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every world change; returns an unsubscribe function."""
        return self.world.subscribe(callback)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A stored message of any sender (None if missing or deleted)."""
        return self.world.get_message(chat_id, message_id)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive)."""
        return [c for c in self.world.calls if c.method.lower() == method.lower()]

    # -- observation ---------------------------------------------------------------------
    def sent(self, chat_id: int | None = None, *, kind: str | None = None) -> list[SentMessage]:
        """What the bot sent, in order, optionally for one chat and/or one kind."""
        return [
            s
            for s in self.world.sent_log
            if (chat_id is None or s.chat_id == chat_id) and (kind is None or s.kind == kind)
        ]

    def mark(self) -> int:
        """A cursor into the sent log, for ``wait_for_message(after=...)``."""
        return len(self.world.sent_log)

    def pinned(self, chat_id: int) -> list[int]:
        """Currently pinned message ids of a chat (oldest first)."""
        return list(self.world.pins.get(chat_id, []))

    async def wait_for_message(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        chat_id: int | None = None,
        timeout: float = 5.0,
        after: int | None = None,
    ) -> SentMessage:
        """Wait until the bot has sent a matching message (after the ``after`` mark)."""
        start = after or 0
        deadline = time.monotonic() + timeout
        while True:
            for sent in self.world.sent_log[start:]:
                if (chat_id is None or sent.chat_id == chat_id) and (
                    predicate is None or predicate(sent)
                ):
                    return sent
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(chat_id, start, timeout))
            await self.world.wait_sent(remaining)

    async def wait_until(
        self, condition: Callable[[], object], *, timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Wait until ``condition()`` is true, re-checking whenever the world changes."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what} not reached within {timeout}s")
            await self.world.wait_changed(min(remaining, 0.1))

    def _timeout_report(self, chat_id: int | None, start: int, timeout: float) -> str:
        lines = [f"no matching message from the bot within {timeout}s (chat_id={chat_id})"]
        lines.append("sent since the mark:")
        for sent in self.world.sent_log[start:][-15:]:
            text = (sent.text or "").replace("\n", " ")[:80]
            lines.append(f"  chat {sent.chat_id} #{sent.message_id} [{sent.kind}] {text!r}")
        if len(lines) == 2:
            lines.append("  (nothing)")
        lines.append("last API calls:")
        for call in self.world.calls[-10:]:
            outcome = "ok" if call.ok else f"{call.error_code} {call.description}"
            lines.append(f"  {call.method} {outcome}")
        lines.append(f"pending updates: {len(self.world.updates)}")
        return "\n".join(lines)
