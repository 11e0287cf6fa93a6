"""Entities Telegram finds by itself in message text: commands, URLs, mentions, e-mails, tags."""

from __future__ import annotations

import logging
import re

from bot.tghtml import utf16_len

logger = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TLDS = _words(
    """
    com net org cn io me co info top xyz ru uk de jp hk tw mo cc tk vip shop app dev link club
    site online ly gl gd to ai us biz edu gov int mobi pro tv ws in fr it nl eu ca au kr sg my
    ph vn th id br mx es pt pl ch se no fi dk be at cz ir tr ua kz ng za ke page live store tech
    fun icu work wang ltd group asia one win bid loan cyou buzz bet game games plus world today
    news email space website host cloud zone life red blue pw ml ga cf im ink art fm gg sh so
    su la lol moe cn.com
    """
)
_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#&])#\w*[^\W\d]\w*")
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![\w.-]*@)"
)
_SCHEME_URL = re.compile(r"(?i)\b(?:https?|tg|ftp)://[!-~]+")
_BARE_URL = re.compile(
    r"(?<![\w@./-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,24})"
    r"(?::\d{1,5})?(?:[/?#][!-~]*)?"
)
_TRAILING = ".,;:!?'\")]}>"
_OPENERS = {")": "(", "]": "[", "}": "{"}
# entity types inside which Telegram does not look for more entities
_OPAQUE = {"code", "pre", "text_link", "text_mention", "url", "email", "custom_emoji"}


def _trim_url(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation from a URL candidate (keeping balanced brackets)."""
    while end > start and text[end - 1] in _TRAILING:
        ch = text[end - 1]
        if ch in _OPENERS and text[start:end].count(_OPENERS[ch]) >= text[start:end].count(ch):
            break
        end -= 1
    return end


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """All (start, end, type) matches, in Python string indices, possibly overlapping."""
    found: list[tuple[int, int, str]] = []
    for m in _SCHEME_URL.finditer(text):
        found.append((m.start(), _trim_url(text, m.start(), m.end()), "url"))
    for m in _EMAIL.finditer(text):
        found.append((m.start(), m.end(), "email"))
    for m in _BARE_URL.finditer(text):
        if m.group("tld").lower() in _TLDS or m.group("tld").lower().startswith("xn--"):
            found.append((m.start(), _trim_url(text, m.start(), m.end()), "url"))
    for m in _MENTION.finditer(text):
        found.append((m.start(), m.end(), "mention"))
    for m in _COMMAND.finditer(text):
        found.append((m.start(), m.end(), "bot_command"))
    for m in _HASHTAG.finditer(text):
        found.append((m.start(), m.end(), "hashtag"))
    return found


def to_utf16_spans(text: str, spans: list[tuple[int, int, str]]) -> list[dict]:
    """Convert (start, end, type) in string indices to entity dicts in UTF-16 units."""
    entities = []
    for start, end, kind in spans:
        offset = utf16_len(text[:start])
        entities.append({"type": kind, "offset": offset, "length": utf16_len(text[start:end])})
    return entities


def find_entities(text: str) -> list[dict]:
    """Entities Telegram detects automatically (bot_command, url, email, mention, hashtag)."""
    chosen: list[tuple[int, int, str]] = []
    taken_until = -1
    for start, end, kind in sorted(_candidates(text), key=lambda c: (c[0], -(c[1] - c[0]))):
        if end <= start or start < taken_until:
            continue
        chosen.append((start, end, kind))
        taken_until = end
    return to_utf16_spans(text, chosen)


def sort_entities(entities: list[dict]) -> list[dict]:
    """Sort entities the way Telegram returns them (offset, then longer first)."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def merge_entities(text: str, explicit: list[dict]) -> list[dict]:
    """Explicit (formatting) entities plus automatically found ones outside opaque entities."""
    opaque = [(e["offset"], e["offset"] + e["length"]) for e in explicit if e["type"] in _OPAQUE]
    merged = list(explicit)
    for entity in find_entities(text):
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if any(start < o_end and o_start < end for o_start, o_end in opaque):
            continue
        merged.append(entity)
    return sort_entities(merged)


def strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Trim leading/trailing whitespace as Telegram does, clipping entities to what is left."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def entity_text(text: str, entity: dict) -> str:
    """The substring an entity covers (offsets in UTF-16 units)."""
    raw = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return raw[start : start + entity["length"] * 2].decode("utf-16-le")
