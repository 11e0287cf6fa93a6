"""Plain data types of the Bot API simulator: limits, faults, observations, events, errors."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

FAULT_KINDS = ("429", "500", "502", "timeout", "forbidden")


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str, **parameters: Any) -> ApiError:
    """A 400 ``Bad Request: ...`` error."""
    return ApiError(400, f"Bad Request: {description}", parameters or None)


def forbidden(description: str) -> ApiError:
    """A 403 ``Forbidden: ...`` error."""
    return ApiError(403, f"Forbidden: {description}")


@dataclass
class FloodLimits:
    """Flood control of the real server: messages per second (whole bot) and per group/minute."""

    per_second: int = 30
    group_per_minute: int = 20
    enabled: bool = True


@dataclass
class SimStats:
    """Counters of what the simulator served."""

    calls: int = 0
    messages_sent: int = 0
    errors: int = 0
    flood_429: int = 0
    fault_429: int = 0
    faults_injected: int = 0

    @property
    def total_calls(self) -> int:
        """Alias of ``calls``."""
        return self.calls

    def as_dict(self) -> dict[str, int]:
        """The counters as a plain dict."""
        return asdict(self)


@dataclass
class ApiCall:
    """One request the bot made: method, decoded params and how it was answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    at: float = 0.0


@dataclass
class SimEvent:
    """A change in the simulated world, delivered to subscribers (e.g. a web UI)."""

    kind: str  # message, edit, delete, update, member, poll, callback_answer, api_call, ...
    chat_id: int | None
    data: dict[str, Any]


@dataclass
class SentMessage:
    """A message the bot sent, as seen by the test: parsed text, markup, state."""

    chat_id: int
    message_id: int
    kind: str
    text: str | None
    html: str | None
    entities: list[dict]
    reply_markup: dict | None
    poll: dict | None
    date: int
    raw: dict
    pinned: bool = False
    deleted: bool = False
    edits: int = 0

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (text, callback_data)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]

    def button_data(self, text: str) -> str:
        """callback_data of the inline button labelled ``text`` (exact, else substring)."""
        flat = [b for row in self.buttons for b in row]
        for label, data in flat:
            if label == text and data is not None:
                return data
        for label, data in flat:
            if text in label and data is not None:
                return data
        raise KeyError(f"no callback button {text!r} in {[label for label, _ in flat]}")

    def refresh(self) -> None:
        """Re-read the poll/markup fields from ``raw`` after an edit."""
        self.reply_markup = self.raw.get("reply_markup")
        self.poll = self.raw.get("poll")


@dataclass
class Fault:
    """An injected failure for matching calls (``count`` times)."""

    kind: str
    method: str | None = None
    chat_id: int | str | None = None
    count: int = 1
    retry_after: int = 1

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Whether this fault applies to a call."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        return self.count > 0


@dataclass
class FaultBook:
    """Queue of injected faults: ``sim.faults.add("429", method="sendMessage", count=2)``."""

    faults: list[Fault] = field(default_factory=list)
    hold_seconds: float = 30.0  # how long a "timeout" fault keeps the connection open

    def add(
        self,
        kind: str,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        count: int = 1,
        retry_after: int = 1,
    ) -> Fault:
        """Make the next ``count`` matching calls fail with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS}")
        fault = Fault(kind, method, chat_id, count, retry_after)
        self.faults.append(fault)
        return fault

    def take(self, method: str, params: dict[str, Any]) -> Fault | None:
        """Consume one use of the first fault matching the call, if any."""
        for fault in self.faults:
            if fault.matches(method, params):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Remove every pending fault."""
        self.faults.clear()

    def __len__(self) -> int:
        return len(self.faults)
