"""FAQ entries, their validation, and a Chinese-aware matcher. Pure, stdlib only.

Text is normalised (NFKC, lower case, so full-width forms become half-width), colloquial
variants are folded (爸妈 -> 老人, 打款 -> 转账), and it is cut at punctuation, spaces, emoji and
function words (的 了 吗 我 你 是 怎么 什么 …). Latin/digit runs stay whole ("96110", "etc");
Chinese runs give 1-3-character grams. An entry's score blends
  rank:     TF-IDF cosine against its best phrasing (question or alt) and its whole text, and
  coverage: the share of the query's characters explained by grams the entry uses centrally
            (question, several alts, often in the answer), smoothed so that one shared
            everyday word ("快递", "开会") is not enough.
Off-topic chatter scores below DEFAULT_THRESHOLD (tuned on paraphrases and group chatter).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.domain.taxonomy import FRAUD_TYPES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
QUESTION_MAX, ALT_MAX, ANSWER_MAX, ALT_COUNT = 120, 60, 800, (2, 5)
DEFAULT_THRESHOLD = 0.115


def _words(text: str) -> list[str]:
    return text.split()


# Function words cut out (longest first); then single characters that act as separators.
_STOP_WORDS = sorted(_words("""
    怎么办 怎么样 怎么回事 为什么 是不是 要不要 能不能 可不可以 会不会 有没有 行不行 对不对
    好不好 怎么 怎样 什么 如何 请问 一下 可以 应该 知道 现在 自己 还是 或者 如果 但是 因为
    所以 然后 真的 一个 一些 这个 那个 这种 那种 这样 那样 大家 我们 你们 他们 咱们 人家
    是否 到底 究竟 意思 一般 已经 刚刚 刚才 咋整 干嘛 干啥 靠谱 可信 今天 明天 昨天 后天
    早上 上午 中午 下午 晚上 几点 周末 好像 是真是假 真假 哪里 哪儿 哪个 一起"""),
    key=len, reverse=True)
_STOP_CHARS = set("的了吗呢吧啊呀哦嘛哈呗啦么咋啥嗯哎喔噢呃诶我你您他她它们"
                  "是在和跟与都也就又这那怎什给把地得着过")
# Characters too common to count alone (they still count inside 2-3-character grams).
_WEAK_CHARS = set("不没有个一会能要说去来到上下对让被还很太多少"
                  "人样些该哪谁几点天年月日时候用做看想")
# Everyday words found in the FAQ that say little on their own about which entry fits.
_GENERIC = set(_words("""
    手机 电话 视频 微信 老师 朋友 收到 时候 工作 公司 单位 家里 群里 信息 消息 东西 地方
    问题 情况 事情 时间 一直 突然 网上 开会 上班 下班 吃饭 天气 学校 作业 医院 超市 工资
    物业 快递 小区 红包 孩子 家长 同学 邻居 师傅 门口 楼下 明白 谢谢 好的 麻烦 通知"""))
# Colloquial variants folded into one form before grams are cut.
_SYNONYMS = {
    "转账": "打款 汇款 打钱 转钱 汇钱 转款 付款", "孩子": "小孩 儿童 小朋友 未成年人",
    "老人": "老年人 爸妈 父母 长辈 爷爷奶奶 老爸老妈", "警察": "民警 公安 警官",
    "领导": "老板 上司 老总 总经理", "财务": "会计 出纳", "链接": "网址 网页链接",
    "软件": "app apk 应用程序", "微信": "qq vx", "验证码": "动态码 校验码", "报警": "报案",
    "被骗": "上当受骗 上当 受骗 被坑", "追回": "要回 拿回 讨回 找回", "贷款": "借款",
    "对象": "男朋友 女朋友 男友 女友", "黑屏": "屏幕变黑 屏幕全黑 屏幕黑了",
    "屏幕共享": "共享屏幕 分享屏幕 共享画面 画面共享 投屏",
}
_SYN_MAP = {v: k for k, vs in _SYNONYMS.items() for v in vs.split()}
_SYN_RE = re.compile("|".join(
    rf"(?<![a-z0-9]){v}(?![a-z0-9])" if v.isascii() else re.escape(v)
    for v in sorted(_SYN_MAP, key=len, reverse=True)))
# Tuning (see tests/unit/test_faq.py): gram weights for ranking and for coverage; generic words
# and answer mentions count less; an entry's own use of a gram (question 2, alt 1, answer 0.25
# a mention) is capped at _CENTRAL_K; _SMOOTH pseudo-characters pad every query.
_GRAM_WEIGHT, _COVER_WEIGHT = {1: 0.35, 2: 1.0, 3: 1.2}, {1: 0.6, 2: 0.9, 3: 1.0}
_GENERIC_WEIGHT, _ANSWER_WEIGHT, _CENTRAL_K, _SMOOTH = 0.3, 0.25, 3.0, 3.0
_BEST_PHRASE_SHARE, _RANK_SHARE, _CANDIDATES = 0.6, 0.5, 8
_STOP_RE = re.compile("|".join(map(re.escape, _STOP_WORDS)))
_TOKEN_RE = re.compile(r"[a-z0-9]+|[^\W\d_a-z]+")


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    alt: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    fraud_type: str | None = None


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float
    related: tuple[FaqEntry, ...]


def normalize(text: str) -> str:
    """NFKC, lower case, only letters and digits left (punctuation, spaces and emoji dropped)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _runs(text: str) -> list[str]:
    """Content runs: normalised, synonyms folded, cut at punctuation and function words."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in text)
    text = _STOP_RE.sub(" ", _SYN_RE.sub(lambda m: _SYN_MAP[m.group()], text))
    return _TOKEN_RE.findall("".join(" " if c in _STOP_CHARS else c for c in text))


def _grams(run: str) -> Iterator[tuple[int, int, str]]:
    """(start, length, gram) of a Chinese run; weak single characters are skipped."""
    for n in (1, 2, 3):
        for i in range(len(run) - n + 1):
            if n > 1 or run[i] not in _WEAK_CHARS:
                yield i, n, run[i:i + n]


def tokens(text: str) -> Counter[str]:
    """Weighted grams of a text: whole Latin/digit words and 1-3-character Chinese grams."""
    out: Counter[str] = Counter()
    for run in _runs(text):
        if run.isascii():
            out[run] += 1.5 if len(run) > 1 else 0.3
            continue
        for _, n, gram in _grams(run):
            out[gram] += _GRAM_WEIGHT[n] * (_GENERIC_WEIGHT if gram in _GENERIC else 1.0)
    return out


def _weigh(counts: Counter[str], idf: dict[str, float], unseen: float) -> dict[str, float]:
    """Sub-linear tf times idf; grams never seen in the FAQ get the largest idf."""
    return {g: (1 + math.log(c) if c > 1 else c) * idf.get(g, unseen) for g, c in counts.items()}


def _norm(vec: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vec.values())) or 1.0


class FaqIndex:
    """All entries, indexed once (~40 ms for 50); match() takes well under a millisecond."""

    def __init__(self, entries: Iterable[FaqEntry], *, threshold: float = DEFAULT_THRESHOLD):
        self.entries = tuple(entries)
        self.threshold = threshold
        self.by_id = {e.id: e for e in self.entries}
        phrases = [[tokens(p) for p in (e.question, *e.alt)] for e in self.entries]
        df = Counter(g for ph in phrases for g in set().union(*ph))
        self.idf = {g: math.log(1 + len(self.entries) / d) for g, d in df.items()}
        self._unseen = max(self.idf.values(), default=1.0)
        self._central: list[dict[str, float]] = []
        self._postings: dict[str, list[tuple[int, int, float]]] = {}
        self._norms: dict[tuple[int, int], float] = {}
        for i, (entry, ph) in enumerate(zip(self.entries, phrases, strict=True)):
            central: Counter[str] = Counter()
            whole: Counter[str] = Counter()
            for j, counts in enumerate(ph):
                whole.update(counts)
                central.update(dict.fromkeys(counts, 2.0 if j == 0 else 1.0))
            for gram, c in tokens(entry.answer).items():
                whole[gram] += c * _ANSWER_WEIGHT
                central[gram] += min(c, 4) * _ANSWER_WEIGHT
            self._central.append({g: min(1.0, v / _CENTRAL_K) for g, v in central.items()})
            for j, counts in [*enumerate(ph), (-1, whole)]:  # j = -1: the whole entry
                vec = _weigh(counts, self.idf, self._unseen)
                self._norms[i, j] = _norm(vec)
                for gram, w in vec.items():
                    self._postings.setdefault(gram, []).append((i, j, w))

    def _rank(self, query: dict[str, float]) -> list[tuple[float, int]]:
        """TF-IDF cosine: best phrasing blended with the whole entry; the top candidates."""
        qnorm, dots = _norm(query), Counter[tuple[int, int]]()
        for gram, qw in query.items():
            for i, j, w in self._postings.get(gram, ()):
                dots[i, j] += qw * w
        best: dict[int, float] = {}
        whole: dict[int, float] = {}
        for (i, j), dot in dots.items():
            cos = dot / (qnorm * self._norms[i, j])
            if j < 0:
                whole[i] = cos
            elif cos > best.get(i, 0.0):
                best[i] = cos
        share = _BEST_PHRASE_SHARE
        return sorted(((share * best.get(i, 0.0) + (1 - share) * s, i) for i, s in whole.items()),
                      reverse=True)[:_CANDIDATES]

    def _coverage(self, runs: list[str], i: int) -> float:
        """Share of the query's characters explained by grams entry i uses centrally."""
        central, covered, total = self._central[i], 0.0, _SMOOTH
        for run in runs:
            if run.isascii():
                weight = 2.0 if len(run) > 1 else 0.3
                covered, total = covered + weight * central.get(run, 0.0), total + weight
                continue
            best = [0.0] * len(run)
            for start, n, gram in _grams(run):
                if gram in central:
                    value = _COVER_WEIGHT[n] * central[gram]
                    value *= _GENERIC_WEIGHT if gram in _GENERIC else 1.0
                    for k in range(start, start + n):
                        best[k] = max(best[k], value)
            for ch, value in zip(run, best, strict=True):
                weight = 0.3 if ch in _WEAK_CHARS else 1.0
                covered, total = covered + weight * value, total + weight
        return covered / total

    def _scores(self, text: str) -> list[tuple[float, int]]:
        runs = _runs(text)
        if sum(len(r) for r in runs) < 2:  # a single character is not a question
            return []
        query = _weigh(tokens(text), self.idf, self._unseen)
        share = _RANK_SHARE
        scored = [(share * r + (1 - share) * self._coverage(runs, i), i)
                  for r, i in self._rank(query)]
        return sorted(scored, key=lambda si: (-si[0], si[1]))

    def match(self, text: str, *, threshold: float | None = None) -> FaqMatch | None:
        """The best entry for a question, or None when nothing scores at least the threshold."""
        scored = self._scores(text)
        limit = self.threshold if threshold is None else threshold
        if not scored or scored[0][0] < limit:
            return None
        score, i = scored[0]
        entry = self.entries[i]
        related = tuple(self.by_id[r] for r in entry.related if r in self.by_id)
        return FaqMatch(entry, round(score, 4), related)

    def suggestions(self, text: str, n: int = 3) -> list[FaqEntry]:
        """Up to n entries that share something with the text, best first (may be empty)."""
        return [self.entries[i] for score, i in self._scores(text)[:n]
                if score >= self.threshold / 2]


_KEYS = {"id", "question", "alt", "answer", "related", "fraud_type"}
_HTML_RE = re.compile(r"<[a-zA-Z/][^>]*>")


def validate_faq(data: dict) -> list[str]:
    """Every problem in a parsed faq.yaml, as 'faq.yaml: faq[i].key: …' strings; [] when fine."""
    items = data.get("faq") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ["faq.yaml: faq: missing or not a list"]
    out: list[str] = []
    ids = {e["id"] for e in items if isinstance(e, dict) and isinstance(e.get("id"), str)}
    seen: dict[str, int] = {}
    for k, raw in enumerate(items):
        at = f"faq.yaml: faq[{k}]"
        if not isinstance(raw, dict):
            out.append(f"{at}: not a mapping")
            continue
        out += [f"{at}.{key}: unknown key" for key in sorted(set(raw) - _KEYS, key=str)]
        eid = raw.get("id")
        if not isinstance(eid, str) or not ID_RE.match(eid):
            out.append(f"{at}.id: missing or not lowercase a-z0-9- (≤ 48 chars): {eid!r}")
        elif eid in seen:
            out.append(f"{at}.id: duplicate id {eid!r} (also faq[{seen[eid]}])")
        else:
            seen[eid] = k
        texts = [("question", raw.get("question"), QUESTION_MAX),
                 ("answer", raw.get("answer"), ANSWER_MAX)]
        alt, (low, high) = raw.get("alt", []), ALT_COUNT
        if not isinstance(alt, list) or not low <= len(alt) <= high:
            out.append(f"{at}.alt: want a list of {low}-{high} other phrasings")
        else:
            texts += [(f"alt[{a}]", text, ALT_MAX) for a, text in enumerate(alt)]
        for key, value, limit in texts:
            if not isinstance(value, str) or not value.strip():
                out.append(f"{at}.{key}: missing or not a non-empty string")
            elif len(value) > limit:
                out.append(f"{at}.{key}: too long ({len(value)} > {limit})")
            elif key == "answer" and _HTML_RE.search(value):
                out.append(f"{at}.answer: looks like HTML; plain text only")
        related = raw.get("related", [])
        if not isinstance(related, list):
            out.append(f"{at}.related: not a list")
        else:
            out += [f"{at}.related: unknown id {r!r}" for r in related
                    if not isinstance(r, str) or r not in ids or r == eid]
        if raw.get("fraud_type") is not None and raw["fraud_type"] not in FRAUD_TYPES:
            out.append(f"{at}.fraud_type: unknown fraud type {raw['fraud_type']!r}")
    return out


def load_faq(data: dict) -> list[FaqEntry]:
    """Entries from the parsed faq.yaml mapping; ValueError naming entry and key on bad data."""
    problems = validate_faq(data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(problems[0] + more)
    return [FaqEntry(id=e["id"], question=e["question"].strip(), answer=e["answer"].strip(),
                     alt=tuple(a.strip() for a in e.get("alt") or ()),
                     related=tuple(e.get("related") or ()), fraud_type=e.get("fraud_type"))
            for e in data["faq"]]
