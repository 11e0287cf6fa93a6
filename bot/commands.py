"""Which commands each role sees, in menus (setMyCommands) and in /help. One table for both."""

from __future__ import annotations

# Command names per audience; descriptions are texts "commands.<name>" in each locale.
PRIVATE_RESIDENT: tuple[str, ...] = ("start", "help", "tip", "report", "quiz", "myscore",
                                     "hideme")
PRIVATE_VOLUNTEER: tuple[str, ...] = PRIVATE_RESIDENT
PRIVATE_OFFICER: tuple[str, ...] = (
    *PRIVATE_RESIDENT, "newtip", "tips", "retire", "pintip", "alert", "dailynow", "groups",
    "pending", "invite", "volunteers", "warn", "stats", "weekly", "export",
)
GROUP_MEMBER: tuple[str, ...] = ("tip", "top", "hideme", "report", "help")
GROUP_ADMIN: tuple[str, ...] = (*GROUP_MEMBER, "quiz", "register", "unregister", "settings")
REVIEW_CHAT: tuple[str, ...] = ("tips", "groups", "dailynow", "alert", "pending", "warn", "stats",
                                 "weekly", "export", "help")

ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "resident": PRIVATE_RESIDENT,
    "volunteer": PRIVATE_VOLUNTEER,
    "officer": PRIVATE_OFFICER,
}
