"""/settings quiz …: a group's own quiz times, on/off, reset (called from handlers/settings)."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.domain.schedule import ScheduleError, Slot, parse_slot
from bot.handlers.common import reply, t
from bot.quizzes import quiz_slots, slot_text
from bot.store.groups import Group

_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def parse_slots(text: str) -> list[Slot]:
    """"fri 19:30", "12:00,18:00", "mon,wed 12:00, sat 10:00" -> slots (days apply to the
    times that follow them)."""
    slots: list[Slot] = []
    days: str | None = None
    for token in text.replace("，", ",").split():
        times = [p for p in token.split(",") if p]
        if times and all(_TIME.match(p) for p in times):
            slots += [parse_slot(f"{days} {p}" if days else p) for p in times]
            days = None
        elif days is None:
            days = token.strip(",")
        else:
            raise ScheduleError(f'"{days} {token}": give a time after the days, e.g. "fri 19:30"')
    if days is not None:
        raise ScheduleError(f'"{days}": give a time after the days, e.g. "{days} 19:30"')
    return slots


def profile_line(update: Update, context: BotContext, group: Group) -> str:
    """The quiz line of the group's /settings profile."""
    times = ", ".join(slot_text(s) for s in quiz_slots(context.services, group))
    state = t(update, context, "settings.on" if group.quiz_enabled else "settings.off")
    return t(update, context, "quiz.settings_line", times=escape(times), state=state)


async def settings_quiz(update: Update, context: BotContext, group: Group,
                        args: list[str]) -> bool:
    """Apply `/settings quiz <times|off|on|reset>`; False (after showing usage) when unclear.

    The caller has checked that the sender is an admin or an officer, and reschedules after.
    """
    groups, chat_id = context.services.groups, group.chat_id
    action = args[0].lower() if args else ""
    if action in ("off", "on") and len(args) == 1:
        await groups.update_settings(chat_id, quiz_enabled=action == "on")
    elif action == "reset" and len(args) == 1:
        await groups.update_settings(chat_id, quiz_times=None, quiz_enabled=True)
    elif args:
        try:
            slots = parse_slots(" ".join(args))
        except ScheduleError as exc:
            await reply(update, context, "settings.bad_value", error=escape(str(exc)))
            return False
        if not slots:
            await reply(update, context, "quiz.settings_usage")
            return False
        await groups.update_settings(chat_id, quiz_times=[slot_text(s) for s in slots])
    else:
        await reply(update, context, "quiz.settings_usage")
        return False
    return True
