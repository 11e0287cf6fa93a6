"""Scam-message analysis: pure Python, no Telegram imports.

    from bot.detect import analyze
    a = analyze("刷单返利，日结，加V：abc123")
    a.fraud_type, a.risk, a.score, a.signals, a.indicators, a.fingerprint

The rules and weights live in content/patterns.yaml (loaded lazily, once); pass
``patterns=load_patterns(...)`` to use another set.
"""

from __future__ import annotations

from bot.detect.indicators import Indicators
from bot.detect.indicators import extract as extract_indicators
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
    "Patterns",
    "PatternsError",
    "analyze",
    "default_patterns",
    "extract_indicators",
    "fingerprint",
    "load_patterns",
    "validate_patterns",
]


def analyze(text: str, patterns: Patterns | None = None) -> Assessment:
    """Assess one message: fraud type, risk (red/orange/yellow/none), score, signals, …"""
    return assess(text, patterns if patterns is not None else default_patterns())
