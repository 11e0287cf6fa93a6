"""/quiz: a quiz poll in a group (admins, officers) or a private quiz; poll answers scored."""

from __future__ import annotations

import asyncio
import logging
import math
import random

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.domain.quiz import Question, pick_for_user
from bot.domain.quiz_text import LETTERS, render_question, render_verdict
from bot.domain.scoring import is_correct, weakest_type
from bot.handlers import callbacks
from bot.handlers.common import is_chat_admin, is_group, lang, reply, t
from bot.quizzes import BUSY, EMPTY, QUEUED, enqueue_quiz, scoring_rules
from bot.store.db import now_ts
from bot.store.quiz import GROUP, PRIVATE, Answer, Session

log = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{callbacks.QUIZ}:"
MAP_WAITS = 10


async def quiz(update: Update, context: BotContext) -> None:
    """/quiz — a quiz poll for the group now (admins, officers), or a private quiz."""
    if is_group(update.effective_chat):
        await _group_quiz(update, context)
    else:
        await _private_quiz(update, context)


async def _group_quiz(update: Update, context: BotContext) -> None:
    services, chat = context.services, update.effective_chat
    group = await services.groups.get(chat.id)
    if group is None or not group.registered:
        await reply(update, context, "group.not_registered")
        return
    user = update.effective_user
    if not (services.config.is_officer(user.id) or await is_chat_admin(update, context)):
        await reply(update, context, "quiz.admins_only")
        return
    cooldown = services.config.quiz.cooldown_minutes * 60
    now = now_ts()
    outcome = await enqueue_quiz(services, group, f"now:{now:.3f}", created_by=user.id,
                                 quiet_since=now - cooldown if cooldown else None)
    if outcome == BUSY:
        last = await services.quiz.last_post_at(chat.id) or now
        minutes = max(1, math.ceil((last + cooldown - now) / 60))
        await reply(update, context, "quiz.cooldown", minutes=minutes)
    elif outcome == EMPTY:
        await reply(update, context, "quiz.no_questions")
    elif outcome != QUEUED:
        log.info("/quiz in %s: %s", chat.id, outcome)


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """A vote in a quiz poll the bot sent: the first answer of each user is scored once."""
    answer = update.poll_answer
    if answer is None or answer.user is None or answer.user.is_bot:
        return  # voter_chat: an anonymous admin voting as the group has no score
    services = context.services
    post = await services.quiz.poll(answer.poll_id)
    for _ in range(MAP_WAITS):  # a quick vote can beat the on_sent hook that maps the poll
        if post is not None:
            break
        await asyncio.sleep(0.1)
        post = await services.quiz.poll(answer.poll_id)
    if post is None:
        return  # not one of our quiz polls
    if not answer.option_ids:
        await services.quiz.note_change(answer.poll_id, answer.user.id)  # retraction
        return
    record = Answer(answer.poll_id, answer.user.id, post.chat_id, GROUP, post.question_id,
                    post.fraud_type, tuple(answer.option_ids),
                    is_correct(answer.option_ids, post.correct))
    scored = await services.quiz.record_answer(record, services.today(), scoring_rules(services))
    if scored is None:
        log.debug("Changed vote of %s in poll %s not scored", answer.user.id, answer.poll_id)


# ---- private quizzes -------------------------------------------------------------------------

def _keyboard(session: Session, question: Question) -> InlineKeyboardMarkup:
    prefix = f"{callbacks.QUIZ}:a:{session.id}.{session.position}"
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(LETTERS[i], callback_data=f"{prefix}.{i}")
        for i in range(len(question.options))]])


async def _ask(update: Update, context: BotContext, session: Session) -> None:
    """Send the session's current question with its answer buttons."""
    question = context.services.content.quizzes.get(session.current or "")
    if question is None:  # the bank changed since the session began
        await context.services.quiz.end_session(session.id)
        await reply(update, context, "quiz.stale_session")
        return
    text = render_question(context.services.texts, lang(update, context), question,
                           session.position + 1, len(session.questions))
    await context.bot.send_message(session.user_id, text,
                                   reply_markup=_keyboard(session, question))


async def _private_quiz(update: Update, context: BotContext) -> None:
    services, user = context.services, update.effective_user
    session = await services.quiz.active_session(user.id)
    if session is not None:
        await reply(update, context, "quiz.resume")
        await _ask(update, context, session)
        return
    seen = await services.quiz.seen(user.id)
    picked, new_round = pick_for_user(services.content.quizzes.values(), seen,
                                      services.config.quiz.private_questions, random.Random())
    if not picked:
        await reply(update, context, "quiz.no_questions")
        return
    session = await services.quiz.start_session(user.id, [q.id for q in picked],
                                                new_round=new_round and bool(seen))
    key = "quiz.intro_new_round" if new_round and seen else "quiz.intro"
    await reply(update, context, key, total=len(picked))
    await _ask(update, context, session)


def _parse(data: str | None) -> tuple[int, int, int] | None:
    """qz:a:<session>.<position>.<option> -> three ints, or None."""
    parsed = callbacks.parse(data, callbacks.QUIZ, ("a",))
    parts = parsed[1].split(".") if parsed else []
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 12 for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


async def on_button(update: Update, context: BotContext) -> None:
    """An answer button: only the session's owner, only the current question, only once."""
    query, services = update.callback_query, context.services
    parsed = _parse(query.data)
    session = await services.quiz.session(parsed[0]) if parsed else None
    question = services.content.quizzes.get(session.current or "") if session else None
    if (parsed is None or session is None or question is None
            or session.user_id != update.effective_user.id or session.status != "active"
            or parsed[1] != session.position or not 0 <= parsed[2] < len(question.options)):
        await query.answer(t(update, context, "quiz.stale"), show_alert=True)
        return
    position, option = parsed[1], parsed[2]
    record = Answer(f"s{session.id}:{position}", session.user_id, session.user_id, PRIVATE,
                    question.id, question.fraud_type, (option,),
                    is_correct([option], question.correct))
    result = await services.quiz.answer_in_session(session, position, record, services.today(),
                                                   scoring_rules(services))
    if result is None:  # a second press raced the first
        await query.answer(t(update, context, "quiz.stale"), show_alert=True)
        return
    session, scored = result
    await query.answer()
    language = lang(update, context)
    verdict = render_verdict(services.texts, language, question, scored.correct, scored.points,
                             scored.bonus)
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(f"{query.message.text_html}\n\n{verdict}")
            verdict = ""
        except BadRequest as exc:  # e.g. too old to edit: say it in a new message
            log.info("Could not edit quiz question %s: %s", query.message.message_id, exc)
    if verdict:
        await context.bot.send_message(session.user_id, verdict)
    if session.status == "active":
        await _ask(update, context, session)
    else:
        await _summary(update, context, session)


async def _summary(update: Update, context: BotContext, session: Session) -> None:
    stats = await context.services.quiz.type_stats(session.user_id,
                                                   key_prefix=f"s{session.id}:")
    weakest = weakest_type(stats)
    lines = [t(update, context, "quiz.summary", correct=session.correct,
               total=len(session.questions), points=session.points)]
    lines.append(t(update, context, "quiz.weakest", type=t(update, context,
                                                           f"fraud_type.{weakest}"))
                 if weakest else t(update, context, "quiz.all_right"))
    lines.append(t(update, context, "quiz.summary_footer"))
    await context.bot.send_message(session.user_id, "\n".join(lines))
