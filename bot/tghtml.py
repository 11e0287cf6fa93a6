"""Telegram's HTML parse mode: markup → plain text + Bot API MessageEntity dicts.

Mirrors the Bot API server (tdlib's ``parse_html``): the same tags, the same entity decoding,
offsets and lengths in UTF-16 code units and error messages in Telegram's wording.  One
deliberate difference: Telegram shows an unknown named entity such as ``&nbsp;`` literally;
here it is an error by default (``strict_entities``) because it is always a content bug.
``strict_links=True`` also rejects links Telegram would silently drop (for content checks).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger(__name__)

__all__ = ["TgHtmlError", "escape", "normalize_url", "parse_html", "utf16_len"]

_SPACES = " \t\r\n\v\f\0"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SUPPORTED = {*_SIMPLE, "a", "code", "pre", "blockquote", "tg-emoji", "tg-time"}
_PRIORITY = [
    "blockquote",
    "expandable_blockquote",
    "pre",
    "code",
    "text_link",
    "text_mention",
    "custom_emoji",
    "date_time",
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
]
_TIME_FORMAT = re.compile(r"r|w?[dD]?[tT]?")
_HOST = re.compile(r"^(?:[\w-]+\.)*[\w-]+$")
_LINK_SCHEMES = {"http", "https", "tg", "ton", "tonsite"}


class TgHtmlError(ValueError):
    """Raised when Telegram would reject the markup (``can't parse entities: ...``)."""


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: str) -> str:
    """Escape ``<``, ``>`` and ``&`` (and ``"``) for Telegram HTML."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def normalize_url(url: str) -> str | None:
    """Return the URL as Telegram stores it in a text_link, or None if Telegram would drop it."""
    url = url.strip()
    if not url or any(ch in url for ch in _SPACES):
        return None
    if "://" not in url:
        head = re.split(r"[/?#]", url, maxsplit=1)[0]
        if ":" in head and not re.fullmatch(r"[^:]+:\d{1,5}", head):
            return None  # mailto:, javascript:, tel: ...
        if "." not in head:
            return None
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES:
        return None
    if scheme in ("http", "https"):
        host = parts.hostname or ""
        if not host or not _HOST.match(host):
            return None
        path = parts.path or "/"
        return urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment))
    if not parts.netloc and not parts.path:
        return None
    return url


@dataclass
class _Open:
    tag: str
    begin: int  # byte offset of "<" in the source
    offset: int  # UTF-16 offset in the output where the entity starts
    text_index: int  # index into the output pieces list (for <a> without href)
    attrs: dict[str, str] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str, strict_entities: bool, strict_links: bool) -> None:
        self.src = source
        self.n = len(source)
        self.strict = strict_entities
        self.strict_links = strict_links
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict] = []

    # -- helpers -------------------------------------------------------------------------
    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8", "surrogatepass"))

    def fail(self, message: str) -> TgHtmlError:
        return TgHtmlError(f"can't parse entities: {message}")

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.u16 += utf16_len(text)

    def skip_spaces(self, j: int) -> int:
        while j < self.n and self.src[j] in _SPACES:
            j += 1
        return j

    def decode_entity(self, i: int) -> tuple[str | None, int]:
        """Decode an HTML entity at ``i`` (which is ``&``); (None, i) if it isn't one."""
        src, n = self.src, self.n
        j = i + 1
        if j < n and src[j] == "#":
            j += 1
            hexa = j < n and src[j] == "x"
            if hexa:
                j += 1
            start = j
            digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
            while j < n and src[j] in digits:
                j += 1
            if j == start or j - i >= 10:
                return None, i
            code = int(src[start:j], 16 if hexa else 10)
            if code == 0 or code >= 0x10FFFF:
                return None, i
            if 0xD800 <= code <= 0xDFFF:
                raise self.fail(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units"
                )
            char = chr(code)
        else:
            while j < n and src[j].isascii() and src[j].isalpha():
                j += 1
            name = src[i + 1 : j]
            if name not in _NAMED:
                if self.strict and name and j < n and src[j] == ";":
                    raise self.fail(
                        f'Unsupported HTML entity "&{name};" at byte offset {self.byte_offset(i)}'
                        " (only &lt; &gt; &amp; &quot; and numeric entities are supported)"
                    )
                return None, i
            char = _NAMED[name]
        if j < n and src[j] == ";":
            j += 1
        return char, j

    # -- main loop -----------------------------------------------------------------------
    def run(self) -> tuple[str, list[dict]]:
        src, n = self.src, self.n
        i = 0
        while i < n:
            c = src[i]
            if c == "&":
                char, j = self.decode_entity(i)
                if char is None:
                    self.emit("&")
                    i += 1
                else:
                    self.emit(char)
                    i = j
            elif c == "<":
                i = self.end_tag(i) if i + 1 < n and src[i + 1] == "/" else self.start_tag(i)
            else:
                j = i + 1
                while j < n and src[j] not in "&<":
                    j += 1
                self.emit(src[i:j])
                i = j
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.index(e["type"])))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        src, n = self.src, self.n
        j = begin + 1
        while j < n and src[j] not in _SPACES and src[j] != ">":
            j += 1
        offset = self.byte_offset(begin)
        if j >= n:
            raise self.fail(f"Unclosed start tag at byte offset {offset}")
        tag = src[begin + 1 : j].lower()
        if tag not in _SUPPORTED:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {offset}')
        attrs: dict[str, str] = {}
        while True:
            j = self.skip_spaces(j)
            if j >= n:
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            if src[j] == ">":
                break
            name_begin = j
            while j < n and src[j] not in _SPACES and src[j] not in "=>":
                j += 1
            name = src[name_begin:j].lower()
            if not name:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            j = self.skip_spaces(j)
            if j >= n:
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            if src[j] != "=":
                attrs.setdefault(name, "")
                continue
            j = self.skip_spaces(j + 1)
            if j >= n:
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {offset}')
            value, j = self.attribute_value(j)
            if j >= n:
                raise self.fail(f"Unclosed start tag at byte offset {offset}")
            attrs[name] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.stack.append(_Open(tag, offset, self.u16, len(self.out), attrs))
        return j + 1

    def attribute_value(self, j: int) -> tuple[str, int]:
        src, n = self.src, self.n
        if src[j] not in "'\"":
            start = j
            while j < n and ((src[j].isascii() and src[j].isalnum()) or src[j] in ".-"):
                j += 1
            if j < n and src[j] not in _SPACES and src[j] != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(start)}"
                )
            return src[start:j].lower(), j
        quote = src[j]
        j += 1
        chars: list[str] = []
        while j < n and src[j] != quote:
            if src[j] == "&":
                char, k = self.decode_entity(j)
                if char is not None:
                    chars.append(char)
                    j = k
                    continue
            chars.append(src[j])
            j += 1
        if j < n:
            j += 1
        return "".join(chars), j

    def end_tag(self, begin: int) -> int:
        src, n = self.src, self.n
        offset = self.byte_offset(begin)
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {offset}")
        j = begin + 2
        while j < n and src[j] not in _SPACES and src[j] != ">":
            j += 1
        name = src[begin + 2 : j].lower()
        j = self.skip_spaces(j)
        if j >= n or src[j] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {offset}")
        top = self.stack[-1]
        if name and name != top.tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        if self.u16 > top.offset:
            self.close(top)
        return j + 1

    def close(self, top: _Open) -> None:
        start, length = top.offset, self.u16 - top.offset
        base = {"offset": start, "length": length}
        tag, attrs = top.tag, top.attrs
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == start and last["length"] == length
        if tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[tag], **base})
        elif tag == "a":
            self.close_link(top, base)
        elif tag == "code":
            language = attrs.get("class", "")
            language = language[9:] if language.startswith("language-") else ""
            if last is not None and same_span and last["type"] == "pre" and language:
                last["language"] = language
            else:
                self.entities.append({"type": "code", **base, "language": language})
        elif tag == "pre":
            if last is not None and same_span and last["type"] == "code":
                language = last.pop("language", "")
                last["type"] = "pre"
                if language:
                    last["language"] = language
            else:
                self.entities.append({"type": "pre", **base})
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
            self.entities.append({"type": kind, **base})
        elif tag == "tg-emoji":
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id.isdigit() or int(emoji_id) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **base, "custom_emoji_id": emoji_id})
        elif tag == "tg-time":
            unix = attrs.get("unix", "")
            fmt = attrs.get("format", "")
            if not unix.isdigit():
                raise self.fail("Invalid Unix time specified")
            if not _TIME_FORMAT.fullmatch(fmt):
                raise self.fail("Invalid date and time format specified")
            entity = {"type": "date_time", **base, "unix_time": int(unix)}
            if fmt:
                entity["date_time_format"] = fmt
            self.entities.append(entity)

    def close_link(self, top: _Open, base: dict) -> None:
        href = top.attrs.get("href", "")
        if not href:
            href = "".join(self.out[top.text_index :])
        url = normalize_url(href)
        if url is None:
            if self.strict_links:
                raise self.fail(f'Invalid URL "{href}" in the tag "a" at byte offset {top.begin}')
            logger.debug("dropping link with unusable href %r", href)
            return
        self.entities.append({"type": "text_link", **base, "url": url})


def parse_html(
    source: str, *, strict_entities: bool = True, strict_links: bool = False
) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, entities); raises TgHtmlError like Telegram."""
    return _Parser(source, strict_entities, strict_links).run()
