"""Demo mode: the real bot against the built-in Bot API simulator, with a web chat to play it.

`python -m bot demo` (or `make run` without a token) builds the bot exactly as in production
(build_application, the same database code, a throwaway database in a temporary folder); only
its base_url points at the simulator. The scene — demo groups, an officers' review chat and
four people — is seeded through real updates; the web chat (bot/simulator/webapi.py) lets a
visitor act as any of them, and the tour (bot/demo_tour.py) walks through the three loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import signal
import tempfile
from pathlib import Path
from typing import Any

from telegram.ext import Application, CommandHandler

from bot.config import Config
from bot.i18n import Texts
from bot.simulator import FloodLimits, Simulator
from bot.simulator.webapi import WebChat
from bot.simulator.webviews import Persona

log = logging.getLogger(__name__)

TOKEN = "700000001:DEMO-not-a-real-telegram-token"
BOT_USERNAME = "antifraud_demo_bot"
OFFICER, RESIDENT, ADMIN, VOLUNTEER, STRANGER = 1001, 2001, 2002, 2003, 2999
NEIGHBOURHOOD, PARENTS, WORKPLACE, REVIEW = -100_101, -100_102, -100_103, -100_900
PEOPLE = {"resident": RESIDENT, "admin": ADMIN, "volunteer": VOLUNTEER, "officer": OFFICER,
          "stranger": STRANGER}
PERSONAS = ("resident", "admin", "volunteer", "officer")
# (chat id, text key, group type, area key, members besides the admin who created it)
GROUPS = (
    (NEIGHBOURHOOD, "neighbourhood", "neighbourhood", "area",
     (RESIDENT, VOLUNTEER, OFFICER, STRANGER)),
    (PARENTS, "parents", "parents", "area", (RESIDENT, VOLUNTEER, OFFICER)),
    (WORKPLACE, "workplace", "workplace", "area_workplace", (VOLUNTEER, OFFICER)),
)
WAIT = 10.0  # seconds for each answer of the bot while seeding


def has_command(app: Application, name: str) -> bool:
    """Whether the running build handles /name (features land one by one)."""
    return any(isinstance(h, CommandHandler) and name in h.commands
               for handlers in app.handlers.values() for h in handlers)


class Demo:
    """The simulator, the bot polling it, the seeded scene and the web chat; start() / stop()."""

    def __init__(self, base: Config, *, host: str = "127.0.0.1", port: int = 8080,
                 lang: str | None = None, workdir: Path | None = None) -> None:
        self.base = base
        self.host, self.port = host, port
        self.default_lang = lang or base.locale
        self.texts = Texts.load(self.default_lang)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="antifraud-demo-")
            workdir = Path(self._tmp.name)
        self.workdir = workdir
        self.sim = Simulator(token=TOKEN, bot_username=BOT_USERNAME,
                             bot_name=self.t("scene.bot_name"), limits=FloodLimits())
        self.personas = [Persona(key, PEOPLE[key]) for key in PERSONAS]
        self.chat_order = [REVIEW, *(g[0] for g in GROUPS)]
        self.notes: list[str] = []
        self.app: Application | None = None
        from bot.demo_tour import Tour  # the tour needs Demo's constants

        self.tour = Tour(self)
        self.sim.server.extensions.append(WebChat(self.sim, self).mount)

    # -- Scene protocol (what the web chat asks) -----------------------------------------
    def t(self, key: str, **kwargs: object) -> str:
        """A demo text in the demo's language."""
        return self.texts.t(f"demo.{key}", self.default_lang, **kwargs)

    def page_texts(self) -> dict[str, dict[str, str]]:
        return {lang: {k: v for k, v in table.items() if k.startswith("demo.")}
                for lang, table in self.texts.tables.items()}

    def state(self) -> dict[str, Any]:
        return {"tour": list(self.tour.steps), "notes": list(self.notes), "review_chat": REVIEW}

    async def run_tour(self, step: str) -> dict[str, Any]:
        return await self.tour.run(step)

    @property
    def url(self) -> str:
        return f"{self.sim.server.origin}/demo/"

    def config(self) -> Config:
        """The production config with the simulator's URL, a throwaway database and the scene."""
        b = self.base
        return dataclasses.replace(
            b,
            telegram=dataclasses.replace(b.telegram, token=self.sim.token,
                                         base_url=self.sim.base_url,
                                         base_file_url=self.sim.base_file_url, poll_timeout=5),
            database=str(self.workdir / "demo.sqlite3"),
            content_dir=str(b.resolve(b.content_dir).resolve()),
            locale=self.default_lang, officers=(OFFICER,), review_chat_id=REVIEW)

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Serve, build the world, start the bot, then seed the scene through real updates."""
        from bot.app import ALLOWED_UPDATES, build_application

        await self.sim.start(self.host, self.port)
        self._build_world()
        app = build_application(self.config())
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        await app.updater.start_polling(poll_interval=0, timeout=5,  # type: ignore[union-attr]
                                        allowed_updates=ALLOWED_UPDATES)
        await app.start()
        self.app = app
        await self._seed()

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is not None:
            with contextlib.suppress(Exception):
                await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
            await app.post_stop(app)  # type: ignore[misc]
            await app.shutdown()
            await app.post_shutdown(app)  # type: ignore[misc]
        await self.sim.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # -- the scene -----------------------------------------------------------------------
    def _build_world(self) -> None:
        """People and chats; the bot is added to every chat (its updates wait in the queue)."""
        sim, code = self.sim, "en" if self.default_lang == "en" else "zh-hans"
        for key, user_id in PEOPLE.items():
            sim.add_user(user_id, self.t(f"scene.people.{key}"), language_code=code)
        sim.add_group(REVIEW, self.t("scene.groups.review"), members={OFFICER: "creator"})
        sim.add_bot_to_group(REVIEW, OFFICER)
        for chat_id, key, _, _, members in GROUPS:
            sim.add_group(chat_id, self.t(f"scene.groups.{key}"),
                          members={ADMIN: "creator", **{m: "member" for m in members}})
            sim.add_bot_to_group(chat_id, ADMIN, status="administrator")
        # The officer has opened the bot before (so officer menus and notices reach them).
        sim.user_sends(OFFICER, OFFICER, "/start")

    async def says(self, user: int, chat: int, text: str, *, contains: str = "") -> Any:
        """A person writes; returns the bot's next message in that chat (with ``contains``)."""
        mark = self.sim.mark()
        self.sim.user_sends(user, chat, text)
        return await self.sim.wait_for_message(lambda m: contains in (m.text or ""),
                                               chat_id=chat, after=mark, timeout=WAIT)

    async def _seed(self) -> None:
        sim = self.sim
        await sim.wait_for_message(chat_id=OFFICER, timeout=WAIT)
        for chat_id, _, group_type, area, _ in GROUPS:
            await sim.wait_for_message(chat_id=chat_id, timeout=WAIT)  # the bot's greeting
            await self.says(ADMIN, chat_id, f"/register {group_type} {self.t('scene.' + area)}",
                            contains="✅")
        await self._make_volunteer()
        sim.user_sends(STRANGER, NEIGHBOURHOOD, self.t("scene.scam_seeded"))
        log.info("Demo scene ready: %d groups, review chat, %d people", len(GROUPS),
                 len(PEOPLE))

    async def _make_volunteer(self) -> None:
        """Through an officer's invite link when the build has them, else set_role directly."""
        area = self.t("scene.area")
        app = self.app
        assert app is not None
        from bot.handlers import start as start_handlers

        if has_command(app, "invite") and "inv" in start_handlers.START_PAYLOADS:
            answer = await self.says(OFFICER, OFFICER,
                                     f"/invite {area} {self.t('scene.invite_note')}")
            found = re.search(r"start=(\S+)", answer.text or "")
            if found:
                await self.says(VOLUNTEER, VOLUNTEER, f"/start {found.group(1)}")
                user = await app.bot_data["services"].users.get(VOLUNTEER)
                if user is not None and user.role == "volunteer":
                    self.notes.append("demo.notes.volunteer_invite")
                    return
        # Fallback until the reports feature's invites are wired: the repository method.
        await self.says(VOLUNTEER, VOLUNTEER, "/start")
        await app.bot_data["services"].users.set_role(VOLUNTEER, "volunteer", area)
        self.notes.append("demo.notes.volunteer_set_role")
        log.info("Demo: volunteer set with services.users.set_role (no invite flow wired)")


async def run_demo(base: Config, *, host: str = "127.0.0.1", port: int = 8080,
                   lang: str | None = None) -> int:
    """Run until Ctrl+C / SIGTERM."""
    demo = Demo(base, host=host, port=port, lang=lang)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await demo.start()
        print(f"\n  Demo ready: {demo.url}\n  (Ctrl+C stops it; everything is thrown away.)\n",
              flush=True)
        await stop.wait()
    finally:
        await demo.stop()
    return 0
