"""The demo's guided tour: each step acts as the right person, like a visitor would.

Steps use only what people can do in the simulator (write, forward, press a button) and look
at what the bot answered. A step whose feature is not in this build yet says so instead of
failing: the note keys are demo texts the page shows.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackQueryHandler

from bot.demo import (
    ADMIN,
    NEIGHBOURHOOD,
    OFFICER,
    PARENTS,
    REVIEW,
    STRANGER,
    VOLUNTEER,
    has_command,
)
from bot.handlers.callbacks import CASE
from bot.simulator import SentMessage

if TYPE_CHECKING:
    from bot.demo import Demo

log = logging.getLogger(__name__)

STEP_WAIT = 6.0
PAUSE = 0.8  # between two presses on a card, so the visitor sees the keyboard change


def has_callback(app: Any, data: str) -> bool:
    """Whether some button handler of the running build accepts this callback data."""
    for handlers in app.handlers.values():
        for h in handlers:
            pattern = getattr(h, "pattern", None)
            if isinstance(h, CallbackQueryHandler) and isinstance(pattern, re.Pattern) \
                    and pattern.match(data):
                return True
    return False


def button_data(msg: dict[str, Any] | None) -> list[str]:
    rows = ((msg or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def _result(ok: bool, persona: str, chat: int, note: str, **params: object) -> dict[str, Any]:
    return {"ok": ok, "persona": persona, "chat": chat, "note": f"demo.tour.note.{note}",
            "params": {k: str(v) for k, v in params.items()}}


class Tour:
    """daily → quiz → report → decide → warning."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.sim = demo.sim
        self._lock = asyncio.Lock()
        self.steps: dict[str, Callable[[], Awaitable[dict[str, Any]]]] = {
            "daily": self.daily, "quiz": self.quiz, "report": self.report,
            "decide": self.decide, "warning": self.warning,
        }

    async def run(self, step: str) -> dict[str, Any]:
        """Perform one step; never raises for a step that could not be done."""
        async with self._lock:
            try:
                return await self.steps[step]()
            except (AssertionError, ValueError, KeyError) as exc:
                log.warning("Tour step %s failed: %s", step, exc)
                detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return _result(False, "officer", REVIEW, "failed", detail=detail)

    # -- helpers -------------------------------------------------------------------------
    @property
    def reports_wired(self) -> bool:
        return has_callback(self.demo.app, f"{CASE}:scam:1")

    async def _next(self, chat_id: int, after: int,
                    predicate: Callable[[SentMessage], bool] | None = None) -> SentMessage | None:
        """The bot's next message in a chat after the mark, or None within the step's wait."""
        try:
            return await self.sim.wait_for_message(predicate, chat_id=chat_id, after=after,
                                                   timeout=STEP_WAIT)
        except AssertionError:
            return None

    def _latest_card(self, action: str) -> tuple[dict[str, Any], str] | None:
        """The newest card in the review chat with a button case:<action>:…, and its data."""
        stored = self.sim.world.messages.get(REVIEW, {})
        for message_id in sorted(stored, reverse=True):
            for data in button_data(stored[message_id]):
                if data.startswith(f"{CASE}:{action}:"):
                    return stored[message_id], data
        return None

    async def _keyboard_has(self, msg: dict[str, Any], prefix: str, present: bool) -> None:
        def check() -> bool:
            current = self.sim.message(msg["chat"]["id"], msg["message_id"])
            return any(d.startswith(prefix) for d in button_data(current)) == present

        await self.sim.wait_until(check, timeout=STEP_WAIT, what=f"card buttons {prefix}")

    # -- the steps -----------------------------------------------------------------------
    async def daily(self) -> dict[str, Any]:
        """The officer posts today's bulletin to every group now (/dailynow)."""
        mark = self.sim.mark()
        await self.demo.says(OFFICER, REVIEW, "/dailynow")
        post = await self._next(NEIGHBOURHOOD, mark)
        if post is None:
            return _result(True, "officer", REVIEW, "daily_again")
        return _result(True, "officer", NEIGHBOURHOOD, "daily_done")

    async def quiz(self) -> dict[str, Any]:
        """The group admin starts a quiz in the parents' group (/quiz)."""
        if not has_command(self.demo.app, "quiz"):  # type: ignore[arg-type]
            return _result(False, "admin", PARENTS, "quiz_not_wired")
        mark = self.sim.mark()
        self.sim.user_sends(ADMIN, PARENTS, "/quiz")
        poll = await self._next(PARENTS, mark, lambda m: m.kind == "poll")
        return _result(poll is not None, "admin", PARENTS,
                       "quiz_done" if poll else "quiz_no_poll")

    async def report(self) -> dict[str, Any]:
        """A scam shows up in the neighbourhood group; the volunteer forwards it to the bot."""
        mark = self.sim.mark()
        scam = self.sim.user_sends(STRANGER, NEIGHBOURHOOD, self.demo.t("scene.scam_tour"))
        self.sim.user_forwards(VOLUNTEER, scam)
        await self._next(VOLUNTEER, mark)
        if not self.reports_wired:
            return _result(False, "volunteer", VOLUNTEER, "reports_not_wired")
        card = await self._next(REVIEW, mark, lambda m: any(
            d and d.startswith(f"{CASE}:") for row in m.buttons for _, d in row))
        return _result(card is not None, "volunteer", VOLUNTEER,
                       "report_done" if card else "report_no_card")

    async def decide(self) -> dict[str, Any]:
        """The officer presses 确认诈骗 on the newest card, then the suggested fraud type."""
        if not self.reports_wired:
            return _result(False, "officer", REVIEW, "reports_not_wired")
        found = self._latest_card("scam")
        if found is None:
            return _result(False, "officer", REVIEW, "decide_no_card")
        card, data = found
        case_id = data.split(":")[2]
        self.sim.press_button(OFFICER, card, data)
        await self._keyboard_has(card, f"{CASE}:ok:{case_id}:", True)
        await asyncio.sleep(PAUSE)
        types = [d for d in button_data(self.sim.message(REVIEW, card["message_id"]))
                 if d.startswith(f"{CASE}:ok:{case_id}:")]
        self.sim.press_button(OFFICER, card, types[0])  # the first one is the suggested type
        await self._keyboard_has(card, f"{CASE}:ok:{case_id}:", False)
        return _result(True, "officer", REVIEW, "decide_done")

    async def warning(self) -> dict[str, Any]:
        """The officer warns the groups of the area; the resident sees it in their group."""
        if not self.reports_wired:
            return _result(False, "officer", REVIEW, "reports_not_wired")
        found = self._latest_card("wa")
        if found is None:
            return _result(False, "officer", REVIEW, "warning_no_case")
        card, data = found
        area = f"{':'.join(data.split(':')[:3])}:area"
        mark = self.sim.mark()
        self.sim.press_button(OFFICER, card, area if area in button_data(card) else data)
        post = await self._next(NEIGHBOURHOOD, mark)
        if post is None:
            return _result(False, "officer", REVIEW, "warning_none")
        return _result(True, "resident", NEIGHBOURHOOD, "warning_done")
