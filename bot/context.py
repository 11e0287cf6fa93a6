"""The typed CallbackContext: handlers reach shared services as `context.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import Content
    from bot.delivery import Delivery
    from bot.detect.similar import CaseIndex
    from bot.i18n import Texts
    from bot.store.alerts import AlertRepo
    from bot.store.cases import CaseRepo
    from bot.store.db import Database
    from bot.store.groups import GroupRepo
    from bot.store.invites import InviteRepo
    from bot.store.quiz import QuizRepo
    from bot.store.tips import TipRepo
    from bot.store.users import KV, UserRepo


@dataclass
class Services:
    """Everything a handler or job needs, built once in build_application."""

    config: Config
    texts: Texts
    content: Content
    db: Database
    groups: GroupRepo
    users: UserRepo
    kv: KV
    tips: TipRepo
    alerts: AlertRepo
    quiz: QuizRepo
    delivery: Delivery
    cases: CaseRepo
    invites: InviteRepo
    case_index: CaseIndex  # known cases, filled from the database in post_init
    clock: Callable[[], dt.datetime]
    extra: dict[str, Any] = field(default_factory=dict)

    def now(self) -> dt.datetime:
        """Local, timezone-aware now (the clock is injectable for tests)."""
        return self.clock().astimezone(self.config.tz)

    def today(self) -> dt.date:
        return self.now().date()


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]


def services_of(app: Application) -> Services:
    return app.bot_data["services"]
