"""Near-duplicate and known-case matching (pure Python, stdlib only).

Text: character 3-gram shingles of the normalised fingerprint → a 64-value MinHash signature
(256 bytes, stable across processes, so the database can store it) → LSH banding (21 bands of
3 rows) to find candidates in O(1) dict look-ups → candidates ranked by how many bands they
share, the best re-scored by exact Jaccard similarity of their shingle sets.

Indicators: exact look-ups of shared domains, short URLs, phones, bank cards and QQ/WeChat ids.

Why MinHash and not SimHash: on short chat messages (20–150 characters) SimHash's Hamming
distance separated "same scam, a few characters changed" from "another scam of the same type"
less cleanly than the MinHash Jaccard estimate (see bench/lookup.py, which prints both), and
MinHash's estimate is directly the similarity we report.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass

from bot.detect.indicators import Indicators

SHINGLE = 3
NUM_PERM = 64
ROWS = 3
BANDS = 21  # 21 × 3 = 63 of the 64 values go into bands; all 64 estimate similarity
MAX_CANDIDATES = 48  # re-scored exactly per look-up, best band-collision counts first

_P = (1 << 61) - 1
_MASK = 0xFFFFFFFF
_rng = random.Random(20240611)  # fixed: signatures must be the same in every process
_PERMS = tuple((_rng.randrange(1, _P), _rng.randrange(0, _P)) for _ in range(NUM_PERM))
_EMPTY = (_MASK,) * NUM_PERM
_FMT = f"<{NUM_PERM}I"
SIGNATURE_BYTES = 4 * NUM_PERM

# Domains too common to mean "the same scam" when two messages share them.
GENERIC_DOMAINS = frozenset(
    [
        "qq.com",
        "weixin.qq.com",
        "mp.weixin.qq.com",
        "baidu.com",
        "taobao.com",
        "tmall.com",
        "jd.com",
        "pinduoduo.com",
        "douyin.com",
        "v.douyin.com",
        "kuaishou.com",
        "alipay.com",
        "meituan.com",
        "weibo.com",
        "bilibili.com",
        "163.com",
        "126.com",
        "gov.cn",
    ]
)


@dataclass(frozen=True, slots=True)
class Match:
    """A known case that looks like the query."""

    case_id: int
    similarity: float  # Jaccard similarity of the 3-gram shingles, 0..1
    reason: str  # "text" (similarity ≥ threshold) or "indicator" (shares an indicator only)
    shared: tuple[str, ...] = ()  # e.g. ("domain:xx.top", "phone:13800000000")


def shingles(fingerprint: str) -> set[str]:
    """Character 3-grams of a fingerprint (the whole string if shorter)."""
    fp = fingerprint or ""
    if len(fp) <= SHINGLE:
        return {fp} if fp else set()
    return {fp[i : i + SHINGLE] for i in range(len(fp) - SHINGLE + 1)}


def _minhash(sh: set[str]) -> tuple[int, ...]:
    if not sh:
        return _EMPTY
    hs = [zlib.crc32(s.encode("utf-8")) for s in sh]
    return tuple(min((a * x + b) % _P for x in hs) & _MASK for a, b in _PERMS)


def signature(fingerprint: str) -> bytes:
    """Compact MinHash signature (256 bytes) of a fingerprint, stable across processes."""
    return struct.pack(_FMT, *_minhash(shingles(fingerprint)))


def _unpack(sig: bytes) -> tuple[int, ...]:
    if len(sig) != SIGNATURE_BYTES:
        raise ValueError(f"signature must be {SIGNATURE_BYTES} bytes, got {len(sig)}")
    return struct.unpack(_FMT, sig)


def estimate(sig_a: bytes, sig_b: bytes) -> float:
    """Jaccard similarity estimated from two signatures."""
    a, b = _unpack(sig_a), _unpack(sig_b)
    if a == _EMPTY or b == _EMPTY:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / NUM_PERM


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _bands(values: tuple[int, ...]) -> list[tuple[int, ...]]:
    return [values[i * ROWS : (i + 1) * ROWS] for i in range(BANDS)]


def indicator_keys(ind: Indicators) -> tuple[str, ...]:
    """The indicator keys used for exact matching (generic domains left out)."""
    return tuple(k for k in ind.match_keys() if not (k.startswith("domain:") and _generic(k[7:])))


def _generic(domain: str) -> bool:
    return domain in GENERIC_DOMAINS or domain.endswith(".gov.cn")


class CaseIndex:
    """In-memory index of known cases: fill it at start-up, keep it current with add/remove."""

    def __init__(self) -> None:
        self._bands: list[dict[tuple[int, ...], int | set[int]]] = [{} for _ in range(BANDS)]
        self._keys: dict[str, set[int]] = {}
        self._cases: dict[int, tuple[tuple[int, ...], str | None, tuple[str, ...]]] = {}

    def __len__(self) -> int:
        return len(self._cases)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._cases

    def add(
        self,
        case_id: int,
        fingerprint: str | None,
        indicators: Indicators | None = None,
        *,
        sig: bytes | None = None,
    ) -> None:
        """Index a case; pass ``sig`` (from the database) to skip recomputing the MinHash."""
        if case_id in self._cases:
            self.remove(case_id)
        values = _unpack(sig) if sig is not None else _minhash(shingles(fingerprint or ""))
        keys = indicator_keys(indicators) if indicators else ()
        self._cases[case_id] = (values, fingerprint, keys)
        if values != _EMPTY:
            for table, band in zip(self._bands, _bands(values), strict=True):
                cur = table.get(band)
                if cur is None:
                    table[band] = case_id
                elif isinstance(cur, set):
                    cur.add(case_id)
                else:
                    table[band] = {cur, case_id}
        for k in keys:
            self._keys.setdefault(k, set()).add(case_id)

    def remove(self, case_id: int) -> None:
        """Forget a case (no error if unknown)."""
        entry = self._cases.pop(case_id, None)
        if entry is None:
            return
        values, _, keys = entry
        if values != _EMPTY:
            for table, band in zip(self._bands, _bands(values), strict=True):
                cur = table.get(band)
                if isinstance(cur, set):
                    cur.discard(case_id)
                    if len(cur) == 1:
                        table[band] = next(iter(cur))
                elif cur == case_id:
                    del table[band]
        for k in keys:
            ids = self._keys.get(k)
            if ids is not None:
                ids.discard(case_id)
                if not ids:
                    del self._keys[k]

    def _similarity(self, q_sh: set[str], q_vals: tuple[int, ...], case_id: int) -> float:
        values, fp, _ = self._cases[case_id]
        if fp is not None:
            return jaccard(q_sh, shingles(fp))
        if values == _EMPTY or q_vals == _EMPTY:
            return 0.0
        return sum(x == y for x, y in zip(q_vals, values, strict=True)) / NUM_PERM

    def lookup(
        self,
        fingerprint: str,
        indicators: Indicators | None = None,
        *,
        threshold: float = 0.6,
        limit: int = 5,
        candidates: int = MAX_CANDIDATES,
    ) -> list[Match]:
        """Known cases whose text is similar (≥ threshold) or that share an indicator.

        ``candidates`` bounds how many LSH candidates (most shared bands first) are re-scored
        exactly; it keeps the worst case fast when thousands of near-copies are indexed.
        """
        q_sh = shingles(fingerprint or "")
        q_vals = _minhash(q_sh)
        counts: Counter[int] = Counter()
        if q_vals != _EMPTY:
            for table, band in zip(self._bands, _bands(q_vals), strict=True):
                cur = table.get(band)
                if cur is None:
                    continue
                if isinstance(cur, set):
                    counts.update(cur)
                else:
                    counts[cur] += 1
        sims: dict[int, float] = {}
        for cid, _ in counts.most_common(candidates):
            sims[cid] = self._similarity(q_sh, q_vals, cid)
        shared: dict[int, list[str]] = {}
        for k in indicator_keys(indicators) if indicators else ():
            for cid in self._keys.get(k, ()):
                shared.setdefault(cid, []).append(k)
        for cid in shared:
            if cid not in sims:
                sims[cid] = self._similarity(q_sh, q_vals, cid)
        out = [
            Match(
                cid,
                round(sim, 4),
                "text" if sim >= threshold else "indicator",
                tuple(shared.get(cid, ())),
            )
            for cid, sim in sims.items()
            if sim >= threshold or cid in shared
        ]
        out.sort(
            key=lambda m: (-(m.similarity >= threshold) - bool(m.shared), -m.similarity, m.case_id)
        )
        return out[:limit]
