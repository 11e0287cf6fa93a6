"""Fixtures and builders for end-to-end tests: the simulator, a config, the running bot.

The real python-telegram-bot Application runs against bot.simulator over loopback HTTP; only
the Bot API server is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Config, config_from_mapping
from bot.context import Services, services_of
from bot.simulator import FloodLimits, Simulator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN"
OFFICER, OFFICER2 = 1001, 1002
RESIDENT, ADMIN, VOLUNTEER = 2001, 2002, 2003
REVIEW_CHAT = -1009999


def make_config(tmp_path: Path, sim: Simulator, **overrides) -> Config:
    """A config pointing at the simulator, with a throwaway database and the shipped content."""
    data = {
        "telegram": {"token": TOKEN, "base_url": sim.base_url, "poll_timeout": 1},
        "database": str(tmp_path / "bot.sqlite3"),
        "content_dir": str(ROOT / "content"),
        "officers": [OFFICER, OFFICER2],
        "review_chat_id": REVIEW_CHAT,
    }
    for key, value in overrides.items():
        section, _, name = key.partition("__")
        if name:
            data.setdefault(section, {})[name] = value
        else:
            data[key] = value
    return config_from_mapping(data, source=str(tmp_path / "config.yaml"), env={})


@contextlib.asynccontextmanager
async def running_bot(config: Config, *, clock=None) -> AsyncIterator[Application]:
    """The real Application, polling the simulator, in the order Application.run_polling uses."""
    app = build_application(config, clock=clock)
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()
        await app.post_shutdown(app)


def services(app: Application) -> Services:
    return services_of(app)


def populate(sim: Simulator) -> None:
    """The people of every test: two officers, a resident, a group admin, a volunteer."""
    sim.add_user(OFFICER, "王警官", language_code="zh-hans")
    sim.add_user(OFFICER2, "李警官", language_code="zh-hans")
    sim.add_user(RESIDENT, "张阿姨", language_code="zh-hans")
    sim.add_user(ADMIN, "陈群主", language_code="zh-hans")
    sim.add_user(VOLUNTEER, "小刘", language_code="zh-hans")
    sim.add_group(REVIEW_CHAT, "反诈民警审核群", members={OFFICER: "creator",
                                                      OFFICER2: "administrator"})
    sim.add_bot_to_group(REVIEW_CHAT, OFFICER)


def add_group(sim: Simulator, chat_id: int, title: str, *, admin: int = ADMIN,
              members: tuple[int, ...] = (RESIDENT, VOLUNTEER)) -> None:
    sim.add_group(chat_id, title, members={admin: "creator", **{m: "member" for m in members}})


async def register_group(sim: Simulator, chat_id: int, title: str, group_type: str,
                         area: str = "", *, admin: int = ADMIN) -> None:
    """Add the bot to a new group and have its admin register it; waits for the reply."""
    add_group(sim, chat_id, title, admin=admin)
    mark = sim.mark()
    sim.add_bot_to_group(chat_id, admin)
    await sim.wait_for_message(chat_id=chat_id, after=mark)
    mark = sim.mark()
    sim.user_sends(admin, chat_id, f"/register {group_type} {area}".strip())
    await sim.wait_for_message(lambda m: "✅" in m.text, chat_id=chat_id, after=mark)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = Simulator(token=TOKEN, bot_username="antifraud_test_bot",
                          limits=FloodLimits(per_second=30, group_per_minute=20, enabled=True))
    await simulator.start()
    populate(simulator)
    try:
        yield simulator
    finally:
        await simulator.stop()


class Clock:
    """A settable clock for the bot (jobs still run on real time; the date logic uses this)."""

    def __init__(self, now: dt.datetime | None = None):
        self.offset = dt.timedelta(0)
        if now is not None:
            self.offset = now - dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += dt.timedelta(**kwargs)


async def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll an async predicate (usually a database read) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def says(sim: Simulator, user: int, text: str, chat: int | None = None, **kw):
    """A user writes in a chat (default: their private chat); returns the bot's next message."""
    chat = user if chat is None else chat
    mark = sim.mark()
    sim.user_sends(user, chat, text, **kw)
    return await sim.wait_for_message(chat_id=chat, after=mark)


async def group_inactive(app: Application, chat_id: int) -> bool:
    """The group is known and the bot is no longer in it."""
    group = await services_of(app).groups.get(chat_id)
    return group is not None and not group.active
