"""Which commands each role sees, in menus (setMyCommands) and in /help. One table for both."""

from __future__ import annotations

# Command names per audience; descriptions are texts "commands.<name>" in each locale.
PRIVATE_RESIDENT: tuple[str, ...] = ("start", "help", "tip")
PRIVATE_VOLUNTEER: tuple[str, ...] = PRIVATE_RESIDENT
PRIVATE_OFFICER: tuple[str, ...] = (
    *PRIVATE_RESIDENT, "newtip", "tips", "retire", "pintip", "alert", "dailynow", "groups",
)
GROUP_MEMBER: tuple[str, ...] = ("tip", "help")
GROUP_ADMIN: tuple[str, ...] = (*GROUP_MEMBER, "register", "unregister", "settings")
REVIEW_CHAT: tuple[str, ...] = ("tips", "groups", "dailynow", "alert", "help")

ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "resident": PRIVATE_RESIDENT,
    "volunteer": PRIVATE_VOLUNTEER,
    "officer": PRIVATE_OFFICER,
}
