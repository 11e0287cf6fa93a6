"""Parsing `/alert <level> <text> [area=…] [type=…]`. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.taxonomy import ALERT_LEVELS, GROUP_TYPES

LEVEL_ALIASES = {"红": "red", "红色": "red", "橙": "orange", "橙色": "orange", "黄": "yellow",
                 "黄色": "yellow"}
FILTER_RE = re.compile(r"(?:^|\s)(area|type|地区|类型)=(\S+)")
MAX_ALERT_TEXT = 3000


@dataclass(frozen=True)
class AlertRequest:
    level: str
    text: str
    area: str | None = None
    group_type: str | None = None


class AlertParseError(ValueError):
    """The command is malformed; .key names the usage text to show."""

    def __init__(self, key: str, **details: str):
        super().__init__(key)
        self.key = key
        self.details = details


def parse_alert(args_text: str) -> AlertRequest:
    """The text after /alert: a level, then the message; area=/type= filters anywhere."""
    body = args_text.strip()
    if not body:
        raise AlertParseError("alert.usage")
    first, _, rest = body.partition(" ")
    level = LEVEL_ALIASES.get(first, first.lower())
    if level not in ALERT_LEVELS:
        raise AlertParseError("alert.usage")
    area = group_type = None
    for key, value in FILTER_RE.findall(rest):
        if key in ("area", "地区"):
            area = value[:64]
        else:
            if value not in GROUP_TYPES:
                raise AlertParseError("alert.bad_type", value=value,
                                      types=" | ".join(GROUP_TYPES))
            group_type = value
    text = FILTER_RE.sub(" ", rest).strip()
    if not text:
        raise AlertParseError("alert.usage")
    if len(text) > MAX_ALERT_TEXT:
        raise AlertParseError("alert.too_long", limit=str(MAX_ALERT_TEXT))
    return AlertRequest(level, text, area, group_type)
