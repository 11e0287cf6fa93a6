"""Pacing every Bot API call under Telegram's limits, with sliding windows.

Telegram allows about 30 messages a second per bot and 20 a minute per group. PTB's
AIORateLimiter uses leaky buckets, which let a full bucket burst and then refill: in the first
second it can send 60 messages, which a server counting a sliding window answers with 429s.
This limiter keeps "at most N in any window" exactly (bursts up to N are fine, never more), so a
broadcast runs at the limit without tripping it. A 429 pauses every send for retry_after.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
INF = float("inf")

# Methods that count as messages for Telegram's flood control.
SEND_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendPoll", "sendSticker", "sendVideo",
    "sendAudio", "sendVoice", "sendAnimation", "sendMediaGroup", "sendLocation", "sendContact",
    "copyMessage", "forwardMessage", "copyMessages", "forwardMessages", "sendDice",
})


class SlidingWindow:
    """At most `limit` requests in any `period` seconds, as the server will count them.

    The server counts a request when it arrives, somewhere between our send and its answer. A
    request therefore occupies the window from when it is sent until `period` after its answer
    (while in flight, for ever): however late the network delivers it, the server can never
    see more than `limit` in a window.
    """

    def __init__(self, limit: int, period: float):
        self.limit = limit
        self.period = period
        self._cells: list[list[float]] = []  # [answered at], inf while in flight

    def delay(self, now: float) -> float:
        """Seconds until a slot is free (0 when one is free now)."""
        self._cells = [c for c in self._cells if c[0] > now - self.period]
        if len(self._cells) < self.limit:
            return 0.0
        oldest = min(c[0] for c in self._cells)
        return 0.005 if oldest == INF else oldest + self.period - now

    def take(self) -> list[float]:
        """Occupy a slot; pass the returned cell to done() when the answer arrives."""
        cell = [INF]
        self._cells.append(cell)
        return cell

    @staticmethod
    def done(cell: list[float], now: float) -> None:
        cell[0] = now

    @property
    def idle(self) -> bool:
        return not self._cells


class SlidingWindowRateLimiter(BaseRateLimiter[int]):
    """PTB rate limiter: a bot-wide window and one window per group chat.

    rate_limit_args (per call) is the number of retries after a 429 or a 5xx; None uses
    max_retries. The outbox passes 0: it stores the post and retries it itself, so nothing
    waits in memory; such bulk sends also give way to interactive replies waiting for a slot,
    so a broadcast never makes a user wait for an answer. Timeouts are not retried here: the
    request may have been delivered.
    """

    def __init__(self, per_second: float = 30, group_per_minute: float = 20, *,
                 margin: float = 0.99, max_retries: int = 2):
        # margin < 1 lengthens the windows a little more, for servers whose clocks drift.
        self.overall = SlidingWindow(max(1, int(per_second)), 1.0 / margin)
        self._group_limit = max(1, int(group_per_minute))
        self._group_period = 60.0 / margin
        self._groups: dict[int | str, SlidingWindow] = {}
        self.max_retries = max_retries
        self._paused_until = 0.0
        self._interactive_waiting = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _group(self, chat_id: int | str, now: float) -> SlidingWindow:
        if len(self._groups) > 4096:  # forget groups with nothing left in their window
            for key in [k for k, w in self._groups.items() if w.delay(now) == 0 and w.idle]:
                del self._groups[key]
        window = self._groups.get(chat_id)
        if window is None:
            window = self._groups[chat_id] = SlidingWindow(self._group_limit, self._group_period)
        return window

    async def _acquire(self, group: int | str | None, *, bulk: bool) -> list[list[float]]:
        """Wait for a slot. Bulk sends (broadcasts) let waiting interactive replies go first."""
        loop = asyncio.get_running_loop()
        group_window = self._group(group, loop.time()) if group is not None else None
        queued = False  # counted among the interactive requests waiting for a global slot
        try:
            while True:
                now = loop.time()
                group_wait = group_window.delay(now) if group_window else 0.0
                wait = max(self._paused_until - now, self.overall.delay(now))
                if bulk and self._interactive_waiting and group_wait <= 0:
                    wait = max(wait, 0.005)
                if not bulk and queued != (group_wait <= 0 < wait):
                    queued = not queued
                    self._interactive_waiting += 1 if queued else -1
                wait = max(wait, group_wait)
                if wait <= 0:
                    cells = [self.overall.take()]
                    if group_window:
                        cells.append(group_window.take())
                    return cells
                await asyncio.sleep(wait)
        finally:
            if queued:
                self._interactive_waiting -= 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict]:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        counted = endpoint in SEND_METHODS
        group = _group_key(data.get("chat_id")) if counted else None
        loop = asyncio.get_running_loop()
        for attempt in range(retries + 1):
            cells = await self._acquire(group, bulk=rate_limit_args == 0) if counted else []
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                self._paused_until = max(self._paused_until, loop.time() + seconds)
                if attempt == retries:
                    raise
                log.info("Flood wait %.1f s on %s; retrying", seconds, endpoint)
            except NetworkError as exc:
                # Exactly NetworkError: a 5xx or a dropped connection. Its subclasses
                # (BadRequest, TimedOut, …) are answers or ambiguities, not worth a retry.
                if type(exc) is not NetworkError or attempt == retries:
                    raise
                log.info("Bot API error on %s (%s); retrying", endpoint, exc.message)
                await asyncio.sleep(0.5 * 2**attempt)
            finally:
                for cell in cells:
                    SlidingWindow.done(cell, loop.time())
        raise AssertionError("unreachable")


def _group_key(chat_id: object) -> int | str | None:
    """Groups, supergroups and channels (negative ids or @usernames) have their own window."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    if isinstance(chat_id, int) and chat_id < 0:
        return chat_id
    return None
