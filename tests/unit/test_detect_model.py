"""The learned n-gram model beside the rules: data, determinism, loading, combination."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
import yaml

from bot.detect import analyze, load_model, load_patterns, validate_patterns
from bot.detect.evaluate import LABELS, read_examples
from bot.detect.model import MODEL_PATH, ModelError, NgramModel, features
from bot.detect.normalize import fingerprint
from bot.detect.patterns import DEFAULT_PATH, FRAUD_TYPES
from bot.detect.rules import assess, prepare
from bot.detect.similar import shingles
from bot.detect.train import TRAINING_PATH, build, cross_validate, featurize

RANK = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
EVAL_FILES = ("eval_dev.jsonl", "eval_holdout.jsonl", "eval_fresh.jsonl", "benign_hard.jsonl")


def test_training_data_covers_every_label_and_is_not_the_evaluation_data():
    train = read_examples(TRAINING_PATH)
    labels = Counter(ex.label for ex in train)
    assert len(train) >= 800
    assert set(labels) == set(LABELS)
    assert all(labels[lab] >= 40 for lab in LABELS), labels
    assert len({ex.text for ex in train}) == len(train)
    evals = [shingles(fingerprint(ex.text))
             for name in EVAL_FILES for ex in read_examples(TRAINING_PATH.parents[2] / "tests"
                                                            / "data" / name)]
    for ex in train:
        sh = shingles(fingerprint(ex.text))
        near = max(len(sh & e) / len(sh | e) for e in evals if sh and e)
        assert near < 0.5, ex.text


def test_model_json_is_what_the_training_data_gives():
    """`python -m bot.detect.train` is deterministic and model.json was rebuilt after the last
    change to training.jsonl (or to the features)."""
    assert build() == MODEL_PATH.read_text(encoding="utf-8"), (
        "content/detect/model.json is out of date: run python -m bot.detect.train")


def test_model_loads_fast_and_is_compact():
    start = time.perf_counter()
    m = load_model()
    assert time.perf_counter() - start < 0.5
    assert m.labels == LABELS
    assert MODEL_PATH.stat().st_size < 1_000_000
    assert 1.0 <= m.temperature <= 16.0


def test_model_alone_separates_the_types():
    train = read_examples(TRAINING_PATH)
    feats = featurize([ex.text for ex in train])
    _, type_acc, bin_acc = cross_validate(feats, [ex.label for ex in train])
    assert type_acc >= 0.85 and bin_acc >= 0.9, (type_acc, bin_acc)


def test_model_predicts_a_distribution():
    m = load_model()
    s, ind = prepare("刷单返利，佣金日结，先垫付，加微信 abc123", load_patterns())
    p = m.predict(features(s, ind))
    assert set(p) == set(LABELS)
    assert abs(sum(p.values()) - 1) < 1e-9
    assert max(p, key=p.get) == "task_rebate"
    quiet = m.predict(features(*prepare("明天下午三点开家长会，请准时参加", load_patterns())))
    assert max(quiet, key=quiet.get) == "none"


def test_bad_model_files_are_reported(tmp_path):
    with pytest.raises(ModelError):
        load_model(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"labels": ["a"], "alpha": 0}), encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(bad)


# ------------------------------------------------------------------------- the combination
def test_model_raises_an_unknown_wording_only_with_a_concrete_signal():
    scam = ("姐妹们，这个小活挺香的，每天弄半小时，我昨天提了两百多，"
            "下载这个app注册就能开始 http://abc-xyz.top/r")
    rules = analyze(scam, use_model=False)
    a = analyze(scam)
    assert rules.risk in ("none", "yellow")
    assert a.risk == "orange" and a.fraud_type == "task_rebate"
    assert any(e.startswith("模型: task_rebate") for e in a.evidence)
    assert a.model_scores and max(a.model_scores, key=a.model_scores.get) == "task_rebate"
    # the same lure without any concrete risk signal stays where the rules put it
    bare = "姐妹们，这个小活挺香的，每天弄半小时，我昨天提了两百多"
    assert analyze(bare).risk == analyze(bare, use_model=False).risk


@pytest.mark.parametrize(
    "text",
    [
        "提醒：有人发链接 http://abc-xyz.top 说下载app注册就能领钱，千万别信",
        "【反诈提醒】凡是让你下载会议软件、开启屏幕共享的“客服”都是骗子，请立即挂断",
        "冒充公检法诈骗的特点：要求保密、要求转账到安全账户、要求视频笔录，遇到请立即报警",
        "我接到一个说我中奖的电话，让我先交税，我说你从奖金里扣吧，他就挂了",
        "自家做的腊肠，68一斤，需要的加我微信 lcs88520，周末送货",
        "【中国工商银行】您的账户于今日完成一笔转账支出2000元，如非本人操作请致电95588。",
    ],
)
def test_reminders_and_ordinary_posts_are_not_raised(text):
    assert analyze(text).risk in ("none", "yellow")


def test_model_never_lowers_a_verdict_and_never_raises_to_red():
    data = TRAINING_PATH.parents[2] / "tests" / "data"
    for ex in read_examples(data / "eval_dev.jsonl") + read_examples(data / "benign_hard.jsonl"):
        with_model, rules = analyze(ex.text), analyze(ex.text, use_model=False)
        assert RANK[with_model.risk] >= RANK[rules.risk], ex.text
        if with_model.risk != rules.risk:
            assert with_model.risk == "orange", ex.text


def test_model_can_be_switched_off_in_the_patterns():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["model"]["enabled"] = False
    off = load_patterns(data)
    text = ("姐妹们，这个小活挺香的，每天弄半小时，我昨天提了两百多，"
            "下载这个app注册就能开始 http://abc-xyz.top/r")
    a = analyze(text, off)
    assert a.model_scores == {}
    assert a.risk == analyze(text, use_model=False).risk
    assert assess(text, load_patterns(), None).model_scores == {}


def test_model_section_is_validated():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["model"]["raise_scam"] = 1.5
    data["model"]["raise_when"] = ["link", "no_such_signal"]
    data["model"]["colour"] = "red"
    data["model"]["enabled"] = "yes"
    text = "\n".join(validate_patterns(data))
    assert "model.raise_scam: weight 1.5 out of range" in text
    assert "model.raise_when[1]: unknown signal 'no_such_signal'" in text
    assert "model.colour: unknown key" in text
    assert "model.enabled: expected true or false" in text


def test_every_fraud_type_is_a_model_label():
    m = load_model()
    assert isinstance(m, NgramModel)
    assert set(FRAUD_TYPES) < set(m.labels)
