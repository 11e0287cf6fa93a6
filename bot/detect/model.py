"""A small learned model beside the rules: character n-gram naive Bayes, stdlib only.

Features are the character 1-, 2- and 3-grams of the rules' normalised match text (see
``normalize.match_text``: simplified, lower-case, dodges removed, clause breaks as ``|``) with
digit runs collapsed to ``0``, the text's start and end marked (``^``, ``$``), plus one token
per kind of indicator found (URL, phone, QQ/WeChat id, bank card). Each feature counts once per
message (binary multinomial naive Bayes), so a long message does not drown a short one.

The model is trained offline by ``python -m bot.detect.train`` from
``content/detect/training.jsonl`` and shipped as ``content/detect/model.json``: per n-gram the
number of training messages of each label that contain it (sparse), the label priors, the
smoothing ``alpha`` and a softmax ``temperature`` chosen by cross-validation (naive Bayes is
over-confident because n-grams overlap; dividing the log-scores by the temperature makes its
probabilities usable as confidence). It is loaded lazily, once.

How the analyzer uses the model is documented in ``bot.detect.rules`` (step 6).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.detect.indicators import Indicators

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parents[2] / "content" / "detect" / "model.json"
NGRAM = (1, 3)
MAX_FEATURE_CHARS = 1500  # the head of a long message is enough to tell its type
_DIGITS = re.compile(r"\d+")

INDICATOR_TOKENS = {"url": "\x01url", "phone": "\x01phone", "id": "\x01id", "card": "\x01card"}


def features(match: str, ind: Indicators | None = None) -> set[str]:
    """The binary features of one message, from its normalised match text and indicators."""
    s = "^" + _DIGITS.sub("0", match[:MAX_FEATURE_CHARS]) + "$"
    out: set[str] = set()
    lo, hi = NGRAM
    for n in range(lo, hi + 1):
        out.update(s[i : i + n] for i in range(len(s) - n + 1))
    if ind is not None:
        if ind.urls:
            out.add(INDICATOR_TOKENS["url"])
        if ind.phones:
            out.add(INDICATOR_TOKENS["phone"])
        if ind.qq_ids or ind.wechat_ids:
            out.add(INDICATOR_TOKENS["id"])
        if ind.bank_cards:
            out.add(INDICATOR_TOKENS["card"])
    return out


class ModelError(ValueError):
    """model.json is missing or malformed."""


@dataclass(frozen=True, slots=True)
class NgramModel:
    """Naive Bayes over binary n-gram features; ``predict`` gives a label distribution."""

    labels: tuple[str, ...]
    base: tuple[float, ...]  # log prior of each label
    unseen: tuple[float, ...]  # log P(feature | label) of an in-vocabulary feature with count 0
    deltas: Mapping[str, tuple[tuple[int, float], ...]]  # feature → (label index, lp − unseen)
    temperature: float = 1.0
    trained_on: str = ""  # SHA-256 of the training file, for provenance

    def scores(self, feats: Iterable[str]) -> list[float]:
        """Unnormalised log-scores per label (before the temperature)."""
        sc = list(self.base)
        known = 0
        deltas = self.deltas
        for f in feats:
            d = deltas.get(f)
            if d is None:
                continue
            known += 1
            for k, v in d:
                sc[k] += v
        return [s + known * u for s, u in zip(sc, self.unseen, strict=True)]

    def predict(self, feats: Iterable[str]) -> dict[str, float]:
        """P(label | features), tempered; sums to 1."""
        sc = self.scores(feats)
        t = self.temperature
        mx = max(sc)
        ex = [math.exp((s - mx) / t) for s in sc]
        z = sum(ex)
        return {lab: e / z for lab, e in zip(self.labels, ex, strict=True)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NgramModel:
        """Build from the JSON written by ``bot.detect.train``."""
        try:
            labels = tuple(data["labels"])
            alpha = float(data["alpha"])
            docs = [int(x) for x in data["doc_counts"]]
            grams: Mapping[str, list[list[int]]] = data["grams"]
            temperature = float(data.get("temperature", 1.0))
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"model.json: missing or bad field: {e}") from e
        if len(docs) != len(labels) or not labels or alpha <= 0 or temperature <= 0:
            raise ModelError("model.json: labels, doc_counts, alpha or temperature invalid")
        k = len(labels)
        # Multinomial NB over binary features: the label's "token" total is the sum of its
        # feature counts; smoothing spreads alpha over the whole vocabulary.
        totals = [0] * k
        for entries in grams.values():
            for i, c in entries:
                totals[i] += c
        v = len(grams)
        denom = [math.log(totals[i] + alpha * v) for i in range(k)]
        unseen = tuple(math.log(alpha) - denom[i] for i in range(k))
        n = sum(docs)
        base = tuple(math.log((docs[i] + 1) / (n + k)) for i in range(k))
        deltas = {
            g: tuple((i, math.log(c + alpha) - math.log(alpha)) for i, c in entries)
            for g, entries in grams.items()
        }
        return cls(labels, base, unseen, deltas, temperature, str(data.get("trained_on", "")))


def load_model(path: str | Path = MODEL_PATH) -> NgramModel:
    """Read and build a model file; raises ModelError when it is missing or malformed."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: cannot read the model: {e}") from e
    return NgramModel.from_dict(data)


_default: NgramModel | None = None
_loaded = False
_lock = threading.Lock()


def default_model() -> NgramModel | None:
    """content/detect/model.json, loaded once on first use; None if it cannot be read
    (the analyzer then runs on the rules alone)."""
    global _default, _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                try:
                    _default = load_model(MODEL_PATH)
                except ModelError as e:
                    log.warning("scam analyzer: no learned model, rules only (%s)", e)
                    _default = None
                _loaded = True
    return _default
