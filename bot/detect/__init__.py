"""Scam-message analysis: pure Python, no Telegram imports.

    from bot.detect import analyze
    a = analyze("刷单返利，日结，加V：abc123")
    a.fraud_type, a.risk, a.score, a.signals, a.indicators, a.fingerprint

Two parts, combined conservatively:

- **Rules** (``rules.py``): the weighted lures, signals, combos and warning cues of
  content/patterns.yaml (loaded lazily, once; pass ``patterns=load_patterns(...)`` to use another
  set). They decide the risk: a type needs a lure *and* an action, anti-fraud reminders and
  warned-about matches stay yellow at most.
- **Model** (``model.py``): a character 1–3-gram naive Bayes, stdlib only, trained offline by
  ``python -m bot.detect.train`` from content/detect/training.jsonl and shipped as
  content/detect/model.json (loaded lazily, once). It only steps in where the rules are weak
  (``rules.py`` step 6; thresholds in the ``model:`` section of patterns.yaml):
  it picks the type when the rules are unsure (no type, a weak lure, or two types close), and it
  raises a none/yellow verdict to orange only when it is confident the message is a scam AND a
  concrete risk signal is present (a link, an app download, a code/card/fee request, …; a bare
  phone number, contact id or money request counts only together with a rule lure and a higher
  confidence). It never raises a reminder or a warned-about message, never raises to red and
  never lowers a verdict. ``evidence`` then ends with "模型: <type> <p>", and
  ``model_scores`` holds its label probabilities. ``analyze(text, use_model=False)`` gives the
  rules alone; without a readable model.json the analyzer runs on the rules alone.
"""

from __future__ import annotations

from bot.detect.indicators import Indicators
from bot.detect.indicators import extract as extract_indicators
from bot.detect.model import NgramModel, default_model, load_model
from bot.detect.normalize import fingerprint
from bot.detect.patterns import (
    FRAUD_TYPES,
    Patterns,
    PatternsError,
    default_patterns,
    load_patterns,
    validate_patterns,
)
from bot.detect.rules import Assessment, assess

__all__ = [
    "FRAUD_TYPES",
    "Assessment",
    "Indicators",
    "NgramModel",
    "Patterns",
    "PatternsError",
    "analyze",
    "default_model",
    "default_patterns",
    "extract_indicators",
    "fingerprint",
    "load_model",
    "load_patterns",
    "validate_patterns",
]


def analyze(text: str, patterns: Patterns | None = None, *, use_model: bool = True
            ) -> Assessment:
    """Assess one message: fraud type, risk (red/orange/yellow/none), score, signals, …

    ``use_model=False`` gives the rules' verdict alone (the model is also skipped when
    content/detect/model.json cannot be read, or ``model.enabled`` is false in the patterns).
    """
    return assess(text, patterns if patterns is not None else default_patterns(),
                  default_model() if use_model else None)
