"""Fixtures of the simulator's own tests: each module sets up its world as `sim`."""

import pytest

from bot.simulator import Simulator
from bot.simulator.testing import ptb_bot


@pytest.fixture
async def bot(sim: Simulator):
    """A real telegram.Bot talking to this module's simulator over HTTP."""
    async with ptb_bot(sim) as b:
        yield b
