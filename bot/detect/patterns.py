"""Load and validate content/patterns.yaml: the weights and regexes officers can edit.

``validate_patterns(data)`` returns every problem as a string that names the file, the key
path and the fix ("patterns.yaml: types.task_rebate.lures[3]: invalid regex ..."), or [].
``load_patterns(path_or_mapping)`` validates, then compiles, and raises ``PatternsError``
(with all the problems) if anything is wrong.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FRAUD_TYPES: tuple[str, ...] = (
    "fake_customer_service",
    "task_rebate",
    "fake_investment",
    "fake_loan_credit",
    "impersonate_officials",
    "impersonate_acquaintance",
    "game_trade",
    "romance",
    "fake_shopping",
    "prize_subsidy",
    "account_rental",
    "other",
)
RISKS: tuple[str, ...] = ("none", "yellow", "orange", "red")

# Signals computed from the extracted indicators rather than from regexes.
BUILTIN_SIGNALS: frozenset[str] = frozenset(
    {"link", "short_link", "suspicious_domain", "phone_number", "qq_wechat_id", "bank_card",
     "reminder"}
)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "content" / "patterns.yaml"
FILE_LABEL = "patterns.yaml"
DEFAULT_LURE_WEIGHT = 0.4
MAX_PATTERN_LEN = 500


class PatternsError(ValueError):
    """patterns.yaml is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Rule:
    """One weighted regex (a lure, an action or a signal pattern)."""

    regex: re.Pattern[str]
    weight: float
    label: str  # the source text, shown as evidence


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    weight: float
    description: str
    rules: tuple[Rule, ...] = ()
    excepts: tuple[re.Pattern[str], ...] = ()
    negatable: bool = True


@dataclass(frozen=True, slots=True)
class FraudType:
    id: str
    name: str
    lures: tuple[Rule, ...]
    actions: tuple[Rule, ...] = ()
    excepts: tuple[re.Pattern[str], ...] = ()
    dampen: tuple[re.Pattern[str], ...] = ()  # message-level counter-evidence, halves L each


@dataclass(frozen=True, slots=True)
class Combo:
    when: tuple[str, ...]  # type ids and/or signal names, all required
    weight: float
    risk: str | None = None
    any_type: bool = False  # "any_type" in when: some fraud type was recognised


@dataclass(frozen=True, slots=True)
class ModelBlend:
    """How the learned n-gram model is combined with the rules (the ``model:`` section)."""

    enabled: bool = True
    unsure_lure: float = 0.5  # the rules' winning lure below this: the type is unsure
    unsure_margin: float = 0.15  # the two best rule types closer than this: unsure
    type_weight: float = 0.6  # unsure: type = argmax(rule lure + type_weight × P_model(type))
    min_scam: float = 0.5  # the model's P(scam) needed before it may choose the type
    raise_scam: float = 0.95  # raise to orange: the model's P(scam) at least this …
    raise_type: float = 0.6  # … and its P(type | scam) at least this …
    raise_when: frozenset[str] = frozenset()  # … and one of these signals present;
    contact_scam: float = 0.99  # or P(scam) at least this, a rule lure and one of these:
    contact_when: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Patterns:
    """A compiled pattern set; build it with ``load_patterns``."""

    thresholds: Mapping[str, float]
    scoring: Mapping[str, float]
    signals: Mapping[str, Signal]
    types: Mapping[str, FraudType]
    combos: tuple[Combo, ...]
    before_cues: tuple[re.Pattern[str], ...]
    after_cues: tuple[re.Pattern[str], ...]
    reminder: tuple[re.Pattern[str], ...]
    reassurance: tuple[re.Pattern[str], ...]
    reminder_factor: float
    definite: tuple[re.Pattern[str], ...] = ()  # reminders that no asked-for signal overrides
    overridden_by: frozenset[str] = frozenset()
    aliases: tuple[tuple[re.Pattern[str], str], ...] = ()
    official_domains: frozenset[str] = frozenset()
    suspicious_tlds: frozenset[str] = frozenset()
    brands: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    version: int = 1
    model: ModelBlend = field(default_factory=ModelBlend)


_DEFAULT_SCORING = {"lure": 0.55, "signals": 0.45, "joint": 0.6, "min_lure": 0.3}
_DEFAULT_THRESHOLDS = {"red": 0.8, "orange": 0.55, "yellow": 0.3}
_MODEL_NUMBERS = ("unsure_lure", "unsure_margin", "type_weight", "min_scam", "raise_scam",
                  "raise_type", "contact_scam")


# --------------------------------------------------------------------------- validation
def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


class _V:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def err(self, path: str, msg: str) -> None:
        self.problems.append(f"{FILE_LABEL}: {path}: {msg}")

    def regex(self, path: str, pattern: Any) -> bool:
        if not isinstance(pattern, str) or not pattern:
            self.err(path, f"expected a non-empty regex string, got {pattern!r}")
            return False
        if len(pattern) > MAX_PATTERN_LEN:
            self.err(path, f"regex longer than {MAX_PATTERN_LEN} characters; split it")
            return False
        try:
            rx = re.compile(pattern)
        except re.error as e:
            self.err(path, f"invalid regex {pattern!r}: {e}")
            return False
        if rx.search(""):
            self.err(path, f"regex {pattern!r} matches the empty string; it would match every "
                           "message")
            return False
        return True

    def weight(self, path: str, w: Any, lo: float = 0.0, hi: float = 1.0) -> bool:
        if not _num(w) or not lo <= float(w) <= hi:
            self.err(path, f"weight {w!r} out of range; use a number from {lo} to {hi}")
            return False
        return True

    def regex_list(self, path: str, items: Any) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.err(path, "expected a list of regexes")
            return
        for i, p in enumerate(items):
            self.regex(f"{path}[{i}]", p)

    def weighted_list(self, path: str, items: Any) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.err(path, "expected a list of [regex, weight] items")
            return
        for i, item in enumerate(items):
            p = f"{path}[{i}]"
            if isinstance(item, str):
                self.regex(p, item)
            elif isinstance(item, list) and len(item) == 2:
                self.regex(p, item[0])
                self.weight(p, item[1])
            elif isinstance(item, dict) and "pattern" in item:
                self.regex(p, item["pattern"])
                self.weight(p, item.get("weight", DEFAULT_LURE_WEIGHT))
                for k in item:
                    if k not in ("pattern", "weight"):
                        self.err(p, f"unknown key {k!r}; use pattern and weight")
            else:
                self.err(p, f"expected \"regex\", [regex, weight] or {{pattern, weight}}, "
                            f"got {item!r}")


def validate_patterns(data: Any) -> list[str]:
    """Every problem in a patterns mapping, as 'patterns.yaml: key.path: message'; [] if fine."""
    v = _V()
    if not isinstance(data, dict):
        v.err("(top)", "expected a mapping with signals: and types:")
        return v.problems
    known_top = {"version", "thresholds", "scoring", "aliases", "warning", "official_domains",
                 "suspicious_tlds", "brands", "signals", "types", "combos", "model"}
    for k in data:
        if k not in known_top:
            v.err(str(k), f"unknown key; expected one of {', '.join(sorted(known_top))}")

    th = data.get("thresholds", {})
    if not isinstance(th, dict):
        v.err("thresholds", "expected a mapping red/orange/yellow → 0..1")
    else:
        for k, w in th.items():
            if k not in _DEFAULT_THRESHOLDS:
                v.err(f"thresholds.{k}", "unknown risk level; use red, orange or yellow")
            else:
                v.weight(f"thresholds.{k}", w)
        t = {**_DEFAULT_THRESHOLDS, **{k: w for k, w in th.items() if _num(w)}}
        if not t["yellow"] < t["orange"] < t["red"]:
            v.err("thresholds", "need yellow < orange < red")

    sc = data.get("scoring", {})
    if not isinstance(sc, dict):
        v.err("scoring", "expected a mapping")
    else:
        for k, w in sc.items():
            if k not in _DEFAULT_SCORING:
                v.err(f"scoring.{k}", f"unknown key; use {', '.join(_DEFAULT_SCORING)}")
            else:
                v.weight(f"scoring.{k}", w)

    al = data.get("aliases", {})
    if not isinstance(al, dict):
        v.err("aliases", "expected a mapping canonical → [regex variants]")
    else:
        for canon, variants in al.items():
            if not isinstance(canon, str) or not canon:
                v.err(f"aliases.{canon}", "the canonical form must be a non-empty string")
            v.regex_list(f"aliases.{canon}", variants)

    wa = data.get("warning", {})
    if not isinstance(wa, dict):
        v.err("warning", "expected a mapping with before/after/reminder/reassurance")
    else:
        for k, val in wa.items():
            if k in ("before", "after", "reminder", "reassurance", "definite"):
                v.regex_list(f"warning.{k}", val)
            elif k == "reminder_factor":
                v.weight("warning.reminder_factor", val)
            elif k == "overridden_by":
                if not isinstance(val, list):
                    v.err("warning.overridden_by", "expected a list of signal names")
                else:
                    for i, n in enumerate(val):
                        if n not in (data.get("signals") or {}):
                            v.err(f"warning.overridden_by[{i}]", f"unknown signal {n!r}")
            else:
                v.err(f"warning.{k}", "unknown key; use before, after, reminder, reassurance, "
                                      "definite, reminder_factor, overridden_by")

    for key in ("official_domains", "suspicious_tlds"):
        val = data.get(key, [])
        if not isinstance(val, list) or not all(isinstance(x, str) and x for x in val):
            v.err(key, "expected a list of strings")
    br = data.get("brands", {})
    if not isinstance(br, dict):
        v.err("brands", "expected a mapping brand-token → [its real domains]")
    else:
        for k, val in br.items():
            if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
                v.err(f"brands.{k}", "expected a list of the brand's real domains")

    signals = data.get("signals", {})
    if not isinstance(signals, dict) or not signals:
        v.err("signals", "expected a non-empty mapping of signal name → {weight, patterns}")
        signals = {}
    for name, spec in signals.items():
        p = f"signals.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            v.err(p, "signal names are lower_snake_case")
        if not isinstance(spec, dict):
            v.err(p, "expected a mapping with weight and patterns")
            continue
        for k in spec:
            if k not in ("weight", "description", "patterns", "except", "builtin", "negatable"):
                v.err(f"{p}.{k}", "unknown key; use weight, description, patterns, except, "
                                  "builtin, negatable")
        v.weight(f"{p}.weight", spec.get("weight"))
        builtin = spec.get("builtin", False)
        if builtin and name not in BUILTIN_SIGNALS:
            v.err(f"{p}.builtin", f"unknown built-in signal; built-ins are "
                                  f"{', '.join(sorted(BUILTIN_SIGNALS))}")
        if not builtin and not spec.get("patterns"):
            v.err(f"{p}.patterns", "a signal needs patterns (or builtin: true)")
        v.regex_list(f"{p}.patterns", spec.get("patterns"))
        v.regex_list(f"{p}.except", spec.get("except"))
    for name in BUILTIN_SIGNALS:
        if name not in signals:
            v.err(f"signals.{name}", "built-in signal missing; add it with builtin: true and a "
                                     "weight")

    types = data.get("types", {})
    if not isinstance(types, dict) or not types:
        v.err("types", "expected a non-empty mapping of fraud-type id → {name, lures}")
        types = {}
    for tid, spec in types.items():
        p = f"types.{tid}"
        if tid not in FRAUD_TYPES:
            v.err(p, f"unknown fraud-type id {tid!r}; use one of {', '.join(FRAUD_TYPES)}")
        if not isinstance(spec, dict):
            v.err(p, "expected a mapping with name and lures")
            continue
        for k in spec:
            if k not in ("name", "lures", "actions", "except", "dampen"):
                v.err(f"{p}.{k}", "unknown key; use name, lures, actions, except, dampen")
        if not spec.get("lures"):
            v.err(f"{p}.lures", "a fraud type needs at least one lure")
        v.weighted_list(f"{p}.lures", spec.get("lures"))
        v.weighted_list(f"{p}.actions", spec.get("actions"))
        v.regex_list(f"{p}.except", spec.get("except"))
        v.regex_list(f"{p}.dampen", spec.get("dampen"))

    mo = data.get("model", {})
    if not isinstance(mo, dict):
        v.err("model", "expected a mapping (enabled, thresholds, raise_when)")
    else:
        for k, val in mo.items():
            if k == "enabled":
                if not isinstance(val, bool):
                    v.err("model.enabled", "expected true or false")
            elif k in _MODEL_NUMBERS:
                v.weight(f"model.{k}", val)
            elif k in ("raise_when", "contact_when"):
                if not isinstance(val, list):
                    v.err(f"model.{k}", "expected a list of signal names")
                else:
                    for i, n in enumerate(val):
                        if n not in signals:
                            v.err(f"model.{k}[{i}]", f"unknown signal {n!r}")
            else:
                v.err(f"model.{k}", f"unknown key; use enabled, {', '.join(_MODEL_NUMBERS)}, "
                                    "raise_when, contact_when")

    combos = data.get("combos", [])
    if not isinstance(combos, list):
        v.err("combos", "expected a list of {when: [...], weight, risk}")
        combos = []
    for i, c in enumerate(combos):
        p = f"combos[{i}]"
        if not isinstance(c, dict):
            v.err(p, "expected a mapping with when, weight and optional risk")
            continue
        when = c.get("when")
        if not isinstance(when, list) or not when:
            v.err(f"{p}.when", "expected a non-empty list of type ids / signal names")
        else:
            for j, n in enumerate(when):
                if n != "any_type" and n not in FRAUD_TYPES and n not in signals:
                    v.err(f"{p}.when[{j}]", f"unknown signal or fraud type {n!r}")
        v.weight(f"{p}.weight", c.get("weight", 0.0))
        if c.get("risk") is not None and c.get("risk") not in RISKS:
            v.err(f"{p}.risk", f"unknown risk {c.get('risk')!r}; use {', '.join(RISKS)}")
        for k in c:
            if k not in ("when", "weight", "risk"):
                v.err(f"{p}.{k}", "unknown key; use when, weight, risk")
    return v.problems


# --------------------------------------------------------------------------- compiling
def _rules(items: list[Any] | None) -> tuple[Rule, ...]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            pat, w = item, DEFAULT_LURE_WEIGHT
        elif isinstance(item, list):
            pat, w = item
        else:
            pat, w = item["pattern"], item.get("weight", DEFAULT_LURE_WEIGHT)
        out.append(Rule(re.compile(pat), float(w), pat))
    return tuple(out)


def _rx(items: list[str] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in items or ())


def compile_patterns(data: dict[str, Any]) -> Patterns:
    """Compile an already validated mapping."""
    signals = {
        name: Signal(
            name=name,
            weight=float(spec["weight"]),
            description=str(spec.get("description", "")),
            rules=tuple(Rule(re.compile(p), float(spec["weight"]), p)
                        for p in spec.get("patterns") or ()),
            excepts=_rx(spec.get("except")),
            negatable=bool(spec.get("negatable", True)),
        )
        for name, spec in data["signals"].items()
    }
    types = {
        tid: FraudType(
            id=tid,
            name=str(spec.get("name", tid)),
            lures=_rules(spec.get("lures")),
            actions=_rules(spec.get("actions")),
            excepts=_rx(spec.get("except")),
            dampen=_rx(spec.get("dampen")),
        )
        for tid, spec in data["types"].items()
    }
    combos = tuple(
        Combo(
            when=tuple(n for n in c["when"] if n != "any_type"),
            weight=float(c.get("weight", 0.0)),
            risk=c.get("risk"),
            any_type="any_type" in c["when"],
        )
        for c in data.get("combos") or ()
    )
    wa = data.get("warning") or {}
    aliases = tuple(
        (re.compile(p), canon) for canon, ps in (data.get("aliases") or {}).items() for p in ps
    )
    return Patterns(
        thresholds={**_DEFAULT_THRESHOLDS, **(data.get("thresholds") or {})},
        scoring={**_DEFAULT_SCORING, **(data.get("scoring") or {})},
        signals=signals,
        types=types,
        combos=combos,
        before_cues=_rx(wa.get("before")),
        after_cues=_rx(wa.get("after")),
        reminder=_rx(wa.get("reminder")),
        reassurance=_rx(wa.get("reassurance")),
        definite=_rx(wa.get("definite")),
        reminder_factor=float(wa.get("reminder_factor", 0.35)),
        overridden_by=frozenset(wa.get("overridden_by") or ()),
        aliases=aliases,
        official_domains=frozenset(d.lower() for d in data.get("official_domains") or ()),
        suspicious_tlds=frozenset(t.lower().lstrip(".") for t in data.get("suspicious_tlds")
                                  or ()),
        brands={k.lower(): tuple(d.lower() for d in v)
                for k, v in (data.get("brands") or {}).items()},
        version=int(data.get("version", 1)),
        model=ModelBlend(
            enabled=bool((data.get("model") or {}).get("enabled", True)),
            raise_when=frozenset((data.get("model") or {}).get("raise_when") or ()),
            contact_when=frozenset((data.get("model") or {}).get("contact_when") or ()),
            **{k: float(v) for k, v in (data.get("model") or {}).items()
               if k in _MODEL_NUMBERS},
        ),
    )


def read_patterns_file(path: str | Path) -> Any:
    """Parse a YAML file (no validation)."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_patterns(source: str | Path | Mapping[str, Any] | None = None) -> Patterns:
    """Load, validate and compile a pattern set from a path or an already parsed mapping."""
    if source is None:
        source = DEFAULT_PATH
    data = dict(source) if isinstance(source, Mapping) else read_patterns_file(source)
    problems = validate_patterns(data)
    if problems:
        raise PatternsError(problems)
    return compile_patterns(data)


_default: Patterns | None = None
_lock = threading.Lock()


def default_patterns() -> Patterns:
    """content/patterns.yaml, loaded once on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load_patterns(DEFAULT_PATH)
    return _default
