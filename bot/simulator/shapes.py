"""Builders for Bot API object shapes (User, Chat, ChatMember, ChatFullInfo) as of Bot API 10.0."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT_STATUSES = ("creator", "administrator", "member", "restricted")
_RESTRICTED_RIGHTS = (
    "change_info",
    "invite_users",
    "pin_messages",
    "send_messages",
    "send_polls",
    "send_other_messages",
    "add_web_page_previews",
    "manage_topics",
    "send_audios",
    "send_documents",
    "send_photos",
    "send_videos",
    "send_video_notes",
    "send_voice_notes",
    "edit_tag",
    "react_to_messages",
)

# A 1×1 PNG: the content of photos the simulator fabricates.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)


def user_dict(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    """A User object."""
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    """The Chat object of a user's private chat with the bot."""
    chat: dict[str, Any] = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def full_name(user: dict[str, Any]) -> str:
    """First and last name, as Telegram shows it."""
    return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)


def admin_rights(*, can_pin_messages: bool = True, full: bool = False) -> dict[str, Any]:
    """The rights fields of ChatMemberAdministrator (all that PTB requires)."""
    return {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": full,
        "can_restrict_members": True,
        "can_promote_members": full,
        "can_change_info": full,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_pin_messages": can_pin_messages,
        "can_manage_topics": False,
    }


def restricted_fields() -> dict[str, Any]:
    """The fields of ChatMemberRestricted for a muted member (all that PTB requires)."""
    fields = {f"can_{name}": False for name in _RESTRICTED_RIGHTS}
    return {"is_member": True, "until_date": 0, **fields}


def chat_member(user: dict[str, Any], status: str, extra: dict[str, Any] | None = None) -> dict:
    """A ChatMember object of the given status."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}")
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(admin_rights())
    elif status == "restricted":
        member.update(restricted_fields())
    elif status == "kicked":
        member["until_date"] = 0
    if extra:
        member.update(extra)
    return member


def accepted_gift_types() -> dict[str, bool]:
    """AcceptedGiftTypes as a bot sees it for an ordinary chat."""
    return {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }


def chat_full_info(chat: dict[str, Any], *, pinned: dict | None = None) -> dict[str, Any]:
    """A ChatFullInfo object for getChat."""
    info: dict[str, Any] = {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": accepted_gift_types(),
    }
    if chat["type"] != "private":
        info["permissions"] = {
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": True,
            "can_pin_messages": False,
            "can_manage_topics": False,
        }
    if pinned is not None:
        info["pinned_message"] = pinned
    return info
