"""Tips and seasons: the data model of the daily bulletin, and its validation. Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.domain.taxonomy import AUDIENCES, FRAUD_TYPES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")
TITLE_MAX, BODY_MAX, ADVICE_MAX = 40, 600, 80


@dataclass(frozen=True)
class Season:
    key: str
    name: str
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]

    def contains(self, day: dt.date) -> bool:
        """True when day falls in the window; a window may wrap the new year."""
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


@dataclass(frozen=True)
class Tip:
    id: str
    title: str
    body: str
    fraud_type: str
    audiences: tuple[str, ...]
    tags: tuple[str, ...] = ()
    season: str | None = None
    advice: str | None = None


def _md(text: object) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{2})-(\d{2})", str(text))
    if not m:
        raise ValueError(f'{text!r} is not a month-day like "01-31"')
    month, day = int(m[1]), int(m[2])
    dt.date(2024, month, day)  # raises on 02-30 etc.
    return month, day


def parse_seasons(data: object, src: str = "seasons.yaml") -> tuple[dict[str, Season], list[str]]:
    """seasons.yaml -> {key: Season}, plus every problem found."""
    problems: list[str] = []
    seasons: dict[str, Season] = {}
    table = data.get("seasons") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return {}, [f"{src}: seasons: expected a mapping of season keys"]
    for key, spec in table.items():
        where = f"{src}: seasons.{key}"
        if not isinstance(spec, dict):
            problems.append(f"{where}: expected {{name, from, to}}")
            continue
        try:
            seasons[key] = Season(key, str(spec.get("name", key)), _md(spec.get("from")),
                                  _md(spec.get("to")))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    return seasons, problems


def _str_list(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def parse_tip(raw: object, where: str, seasons: dict[str, Season] | None = None
              ) -> tuple[Tip | None, list[str]]:
    """Validate one tip mapping; returns the Tip (None if unusable) and the problems."""
    if not isinstance(raw, dict):
        return None, [f"{where}: expected a mapping with id, title, body, fraud_type, audiences"]
    p: list[str] = []
    tip_id = raw.get("id")
    if not isinstance(tip_id, str) or not ID_RE.match(tip_id):
        p.append(f"{where}.id: {tip_id!r} must be lowercase letters, digits and '-' (2–48)")
    for key, limit in (("title", TITLE_MAX), ("body", BODY_MAX)):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            p.append(f"{where}.{key}: missing or empty")
        elif len(value.strip()) > limit:
            p.append(f"{where}.{key}: too long ({len(value.strip())} > {limit} characters)")
    if raw.get("fraud_type") not in FRAUD_TYPES:
        p.append(f"{where}.fraud_type: {raw.get('fraud_type')!r} is not one of "
                 f"{', '.join(FRAUD_TYPES)}")
    audiences = _str_list(raw.get("audiences"))
    if not audiences:
        p.append(f"{where}.audiences: give a non-empty list from {', '.join(AUDIENCES)}")
    else:
        p += [f"{where}.audiences: unknown audience {a!r} (use {', '.join(AUDIENCES)})"
              for a in audiences if a not in AUDIENCES]
    tags = _str_list(raw.get("tags", []))
    if tags is None:
        p.append(f"{where}.tags: expected a list of strings")
    season = raw.get("season")
    if season is not None and seasons is not None and season not in seasons:
        p.append(f"{where}.season: {season!r} is not defined in seasons.yaml "
                 f"({', '.join(sorted(seasons))})")
    advice = raw.get("advice")
    if advice is not None and (not isinstance(advice, str) or len(advice) > ADVICE_MAX):
        p.append(f"{where}.advice: must be one line of at most {ADVICE_MAX} characters")
    unknown = set(raw) - {"id", "title", "body", "fraud_type", "audiences", "tags", "season",
                          "advice"}
    p += [f"{where}.{k}: unknown key" for k in sorted(unknown)]
    if p:
        return None, p
    return Tip(id=tip_id, title=raw["title"].strip(), body=raw["body"].strip(),
               fraud_type=raw["fraud_type"], audiences=audiences, tags=tags or (),
               season=season, advice=(advice or "").strip() or None), []
