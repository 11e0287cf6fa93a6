"""The anti-fraud daily: choose each group's tip, enqueue the bulletin, keep the schedule."""

from __future__ import annotations

import datetime as dt
import logging

from telegram.ext import Application, ContextTypes

from bot import jobs
from bot.context import Services, services_of
from bot.domain.bulletin import render_daily
from bot.domain.rotation import pick_tip
from bot.domain.schedule import Slot, last_occurrence, parse_days, parse_slot
from bot.domain.taxonomy import audiences_for
from bot.domain.tips import Tip
from bot.store.groups import Group
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)

HISTORY_DAYS = 400  # enough history for the least-recently-used fallback


def daily_slots(services: Services, group: Group) -> tuple[Slot, ...]:
    """The group's own times/days if set, else the configured default."""
    if group.daily_times is None and group.daily_days is None:
        return services.config.schedule.daily_slots
    base = [parse_slot(s) for s in (group.daily_times or services.config.schedule.daily_tip)]
    days = parse_days(group.daily_days) if group.daily_days else None
    return tuple(Slot(days if days is not None else s.days, s.time) for s in base)


async def tip_for(services: Services, group: Group | None, day: dt.date, *,
                  salt: int = 0, library: list[Tip] | None = None) -> Tip | None:
    """Today's tip for a group: the officers' pinned tip of the day, else the rotation's pick.

    `library` is the approved tips, when the caller already loaded them for many groups.
    """
    pinned_id = await services.tips.pinned(day)
    if pinned_id:
        record = await services.tips.get(pinned_id)
        if record and record.status == "approved":
            return record.tip
    if group is not None:
        already = await services.tips.posted_on(group.chat_id, day)
        if already:
            record = await services.tips.get(already)
            if record:
                return record.tip
    history = []
    if group is not None:
        history = await services.tips.history(group.chat_id, day - dt.timedelta(HISTORY_DAYS))
    return pick_tip(
        library if library is not None else await services.tips.approved(),
        audiences=audiences_for(group.group_type if group else None),
        history=history, today=day, seasons=services.content.seasons,
        no_repeat_days=services.config.tips.no_repeat_days,
        salt=group.chat_id if group else salt,
    )


async def enqueue_daily(services: Services, group: Group, day: dt.date, *,
                        broadcast_id: int | None = None) -> bool:
    """Put the group's bulletin for `day` in the outbox, once per group and day."""
    if await services.tips.posted_on(group.chat_id, day):
        return False
    tip = await tip_for(services, group, day)
    if tip is None:
        log.warning("No approved tip for group %s (%s)", group.chat_id, group.group_type)
        return False
    text = render_daily(services.texts, services.config.locale, tip, day)
    item = OutboxItem(chat_id=group.chat_id, kind="daily", method="send_message",
                      payload={"text": text}, dedupe_key=f"daily:{group.chat_id}:{day}")
    _, (row_id,) = await services.delivery.enqueue([item])
    if row_id:
        await services.tips.record_post(group.chat_id, day, tip, row_id)
    return bool(row_id)


async def post_all_now(services: Services, officer_id: int, report_chat: int) -> tuple[int, int]:
    """/dailynow: today's bulletin to every registered group that has not had it yet."""
    day = services.today()
    groups = await services.groups.active_registered()
    library = await services.tips.approved()
    items, picks = [], []
    for group in groups:
        if await services.tips.posted_on(group.chat_id, day):
            continue
        tip = await tip_for(services, group, day, library=library)
        if tip is None:
            continue
        text = render_daily(services.texts, services.config.locale, tip, day)
        items.append(OutboxItem(group.chat_id, "daily", "send_message", {"text": text},
                                dedupe_key=f"daily:{group.chat_id}:{day}"))
        picks.append((group, tip))
    if not items:
        return 0, len(groups)
    _, ids = await services.delivery.enqueue(items, broadcast={
        "kind": "daily", "created_by": officer_id, "summary": f"daily {day}",
        "meta": {"report_chat": report_chat}})
    for (group, tip), row_id in zip(picks, ids, strict=True):
        if row_id:
            await services.tips.record_post(group.chat_id, day, tip, row_id)
    return sum(1 for i in ids if i), len(groups)


async def _daily_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context.application)
    chat_id = context.job.data  # type: ignore[union-attr]
    group = await services.groups.get(chat_id)
    if group is None or not (group.active and group.registered and group.daily_enabled):
        return
    await enqueue_daily(services, group, services.today())


def schedule_group(app: Application, group: Group) -> None:
    """(Re)create the named daily jobs of one group from its stored schedule."""
    prefix = f"daily-tip:{group.chat_id}:"
    if not (group.active and group.registered and group.daily_enabled):
        jobs.remove_jobs(app, prefix)
        return
    services = services_of(app)
    jobs.run_slots(app, prefix, daily_slots(services, group), _daily_job,
                   tz=services.config.tz, chat_id=group.chat_id, data=lambda _: group.chat_id)


async def follow_migration(app: Application, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move its data and its jobs to the new id."""
    services = services_of(app)
    await services.groups.migrate(old_id, new_id)
    jobs.unschedule_group(app, old_id)
    group = await services.groups.get(new_id)
    if group is not None:
        jobs.schedule_group(app, group)


async def rebuild_schedules(app: Application) -> int:
    """Start-up: the database is the source of truth for every group's jobs."""
    groups = await services_of(app).groups.active_registered()
    for group in groups:
        jobs.schedule_group(app, group)
    return len(groups)


async def catch_up(services: Services) -> int:
    """Send a bulletin missed while the bot was down if within the grace window."""
    now = services.now()
    grace = dt.timedelta(minutes=services.config.schedule.missed_grace_minutes)
    sent = 0
    for group in await services.groups.active_registered():
        if not group.daily_enabled:
            continue
        last = last_occurrence(daily_slots(services, group), now)
        if last is None or now - last > grace:
            continue
        if group.registered_at and last.timestamp() < group.registered_at:
            continue  # the slot passed before the group was registered
        if await enqueue_daily(services, group, last.date()):
            log.info("Catching up the %s bulletin for group %s", last.date(), group.chat_id)
            sent += 1
    return sent
