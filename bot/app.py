"""build_application(config) -> Application: services, handlers, jobs, rate limiter, errors."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot import quizzes, statistics
from bot.config import Config
from bot.content import Content, load_content
from bot.context import BotContext, Services, services_of
from bot.daily import catch_up, follow_migration, rebuild_schedules
from bot.delivery import Delivery
from bot.detect.similar import CaseIndex
from bot.handlers import (
    alerts,
    errors,
    groups,
    private,
    scores,
    settings,
    start,
    stats,
    tip_drafts,
    tips,
)
from bot.handlers import cases as case_handlers
from bot.handlers import faq as faq_handlers
from bot.handlers import quiz as quiz_handlers
from bot.handlers import reports as report_handlers
from bot.handlers import volunteers as volunteer_handlers
from bot.handlers.common import track_user
from bot.i18n import Texts
from bot.ratelimit import SlidingWindowRateLimiter
from bot.store.alerts import AlertRepo
from bot.store.cases import CaseRepo
from bot.store.db import Database
from bot.store.groups import GroupRepo
from bot.store.invites import InviteRepo
from bot.store.outbox import OutboxRepo
from bot.store.quiz import QuizRepo
from bot.store.tips import TipRepo
from bot.store.users import KV, UserRepo

log = logging.getLogger(__name__)

# Edits are not asked for: an edited command or forward must not run or report twice.
ALLOWED_UPDATES = ["message", "callback_query", "poll_answer", "poll", "my_chat_member"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _rate_limiter(config: Config) -> SlidingWindowRateLimiter:
    d = config.delivery
    return SlidingWindowRateLimiter(d.per_second, d.group_per_minute, margin=d.safety_margin)


def build_application(config: Config, *, clock: Callable[[], dt.datetime] | None = None,
                      content: Content | None = None) -> Application:
    """Everything the bot is, wired; main() and the tests only run it."""
    texts = Texts.load(config.locale)
    content = content or load_content(config.resolve(config.content_dir))
    for problem in content.problems:
        log.warning("Content problem (run `python -m bot check`): %s", problem)
    app = (
        ApplicationBuilder()
        .token(config.telegram.token)
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=config.tz,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(_rate_limiter(config))
        .context_types(ContextTypes(context=BotContext))
        .connect_timeout(10).read_timeout(config.telegram.request_timeout)
        .write_timeout(config.telegram.request_timeout).pool_timeout(30)
        .get_updates_read_timeout(config.telegram.poll_timeout + 10)
        .connection_pool_size(max(8, config.delivery.concurrency))
        .post_init(_post_init).post_stop(_post_stop).post_shutdown(_post_shutdown)
        .build()
    )
    db = Database(config.resolve(config.database))
    group_repo = GroupRepo(db)
    app.bot_data["services"] = Services(
        config=config, texts=texts, content=content, db=db, groups=group_repo,
        users=UserRepo(db), kv=KV(db), tips=TipRepo(db), alerts=AlertRepo(db),
        quiz=QuizRepo(db), cases=CaseRepo(db), invites=InviteRepo(db), case_index=CaseIndex(),
        delivery=Delivery(app.bot, OutboxRepo(db), group_repo,
                          concurrency=config.delivery.concurrency,
                          max_attempts=config.delivery.max_attempts,
                          pin_hours=config.alerts.red_unpin_after_hours),
        clock=clock or _utcnow,
    )
    _add_handlers(app)
    return app


def _add_handlers(app: Application) -> None:
    # Group -1 runs before everything else for every update: remember who wrote.
    app.add_handler(TypeHandler(Update, track_user), group=-1)

    app.add_handler(ChatMemberHandler(groups.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated))

    # Everyone
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("tip", tips.show_tip))
    # Group admins
    app.add_handler(CommandHandler("register", groups.register))
    app.add_handler(CommandHandler("unregister", groups.unregister))
    app.add_handler(CommandHandler("settings", settings.settings))
    # Officers (each handler re-checks the officer list)
    app.add_handler(CommandHandler("groups", groups.list_groups))
    app.add_handler(CommandHandler("newtip", tip_drafts.new_tip))
    app.add_handler(CommandHandler("tips", tips.list_tips))
    app.add_handler(CommandHandler("retire", tips.retire))
    app.add_handler(CommandHandler("pintip", tips.pin_tip))
    app.add_handler(CommandHandler("dailynow", tips.daily_now))
    app.add_handler(CommandHandler("stats", stats.stats))
    app.add_handler(CommandHandler("weekly", stats.weekly))
    app.add_handler(CommandHandler("export", stats.export))
    app.add_handler(CommandHandler("alert", alerts.alert))
    app.add_handler(CommandHandler("cancel", private.cancel))
    # Quizzes and scores: /quiz in a group (admins, officers) or in private (anyone)
    app.add_handler(CommandHandler("quiz", quiz_handlers.quiz))
    app.add_handler(CommandHandler("top", scores.top))
    app.add_handler(CommandHandler("myscore", scores.my_score))
    app.add_handler(CommandHandler("hideme", scores.hide_me))
    app.add_handler(CommandHandler("showme", scores.show_me))
    app.add_handler(PollAnswerHandler(quiz_handlers.on_poll_answer))
    # Reports: /report for everyone (private: text; groups: volunteers' replies); officers
    # review, warn and manage volunteers. /start inv_<code> makes a volunteer.
    app.add_handler(CommandHandler("report", report_handlers.report_command,
                                   filters=filters.UpdateType.MESSAGE))  # an edit is no report
    app.add_handler(CommandHandler("pending", case_handlers.pending))
    app.add_handler(CommandHandler("warn", case_handlers.warn_command))
    app.add_handler(CommandHandler("invite", volunteer_handlers.invite))
    app.add_handler(CommandHandler("volunteers", volunteer_handlers.list_volunteers))
    app.add_handler(CommandHandler("revoke", volunteer_handlers.revoke))
    app.add_handler(CommandHandler("block", volunteer_handlers.block))
    app.add_handler(CommandHandler("unblock", volunteer_handlers.unblock))
    start.START_PAYLOADS[volunteer_handlers.PAYLOAD] = volunteer_handlers.accept_invite

    # Buttons: each prefix is a constant in bot/handlers/callbacks.py; data is untrusted.
    app.add_handler(CallbackQueryHandler(tip_drafts.on_button,
                                         pattern=tip_drafts.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(alerts.on_button, pattern=alerts.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(quiz_handlers.on_button,
                                         pattern=quiz_handlers.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(faq_handlers.on_button,
                                         pattern=faq_handlers.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(case_handlers.on_button,
                                         pattern=case_handlers.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(report_handlers.on_button,
                                         pattern=report_handlers.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(volunteer_handlers.on_button,
                                         pattern=volunteer_handlers.CALLBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(private.stale_button))

    # Private chats, after the commands: documents (tip uploads) and free text (flows).
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL,
                                   private.on_document))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND,
                                   private.on_message))
    # Commands the bot does not know, in private chats: say so and show /help.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND,
                                   private.unknown_command))
    # Groups: text that @mentions the bot or replies to it is a question for the FAQ.
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
                                   faq_handlers.on_group_text))

    app.add_error_handler(errors.on_error)


async def _post_init(app: Application) -> None:
    services = services_of(app)
    await services.db.connect()
    synced = await services.tips.sync_content(services.content.tips.values())
    log.info("Database ready (%s); %d shipped tips", services.db.path, synced)
    services.delivery.on_migrated = lambda old, new: follow_migration(app, old, new)
    quizzes.register_hooks(app)  # before start: a resumed quiz poll must get its mapping
    known = await case_handlers.start(app)  # known-case index, warning reports, reminders
    await services.delivery.start()
    alerts.register_hooks(app)
    tips.register_hooks(app)
    await start.set_command_menus(app)
    scheduled = await rebuild_schedules(app)  # daily and quiz jobs of every group
    quizzes.schedule_weekly(app)
    statistics.schedule(app)  # weekly report, member counts
    caught = await catch_up(services)
    unpin_every = max(1.0, min(60.0, services.config.alerts.red_unpin_after_hours * 900))
    app.job_queue.run_repeating(_unpin_job, interval=unpin_every, first=1, name="unpin-alerts")
    log.info("Scheduled %d groups; %d missed bulletins caught up; %d known cases", scheduled,
             caught, known)


async def _unpin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await services_of(context.application).delivery.unpin_due()


async def _post_stop(app: Application) -> None:
    await services_of(app).delivery.stop()


async def _post_shutdown(app: Application) -> None:
    await services_of(app).db.close()
