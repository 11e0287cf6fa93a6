"""Helpers for tests and benchmarks that drive the simulator with python-telegram-bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from bot.simulator.models import FloodLimits
from bot.simulator.simulator import Simulator

if TYPE_CHECKING:
    import telegram

logger = logging.getLogger(__name__)

TEST_TOKEN = "123456:TEST-TOKEN"


@asynccontextmanager
async def running_simulator(**kwargs: Any) -> AsyncIterator[Simulator]:
    """A started Simulator (keyword arguments go to the constructor), stopped on exit."""
    kwargs.setdefault("token", TEST_TOKEN)
    kwargs.setdefault("limits", FloodLimits())
    sim = Simulator(**kwargs)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def ptb_bot(sim: Simulator, *, read_timeout: float = 5.0, **request_kwargs: Any) -> telegram.Bot:
    """A telegram.Bot pointed at the simulator (use ``async with`` to initialize/close it)."""
    import telegram
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(read_timeout=read_timeout, **request_kwargs)
    return telegram.Bot(
        sim.token,
        base_url=sim.base_url,
        base_file_url=sim.base_file_url,
        request=request,
        get_updates_request=HTTPXRequest(read_timeout=read_timeout),
    )


def ptb_application_builder(sim: Simulator) -> Any:
    """A PTB ``ApplicationBuilder`` with token and URLs of the simulator set."""
    from telegram.ext import ApplicationBuilder

    return (
        ApplicationBuilder()
        .token(sim.token)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
    )
