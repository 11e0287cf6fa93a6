"""Evaluate the analyzer on labelled JSONL files ({"text": ..., "label": type id or "none"}).

A message counts as *predicted fraud* when its risk is orange or red — the levels at which the
bot raises an alert for officers. Yellow ("weak suspicion") is not flagged: it is shown to the
volunteer but does not count as a detection, so precision is about alerts officers would get.

    python -m bot.detect.evaluate                 # dev and holdout in tests/data
    python -m bot.detect.evaluate FILE... [--errors] [--rules-only]

``--rules-only`` scores the rules of patterns.yaml without the learned model.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.detect import analyze
from bot.detect.patterns import FRAUD_TYPES, Patterns

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
DEFAULT_FILES = (DATA_DIR / "eval_dev.jsonl", DATA_DIR / "eval_holdout.jsonl")
FRESH_FILE = DATA_DIR / "eval_fresh.jsonl"  # written before the vocabulary and model were added
LABELS = (*FRAUD_TYPES, "none")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    label: str
    predicted: str  # the flagged type or "none"
    fraud_type: str | None
    risk: str
    score: float


@dataclass
class EvalReport:
    """Fraud-vs-not figures, type accuracy and a confusion matrix."""

    files: tuple[str, ...] = ()
    total: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    type_total: int = 0          # scam messages
    type_correct: int = 0        # analyzer's fraud_type == label (whatever the risk level)
    type_correct_flagged: int = 0  # flagged AND right type
    per_type: dict[str, list[int]] = field(default_factory=dict)  # label → [correct, total]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (true, predicted)
    risks: Counter[tuple[str, str]] = field(default_factory=Counter)  # (true kind, risk)
    errors: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.type_total if self.type_total else 0.0

    @property
    def type_accuracy_flagged(self) -> float:
        return self.type_correct_flagged / self.type_total if self.type_total else 0.0


def read_examples(path: str | Path) -> list[Example]:
    """Read a JSONL file; raises ValueError naming the line on a bad row."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label = row["text"], row["label"]
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{path}:{n}: expected {{\"text\", \"label\"}}: {e}") from e
            if label not in LABELS:
                raise ValueError(f"{path}:{n}: unknown label {label!r}")
            out.append(Example(str(text), label))
    return out


def evaluate_examples(examples: Iterable[Example], patterns: Patterns | None = None,
                      files: Sequence[str] = (), *, use_model: bool = True) -> EvalReport:
    """Score already loaded examples."""
    r = EvalReport(files=tuple(files))
    for ex in examples:
        a = analyze(ex.text, patterns, use_model=use_model)
        is_scam = ex.label != "none"
        predicted = (a.fraud_type or "other") if a.flagged else "none"
        r.total += 1
        r.confusion[(ex.label, predicted)] += 1
        r.risks[("scam" if is_scam else "none", a.risk)] += 1
        if is_scam:
            r.type_total += 1
            slot = r.per_type.setdefault(ex.label, [0, 0])
            slot[1] += 1
            if a.fraud_type == ex.label:
                r.type_correct += 1
                slot[0] += 1
                if a.flagged:
                    r.type_correct_flagged += 1
        if a.flagged and is_scam:
            r.tp += 1
        elif a.flagged:
            r.fp += 1
        elif is_scam:
            r.fn += 1
        else:
            r.tn += 1
        if predicted != ex.label or (is_scam and a.fraud_type != ex.label):
            r.errors.append(Miss(ex.text, ex.label, predicted, a.fraud_type, a.risk, a.score))
    return r


def evaluate(paths: Iterable[str | Path] | str | Path | None = None,
             patterns: Patterns | None = None, *, use_model: bool = True) -> EvalReport:
    """Evaluate on one or more JSONL files (default: tests/data/eval_dev + eval_holdout)."""
    if paths is None:
        paths = DEFAULT_FILES
    elif isinstance(paths, str | Path):
        paths = [paths]
    paths = [Path(p) for p in paths]
    examples = [ex for p in paths for ex in read_examples(p)]
    return evaluate_examples(examples, patterns, files=[p.name for p in paths],
                             use_model=use_model)


_SHORT = {
    "fake_customer_service": "客服", "task_rebate": "刷单", "fake_investment": "投资",
    "fake_loan_credit": "贷款", "impersonate_officials": "公检法",
    "impersonate_acquaintance": "熟人",
    "game_trade": "游戏", "romance": "婚恋", "fake_shopping": "购物", "prize_subsidy": "中奖",
    "account_rental": "两卡", "other": "其他", "none": "正常",
}


def format_report(report: EvalReport, *, errors: bool = False) -> str:
    """A plain-text report: P/R/F1, type accuracy per type and a confusion matrix."""
    r = report
    lines = [
        f"files: {', '.join(r.files) or '-'}   messages: {r.total} "
        f"(scam {r.type_total}, benign {r.total - r.type_total})",
        "fraud vs not (flagged = risk orange or red; yellow is not flagged):",
        f"  precision {r.precision:.3f}   recall {r.recall:.3f}   F1 {r.f1:.3f}   "
        f"(TP {r.tp}  FP {r.fp}  FN {r.fn}  TN {r.tn})",
        f"type accuracy on scam messages: {r.type_accuracy:.3f} ({r.type_correct}/{r.type_total})"
        f"   flagged with the right type: {r.type_accuracy_flagged:.3f}",
    ]
    for label in FRAUD_TYPES:
        if label in r.per_type:
            c, n = r.per_type[label]
            lines.append(f"  {label:<26} {c:>3}/{n:<3} {c / n:.2f}")
    risk_row = "  ".join(
        f"{kind}: " + " ".join(f"{risk} {r.risks[(kind, risk)]}"
                               for risk in ("red", "orange", "yellow", "none"))
        for kind in ("scam", "none"))
    lines.append(f"risk levels — {risk_row}")
    present = [lb for lb in LABELS if any(k[0] == lb or k[1] == lb for k in r.confusion)]
    lines.append("confusion matrix (rows: true label, columns: predicted; none = not flagged):")
    head = "  " + " " * 26 + "".join(f"{_SHORT[c]:>5}" for c in present)
    lines.append(head)
    for t in present:
        cells = "".join(f"{r.confusion[(t, c)] or '.':>6}" for c in present)
        lines.append(f"  {t:<26}{cells}")
    if errors and r.errors:
        lines.append(f"errors ({len(r.errors)}):")
        for m in r.errors:
            lines.append(f"  [{m.label} → {m.fraud_type}/{m.risk} {m.score:.2f}] {m.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print a report per file and, for several files, for all of them together."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_errors = "--errors" in args
    use_model = "--rules-only" not in args
    files = [a for a in args if not a.startswith("--")] or [str(p) for p in DEFAULT_FILES]
    for f in files:
        print(format_report(evaluate([f], use_model=use_model), errors=show_errors))
        print()
    if len(files) > 1:
        print(format_report(evaluate(files, use_model=use_model)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
