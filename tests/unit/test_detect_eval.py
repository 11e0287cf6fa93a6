"""The labelled evaluation set and the analyzer's targets on it."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.detect.evaluate import (
    DEFAULT_FILES,
    FRESH_FILE,
    LABELS,
    evaluate,
    format_report,
    main,
    read_examples,
)
from bot.detect.patterns import FRAUD_TYPES

DEV, HOLDOUT = DEFAULT_FILES
FRESH = FRESH_FILE  # written before the broader vocabulary and the model; see tests/data/README
HARD = DEV.parent / "benign_hard.jsonl"  # benign only: precision checks
BLIND = DEV.parent / "eval_blind.jsonl"  # another author's set; never tuned on (see README)


def test_the_set_is_big_enough_and_the_files_do_not_overlap():
    dev, holdout = read_examples(DEV), read_examples(HOLDOUT)
    labels = Counter(ex.label for ex in dev + holdout)
    assert len(dev) + len(holdout) >= 450
    assert labels["none"] >= 180
    for t in FRAUD_TYPES:
        assert labels[t] >= 20, t
    assert set(labels) <= set(LABELS)
    assert not {ex.text for ex in dev} & {ex.text for ex in holdout}
    assert 0.3 <= len(holdout) / (len(dev) + len(holdout)) <= 0.45


def test_the_fresh_batch_covers_every_type_and_does_not_overlap():
    fresh = read_examples(FRESH)
    labels = Counter(ex.label for ex in fresh)
    assert len(fresh) >= 150 and labels["none"] >= 50
    assert all(labels[t] >= 8 for t in FRAUD_TYPES), labels
    others = {ex.text for f in (DEV, HOLDOUT, HARD) for ex in read_examples(f)}
    assert not {ex.text for ex in fresh} & others


@pytest.mark.parametrize("files", [[HOLDOUT], [FRESH], [BLIND], [DEV, HOLDOUT, FRESH]],
                         ids=["holdout", "fresh", "blind", "all"])
def test_targets(files):
    r = evaluate(files)
    assert r.precision >= 0.9, format_report(r)
    assert r.recall >= 0.85, format_report(r)
    assert r.type_accuracy >= 0.8, format_report(r)


def test_no_false_alarm_on_hard_benign_messages():
    r = evaluate(HARD)
    assert r.total >= 100 and r.type_total == 0
    assert r.fp <= 2, format_report(r, errors=True)


def test_rules_only_report(capsys):
    assert main([str(HOLDOUT), "--rules-only"]) == 0
    assert "precision" in capsys.readouterr().out


def test_report_and_cli(capsys, tmp_path):
    f = tmp_path / "mini.jsonl"
    f.write_text(
        '{"text": "明天下午3点家长会，请准时参加", "label": "none"}\n'
        '{"text": "刷单返利，佣金日结，先垫付，加微信 abc123", "label": "task_rebate"}\n',
        encoding="utf-8",
    )
    r = evaluate(f)
    assert (r.tp, r.fp, r.fn, r.tn) == (1, 0, 0, 1)
    text = format_report(r, errors=True)
    assert "precision 1.000" in text and "confusion matrix" in text
    assert main([str(f)]) == 0
    assert "type accuracy on scam messages: 1.000" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "nope"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: unknown label 'nope'"):
        read_examples(bad)
