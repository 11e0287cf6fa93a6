"""A local Telegram Bot API simulator for end-to-end tests, benchmarks and a demo chat.

``Simulator`` serves the Bot API over HTTP on loopback (point PTB's ``base_url`` at
``sim.base_url``) and lets tests act as users: send messages, press buttons, vote in polls,
add or kick the bot; and observe what the bot sent.  World state (``world.World``) is separate
from HTTP routing (``server.BotApiServer``); every change is published as a ``SimEvent``.
"""

from bot.simulator.models import (
    ApiCall,
    ApiError,
    Fault,
    FaultBook,
    FloodLimits,
    SentMessage,
    SimEvent,
    SimStats,
)
from bot.simulator.simulator import Simulator
from bot.simulator.world import World

__all__ = [
    "ApiCall",
    "ApiError",
    "Fault",
    "FaultBook",
    "FloodLimits",
    "SentMessage",
    "SimEvent",
    "SimStats",
    "Simulator",
    "World",
]
