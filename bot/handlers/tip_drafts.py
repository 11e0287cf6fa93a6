"""Tip drafts: officers write (/newtip, a YAML upload), review and correct tips."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from html import escape

import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.domain.bulletin import render_tip
from bot.domain.taxonomy import AUDIENCES, FRAUD_TYPES
from bot.domain.tips import Tip, parse_tip
from bot.handlers import callbacks
from bot.handlers.common import officer_only, private_only, reply, t
from bot.store.tips import APPROVED, REJECTED

log = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^({callbacks.TIP}|{callbacks.NEWTIP}):"
MAX_UPLOAD_BYTES = 256 * 1024
FLOW = "flow"


@officer_only
@private_only
async def new_tip(update: Update, context: BotContext) -> None:
    """/newtip — start writing a tip: title, body, then type and audiences with buttons."""
    context.user_data[FLOW] = {"name": "newtip", "step": "title", "draft": {}}
    await reply(update, context, "newtip.ask_title")


# ---- drafts and review -----------------------------------------------------------------------

def new_tip_id(day: dt.date) -> str:
    return f"o-{day:%Y%m%d}-{secrets.token_hex(3)}"


def review_keyboard(context: BotContext, tip_id: str, language: str) -> InlineKeyboardMarkup:
    tx = context.services.texts
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(tx.t("review.approve", language),
                             callback_data=f"{callbacks.TIP}:ok:{tip_id}"),
        InlineKeyboardButton(tx.t("review.reject", language),
                             callback_data=f"{callbacks.TIP}:back:{tip_id}"),
        InlineKeyboardButton(tx.t("review.edit", language),
                             callback_data=f"{callbacks.TIP}:edit:{tip_id}"),
    ]])


async def submit_draft(update: Update, context: BotContext, tip: Tip) -> None:
    """Store a draft and put its review card in front of the officers."""
    services = context.services
    author = update.effective_user
    await services.tips.add_draft(tip, author.id)
    await send_review_card(context, tip, author.full_name)


async def send_review_card(context: BotContext, tip: Tip, author_name: str) -> None:
    services = context.services
    language = services.config.locale
    text = services.texts.t("review.card", language, id=tip.id, author=escape(author_name),
                            audiences=", ".join(services.texts.t(f"audience.{a}", language)
                                                for a in tip.audiences),
                            tip=render_tip(services.texts, language, tip))
    targets = ([services.config.review_chat_id] if services.config.review_chat_id
               else list(services.config.officers))
    for chat_id in targets:
        try:
            await context.bot.send_message(chat_id, text,
                                           reply_markup=review_keyboard(context, tip.id, language))
        except TelegramError as exc:
            log.warning("Could not send the review card to %s: %s", chat_id, exc)


async def _decide(update: Update, context: BotContext, action: str, tip_id: str) -> None:
    services, query = context.services, update.callback_query
    officer = update.effective_user
    record = await services.tips.get(tip_id)
    if record is None:
        await query.answer(t(update, context, "review.stale"), show_alert=True)
        return
    if action == "edit":
        if record.status != "draft":
            await query.answer(t(update, context, "review.already",
                                 status=t(update, context, f"tip_status.{record.status}")),
                               show_alert=True)
            return
        try:
            await context.bot.send_message(officer.id, t(update, context, "review.ask_edit",
                                                         id=tip_id))
        except TelegramError:
            await query.answer(t(update, context, "review.open_private"), show_alert=True)
            return
        context.user_data[FLOW] = {"name": "edittip", "id": tip_id}
        await query.answer(t(update, context, "review.edit_sent"))
        return
    if (action == "ok" and services.config.tips.four_eyes and record.author_id == officer.id):
        await query.answer(t(update, context, "review.four_eyes"), show_alert=True)
        return
    status = APPROVED if action == "ok" else REJECTED
    if not await services.tips.review(tip_id, status, officer.id):
        await query.answer(t(update, context, "review.already",
                                 status=t(update, context, f"tip_status.{record.status}")),
                           show_alert=True)
        return
    when = services.now().strftime("%Y-%m-%d %H:%M")
    verdict = t(update, context, f"review.done_{status}", officer=escape(officer.full_name),
                time=when)
    await query.answer(verdict[:190])
    await query.edit_message_text(f"{query.message.text_html}\n\n{verdict}")
    if record.author_id and record.author_id != officer.id:
        try:
            await context.bot.send_message(record.author_id, services.texts.t(
                f"review.author_{status}", services.config.locale, id=tip_id,
                title=escape(record.tip.title)))
        except TelegramError as exc:
            log.info("Could not tell the author of %s: %s", tip_id, exc)


async def on_button(update: Update, context: BotContext) -> None:
    """Review buttons (tip:…) and /newtip choices (nt:…); officers only, data re-validated."""
    query = update.callback_query
    if not context.services.config.is_officer(update.effective_user.id):
        await query.answer(t(update, context, "common.officers_only"), show_alert=True)
        return
    parsed = callbacks.parse(query.data, callbacks.TIP, ("ok", "back", "edit"))
    if parsed:
        await _decide(update, context, *parsed)
        return
    parsed = callbacks.parse(query.data, callbacks.NEWTIP, ("type", "aud", "done"))
    flow = context.user_data.get(FLOW) or {}
    if parsed is None or flow.get("name") != "newtip":
        await query.answer(t(update, context, "review.stale"), show_alert=True)
        return
    await _newtip_choice(update, context, flow, *parsed)


def _type_keyboard(context: BotContext, language: str) -> InlineKeyboardMarkup:
    tx = context.services.texts
    buttons = [InlineKeyboardButton(tx.t(f"fraud_type.{ft}", language),
                                    callback_data=f"{callbacks.NEWTIP}:type:{ft}")
               for ft in FRAUD_TYPES]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def _audience_keyboard(context: BotContext, language: str, chosen: list[str]
                       ) -> InlineKeyboardMarkup:
    tx = context.services.texts
    buttons = [InlineKeyboardButton(("✅ " if a in chosen else "") + tx.t(f"audience.{a}",
                                                                         language),
                                    callback_data=f"{callbacks.NEWTIP}:aud:{a}")
               for a in AUDIENCES]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    rows.append([InlineKeyboardButton(tx.t("newtip.done", language),
                                      callback_data=f"{callbacks.NEWTIP}:done:-")])
    return InlineKeyboardMarkup(rows)


async def _newtip_choice(update: Update, context: BotContext, flow: dict, action: str,
                         value: str) -> None:
    query = update.callback_query
    draft = flow["draft"]
    language = context.services.texts.lang(update.effective_user.language_code)
    if action == "type" and value in FRAUD_TYPES and flow["step"] == "type":
        draft["fraud_type"] = value
        flow["step"] = "aud"
        draft.setdefault("audiences", [])
        await query.answer()
        await query.edit_message_text(t(update, context, "newtip.ask_audiences"),
                                      reply_markup=_audience_keyboard(context, language, []))
    elif action == "aud" and value in AUDIENCES and flow["step"] == "aud":
        chosen = draft["audiences"]
        chosen.remove(value) if value in chosen else chosen.append(value)
        await query.answer()
        await query.edit_message_reply_markup(_audience_keyboard(context, language, chosen))
    elif action == "done" and flow["step"] == "aud":
        if not draft["audiences"]:
            await query.answer(t(update, context, "newtip.need_audience"), show_alert=True)
            return
        draft["id"] = new_tip_id(context.services.today())
        tip, problems = parse_tip(draft, "newtip")
        context.user_data.pop(FLOW, None)
        await query.answer()
        if tip is None:
            await query.edit_message_text(escape("\n".join(problems)))
            return
        await submit_draft(update, context, tip)
        await query.edit_message_text(t(update, context, "newtip.submitted", id=tip.id))
    else:
        await query.answer(t(update, context, "review.stale"), show_alert=True)


async def on_flow_text(update: Update, context: BotContext, flow: dict) -> None:
    """Free text while an officer is writing (newtip) or correcting (edittip) a tip."""
    text = (update.effective_message.text or "").strip()
    language = context.services.texts.lang(update.effective_user.language_code)
    if flow["name"] == "edittip":
        await _apply_edit(update, context, flow["id"], text)
        return
    draft, step = flow["draft"], flow["step"]
    limit = {"title": 40, "body": 600}.get(step)
    if limit is None:
        await reply(update, context, "newtip.use_buttons")
        return
    if not text or len(text) > limit:
        await reply(update, context, "newtip.bad_length", limit=limit, length=len(text))
        return
    draft[step] = text
    if step == "title":
        flow["step"] = "body"
        await reply(update, context, "newtip.ask_body")
    else:
        flow["step"] = "type"
        await update.effective_message.reply_text(t(update, context, "newtip.ask_type"),
                                                  reply_markup=_type_keyboard(context, language))


async def _apply_edit(update: Update, context: BotContext, tip_id: str, text: str) -> None:
    services = context.services
    context.user_data.pop(FLOW, None)
    record = await services.tips.get(tip_id)
    if record is None or record.status != "draft":
        await reply(update, context, "review.stale")
        return
    if not text or len(text) > 600:
        await reply(update, context, "newtip.bad_length", limit=600, length=len(text))
        context.user_data[FLOW] = {"name": "edittip", "id": tip_id}
        return
    tip = Tip(**{**record.tip.__dict__, "body": text})
    await services.tips.update_draft(tip)
    await send_review_card(context, tip, update.effective_user.full_name)
    await reply(update, context, "review.edited", id=tip_id)


async def import_yaml(update: Update, context: BotContext) -> None:
    """An officer uploads a YAML file of tips: each valid one becomes a draft for review."""
    services, doc = context.services, update.effective_message.document
    if doc.file_size and doc.file_size > MAX_UPLOAD_BYTES:
        await reply(update, context, "upload.too_big", limit=MAX_UPLOAD_BYTES // 1024)
        return
    data = await (await doc.get_file()).download_as_bytearray()
    try:
        parsed = yaml.safe_load(bytes(data).decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        await reply(update, context, "upload.bad_yaml", error=escape(str(exc)[:300]))
        return
    items = parsed.get("tips") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list):
        await reply(update, context, "upload.no_tips")
        return
    problems, accepted = [], []
    for i, raw in enumerate(items[:200]):
        tip, errs = parse_tip(raw, f"tips[{i}]", services.content.seasons)
        if tip and await services.tips.exists(tip.id):
            errs = [f"tips[{i}].id: {tip.id!r} already exists"]
        if errs:
            problems += errs
            continue
        await submit_draft(update, context, tip)
        accepted.append(tip.id)
    text = t(update, context, "upload.result", accepted=len(accepted), total=len(items))
    if problems:
        text += "\n" + escape("\n".join(problems[:20]))
    await update.effective_message.reply_text(text)


