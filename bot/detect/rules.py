"""The rule engine: weighted lures and signals from patterns.yaml → fraud type, risk, score.

How a message is scored (all weights live in patterns.yaml):

1. Each fraud type's *lures* (what the scam promises or pretends) that match outside a warning
   context are combined by noisy-or into a lure strength L for that type; the strongest type
   wins if L ≥ ``scoring.min_lure``.
2. *Signals* (link, screen sharing, asking for a code, a safe account, money request, …) and the
   winning type's own *actions* are combined the same way into an action strength A.
3. score = 1 − (1 − lure·L)(1 − signals·A)(1 − joint·L·A), then each matching *combo* adds its
   weight (noisy-or) and may set a minimum risk.
4. Warning context: a match preceded in its clause by a warning cue ("不要", "切勿", "谨防",
   "凡是"…) or followed by one ("…都是诈骗") does not count. A message that reads as an
   anti-fraud reminder as a whole (``warning.reminder``, unless it still asks for a code, a
   card, a screen share… of ``warning.overridden_by``; ``warning.definite`` always) and gives no
   contact of its own is scaled by ``warning.reminder_factor`` and capped at yellow.
5. A lure without any action, or signals without a lure, stay at yellow at most — a type needs a
   lure and an action.
6. The learned model (``bot.detect.model``: character 1–3-gram naive Bayes trained on
   content/detect/training.jsonl) is then consulted, conservatively (thresholds in the
   ``model:`` section of patterns.yaml):

   - *Type.* When the rules are unsure — no type, a winning lure below ``unsure_lure``, or the
     two best types closer than ``unsure_margin`` — and the model's P(scam) = 1 − P(none) is at
     least ``min_scam``, the type becomes the one with the highest
     ``rule lure + type_weight × P_model(type | scam)``. The risk is not changed by this.
   - *Risk.* A none/yellow verdict is raised to orange only when P(scam) ≥ ``raise_scam``, the
     model's best type has P(type | scam) ≥ ``raise_type`` AND a concrete risk signal is
     present: one of ``raise_when`` (link, money request, code request, app download, screen
     sharing, card details, upfront fee, …), or — since neighbours share phone numbers and
     WeChat ids every day — one of ``contact_when`` (phone, QQ/WeChat id, "add me") together
     with a rule lure and P(scam) ≥ ``contact_scam``. Never when the message reads as an
     anti-fraud reminder (any ``warning.reminder`` cue) or a warning cue cancelled one of its
     matches: those stay capped at yellow.
   - The model never lowers a verdict, never raises to red, and its contribution is shown in
     ``evidence`` ("模型: <type> <p>") and ``model_scores``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from bot.detect.indicators import OFFICIAL_NUMBERS, SHORTENERS, Indicators, extract, url_spans
from bot.detect.model import NgramModel, features
from bot.detect.normalize import BREAK, clean, fingerprint_from_match, match_text
from bot.detect.patterns import FRAUD_TYPES, RISKS, Patterns, Rule

MAX_MATCH_CHARS = 6000  # longer messages are matched on their head (Telegram caps at 4096)
_RISK_RANK = {r: i for i, r in enumerate(RISKS)}


@dataclass(frozen=True, slots=True)
class Assessment:
    """The analyzer's verdict on one message."""

    fraud_type: str | None
    risk: str
    score: float
    signals: tuple[str, ...]
    indicators: Indicators
    fingerprint: str
    evidence: tuple[str, ...] = ()  # the lure/action patterns that matched, for officers
    type_scores: dict[str, float] = field(default_factory=dict, compare=False)
    # the learned model's P(label) for its most likely labels ("none" included); {} without it
    model_scores: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def flagged(self) -> bool:
        """Orange or red: what the evaluation counts as 'predicted fraud'."""
        return self.risk in ("orange", "red")

    def to_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return {
            "fraud_type": self.fraud_type,
            "risk": self.risk,
            "score": round(self.score, 4),
            "signals": list(self.signals),
            "indicators": self.indicators.to_dict(),
            "fingerprint": self.fingerprint,
            "evidence": list(self.evidence),
        }


def _noisy_or(weights: list[float]) -> float:
    p = 1.0
    for w in weights:
        p *= 1.0 - w
    return 1.0 - p


class _Text:
    """The match text plus its clause boundaries and warning-cue positions."""

    def __init__(self, text: str, patterns: Patterns):
        self.s = text
        self.breaks = [i for i, ch in enumerate(text) if ch == BREAK]
        masked = text
        for rx in patterns.reassurance:  # "不是骗子" must not read as a warning
            masked = rx.sub(lambda m: "#" * len(m.group()), masked)
        self.masked = masked
        self.before = sorted(m.span() for rx in patterns.before_cues for m in rx.finditer(masked))
        self.after = sorted(m.span() for rx in patterns.after_cues for m in rx.finditer(masked))
        self.warned = False  # some match was cancelled by a warning cue

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.breaks, pos)
        start = self.breaks[i - 1] + 1 if i else 0
        end = self.breaks[i] if i < len(self.breaks) else len(self.s)
        return start, end

    def negated(self, start: int, end: int) -> bool:
        cs, ce = self.clause(start)
        for a, b in self.before:
            if a >= start:
                break
            if a >= cs and b <= start:
                return True
        if any(a >= end and b <= ce for a, b in self.after):
            return True
        # "让你报验证码的，都是诈骗": a verdict opening the next clause covers this one too
        nxt = ce + 1
        return any(nxt <= a <= nxt + 2 for a, _ in self.after)


def _first_hit(rule: Rule, t: _Text, excepts, negatable: bool = True) -> str | None:
    """The first occurrence of ``rule`` that counts (not warned about, not excepted)."""
    for m in rule.regex.finditer(t.s):
        a, b = m.span()
        if negatable and t.negated(a, b):
            t.warned = True
            continue
        if excepts:
            cs, ce = t.clause(a)
            clause = t.s[cs:ce]
            if any(rx.search(clause) for rx in excepts):
                continue
        return m.group()
    return None


def _builtin_signals(ind: Indicators, p: Patterns) -> set[str]:
    out: set[str] = set()
    # A lookalike ("аlipay.com" with a Cyrillic а) is never official, whatever it imitates.
    risky_domains = [d for d in ind.domains if d in ind.lookalike_domains
                     or not any(d == o or d.endswith("." + o) for o in p.official_domains)]
    if risky_domains:
        out.add("link")
    if any(d in SHORTENERS for d in ind.domains):
        out.add("short_link")
    for d in risky_domains:
        tld = d.rsplit(".", 1)[-1]
        if d in ind.lookalike_domains or tld in p.suspicious_tlds or d.replace(".", "").isdigit():
            out.add("suspicious_domain")
            break
        tokens = set(re.split(r"[.-]", d))
        for brand, real in p.brands.items():
            if brand in tokens and not any(d == r or d.endswith("." + r) for r in real):
                out.add("suspicious_domain")
                break
    if any(ph not in OFFICIAL_NUMBERS and not ph.startswith("95") for ph in ind.phones):
        out.add("phone_number")
    if ind.qq_ids or ind.wechat_ids:
        out.add("qq_wechat_id")
    if ind.bank_cards:
        out.add("bank_card")
    return out


def _risk_of(score: float, p: Patterns) -> str:
    th = p.thresholds
    if score >= th["red"]:
        return "red"
    if score >= th["orange"]:
        return "orange"
    if score >= th["yellow"]:
        return "yellow"
    return "none"


def prepare(text: str, p: Patterns) -> tuple[str, Indicators]:
    """The normalised match text (URLs cut out) and the indicators of one message."""
    light = clean((text or "")[: MAX_MATCH_CHARS * 2])
    ind = extract(light)
    for a, b in reversed(url_spans(light)):
        light = light[:a] + "\n" + light[b:]
    return match_text(light, p.aliases)[:MAX_MATCH_CHARS], ind


def assess(text: str, p: Patterns, model: NgramModel | None = None) -> Assessment:
    """Analyse one message with a compiled pattern set (and, if given, the learned model)."""
    s, ind = prepare(text, p)
    fp = fingerprint_from_match(s)
    t = _Text(s, p)

    signals: dict[str, float] = {}
    for sig in p.signals.values():
        if sig.rules and any(_first_hit(r, t, sig.excepts, sig.negatable) for r in sig.rules):
            signals[sig.name] = sig.weight
    for name in _builtin_signals(ind, p):
        if name in p.signals:
            signals[name] = p.signals[name].weight

    type_scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for ft in p.types.values():
        hits = [(r, h) for r in ft.lures if (h := _first_hit(r, t, ft.excepts))]
        if hits:
            damp = sum(1 for rx in ft.dampen for _ in rx.finditer(s))
            type_scores[ft.id] = _noisy_or([r.weight for r, _ in hits]) * 0.5 ** damp
            evidence[ft.id] = [h for _, h in hits]
    sc = p.scoring
    best = max(type_scores, key=type_scores.__getitem__, default=None)
    lure = type_scores.get(best, 0.0) if best else 0.0
    if lure < sc["min_lure"]:
        best, lure = None, 0.0

    action_weights = list(signals.values())
    ev = list(evidence.get(best, [])) if best else []
    if best:
        acts = [(r, h) for r in p.types[best].actions if (h := _first_hit(r, t, ()))]
        action_weights += [r.weight for r, _ in acts]
        ev += [h for _, h in acts]
    action = _noisy_or(action_weights)

    score = 1 - (1 - sc["lure"] * lure) * (1 - sc["signals"] * action) * (
        1 - sc["joint"] * lure * action)
    floor = "none"
    present = set(signals) | ({best} if best else set())
    for c in p.combos:
        if (not c.any_type or best) and all(n in present for n in c.when):
            score = 1 - (1 - score) * (1 - c.weight)
            if c.risk and _RISK_RANK[c.risk] > _RISK_RANK[floor]:
                floor = c.risk

    contact = bool(ind.qq_ids or ind.wechat_ids or ind.bank_cards or "link" in signals
                   or "phone_number" in signals)
    definite = any(rx.search(t.masked) for rx in p.definite)
    reminder_cue = definite or any(rx.search(t.masked) for rx in p.reminder)
    reminder = definite or (reminder_cue and not (p.overridden_by & signals.keys()))
    cap = "red"
    if reminder and not contact:
        score *= p.reminder_factor
        floor, cap = "none", "yellow"
        signals["reminder"] = 0.0
    if not best or not action_weights:
        cap = "yellow" if _RISK_RANK[floor] < _RISK_RANK["orange"] else cap

    risk = _risk_of(score, p)
    if _RISK_RANK[risk] < _RISK_RANK[floor]:
        risk = floor
        score = max(score, p.thresholds[floor])
    if _RISK_RANK[risk] > _RISK_RANK[cap]:
        risk = cap
        score = min(score, p.thresholds["orange"] - 0.01)
    fraud_type = best
    if fraud_type is None and _RISK_RANK[risk] >= _RISK_RANK["orange"]:
        fraud_type = "other"
    model_scores: dict[str, float] = {}
    if model is not None and p.model.enabled:
        probs = model.predict(features(s, ind))
        model_scores = {k: round(v, 4) for k, v in sorted(probs.items(), key=lambda kv: -kv[1])
                        if v >= 0.01}
        fraud_type, risk, score, note = _blend(
            probs, p, type_scores, fraud_type, best, lure, risk, score, signals,
            blocked=reminder_cue or t.warned)
        if note:
            ev.append(note)
    if risk == "none":
        fraud_type = None

    order = {name: i for i, name in enumerate(p.signals)}
    return Assessment(
        fraud_type=fraud_type,
        risk=risk,
        score=round(min(max(score, 0.0), 1.0), 4),
        signals=tuple(sorted(signals, key=lambda n: order.get(n, 999))),
        indicators=ind,
        fingerprint=fp,
        evidence=tuple(dict.fromkeys(ev)),
        type_scores={k: round(v, 4) for k, v in sorted(type_scores.items(),
                                                       key=lambda kv: -kv[1])},
        model_scores=model_scores,
    )


def _blend(probs: dict[str, float], p: Patterns, type_scores: dict[str, float],
           fraud_type: str | None, best: str | None, lure: float, risk: str, score: float,
           signals: dict[str, float], *, blocked: bool) -> tuple[str | None, str, float, str]:
    """Step 6 of the module docstring: the model may choose the type when the rules are unsure,
    and may raise none/yellow to orange. Returns (type, risk, score, evidence note or "")."""
    cfg = p.model
    scam = 1.0 - probs.get("none", 0.0)
    if scam <= 0.0:
        return fraud_type, risk, score, ""
    cond = {t: probs.get(t, 0.0) / scam for t in FRAUD_TYPES}
    m_type = max(cond, key=cond.__getitem__)
    ranked = sorted(type_scores.values(), reverse=True)
    unsure = (best is None or lure < cfg.unsure_lure
              or (len(ranked) > 1 and ranked[0] - ranked[1] < cfg.unsure_margin))
    chosen = fraud_type
    if unsure and scam >= cfg.min_scam:
        chosen = max(FRAUD_TYPES,
                     key=lambda t: type_scores.get(t, 0.0) + cfg.type_weight * cond[t])
    concrete = bool(cfg.raise_when & signals.keys()) or (
        best is not None and scam >= cfg.contact_scam and bool(cfg.contact_when & signals.keys()))
    raise_ = (
        _RISK_RANK[risk] < _RISK_RANK["orange"]
        and not blocked
        and scam >= cfg.raise_scam
        and cond[m_type] >= cfg.raise_type
        and concrete
    )
    if raise_:
        risk = "orange"
        score = max(score, p.thresholds["orange"])
        if chosen is None:
            chosen = m_type
    note = ""
    if raise_ or (chosen != fraud_type and _RISK_RANK[risk] > 0):
        note = f"模型: {chosen} {scam * cond.get(chosen or m_type, 0.0):.2f}"
    return chosen, risk, score, note
