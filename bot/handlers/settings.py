"""/settings in a group: show the profile; admins change times, days, on/off, area."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.daily import daily_slots
from bot.domain.schedule import ScheduleError, format_days, parse_days, parse_time
from bot.handlers.common import group_only, is_chat_admin, reply, t
from bot.handlers.quiz_settings import profile_line, settings_quiz
from bot.jobs import schedule_group


def _profile(update: Update, context: BotContext, group) -> str:
    slots = daily_slots(context.services, group)
    times = ", ".join(s.time.strftime("%H:%M") for s in slots)
    days = format_days(slots[0].days) if slots else ""
    daily = t(update, context, "settings.profile",
             title=escape(group.title), type=t(update, context, f"group_type.{group.group_type}"),
             area=escape(group.area) or t(update, context, "group.no_area"),
             times=times, days=days or t(update, context, "settings.every_day"),
             state=t(update, context, "settings.on" if group.daily_enabled else "settings.off"))
    return f"{daily}\n{profile_line(update, context, group)}"


@group_only
async def settings(update: Update, context: BotContext) -> None:
    """/settings [time HH:MM[,HH:MM] | days mon-fri | off | on | area NAME | reset]"""
    services = context.services
    chat_id = update.effective_chat.id
    group = await services.groups.get(chat_id)
    if group is None or not group.registered:
        await reply(update, context, "group.not_registered")
        return
    args = context.args or []
    if not args:
        await update.effective_message.reply_text(_profile(update, context, group))
        return
    user = update.effective_user
    if not (services.config.is_officer(user.id) or await is_chat_admin(update, context)):
        await reply(update, context, "group.admins_only")
        return
    action, rest = args[0].lower(), args[1:]
    try:
        if action == "time" and rest:
            times = [parse_time(x).strftime("%H:%M:%S") for x in ",".join(rest).split(",") if x]
            await services.groups.update_settings(chat_id, daily_times=times)
        elif action == "days" and rest:
            days = parse_days(",".join(rest))
            await services.groups.update_settings(chat_id, daily_days=format_days(days) or None)
        elif action in ("off", "on") and not rest:
            await services.groups.update_settings(chat_id, daily_enabled=action == "on")
        elif action == "quiz":
            if not await settings_quiz(update, context, group, rest):
                return
        elif action == "area" and rest:
            await services.groups.update_settings(chat_id, area=" ".join(rest)[:64])
        elif action == "reset" and not rest:
            await services.groups.update_settings(chat_id, daily_times=None, daily_days=None,
                                                  daily_enabled=True)
        else:
            await reply(update, context, "settings.usage")
            return
    except ScheduleError as exc:
        await reply(update, context, "settings.bad_value", error=escape(str(exc)))
        return
    group = await services.groups.get(chat_id)
    schedule_group(context.application, group)
    await update.effective_message.reply_text(
        t(update, context, "settings.saved") + "\n\n" + _profile(update, context, group))
