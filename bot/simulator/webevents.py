"""The demo web chat's live updates: world events as server-sent events on /demo/events."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from bot.simulator.models import SimEvent
from bot.simulator.webviews import message_view, poll_view
from bot.simulator.world import World

logger = logging.getLogger(__name__)

HEARTBEAT = 15.0  # seconds between keep-alive comments
CHAT_EVENTS = ("member", "chat", "user")  # the chat lists may have changed


def event_view(world: World, event: SimEvent) -> dict[str, Any] | None:
    """What the page needs to know about a world change (None: nothing to show)."""
    kind, chat_id, data = event.kind, event.chat_id, event.data
    if kind in ("message", "edit"):
        return {"type": kind, "chat_id": chat_id, "message": message_view(world, data)}
    if kind == "delete":
        return {"type": "delete", "chat_id": chat_id, "message_id": data["message_id"]}
    if kind == "poll":
        return {"type": "poll", "chat_id": chat_id, "poll": poll_view(world, data)}
    if kind == "pin":
        return {"type": "pin", "chat_id": chat_id, "message_id": data["message_id"],
                "pinned": data["pinned"]}
    if kind == "callback_answer":
        return {"type": "callback_answer", "chat_id": chat_id,
                "query_id": data["callback_query_id"], "text": data.get("text", ""),
                "show_alert": bool(data.get("show_alert"))}
    if kind in CHAT_EVENTS:
        return {"type": "chats", "chat_id": chat_id}
    return None  # updates for the bot, API calls, command menus


def sse(data: dict[str, Any]) -> bytes:
    """One server-sent event carrying a JSON object (ASCII: no line separators inside)."""
    return f"data: {json.dumps(data)}\n\n".encode()


class EventStream:
    """Each open page gets its own queue of world events (world.subscribe_queue)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._queues: set[asyncio.Queue[SimEvent | None]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET /demo/events: one JSON object per world change the page shows."""
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream", "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff"})
        await response.prepare(request)
        queue, unsubscribe = self.world.subscribe_queue(maxsize=10_000)
        self._queues.add(queue)
        try:
            await response.write(b"retry: 1000\n\n")
            await response.write(sse({"type": "hello"}))
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event is None:  # the server is shutting down
                    break
                view = event_view(self.world, event)
                if view is not None:
                    await response.write(sse(view))
        except ConnectionError:
            pass  # the page went away
        finally:
            unsubscribe()
            self._queues.discard(queue)
        return response

    async def close(self, app: web.Application) -> None:
        """on_shutdown: end every open stream now rather than at the shutdown timeout."""
        for queue in list(self._queues):
            while queue.full():
                queue.get_nowait()
            queue.put_nowait(None)
