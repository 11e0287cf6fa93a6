"""The project's fixed vocabularies: fraud types, audiences, group types (ids from DOMAIN.md)."""

from __future__ import annotations

FRAUD_TYPES: tuple[str, ...] = (
    "fake_customer_service", "task_rebate", "fake_investment", "fake_loan_credit",
    "impersonate_officials", "impersonate_acquaintance", "game_trade", "romance",
    "fake_shopping", "prize_subsidy", "account_rental", "other",
)

AUDIENCES: tuple[str, ...] = (
    "general", "elderly", "parents", "students", "finance_staff", "workers", "rural",
)

GROUP_TYPES: tuple[str, ...] = (
    "neighbourhood", "parents", "school", "village", "workplace", "elderly", "general",
)

# Which tip audiences each kind of group receives. Every group also gets "general" tips.
GROUP_AUDIENCES: dict[str, tuple[str, ...]] = {
    "neighbourhood": ("general", "elderly"),
    "parents": ("general", "parents", "students"),
    "school": ("general", "students", "parents"),
    "village": ("general", "rural", "elderly"),
    "workplace": ("general", "workers", "finance_staff"),
    "elderly": ("general", "elderly"),
    "general": ("general",),
}

RISK_LEVELS: tuple[str, ...] = ("red", "orange", "yellow", "none")
ALERT_LEVELS: tuple[str, ...] = ("red", "orange", "yellow")


def audiences_for(group_type: str | None) -> tuple[str, ...]:
    """The audiences a registered group type is served."""
    return GROUP_AUDIENCES.get(group_type or "general", ("general",))


def parse_register_args(args: list[str]) -> tuple[str, str] | None:
    """`/register <type> [area…]` -> (type, area), or None when the type is missing/unknown."""
    if not args:
        return None
    group_type = args[0].strip().lower()
    aliases = {"neighborhood": "neighbourhood", "parent": "parents", "work": "workplace",
               "小区": "neighbourhood", "业主": "neighbourhood", "家长": "parents",
               "学校": "school", "村": "village", "村组": "village", "单位": "workplace",
               "老年": "elderly", "通用": "general"}
    group_type = aliases.get(group_type, group_type)
    if group_type not in GROUP_TYPES:
        return None
    area = " ".join(args[1:]).strip()[:64]
    return group_type, area
