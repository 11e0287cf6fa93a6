"""The demo web chat's JSON API (/demo/api/…), its event stream (/demo/events) and its page.

Mounted on the simulator's own aiohttp server, beside (not inside) the Bot API routes. Every
action is one a person in the simulated world could take — write, press, vote, forward — done
through the simulator's user actions, so the bot sees real updates. Loopback only: requests
must name this server as Host, and writes must be same-origin JSON.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from bot.simulator.webevents import EventStream
from bot.simulator.webviews import (
    Persona,
    can_see,
    chat_list,
    display_name,
    message_view,
    messages_of,
    poll_view,
)

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
STATIC = {"demo.css": "text/css", "demo.js": "text/javascript"}
MAX_TEXT = 4096
ANSWER_WAIT = 2.5  # seconds a press waits for the bot's answerCallbackQuery
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class Scene(Protocol):
    """What the demo application provides: who can be played, texts, and the tour."""

    personas: list[Persona]
    chat_order: list[int]
    default_lang: str

    def page_texts(self) -> dict[str, dict[str, str]]: ...

    def state(self) -> dict[str, Any]: ...

    async def run_tour(self, step: str) -> dict[str, Any]: ...


class WebError(Exception):
    """A request the API refuses: HTTP status and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise WebError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WebError(400, f"{name} must be an integer") from None


class WebChat:
    """The web chat over one Simulator and one Scene."""

    def __init__(self, sim: Simulator, scene: Scene) -> None:
        self.sim = sim
        self.world = sim.world
        self.scene = scene
        self.stream = EventStream(sim.world)

    # -- wiring --------------------------------------------------------------------------
    def mount(self, app: web.Application) -> None:
        """Add the page, the API and the event stream to the simulator's application."""
        app.middlewares.append(self._guard)
        app.on_shutdown.append(self.stream.close)
        r = app.router
        r.add_get("/", self._to_page)
        r.add_get("/demo", self._to_page)
        r.add_get("/demo/", self.page)
        r.add_get("/demo/static/{name}", self.static)
        r.add_get("/demo/api/state", self.state)
        r.add_get("/demo/api/texts", self.texts)
        r.add_get("/demo/api/personas", self.personas)
        r.add_get("/demo/api/chats", self.chats)
        r.add_get("/demo/api/messages", self.messages)
        r.add_post("/demo/api/send", self.send)
        r.add_post("/demo/api/press", self.press)
        r.add_post("/demo/api/vote", self.vote)
        r.add_post("/demo/api/forward", self.forward)
        r.add_post("/demo/api/tour/{step}", self.tour)
        r.add_get("/demo/events", self.stream.handle)

    def _allowed_hosts(self) -> set[str]:
        port = self.sim.server.port
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Only for the demo paths: Host and Origin checks, JSON writes, safe headers."""
        if request.path != "/" and not request.path.startswith("/demo"):
            return await handler(request)
        try:
            if request.host not in self._allowed_hosts():
                raise WebError(403, "unexpected Host header")
            if request.method == "POST":
                origin = request.headers.get("Origin")
                if origin is not None and origin.split("://", 1)[-1] not in self._allowed_hosts():
                    raise WebError(403, "cross-origin request")
                if request.content_type != "application/json":
                    raise WebError(415, "send application/json")
            response = await handler(request)
        except WebError as exc:
            response = _json({"ok": False, "error": exc.reason}, exc.status)
        except (ValueError, KeyError) as exc:  # the simulator refused the action
            response = _json({"ok": False, "error": str(exc).strip("'\"")}, 400)
        if not response.prepared:
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # -- the page ------------------------------------------------------------------------
    async def _to_page(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/demo/")

    async def page(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(WEB_DIR / "index.html",
                                headers={"Content-Type": "text/html; charset=utf-8"})

    async def static(self, request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if name not in STATIC:
            raise WebError(404, "not found")
        return web.FileResponse(WEB_DIR / name,
                                headers={"Content-Type": f"{STATIC[name]}; charset=utf-8"})

    # -- reading -------------------------------------------------------------------------
    def _persona(self, key: Any) -> Persona:
        for persona in self.scene.personas:
            if persona.key == key:
                return persona
        raise WebError(400, "unknown persona")

    def _chat(self, persona: Persona, value: Any) -> int:
        chat_id = _int(value, "chat")
        if not can_see(self.world, persona, chat_id):
            raise WebError(403, "this persona is not in that chat")
        return chat_id

    def _persona_views(self) -> list[dict[str, Any]]:
        return [{"key": p.key, "user_id": p.user_id,
                 "name": display_name(self.world.users.get(p.user_id))}
                for p in self.scene.personas]

    async def state(self, request: web.Request) -> web.Response:
        bot = self.world.bot_user
        return _json({"ok": True, "lang": self.scene.default_lang,
                      "bot": {"id": bot["id"], "name": bot["first_name"],
                              "username": bot.get("username", "")},
                      "personas": self._persona_views(), **self.scene.state()})

    async def texts(self, request: web.Request) -> web.Response:
        return _json({"ok": True, "texts": self.scene.page_texts()})

    async def personas(self, request: web.Request) -> web.Response:
        return _json({"ok": True, "personas": self._persona_views()})

    async def chats(self, request: web.Request) -> web.Response:
        persona = self._persona(request.query.get("persona"))
        return _json({"ok": True, "chats": chat_list(self.world, persona,
                                                     self.scene.chat_order)})

    async def messages(self, request: web.Request) -> web.Response:
        persona = self._persona(request.query.get("persona"))
        chat_id = self._chat(persona, request.query.get("chat"))
        return _json({"ok": True, "chat_id": chat_id,
                      "messages": messages_of(self.world, chat_id)})

    # -- acting --------------------------------------------------------------------------
    async def _body(self, request: web.Request) -> tuple[dict[str, Any], Persona]:
        try:
            body = await request.json()
        except ValueError:
            raise WebError(400, "invalid JSON") from None
        if not isinstance(body, dict):
            raise WebError(400, "expected a JSON object")
        return body, self._persona(body.get("persona"))

    def _message(self, persona: Persona, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(persona, body.get("chat"))
        msg = self.world.get_message(chat_id, _int(body.get("message_id"), "message_id"))
        if msg is None:
            raise WebError(404, "no such message")
        return msg

    async def send(self, request: web.Request) -> web.Response:
        """The persona writes a text message in a chat they are in."""
        body, persona = await self._body(request)
        chat_id = self._chat(persona, body.get("chat"))
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise WebError(400, "text must be a non-empty string")
        if len(text) > MAX_TEXT:
            raise WebError(400, f"text is longer than {MAX_TEXT} characters")
        reply_to = body.get("reply_to")
        msg = self.sim.user_sends(persona.user_id, chat_id, text,
                                  reply_to=None if reply_to is None else _int(reply_to,
                                                                              "reply_to"))
        return _json({"ok": True, "message": message_view(self.world, msg)})

    async def press(self, request: web.Request) -> web.Response:
        """The persona presses an inline button; answers with the bot's callback answer."""
        body, persona = await self._body(request)
        msg = self._message(persona, body)
        data = body.get("data")
        if not isinstance(data, str) or not data:
            raise WebError(400, "data must be the button's callback_data")
        query_id = self.sim.press_button(persona.user_id, msg, data)
        deadline = time.monotonic() + ANSWER_WAIT
        while query_id not in self.world.callback_answers and time.monotonic() < deadline:
            await self.world.wait_changed(0.1)
        return _json({"ok": True, "query_id": query_id,
                      "answer": self.world.callback_answers.get(query_id)})

    async def vote(self, request: web.Request) -> web.Response:
        """The persona answers a poll (sim.answer_poll); [] retracts where allowed."""
        body, persona = await self._body(request)
        msg = self._message(persona, body)
        if "poll" not in msg:
            raise WebError(400, "that message has no poll")
        options = body.get("options")
        if not isinstance(options, list):
            raise WebError(400, "options must be a list of option numbers")
        self.sim.answer_poll(persona.user_id, msg["poll"]["id"],
                             [_int(o, "option") for o in options])
        return _json({"ok": True, "poll": poll_view(self.world, msg["poll"])})

    async def forward(self, request: web.Request) -> web.Response:
        """"Report this": the persona forwards a group message to the bot, privately."""
        body, persona = await self._body(request)
        msg = self._message(persona, body)
        if msg["chat"]["id"] > 0:
            raise WebError(400, "only group messages are forwarded from here")
        forwarded = self.sim.user_forwards(persona.user_id, msg)
        return _json({"ok": True, "chat_id": persona.user_id,
                      "message": message_view(self.world, forwarded)})

    async def tour(self, request: web.Request) -> web.Response:
        """One step of the guided tour, performed by the scene."""
        step = request.match_info["step"]
        if step not in self.scene.state().get("tour", []):
            raise WebError(404, "no such tour step")
        return _json({"ok": True, **await self.scene.run_tour(step)})
