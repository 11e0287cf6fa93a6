"""Telegram's flood control: messages per second for the bot, per minute for each group."""

from __future__ import annotations

import logging
import math
import time
from collections import deque

from bot.simulator.models import FloodLimits

logger = logging.getLogger(__name__)


class FloodControl:
    """Sliding windows of sent-message times (monotonic clock)."""

    def __init__(self) -> None:
        self._all: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}

    def retry_after(self, limits: FloodLimits, chat_id: int | None) -> int | None:
        """Whole seconds until one more message fits both windows; None if it fits now."""
        if not limits.enabled:
            return None
        t = time.monotonic()
        waits = [_wait(self._all, limits.per_second, 1.0, t)]
        if chat_id is not None and chat_id < 0:
            group = self._groups.setdefault(chat_id, deque())
            waits.append(_wait(group, limits.group_per_minute, 60.0, t))
        pending = [w for w in waits if w is not None]
        if not pending:
            return None
        return max(1, math.ceil(max(pending)))

    def record(self, chat_id: int | None) -> None:
        """Count one sent message."""
        t = time.monotonic()
        self._all.append(t)
        if chat_id is not None and chat_id < 0:
            self._groups.setdefault(chat_id, deque()).append(t)


def _wait(window: deque[float], limit: int, span: float, t: float) -> float | None:
    """Seconds until ``window`` holds fewer than ``limit`` entries younger than ``span``."""
    while window and window[0] <= t - span:
        window.popleft()
    if len(window) < limit:
        return None
    return window[len(window) - limit] + span - t
