"""The delivery engine: every group post goes outbox -> paced sender -> recorded result.

Pacing is the application's rate limiter (bot/ratelimit.py: sliding windows under Telegram's
30/s and 20/min-per-group limits). This module owns what a rate limiter does not: persistence,
retries after 429/5xx/timeouts with backoff, Forbidden -> group inactive, group migration,
pinning, and telling whoever asked how a broadcast went.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.store.db import now_ts
from bot.store.groups import GroupRepo
from bot.store.outbox import BroadcastStatus, OutboxItem, OutboxRepo, OutboxRow

log = logging.getLogger(__name__)

SentHook = Callable[[OutboxRow, Message], Awaitable[None]]
MigrateHook = Callable[[int, int], Awaitable[None]]
DoneHook = Callable[[BroadcastStatus], Awaitable[None]]
METHODS = {"send_message", "send_poll", "send_photo", "send_document", "copy_message"}
# BadRequest descriptions that mean the chat itself is gone for us.
GONE = ("chat not found", "bot was kicked", "not a member", "have no rights to send",
        "not enough rights to send", "chat_write_forbidden", "group chat was deactivated")


def backoff(attempts: int, *, base: float = 1.0, cap: float = 300.0) -> float:
    """Exponential backoff with jitter for the n-th failed attempt (1-based)."""
    return min(cap, base * 2 ** (attempts - 1)) * random.uniform(0.8, 1.2)


class Delivery:
    """Owns the sender task; handlers and jobs call enqueue()."""

    def __init__(self, bot: Bot, outbox: OutboxRepo, groups: GroupRepo, *, concurrency: int = 64,
                 max_attempts: int = 10, pin_hours: float = 24.0):
        self.bot = bot
        self.outbox = outbox
        self.groups = groups
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.pin_hours = pin_hours
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._inflight: dict[asyncio.Task, int] = {}
        self._stopping = False
        self._sent_hooks: dict[str, list[SentHook]] = {}
        self._done_hooks: dict[str, list[DoneHook]] = {}
        self.on_migrated: MigrateHook | None = None  # moves the group; default: repo only

    def on_sent(self, kind: str, hook: SentHook) -> None:
        """Call hook(row, message) after a post of this kind is delivered (e.g. map poll ids)."""
        self._sent_hooks.setdefault(kind, []).append(hook)

    def on_broadcast_done(self, kind: str, hook: DoneHook) -> None:
        """Call hook(status) once, when every post of a broadcast of this kind has an outcome."""
        self._done_hooks.setdefault(kind, []).append(hook)

    async def enqueue(self, items: list[OutboxItem], *, broadcast: dict | None = None
                      ) -> tuple[int | None, list[int | None]]:
        """Store posts durably, then wake the sender.

        Returns (broadcast id, row ids aligned with items: None for a skipped duplicate).
        """
        for item in items:
            if item.method not in METHODS:
                raise ValueError(f"unsupported outbox method {item.method!r}")
        result = await self.outbox.enqueue(items, broadcast=broadcast)
        self._wake.set()
        if result[0] is not None and not any(result[1]):
            await self._maybe_report(result[0])
        return result

    async def start(self) -> None:
        """Resume whatever a stop or crash left half-done, then start sending."""
        resumed = await self.outbox.reset_inflight()
        if resumed:
            log.warning("Resuming %d deliveries interrupted by the last stop", resumed)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="delivery-sender")
        for bid in await self.outbox.unreported_broadcasts():
            await self._maybe_report(bid)

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop taking new work; let requests in flight finish and be recorded."""
        self._stopping = True
        self._wake.set()
        if self._task:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._inflight:
            _, pending = await asyncio.wait(list(self._inflight), timeout=timeout)
            ids = [self._inflight[t] for t in pending]
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self.outbox.reset_inflight(ids)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                free = self.concurrency - len(self._inflight)
                rows = await self.outbox.claim_due(free) if free > 0 else []
                for row in rows:
                    task = asyncio.create_task(self._deliver(row), name=f"deliver:{row.id}")
                    self._inflight[task] = row.id
                    task.add_done_callback(self._finished)
                if rows and len(rows) == free:
                    await asyncio.wait(list(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                    continue
                await self._sleep_until_due()
            except Exception:  # the sender must outlive any single failure
                log.exception("Delivery loop error; retrying in 1 s")
                await asyncio.sleep(1)

    def _finished(self, task: asyncio.Task) -> None:
        self._inflight.pop(task, None)
        self._wake.set()

    async def _sleep_until_due(self) -> None:
        due = await self.outbox.next_due()
        timeout = 5.0 if due is None else max(0.0, min(5.0, due - now_ts()))
        if timeout > 0:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until nothing is due or in flight (tests, /dailynow reports, benchmarks)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if not self._inflight and not await self.outbox.unfinished():
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("deliveries still pending")
            await asyncio.sleep(0.05)

    async def _deliver(self, row: OutboxRow) -> None:
        try:
            message = await self._call(row)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            log.info("Flood wait %.0f s for chat %s (outbox %d)", seconds, row.chat_id, row.id)
            await self.outbox.mark_retry(row.id, now_ts() + seconds + 0.1, f"429: {exc.message}",
                                         count_attempt=False)
            return
        except ChatMigrated as exc:
            log.info("Group %s migrated to %s; following it", row.chat_id, exc.new_chat_id)
            if self.on_migrated is not None:
                await self.on_migrated(row.chat_id, exc.new_chat_id)
            else:
                await self.groups.migrate(row.chat_id, exc.new_chat_id)
            await self.outbox.mark_retry(row.id, now_ts(), "migrated", count_attempt=False)
            return
        except Forbidden as exc:
            await self._gone(row, f"forbidden: {exc.message}")
            return
        except BadRequest as exc:
            if any(s in exc.message.lower() for s in GONE):
                await self._gone(row, f"bad request: {exc.message}")
            else:
                log.error("Outbox %d to %s rejected: %s", row.id, row.chat_id, exc.message)
                await self.outbox.mark_failed(row.id, f"bad request: {exc.message}")
            await self._maybe_report(row.broadcast_id)
            return
        except (TimedOut, NetworkError) as exc:
            await self._retry_or_fail(row, f"network: {exc.message}")
            return
        except InvalidToken as exc:
            await self.outbox.mark_retry(row.id, now_ts() + 60, f"token: {exc.message}")
            return
        except TelegramError as exc:
            await self._retry_or_fail(row, f"telegram: {exc.message}")
            return
        await self._after_sent(row, message)

    async def _call(self, row: OutboxRow) -> Message:
        kwargs: dict[str, Any] = dict(row.payload)
        if isinstance(kwargs.get("reply_markup"), dict):
            kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"],
                                                                  self.bot)
        chat_id = await self.outbox.chat_of(row.id) or row.chat_id  # follows migrations
        # rate_limit_args=0: a 429 comes straight back here and is rescheduled durably.
        return await getattr(self.bot, row.method)(chat_id=chat_id, rate_limit_args=0, **kwargs)

    async def _retry_or_fail(self, row: OutboxRow, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            log.error("Outbox %d to %s failed after %d attempts: %s", row.id, row.chat_id,
                      attempts, error)
            await self.outbox.mark_failed(row.id, error)
            await self._maybe_report(row.broadcast_id)
        else:
            await self.outbox.mark_retry(row.id, now_ts() + backoff(attempts), error)

    async def _gone(self, row: OutboxRow, error: str) -> None:
        log.warning("Chat %s is gone for the bot (%s); marking it inactive", row.chat_id, error)
        await self.groups.left(row.chat_id)
        await self.outbox.mark_failed(row.id, error)
        await self._maybe_report(row.broadcast_id)

    async def _after_sent(self, row: OutboxRow, message: Message) -> None:
        unpin_at, note = None, None
        if row.pin:
            try:
                await self.bot.pin_chat_message(message.chat_id, message.message_id,
                                                disable_notification=False)
                unpin_at = now_ts() + self.pin_hours * 3600
            except TelegramError as exc:
                note = f"pin: {exc.message}"
                log.info("Could not pin in %s: %s", message.chat_id, exc.message)
        result = {"poll_id": message.poll.id} if message.poll else None
        await self.outbox.mark_sent(row.id, message.message_id, result, unpin_at=unpin_at,
                                    error=note)
        for hook in self._sent_hooks.get(row.kind, []):
            try:
                await hook(row, message)
            except Exception:
                log.exception("on_sent hook for %s failed (outbox %d)", row.kind, row.id)
        await self._maybe_report(row.broadcast_id)

    async def _maybe_report(self, broadcast_id: int | None) -> None:
        if broadcast_id is None or not await self.outbox.claim_report(broadcast_id):
            return
        status = await self.outbox.broadcast_status(broadcast_id)
        if status is None:
            return
        for hook in self._done_hooks.get(status.kind, []):
            try:
                await hook(status)
            except Exception:
                log.exception("Broadcast report hook failed (broadcast %d)", broadcast_id)

    async def unpin_due(self) -> int:
        """Unpin red alerts whose time is up; returns how many were unpinned."""
        done = 0
        for row_id, chat_id, message_id in await self.outbox.due_unpins():
            try:
                await self.bot.unpin_chat_message(chat_id, message_id)
            except (Forbidden, BadRequest) as exc:
                log.info("Could not unpin %s in %s: %s", message_id, chat_id, exc.message)
            except (TimedOut, NetworkError):
                continue  # try again at the next run
            await self.outbox.mark_unpinned(row_id)
            done += 1
        return done
