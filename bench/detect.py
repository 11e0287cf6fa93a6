"""Analyzer benchmark: accuracy of rules alone vs rules + model, and speed.

For each labelled JSONL file prints precision / recall / type accuracy of
  - ``baseline``: another patterns file, rules only (e.g. the patterns before a change:
    ``git show HEAD:content/patterns.yaml > /tmp/old.yaml``), if ``--baseline`` is given;
  - ``rules``: content/patterns.yaml without the learned model;
  - ``rules+model``: what ``bot.detect.analyze`` does;
then the model's load time and analyze() time on a short message and on 4,096 characters.

    python bench/detect.py [FILE...] [--baseline OLD_PATTERNS.yaml]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.detect import analyze, load_patterns
from bot.detect.evaluate import DEFAULT_FILES, FRESH_FILE, evaluate
from bot.detect.model import load_model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=[*map(str, DEFAULT_FILES), str(FRESH_FILE)])
    ap.add_argument("--baseline", help="an older patterns.yaml to compare with (rules only)")
    args = ap.parse_args()
    modes: list[tuple[str, dict]] = []
    if args.baseline:
        modes.append(("baseline", {"patterns": load_patterns(args.baseline), "use_model": False}))
    modes += [("rules", {"use_model": False}), ("rules+model", {})]
    for f in args.files:
        for name, kw in modes:
            r = evaluate([f], **kw)
            print(f"{Path(f).name:24} {name:12} precision {r.precision:.3f}  recall {r.recall:.3f}"
                  f"  type accuracy {r.type_accuracy:.3f}  (TP {r.tp} FP {r.fp} FN {r.fn})")
    start = time.perf_counter()
    load_model()
    print(f"model load: {(time.perf_counter() - start) * 1000:.0f} ms")
    short = "刷单返利，佣金日结，先垫付，加微信 abc123"
    long = ("您好，我是淘宝客服，您的订单异常需要退款，请下载会议软件开启屏幕共享 "
            "http://t.cn/abc，联系13812345678。" * 80)[:4096]
    for label, text, n in (("short message", short, 500), ("4,096 characters", long, 20)):
        analyze(text)
        start = time.perf_counter()
        for _ in range(n):
            analyze(text)
        print(f"analyze, {label}: {(time.perf_counter() - start) / n * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
