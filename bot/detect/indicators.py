"""Indicators: URLs, domains, phone numbers, bank cards and QQ/WeChat ids in a message.

Extraction runs on the lightly normalised copy (NFKC, zero-width removed), so a full-width
"１３８ １２３４ ５６７８" or "ｈｔｔｐ：／／…" is found, while URLs and numbers keep their form.
Every value is normalised: phones and cards as digits only, hosts lower-case with Cyrillic/Greek
lookalike letters mapped to ASCII, WeChat ids lower-case.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from bot.detect.normalize import CONFUSABLES, clean, simplify, unconfuse

# Short-link services: the real target is hidden, a classic scam tell.
SHORTENERS = frozenset(
    [
        "t.cn",
        "url.cn",
        "w.url.cn",
        "dwz.cn",
        "suo.im",
        "suo.nz",
        "mrw.so",
        "is.gd",
        "bit.ly",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "ow.ly",
        "985.so",
        "u.nu",
        "sohu.gg",
        "c7.gg",
        "rebrand.ly",
        "cutt.ly",
        "s.id",
        "v.gd",
        "tb.cn",
        "m.tb.cn",
        "t.ly",
        "reurl.cc",
    ]
)

_TLDS = frozenset(
    [
        "com",
        "cn",
        "net",
        "org",
        "top",
        "vip",
        "cc",
        "xyz",
        "shop",
        "app",
        "info",
        "me",
        "io",
        "co",
        "club",
        "site",
        "online",
        "ltd",
        "work",
        "icu",
        "tk",
        "hk",
        "tw",
        "mo",
        "edu",
        "gov",
        "biz",
        "ws",
        "la",
        "so",
        "im",
        "ly",
        "gd",
        "tv",
        "live",
        "store",
        "fun",
        "link",
        "pro",
        "asia",
        "ink",
        "wang",
        "ren",
        "mobi",
        "cloud",
        "tech",
        "win",
        "bid",
        "red",
        "kim",
        "love",
        "life",
        "today",
        "ren",
        "run",
        "pub",
        "fit",
        "cyou",
        "buzz",
        "rest",
        "bar",
        "sbs",
        "cfd",
        "uk",
        "us",
        "jp",
        "kr",
        "sg",
        "my",
        "ru",
        "de",
        "fr",
        "nl",
        "gg",
        "nu",
        "id",
        "be",
        "gs",
        "cx",
        "lol",
        "net.cn",
        "com.cn",
        "org.cn",
        "gov.cn",
    ]
)

_HOST_EXTRA = "".join(sorted(set(CONFUSABLES) | {k.upper() for k in CONFUSABLES}))
_HC = "a-zA-Z0-9" + re.escape(_HOST_EXTRA)
_URL_RE = re.compile(
    rf"(?<![{_HC}@._-])"
    rf"(?:(?P<scheme>https?)://)?"
    rf"(?P<host>(?:(?:[{_HC}](?:[{_HC}-]{{0,61}}[{_HC}])?)\.)+(?P<tld>[{_HC}]{{2,12}})"
    rf"|(?:\d{{1,3}}\.){{3}}\d{{1,3}})"
    rf"(?P<port>:\d{{1,5}})?"
    r"(?P<path>[/?#][#%&+\-./0-9=?A-Z_a-z~]*)?",
    re.IGNORECASE,
)
_IP_RE = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}$")

_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?\d(?:[ \-]?\d)*(?![0-9A-Za-z])")
_SEP = re.compile(r"[ \-]")

_QQ_RE = re.compile(
    r"(?<![a-z])(?:qq|q)(?:号码|号|群号|群)?[:：]?(?:是|为)?[:：]?([1-9]\d{4,10})(?!\d)"
)
_WX_RE = re.compile(
    r"(?:微信|(?<![a-z])v)(?:号|id|客服|好友|账号)?[:：]?(?:是|为)?[:：]?([a-z][a-z0-9_-]{5,19})(?![a-z0-9_-])"
)

# National hotlines and the operators' and banks' own service numbers: not a scam tell.
OFFICIAL_NUMBERS = frozenset(
    [
        "110",
        "96110",
        "12345",
        "12315",
        "12321",
        "12381",
        "12306",
        "10086",
        "10010",
        "10000",
        "12366",
        "12333",
        "95588",
        "95599",
        "95533",
        "95566",
        "95555",
        "95559",
        "95528",
        "95561",
        "95568",
        "95595",
        "95558",
        "95508",
        "95577",
        "95580",
        "95526",
        "95511",
        "95518",
        "95519",
        "95522",
        "95500",
        "95338",
        "95311",
        "95554",
        "95546",
        "95543",
    ]
)


@dataclass(frozen=True, slots=True)
class Indicators:
    """Contact details and money endpoints found in a message, each normalised."""

    urls: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    bank_cards: tuple[str, ...] = ()
    qq_ids: tuple[str, ...] = ()
    wechat_ids: tuple[str, ...] = ()
    lookalike_domains: tuple[str, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.urls or self.phones or self.bank_cards or self.qq_ids or self.wechat_ids)

    def match_keys(self) -> tuple[str, ...]:
        """Typed keys ("domain:x.top", "phone:138…") used for exact matching between cases."""
        out: list[str] = []
        for d in self.domains:
            if d in SHORTENERS:
                out.extend(f"url:{u}" for u in self.urls if u.split("/", 1)[0] == d)
            else:
                out.append(f"domain:{d}")
        out += [f"phone:{p}" for p in self.phones if p not in OFFICIAL_NUMBERS]
        out += [f"card:{c}" for c in self.bank_cards]
        out += [f"qq:{q}" for q in self.qq_ids]
        out += [f"wechat:{w}" for w in self.wechat_ids]
        return tuple(dict.fromkeys(out))

    def to_dict(self) -> dict[str, list[str]]:
        """JSON-able form (lists of strings)."""
        return {k: list(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> Indicators:
        """Inverse of ``to_dict``; unknown keys are ignored."""
        data = data or {}
        names = cls.__dataclass_fields__
        return cls(
            **{
                k: tuple(str(x) for x in v)
                for k, v in data.items()  # type: ignore[union-attr]
                if k in names and isinstance(v, list | tuple)
            }
        )


def luhn_ok(digits: str) -> bool:
    """Luhn checksum, as used by bank card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def classify_number(digits: str) -> str | None:
    """'phone' | 'card' | None for a digit string (separators already removed)."""
    n = len(digits)
    if n == 13 and digits.startswith("86") and re.fullmatch(r"1[3-9]\d{9}", digits[2:]):
        return "phone"
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "phone"
    if digits[0] == "0" and 10 <= n <= 12 and digits[1] != "0":
        return "phone"
    if n == 10 and digits[:3] in ("400", "800"):
        return "phone"
    if digits in OFFICIAL_NUMBERS or (n in (5, 6) and digits.startswith("95")):
        return "phone"
    if 13 <= n <= 19 and digits[0] != "0" and luhn_ok(digits):
        return "card"
    return None


def _numbers(text: str) -> tuple[list[str], list[str]]:
    phones: list[str] = []
    cards: list[str] = []
    for m in _DIGIT_RUN.finditer(text):
        raw = m.group()
        if raw.startswith("+"):
            raw = raw[1:]
        groups = [g for g in _SEP.split(raw) if g]
        i = 0
        while i < len(groups):
            for j in range(len(groups), i, -1):
                digits = "".join(groups[i:j])
                kind = classify_number(digits)
                if kind:
                    if digits.startswith("86") and len(digits) == 13:
                        digits = digits[2:]
                    (phones if kind == "phone" else cards).append(digits)
                    i = j
                    break
            else:
                i += 1
    return phones, cards


def _compact(text: str) -> str:
    """Light text without spaces and emoji, for ids written as "V ❤ : abc_123"."""
    from bot.detect.normalize import apply_aliases

    s = simplify(text)
    s = "".join(ch for ch in s if unicodedata.category(ch)[0] not in "ZSCM" or ch in "+")
    return apply_aliases(s)


def _host(raw: str) -> tuple[str, bool]:
    host = raw.lower().rstrip(".")
    plain = unconfuse(host)
    if not plain.isascii():
        with contextlib.suppress(UnicodeError):
            plain = plain.encode("idna").decode("ascii")
    lookalike = plain != host or plain.startswith("xn--") or ".xn--" in plain
    return (plain[4:] if plain.startswith("www.") else plain), lookalike


def extract(text: str) -> Indicators:
    """Find and normalise every indicator in ``text``."""
    light = clean(text)
    urls: list[str] = []
    domains: list[str] = []
    lookalikes: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _URL_RE.finditer(light):
        host_raw = m.group("host")
        tld = (m.group("tld") or "").lower()
        is_ip = bool(_IP_RE.match(host_raw))
        known_tld = unconfuse(tld) in _TLDS
        if not (
            m.group("scheme") or known_tld or (is_ip and (m.group("port") or m.group("path")))
        ):
            continue
        if not is_ip and not re.search(r"[a-z]", unconfuse(host_raw.lower())):
            continue
        host, lookalike = _host(host_raw)
        path = (m.group("path") or "").rstrip(".,;:!?'\")")
        urls.append(host + (m.group("port") or "") + path)
        domains.append(host)
        if lookalike:
            lookalikes.append(host)
        spans.append(m.span())
    masked = light
    for a, b in reversed(spans):
        masked = masked[:a] + " " * (b - a) + masked[b:]
    phones, cards = _numbers(masked)
    compact = _compact(masked)
    qq = [m.group(1) for m in _QQ_RE.finditer(compact)]
    wx = [m.group(1) for m in _WX_RE.finditer(compact)]
    phones = [p for p in phones if p not in qq]
    return Indicators(
        urls=tuple(dict.fromkeys(urls)),
        domains=tuple(dict.fromkeys(domains)),
        phones=tuple(dict.fromkeys(phones)),
        bank_cards=tuple(dict.fromkeys(cards)),
        qq_ids=tuple(dict.fromkeys(qq)),
        wechat_ids=tuple(dict.fromkeys(wx)),
        lookalike_domains=tuple(dict.fromkeys(lookalikes)),
    )


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URL-looking text in ``clean(text)`` (used to blank URLs before matching)."""
    light = clean(text)
    out = []
    for m in _URL_RE.finditer(light):
        tld = unconfuse((m.group("tld") or "").lower())
        if m.group("scheme") or tld in _TLDS:
            out.append(m.span())
    return out
