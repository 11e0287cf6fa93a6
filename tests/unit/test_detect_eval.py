"""The labelled evaluation set and the analyzer's targets on it."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.detect.evaluate import DEFAULT_FILES, LABELS, evaluate, format_report, main, read_examples
from bot.detect.patterns import FRAUD_TYPES

DEV, HOLDOUT = DEFAULT_FILES


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


@pytest.mark.parametrize("files", [[HOLDOUT], [DEV, HOLDOUT]], ids=["holdout", "all"])
def test_targets(files):
    r = evaluate(files)
    assert r.precision >= 0.9, format_report(r)
    assert r.recall >= 0.85, format_report(r)
    assert r.type_accuracy >= 0.8, format_report(r)


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
