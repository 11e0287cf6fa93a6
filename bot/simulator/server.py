"""HTTP front of the simulator: Bot API routes like api.telegram.org, on loopback only."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import BodyPartReader, web

# Importing the method modules registers their handlers.
from bot.simulator import methods_core, methods_edit, methods_send  # noqa: F401
from bot.simulator.models import ApiCall, ApiError, Fault, bad_request
from bot.simulator.params import METHODS, MethodSpec, Params, UploadedFile
from bot.simulator.world import World

logger = logging.getLogger(__name__)

_dumps = partial(json.dumps, ensure_ascii=False)
MAX_BODY = 60 * 1024 * 1024


def check_loopback(host: str) -> None:
    """Refuse to listen anywhere but on the loopback interface."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the simulator listens on loopback addresses only, not {host!r}")


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code, dumps=_dumps
    )


class BotApiServer:
    """aiohttp application serving ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.port: int | None = None
        self.host = "127.0.0.1"
        # Extra routes on the same server (e.g. the demo web chat): each is called with the
        # aiohttp application before it starts.
        self.extensions: list[Callable[[web.Application], None]] = []

    def make_app(self) -> web.Application:
        """The aiohttp application (routes only; no state of its own)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        for extend in self.extensions:
            extend(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and serve (port 0 picks a free port)."""
        check_loopback(host)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.setblocking(False)
        self._runner = web.AppRunner(
            self.make_app(), access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self.host = host
        self.port = sock.getsockname()[1]
        logger.info("Bot API simulator listening on http://%s:%s", host, self.port)

    async def stop(self) -> None:
        """Release held requests and long polls, then shut the server down."""
        self._stopping.set()
        self.world.closed = True
        self.world.wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def origin(self) -> str:
        """``http://host:port``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- request handling ----------------------------------------------------------------
    async def read_params(self, request: web.Request) -> Params:
        """Query string plus a JSON, urlencoded or multipart body."""
        data: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON encoded request body") from None
                if isinstance(body, dict):
                    data.update(body)
            elif request.content_type.startswith("multipart/"):
                reader = await request.multipart()
                while (part := await reader.next()) is not None:
                    if not isinstance(part, BodyPartReader) or not part.name:
                        continue
                    if part.filename is not None:
                        content = bytes(await part.read())
                        ctype = part.headers.get("Content-Type")
                        files[part.name] = UploadedFile(part.name, part.filename, ctype, content)
                    else:
                        data[part.name] = await part.text()
            else:
                form = await request.post()
                data.update({k: v for k, v in form.items() if isinstance(v, str)})
        return Params(data, files)

    async def handle_api(self, request: web.Request) -> web.Response:
        """One Bot API call."""
        w = self.world
        method = request.match_info["method"]
        spec = METHODS.get(method.lower())
        if request.match_info["token"] != w.token:
            return self._reject(method, 401, "Unauthorized")
        if spec is None:
            return self._reject(method, 404, "Not Found")
        try:
            params = await self.read_params(request)
        except ApiError as exc:
            return web.json_response(exc.payload(), status=exc.code, dumps=_dumps)
        call = ApiCall(spec.name, params.public(), at=time.monotonic())
        w.calls.append(call)
        w.stats.calls += 1
        try:
            result = await self.execute(spec, params, call)
        except ApiError as exc:
            call.ok, call.error_code, call.description = False, exc.code, exc.description
            w.stats.errors += 1
            self._log_call(call)
            return web.json_response(exc.payload(), status=exc.code, dumps=_dumps)
        self._log_call(call)
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    def _reject(self, method: str, code: int, description: str) -> web.Response:
        """Answer a call with a wrong token or an unknown method (still logged)."""
        call = ApiCall(method, {}, False, code, description, time.monotonic())
        self.world.calls.append(call)
        self.world.stats.calls += 1
        self.world.stats.errors += 1
        self._log_call(call)
        return _error(code, description)

    def _log_call(self, call: ApiCall) -> None:
        if not call.ok:
            logger.debug("%s -> %s %s", call.method, call.error_code, call.description)
        self.world.emit(
            "api_call",
            None,
            {
                "method": call.method,
                "ok": call.ok,
                "error_code": call.error_code,
                "description": call.description,
            },
        )

    async def execute(self, spec: MethodSpec, params: Params, call: ApiCall) -> Any:
        """Faults, flood control, then the method itself."""
        w = self.world
        fault = w.faults.take(spec.name, params.data)
        if fault is not None:
            w.stats.faults_injected += 1
            await self.apply_fault(fault, call)
        chat_id: int | None = None
        if spec.sends:
            try:
                chat_id = params.chat_id()
            except ApiError:
                chat_id = None
            retry = w.flood_retry_after(chat_id)
            if retry is not None:
                w.stats.flood_429 += 1
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        result = spec.handler(w, params)
        if inspect.isawaitable(result):
            result = await result
        if spec.sends:
            w.flood_record(chat_id)
        return result

    async def apply_fault(self, fault: Fault, call: ApiCall) -> None:
        """Fail the call as the fault says (the method is not performed)."""
        if fault.kind == "429":
            self.world.stats.fault_429 += 1
            retry = max(1, int(fault.retry_after))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        if fault.kind == "500":
            raise ApiError(500, "Internal Server Error")
        if fault.kind == "502":
            raise ApiError(502, "Bad Gateway")
        if fault.kind == "forbidden":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        # "timeout": keep the connection open without doing anything
        call.description = "held open by an injected timeout fault"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self.world.faults.hold_seconds)
        raise ApiError(504, "Gateway Timeout")

    async def handle_file(self, request: web.Request) -> web.Response:
        """File download, as https://api.telegram.org/file/bot<token>/<file_path>."""
        if request.match_info["token"] != self.world.token:
            return _error(401, "Unauthorized")
        stored = self.world.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _error(404, "Not Found")
        return web.Response(body=stored.content, content_type="application/octet-stream")
