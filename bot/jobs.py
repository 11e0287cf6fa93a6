"""Named JobQueue jobs, rebuilt from the database: each group's daily tip and quiz slots.

The database is the source of truth; jobs are derived from it at start and whenever a group's
registration, membership or schedule changes. Names are deterministic (`daily-tip:<chat>:<n>`,
`quiz:<chat>:<n>`), so a rebuild replaces jobs and never doubles them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from telegram.ext import Application

from bot.domain.schedule import ALL_DAYS, Slot


def ptb_days(days: tuple[int, ...]) -> tuple[int, ...]:
    """Python weekdays (0 = Monday) -> PTB/APScheduler run_daily days (0 = Sunday)."""
    return tuple(sorted((d + 1) % 7 for d in (days or ALL_DAYS)))


def remove_jobs(app: Application, prefix: str) -> None:
    """Remove every job whose name starts with prefix."""
    for job in app.job_queue.jobs():  # type: ignore[union-attr]
        if job.name and job.name.startswith(prefix):
            job.schedule_removal()


def run_slots(app: Application, prefix: str, slots: Iterable[Slot], callback: Callable,
              *, tz: Any, chat_id: int | None = None,
              data: Callable[[Slot], object] = lambda slot: None) -> None:
    """One daily job per slot, named f"{prefix}{n}", replacing any jobs with that prefix."""
    remove_jobs(app, prefix)
    for i, slot in enumerate(slots):
        app.job_queue.run_daily(  # type: ignore[union-attr]
            callback, slot.time.replace(tzinfo=tz), days=ptb_days(slot.days),
            data=data(slot), name=f"{prefix}{i}", chat_id=chat_id)


def schedule_group(app: Application, group) -> None:
    """(Re)create all jobs of one group: the daily bulletin and the quizzes."""
    from bot import daily, quizzes

    daily.schedule_group(app, group)
    quizzes.schedule_group(app, group)


def unschedule_group(app: Application, chat_id: int) -> None:
    """The group left or was unregistered: none of its jobs run any more."""
    remove_jobs(app, f"daily-tip:{chat_id}:")
    remove_jobs(app, f"quiz:{chat_id}:")
