"""Group quizzes: choose the question, enqueue the quiz poll, keep the schedule; weekly winners.

The per-group jobs (quiz:<chat>:<n>) are built by bot.jobs.schedule_group together with the
daily jobs, so registering, leaving, migrating and /settings rebuild them.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape

from telegram import Message
from telegram.ext import Application, ContextTypes

from bot import jobs
from bot.context import Services, services_of
from bot.domain.quiz import pick_for_group
from bot.domain.quiz_text import poll_payload, render_board
from bot.domain.schedule import Slot, format_days, parse_slot
from bot.domain.scoring import ScoringRules, rank, week_key, week_start
from bot.domain.taxonomy import audiences_for
from bot.store.groups import Group
from bot.store.outbox import OutboxItem, OutboxRow

log = logging.getLogger(__name__)

QUEUED, BUSY, TAKEN, EMPTY = "queued", "busy", "taken", "empty"
WEEKLY_JOB = "quiz-weekly-winners"


def scoring_rules(services: Services) -> ScoringRules:
    q = services.config.quiz
    return ScoringRules(q.points_correct, q.streak_bonus, q.streak_cap)


def quiz_slots(services: Services, group: Group) -> tuple[Slot, ...]:
    """The group's own quiz times (/settings quiz …) if set, else the configured ones."""
    if group.quiz_times is None:
        return services.config.schedule.quiz_slots
    return tuple(parse_slot(s) for s in group.quiz_times)


def slot_text(slot: Slot) -> str:
    """A slot as stored and shown: "fri 19:30" (seconds only when set)."""
    fmt = "%H:%M:%S" if slot.time.second else "%H:%M"
    return f"{format_days(slot.days)} {slot.time.strftime(fmt)}".strip()


async def enqueue_quiz(services: Services, group: Group, slot: str, *,
                       created_by: int | None = None, quiet_since: float | None = None) -> str:
    """Put one quiz poll for the group in the outbox, once per group and slot.

    Returns QUEUED, TAKEN (the slot already had its quiz), BUSY (a quiz since quiet_since: the
    /quiz cool-down) or EMPTY (no question for this audience).
    """
    now = services.now()
    since = now - dt.timedelta(days=max(services.config.quiz.no_repeat_days, 1) * 4)
    history = await services.quiz.history(group.chat_id, since.timestamp())
    question = pick_for_group(services.content.quizzes.values(), audiences_for(group.group_type),
                              history, now, no_repeat_days=services.config.quiz.no_repeat_days,
                              salt=group.chat_id)
    if question is None:
        return EMPTY
    post_id = await services.quiz.claim_post(group.chat_id, slot, question,
                                             created_by=created_by, quiet_since=quiet_since)
    if post_id is None:
        return BUSY if quiet_since is not None else TAKEN
    payload = poll_payload(question, allow_revoting=services.config.quiz.allow_revoting)
    item = OutboxItem(group.chat_id, "quiz", "send_poll", payload,
                      dedupe_key=f"quiz:{group.chat_id}:{slot}")
    _, (row_id,) = await services.delivery.enqueue([item])
    if row_id is None:
        await services.quiz.drop_post(post_id)
        return TAKEN
    await services.quiz.set_outbox(post_id, row_id)
    log.info("Quiz %s queued for group %s (%s)", question.id, group.chat_id, slot)
    return QUEUED


# ---- jobs ------------------------------------------------------------------------------------

async def _quiz_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context.application)
    chat_id, at = context.job.data  # type: ignore[union-attr,misc]
    group = await services.groups.get(chat_id)
    if group is None or not (group.active and group.registered and group.quiz_enabled):
        return
    await enqueue_quiz(services, group, f"{services.today()}T{at}")


def schedule_group(app: Application, group: Group) -> None:
    """(Re)create the named quiz jobs of one group from its stored schedule."""
    prefix = f"quiz:{group.chat_id}:"
    if not (group.active and group.registered and group.quiz_enabled):
        jobs.remove_jobs(app, prefix)
        return
    services = services_of(app)
    jobs.run_slots(app, prefix, quiz_slots(services, group), _quiz_job, tz=services.config.tz,
                   chat_id=group.chat_id,
                   data=lambda slot: (group.chat_id, slot.time.strftime("%H:%M:%S")))


# ---- weekly winners --------------------------------------------------------------------------

async def names_of(services: Services, user_ids: list[int]) -> dict[int, str]:
    names = {}
    for user_id in user_ids:
        user = await services.users.get(user_id)
        names[user_id] = user.display_name if user else str(user_id)
    return names


async def announce_weekly(services: Services) -> int:
    """本周反诈达人 in every registered group where someone scored this week."""
    now = services.now()
    since = week_start(now).timestamp()
    hidden = await services.quiz.hidden_users()
    lang, tx, queued = services.config.locale, services.texts, 0
    for group in await services.groups.active_registered():
        standings = await services.quiz.standings(chat_id=group.chat_id, since=since)
        ranked = rank(standings, hidden=hidden, limit=services.config.quiz.weekly_top)
        if not ranked:
            continue
        names = await names_of(services, [s.user_id for _, s in ranked])
        text = tx.t("quiz.weekly", lang, title=escape(group.title),
                    board=render_board(tx, lang, ranked, names), players=len(standings),
                    correct=sum(s.correct for s in standings))
        item = OutboxItem(group.chat_id, "weekly", "send_message", {"text": text},
                          dedupe_key=f"weekly:{group.chat_id}:{week_key(now.date())}")
        _, (row_id,) = await services.delivery.enqueue([item])
        queued += bool(row_id)
    return queued


async def _weekly_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    queued = await announce_weekly(services_of(context.application))
    log.info("Weekly quiz winners queued for %d groups", queued)


def schedule_weekly(app: Application) -> None:
    services = services_of(app)
    for job in app.job_queue.get_jobs_by_name(WEEKLY_JOB):  # type: ignore[union-attr]
        job.schedule_removal()
    slot = parse_slot(services.config.schedule.weekly_winners)
    app.job_queue.run_daily(  # type: ignore[union-attr]
        _weekly_job, slot.time.replace(tzinfo=services.config.tz),
        days=jobs.ptb_days(slot.days), name=WEEKLY_JOB)


def register_hooks(app: Application) -> None:
    """Map each delivered quiz poll to its question (poll_answer names only the poll id)."""
    services = services_of(app)

    async def map_poll(row: OutboxRow, message: Message) -> None:
        if message.poll is not None:
            await services.quiz.map_poll(row.id, message.poll.id, message.message_id)

    services.delivery.on_sent("quiz", map_poll)
