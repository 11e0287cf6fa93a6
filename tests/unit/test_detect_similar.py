"""Near-duplicate and known-case matching."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.detect import analyze
from bot.detect.indicators import Indicators
from bot.detect.similar import (
    SIGNATURE_BYTES,
    CaseIndex,
    Match,
    estimate,
    jaccard,
    shingles,
    signature,
)

BASE = (
    "宝妈学生党看过来，手机刷单每天两小时轻松赚200+，先做任务后返佣金，名额有限速来，加V：abc12345"
)
COPIES = [
    "宝妈学生党看过来😊 手机刷 单每天两小时轻松赚300+，先做任务后返佣金，"
    "名额有限速来！加V：xyz98765",
    "寶媽學生黨看過來，手機刷單每天兩小時輕鬆賺200+，先做任務後返傭金，名額有限速來，加V：abc12345",
    "宝妈学生党看过来 手机刷单每天两个小时轻松赚200，先做任务后返佣金，名额有限，加V：abc12345",
]
SAME_TYPE_OTHERS = [
    "招兼职！在家动动手指给抖音视频点赞，一个赞3元，日结不压款，感兴趣的宝子加V：dz66889",
    "新人首单必返，垫付38元返46元，做满三单再送88红包，进群领任务",
    "【兼职】淘宝商家补单，你拍下商品我们返还本金并给百分之十佣金，当天结算，有意请私聊",
]


def _fp(text: str) -> str:
    return analyze(text).fingerprint


def test_copies_match_and_other_scams_of_the_same_type_do_not():
    index = CaseIndex()
    index.add(1, _fp(BASE), None)
    for i, text in enumerate(SAME_TYPE_OTHERS, start=2):
        index.add(i, _fp(text), None)
    for copy in COPIES:
        found = index.lookup(_fp(copy), None)
        assert found and found[0].case_id == 1 and found[0].reason == "text", (copy, found)
        assert found[0].similarity >= 0.6
        assert all(m.case_id == 1 for m in found)
    base_sh = shingles(_fp(BASE))
    for other in SAME_TYPE_OTHERS:
        assert jaccard(base_sh, shingles(_fp(other))) < 0.3
        assert index.lookup(_fp(other), None)[0].case_id != 1


def test_indicator_match_reports_shared_keys():
    index = CaseIndex()
    scam = analyze("理赔请加客服QQ 2874561930，或访问 kd-lp.top/p9，电话 13912345678")
    index.add(7, scam.fingerprint, scam.indicators)
    other = analyze("你好，办贷款联系 13912345678，不看征信")
    found = index.lookup(other.fingerprint, other.indicators)
    assert found == [Match(7, found[0].similarity, "indicator", ("phone:13912345678",))]
    again = analyze("新的话术，网址 kd-lp.top/other，QQ2874561930")
    shared = set(index.lookup(again.fingerprint, again.indicators)[0].shared)
    assert shared == {"domain:kd-lp.top", "qq:2874561930"}


def test_generic_domains_and_short_links():
    index = CaseIndex()
    a = analyze("详情 https://weixin.qq.com/x 和 t.cn/AAAA")
    index.add(1, a.fingerprint, a.indicators)
    b = analyze("完全不同的一段话 https://weixin.qq.com/y 和 t.cn/BBBB")
    assert index.lookup(b.fingerprint, b.indicators) == []
    c = analyze("又一段不同的话 t.cn/AAAA")
    assert index.lookup(c.fingerprint, c.indicators)[0].shared == ("url:t.cn/AAAA",)


def test_remove_and_readd():
    index = CaseIndex()
    fp = _fp(BASE)
    index.add(1, fp, Indicators(phones=("13800000000",)))
    index.add(2, fp, None)
    index.remove(1)
    assert [m.case_id for m in index.lookup(fp, Indicators(phones=("13800000000",)))] == [2]
    index.remove(2)
    index.remove(99)
    assert len(index) == 0
    assert index.lookup(fp, Indicators(phones=("13800000000",))) == []
    index.add(3, fp, None)
    index.add(3, _fp(SAME_TYPE_OTHERS[0]), None)  # re-adding replaces
    assert index.lookup(fp, None) == []


def test_signature_from_database_gives_the_same_results():
    a, b = CaseIndex(), CaseIndex()
    texts = [BASE, *SAME_TYPE_OTHERS]
    for i, t in enumerate(texts):
        a.add(i, _fp(t), None)
        b.add(i, None, None, sig=signature(_fp(t)))  # start-up from stored signatures
    q = _fp(COPIES[0])
    assert [m.case_id for m in a.lookup(q, None)] == [m.case_id for m in b.lookup(q, None)] == [0]
    assert abs(b.lookup(q, None)[0].similarity - a.lookup(q, None)[0].similarity) < 0.15


def test_signature_is_compact_and_stable_across_processes():
    sig = signature(_fp(BASE))
    assert isinstance(sig, bytes) and len(sig) == SIGNATURE_BYTES == 256
    code = (
        "import sys; from bot.detect.similar import signature; "
        "sys.stdout.write(signature(sys.argv[1]).hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, _fp(BASE)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert bytes.fromhex(out) == sig
    assert estimate(sig, signature(_fp(COPIES[0]))) >= 0.6
    assert estimate(sig, signature(_fp(SAME_TYPE_OTHERS[0]))) < 0.3


def test_empty_and_tiny_fingerprints():
    index = CaseIndex()
    index.add(1, "", None)
    index.add(2, "ab", None)
    assert index.lookup("", None) == []
    assert [m.case_id for m in index.lookup("ab", None)] == [2]
    assert estimate(signature(""), signature("")) == 0.0
