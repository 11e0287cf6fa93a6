"""Case cards: what officers see of a case, where cards go, and keeping every card current.

Cards go to the review chat (config.review_chat_id), or to each officer privately. Every card of
a case is recorded, so a decision, a withdrawal or a new report updates all of them.
"""

from __future__ import annotations

import contextlib
import logging
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot import casework
from bot.context import BotContext, Services
from bot.domain import cases as rules
from bot.domain.case_texts import CardView, Person, Similar, render_card, type_label
from bot.domain.cases import Case
from bot.domain.taxonomy import FRAUD_TYPES
from bot.handlers import callbacks

log = logging.getLogger(__name__)


def officer_text(services: Services, key: str, **kw: object) -> str:
    """Cards and officer notes are in the configured locale (one review chat, many readers)."""
    return services.texts.t(key, services.config.locale, **kw)


async def name_of(services: Services, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = await services.users.get(user_id)
    return user.display_name if user else str(user_id)


async def card_view(services: Services, case: Case, waiting: int | None = None) -> CardView:
    reports = await services.cases.reports_of(case.id)
    people: dict[int, Person] = {}
    for r in reports:
        if r.reporter_id not in people:
            people[r.reporter_id] = Person(r.reporter_id, await name_of(services, r.reporter_id),
                                           r.reporter_role)
    sources = []
    for chat_id in await services.cases.source_chats(case.id):
        group = await services.groups.get(chat_id)
        sources.append(group.title if group and group.title else str(chat_id))
    found = casework.candidates(services, case.fingerprint, case.indicators)
    shown = rules.similar_to_show(found, case.id, floor=casework.SIMILAR_FLOOR)
    similar = []
    for c in shown:
        other = await services.cases.get(c.case_id)
        if other is not None and other.status != rules.WITHDRAWN:
            similar.append(Similar(c.case_id, c.similarity, other.status, other.verdict))
    return CardView(
        case=case, reports=len([r for r in reports if r.kind != "supplement"]),
        reporters=list(people.values()), sources=sources,
        origins=[r.origin for r in reports if r.kind != "supplement"][:5],
        media=list(dict.fromkeys(m["type"] for r in reports for m in r.media)),
        similar=similar, decided_by=await name_of(services, case.decided_by),
        decided_at=casework.local_time(services, case.decided_at),
        info_by=await name_of(services, case.info_by), waiting_minutes=waiting,
        text_limit=services.config.reports.card_text_chars)


def main_keyboard(services: Services, case: Case) -> InlineKeyboardMarkup | None:
    """The buttons a card shows in each state (type choice is a separate keyboard)."""
    def button(key: str, action: str, value: str = "") -> InlineKeyboardButton:
        data = f"{callbacks.CASE}:{action}:{case.id}" + (f":{value}" if value else "")
        return InlineKeyboardButton(officer_text(services, f"reports.card.{key}"),
                                    callback_data=data)

    if case.undecided:
        return InlineKeyboardMarkup([[button("scam", "scam"), button("not_scam", "no")],
                                     [button("need_more", "info"), button("scam_warn", "warn")]])
    if case.status == rules.DECIDED and case.verdict == rules.SCAM:
        return InlineKeyboardMarkup([[button("warn_src", "wa", "src")],
                                     [button("warn_area", "wa", "area"),
                                      button("warn_all", "wa", "all")]])
    return None


def type_keyboard(services: Services, case: Case, warn: bool) -> InlineKeyboardMarkup:
    """确认诈骗 / 确认并预警: confirm the analyzer's type (first) or pick another."""
    action = "okw" if warn else "ok"
    first = case.fraud_type if case.fraud_type in FRAUD_TYPES else "other"
    order = [first, *(ft for ft in FRAUD_TYPES if ft != first)]
    buttons = [InlineKeyboardButton(
        officer_text(services, "reports.card.suggested", type=type_label(services.texts,
                                                               services.config.locale, ft))
        if ft == first else type_label(services.texts, services.config.locale, ft),
        callback_data=f"{callbacks.CASE}:{action}:{case.id}:{ft}") for ft in order]
    rows = [buttons[:1], *[buttons[i:i + 2] for i in range(1, len(buttons), 2)]]
    rows.append([InlineKeyboardButton(officer_text(services, "reports.card.back"),
                                      callback_data=f"{callbacks.CASE}:back:{case.id}")])
    return InlineKeyboardMarkup(rows)


def _targets(services: Services) -> list[int]:
    cfg = services.config
    return [cfg.review_chat_id] if cfg.review_chat_id else list(cfg.officers)


async def send_card(bot: Bot, services: Services, case_id: int, *, waiting: int | None = None,
                    media: bool = True) -> int:
    """A card for the case in the review chat (or each officer); returns how many were sent."""
    case = await services.cases.get(case_id)
    if case is None:
        return 0
    text = render_card(services.texts, services.config.locale,
                       await card_view(services, case, waiting))
    sent = 0
    for chat_id in _targets(services):
        try:
            card = await bot.send_message(chat_id, text,
                                          reply_markup=main_keyboard(services, case))
        except TelegramError as exc:  # e.g. an officer who never opened the bot
            log.warning("Could not send the card of case %s to %s: %s", case_id, chat_id, exc)
            continue
        sent += 1
        await services.cases.add_card(case_id, chat_id, card.message_id,
                                      services.clock().timestamp())
        if media:
            await _copy_media(bot, services, case_id, chat_id, card.message_id)
    return sent


async def _copy_media(bot: Bot, services: Services, case_id: int, chat_id: int, card_id: int,
                      reports=None) -> None:
    """Photos and files of the case's reports, under the card (best effort: a deleted group
    message cannot be copied; its text is on the card anyway)."""
    for r in reports if reports is not None else await services.cases.reports_of(case_id):
        if not r.media or r.message_id is None:
            continue
        try:
            await bot.copy_message(chat_id, r.chat_id, r.message_id,
                                   reply_parameters={"message_id": card_id,
                                                     "allow_sending_without_reply": True})
        except TelegramError as exc:
            log.info("Could not copy report %s media to %s: %s", r.id, chat_id, exc)


async def refresh_cards(bot: Bot, services: Services, case_id: int) -> None:
    """Show the case's current state on every card of it."""
    case = await services.cases.get(case_id)
    if case is None:
        return
    text = render_card(services.texts, services.config.locale, await card_view(services, case))
    markup = main_keyboard(services, case)
    for chat_id, message_id in await services.cases.cards(case_id):
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                        reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.info("Could not update card %s/%s: %s", chat_id, message_id, exc.message)
        except TelegramError as exc:
            log.info("Could not update card %s/%s: %s", chat_id, message_id, exc)


async def after_filing(context: BotContext, filed: casework.Filed) -> None:
    """A new case goes to the officers; a report joining a waiting case updates its cards."""
    if filed.new_card:
        await send_card(context.bot, context.services, filed.case.id)
    elif filed.linked and filed.case.status in (*rules.UNDECIDED, rules.DECIDED):
        await refresh_cards(context.bot, context.services, filed.case.id)


async def post_supplement(context: BotContext, case: Case, name: str, text: str,
                          msg: Message) -> None:
    """More material from a reporter: shown under the case's latest card, then cards updated."""
    services = context.services
    latest: dict[int, int] = {}
    for chat_id, message_id in await services.cases.cards(case.id):
        latest[chat_id] = message_id
    body = officer_text(services, "reports.supplement_card", case=case.id, name=escape(name))
    if text.strip():
        body += f"\n<blockquote>{escape(rules.trim(text, 1500))}</blockquote>"
    for chat_id, card_id in latest.items():
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat_id, body, reply_parameters={
                "message_id": card_id, "allow_sending_without_reply": True})
            if msg.effective_attachment and not msg.text:
                await msg.copy(chat_id)
    await refresh_cards(context.bot, services, case.id)
