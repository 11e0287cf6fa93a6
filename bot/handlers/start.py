"""/start, /help and the command menus of each role."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot import commands
from bot.context import BotContext, services_of
from bot.handlers.common import is_group, lang, role_of, t

log = logging.getLogger(__name__)

# /start payload prefixes handled elsewhere (e.g. volunteer invites) register here.
START_PAYLOADS: dict[str, object] = {}


def _command_lines(context: BotContext, language: str, names: tuple[str, ...]) -> str:
    texts = context.services.texts
    return "\n".join(f"/{n} — {texts.t(f'commands.{n}', language)}" for n in names)


async def start(update: Update, context: BotContext) -> None:
    """Welcome in private chats (with the user's role), a short hint in groups."""
    if context.args:
        handler = START_PAYLOADS.get(context.args[0].split("_", 1)[0])
        if handler is not None:
            await handler(update, context)  # type: ignore[operator]
            return
    await help_command(update, context, welcome=True)


async def help_command(update: Update, context: BotContext, *, welcome: bool = False) -> None:
    """The commands of the user's role, in their language."""
    msg, user = update.effective_message, update.effective_user
    if msg is None:
        return
    language = lang(update, context)
    if is_group(update.effective_chat):
        await msg.reply_text(t(update, context, "help.group", commands=_command_lines(
            context, language, commands.GROUP_ADMIN)))
        return
    role = await role_of(context, user.id if user else None)
    head = t(update, context, "start.welcome" if welcome else "help.header",
             name=(user.first_name if user else ""),
             role=t(update, context, f"role.{role}"))
    body = _command_lines(context, language, commands.ROLE_COMMANDS[role])
    footer = t(update, context, f"help.footer.{role}")
    await msg.reply_text(f"{head}\n\n{body}\n\n{footer}")


async def set_command_menus(app: Application) -> None:
    """setMyCommands per scope and language: private, groups, group admins, officers."""
    services = services_of(app)
    texts, config = services.texts, services.config

    def menu(names: tuple[str, ...], language: str) -> list[BotCommand]:
        return [BotCommand(n, texts.t(f"commands.{n}", language)[:256]) for n in names]

    scopes = [
        (BotCommandScopeAllPrivateChats(), commands.PRIVATE_RESIDENT),
        (BotCommandScopeAllGroupChats(), commands.GROUP_MEMBER),
        (BotCommandScopeAllChatAdministrators(), commands.GROUP_ADMIN),
    ]
    if config.review_chat_id:
        scopes.append((BotCommandScopeChat(config.review_chat_id), commands.REVIEW_CHAT))
    scopes += [(BotCommandScopeChat(uid), commands.PRIVATE_OFFICER) for uid in config.officers]
    for scope, names in scopes:
        for code, language in ((None, config.locale), ("zh", "zh-CN"), ("en", "en")):
            try:
                await app.bot.set_my_commands(menu(names, language), scope=scope,
                                              language_code=code)
            except TelegramError as exc:  # e.g. an officer who never opened the bot
                log.warning("setMyCommands for %s failed: %s", scope.type, exc)
                break
