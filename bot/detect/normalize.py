"""Text normalisation: undo the tricks scammers use to slip past keyword filters.

Three views of one message:

- ``clean(text)``: NFKC (full-width and math/circled digits → ASCII), zero-width characters
  removed. Nothing else changes, so URLs, phone numbers and ids stay intact for extraction.
- ``match_text(text)``: what the patterns run against — simplified, lower-case, every space,
  symbol and emoji between characters removed, contact-app aliases unified (薇信/威信/vx → 微信,
  扣扣 → qq), and each clause break (，。！？；: and line breaks) turned into one ``|``.
- ``fingerprint(text)``: the match text without clause breaks or digits, for near-duplicate
  matching (a changed amount or phone number must not make two copies look different).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.detect.hanzi import TRAD_TO_SIMP

BREAK = "|"

_ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e"
        "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u206f\ufeff"),
    None,
)

# Latin lookalikes from Cyrillic and Greek, as used in fake domains ("аlipay.com").
CONFUSABLES: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ѡ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ɑ": "a", "ı": "i",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ω": "w", "γ": "y", "η": "n",
}
_CONFUSABLE_TABLE = {ord(k): v for k, v in CONFUSABLES.items()}
_CONFUSABLE_TABLE.update({ord(k.upper()): v for k, v in CONFUSABLES.items() if k.upper() != k})

# Clause breaks: a warning word ("不要") only governs its own clause.
_CLAUSE_CHARS = set("，,。．！!？?；;：:\n\r…｜|")
_KEEP_SYMBOLS = set("%+")
_PLUS_LIKE = str.maketrans({"➕": "+", "✚": "+", "✙": "+", "﹢": "+", "＋": "+"})

# Contact-app aliases. Applied after spaces/emoji are gone, so "加 薇 信", "V❤信" and "威-信"
# all reach these patterns in their plain form.
_ALIASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"[薇威徽嶶维伟]信|[微薇威徽v]芯|(?<![a-z])(?:vx|wx|weixin|wechat)|v信|微x", "微信"),
        (r"扣扣|抠抠|叩叩|寇寇|(?<![a-z])q{2,}(?![a-z])", "qq"),
        (r"(?:加|\+)(我)?(?:[薇威徽]|v(?!ip)|微(?=$|\||[a-z0-9]))", r"加\1微信"),
        (r"(?:加|\+)(我)?q(?![a-z])", r"加\1qq"),
        (r"伽(?!马|利略)", "加"),
    )
)


def clean(text: str) -> str:
    """NFKC plus zero-width removal: the light copy used for URLs, phones and ids."""
    return unicodedata.normalize("NFKC", text or "").translate(_ZERO_WIDTH)


def unconfuse(s: str) -> str:
    """Map Cyrillic/Greek Latin-lookalike letters to ASCII (for URLs and ids)."""
    return s.translate(_CONFUSABLE_TABLE)


def _strip_between(text: str) -> str:
    """Drop spaces, punctuation, symbols and emoji; turn clause punctuation into BREAK."""
    out: list[str] = []
    last_break = True
    for ch in text:
        if ch in _CLAUSE_CHARS:
            if not last_break:
                out.append(BREAK)
                last_break = True
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in _KEEP_SYMBOLS:
            out.append(ch)
            last_break = False
        # everything else (Z*, P*, S*, C*, M*) is removed: "刷-单", "刷 单", "刷🌸单" → "刷单"
    if out and out[-1] == BREAK:
        out.pop()
    return "".join(out)


def apply_aliases(text: str, extra: Iterable[tuple[re.Pattern[str], str]] = ()) -> str:
    """Unify contact-app names and other aliases; ``extra`` come from patterns.yaml."""
    for pattern, repl in _ALIASES:
        text = pattern.sub(repl, text)
    for pattern, repl in extra:
        text = pattern.sub(repl, text)
    return text.replace("+", "")


def simplify(text: str) -> str:
    """Traditional → simplified (common characters) and lower-case."""
    return text.translate(TRAD_TO_SIMP).lower()


def match_text(text: str, extra_aliases: Iterable[tuple[re.Pattern[str], str]] = ()) -> str:
    """The normalised copy patterns run against: see the module docstring."""
    s = simplify(clean(text)).translate(_PLUS_LIKE)
    s = unconfuse(s)
    return apply_aliases(_strip_between(s), extra_aliases)


_DIGITS = re.compile(r"\d+")


def fingerprint_from_match(match: str) -> str:
    """Fingerprint from an already normalised match text: no breaks, digit runs → '#'."""
    return _DIGITS.sub("#", match.replace(BREAK, ""))


def fingerprint(text: str) -> str:
    """Normalised text for near-duplicate matching (digits collapsed, no breaks)."""
    return fingerprint_from_match(match_text(text))
