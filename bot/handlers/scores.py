"""Scores: /top in a group, /myscore in private, /hideme and /showme anywhere."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.domain.bulletin import render_tip
from bot.domain.quiz_text import render_board
from bot.domain.scoring import accuracy, current_streak, rank, rank_of, weakest_type, week_start
from bot.handlers.common import group_only, lang, private_only, reply, t
from bot.quizzes import names_of


@group_only
async def top(update: Update, context: BotContext) -> None:
    """/top — this group's leaderboard: this week and all time, top N, names escaped."""
    services, chat = context.services, update.effective_chat
    hidden = await services.quiz.hidden_users()
    size = services.config.quiz.top_size
    week = rank(await services.quiz.standings(
        chat_id=chat.id, since=week_start(services.now()).timestamp()), hidden=hidden, limit=size)
    ever = rank(await services.quiz.standings(chat_id=chat.id), hidden=hidden, limit=size)
    names = await names_of(services, sorted({s.user_id for _, s in week + ever}))
    language, tx = lang(update, context), services.texts
    text = "\n".join([
        t(update, context, "quiz.top_header", title=escape(chat.title or "")), "",
        t(update, context, "quiz.top_week"), render_board(tx, language, week, names), "",
        t(update, context, "quiz.top_all"), render_board(tx, language, ever, names), "",
        t(update, context, "quiz.top_footer", points=services.config.quiz.points_correct)])
    await update.effective_message.reply_text(text)


@private_only
async def my_score(update: Update, context: BotContext) -> None:
    """/myscore — points, accuracy, rank, streak, weakest fraud type and a tip for it."""
    services, user = context.services, update.effective_user
    standings = await services.quiz.standings()
    mine = next((s for s in standings if s.user_id == user.id), None)
    if mine is None:
        await reply(update, context, "quiz.myscore_none")
        return
    streak = current_streak(await services.quiz.streak(user.id), services.today())
    lines = [t(update, context, "quiz.myscore", points=mine.points, answered=mine.answered,
               correct=mine.correct, accuracy=accuracy(mine.correct, mine.answered),
               rank=rank_of(mine.points, [s.points for s in standings]),
               players=len(standings), streak=streak)]
    weakest = weakest_type(await services.quiz.type_stats(user.id))
    if weakest is None:
        lines.append(t(update, context, "quiz.myscore_perfect"))
    else:
        lines.append(t(update, context, "quiz.myscore_weakest",
                       type=t(update, context, f"fraud_type.{weakest}")))
        tips = [tip for tip in await services.tips.approved() if tip.fraud_type == weakest]
        if tips:
            tip = tips[(user.id + services.today().toordinal()) % len(tips)]
            lines += ["", render_tip(services.texts, lang(update, context), tip)]
    await update.effective_message.reply_text("\n".join(lines))


async def hide_me(update: Update, context: BotContext) -> None:
    """/hideme — leave the leaderboards (points still count)."""
    await context.services.users.set_flag(update.effective_user.id, "hide_from_top", True)
    await reply(update, context, "quiz.hidden")


async def show_me(update: Update, context: BotContext) -> None:
    """/showme — back on the leaderboards."""
    await context.services.users.set_flag(update.effective_user.id, "hide_from_top", False)
    await reply(update, context, "quiz.shown")
