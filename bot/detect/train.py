"""Train the analyzer's n-gram model from content/detect/training.jsonl → model.json.

    python -m bot.detect.train            # rebuild content/detect/model.json
    python -m bot.detect.train --check    # exit 1 if model.json is not what the data gives
    python -m bot.detect.train --cv       # also print 5-fold cross-validated accuracy

Deterministic: the same training file always gives the same bytes. The features are those of
``bot.detect.model.features`` on the same normalised text the rules see (``rules.prepare``).
Only n-grams found in at least ``MIN_DF`` training messages are kept. The softmax temperature
is the one of ``TEMPERATURES`` with the lowest cross-validated log-loss (5 folds, fixed seed).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.detect.evaluate import LABELS, read_examples
from bot.detect.model import MODEL_PATH, NgramModel, features
from bot.detect.patterns import default_patterns
from bot.detect.rules import prepare

TRAINING_PATH = MODEL_PATH.parent / "training.jsonl"
ALPHA = 0.1
MIN_DF = 2
FOLDS = 5
SEED = 20251121
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0)


def featurize(texts: Sequence[str]) -> list[set[str]]:
    p = default_patterns()
    out = []
    for t in texts:
        s, ind = prepare(t, p)
        out.append(features(s, ind))
    return out


def fit(feats: Sequence[set[str]], labels: Sequence[str], temperature: float = 1.0,
        trained_on: str = "") -> dict[str, Any]:
    """The JSON-able model: sparse per-label document counts of every kept n-gram."""
    index = {lab: i for i, lab in enumerate(LABELS)}
    df: Counter[str] = Counter(g for f in feats for g in f)
    per: dict[str, Counter[int]] = {}
    for f, lab in zip(feats, labels, strict=True):
        i = index[lab]
        for g in f:
            if df[g] >= MIN_DF:
                per.setdefault(g, Counter())[i] += 1
    docs = Counter(index[lab] for lab in labels)
    return {
        "format": "char-ngram-naive-bayes/1",
        "labels": list(LABELS),
        "ngram": [1, 3],
        "alpha": ALPHA,
        "min_df": MIN_DF,
        "temperature": temperature,
        "doc_counts": [docs[i] for i in range(len(LABELS))],
        "trained_on": trained_on,
        "grams": {g: sorted([i, c] for i, c in per[g].items()) for g in sorted(per)},
    }


def _folds(n: int) -> list[int]:
    order = list(range(n))
    random.Random(SEED).shuffle(order)
    fold = [0] * n
    for rank, i in enumerate(order):
        fold[i] = rank % FOLDS
    return fold


def cross_validate(feats: Sequence[set[str]], labels: Sequence[str]
                   ) -> tuple[dict[float, float], float, float]:
    """Log-loss per temperature, type accuracy on scams, scam-vs-none accuracy (5 folds)."""
    fold = _folds(len(feats))
    raw: list[tuple[list[float], int]] = []
    index = {lab: i for i, lab in enumerate(LABELS)}
    none = index["none"]
    type_ok = type_n = bin_ok = 0
    for k in range(FOLDS):
        tr = [i for i in range(len(feats)) if fold[i] != k]
        m = NgramModel.from_dict(fit([feats[i] for i in tr], [labels[i] for i in tr]))
        for i in range(len(feats)):
            if fold[i] != k:
                continue
            sc = m.scores(feats[i])
            y = index[labels[i]]
            raw.append((sc, y))
            top = max(range(len(sc)), key=sc.__getitem__)
            bin_ok += (top == none) == (y == none)
            if y != none:
                type_n += 1
                best = max((j for j in range(len(sc)) if j != none), key=sc.__getitem__)
                type_ok += best == y
    losses = {}
    for t in TEMPERATURES:
        total = 0.0
        for sc, y in raw:
            mx = max(sc)
            z = sum(math.exp((s - mx) / t) for s in sc)
            total -= (sc[y] - mx) / t - math.log(z)
        losses[t] = total / len(raw)
    return losses, type_ok / max(type_n, 1), bin_ok / len(raw)


def build(path: str | Path = TRAINING_PATH, *, verbose: bool = False) -> str:
    """The model.json text for a training file."""
    raw = Path(path).read_bytes()
    examples = read_examples(path)
    texts = [ex.text for ex in examples]
    labels = [ex.label for ex in examples]
    feats = featurize(texts)
    losses, type_acc, bin_acc = cross_validate(feats, labels)
    temperature = min(losses, key=lambda t: (round(losses[t], 6), t))
    if verbose:
        print(f"{len(texts)} messages; {FOLDS}-fold CV: type accuracy {type_acc:.3f}, "
              f"scam-vs-none accuracy {bin_acc:.3f}; temperature {temperature:g} "
              f"(log-loss {losses[temperature]:.3f})")
    model = fit(feats, labels, temperature, hashlib.sha256(raw).hexdigest())
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    files = [a for a in args if not a.startswith("--")]
    src = Path(files[0]) if files else TRAINING_PATH
    out = Path(files[1]) if len(files) > 1 else MODEL_PATH
    text = build(src, verbose=not check or "--cv" in args)
    if check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if same else 'OUT OF DATE: run python -m bot.detect.train'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.encode()) // 1024} KiB, "
          f"{len(json.loads(text)['grams'])} n-grams)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
