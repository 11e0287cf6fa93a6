"""Benchmark the known-case index (bot/detect/similar.py). Run as a script, never by pytest:

    .venv/bin/python bench/lookup.py [--cases 100000] [--queries 1000] [--seed 7]

1. Builds N synthetic scam cases from templates with random fills (deterministic seed): per
   fraud type, openers × offers × closers, with random amounts, ids, phones, links, emoji and
   spacing — so there are thousands of distinct scams, each in a few near-copies.
2. Measures how well MinHash and SimHash separate "same scam, a few characters changed" from
   "another scam of the same type" (the reason the index uses MinHash).
3. Times Q look-ups with the index (half perturbed copies of indexed cases, half new texts):
   p50/p99 in ms.
4. Times brute-force Jaccard scans over ALL cases for as many of the same queries as fit in
   about 60 s, reports p50/p99, the speed-up, and the index's recall against the scan.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bot.detect.indicators import extract
from bot.detect.normalize import fingerprint
from bot.detect.similar import CaseIndex, jaccard, shingles, signature

T = {
    "task_rebate": (
        [
            "宝妈学生党看过来",
            "招聘网络兼职",
            "在家动动手指就能赚钱",
            "有手机就能做的副业",
            "诚招点赞员",
            "新人福利来啦",
            "闲在家的姐妹们注意",
            "招募刷单补单员",
        ],
        [
            "给抖音视频点赞一个{n}元",
            "帮商家拍单本金加佣金当天返",
            "做任务日入{n}以上",
            "先垫付{m}元返{m2}元",
            "关注截图发给接待员就有红包",
            "完成三轮任务即可提现",
            "充值越多返佣越高",
            "一单一结不压款",
        ],
        [
            "感兴趣的加V：{wx}",
            "想做的私我",
            "扫码进群领任务{url}",
            "名额有限速来扣扣{qq}",
            "详情咨询{phone}",
            "进群链接{url}",
            "联系接待{wx}",
            "要的扣1",
        ],
    ),
    "fake_investment": (
        [
            "内部消息",
            "老师带单",
            "股民朋友们注意了",
            "数字货币量化平台",
            "黄金期货投资",
            "原始股认购",
            "私募内部渠道",
            "虚拟币挖矿项目",
        ],
        [
            "明天必涨停",
            "月收益{p}%稳赚不赔",
            "保本保息年化{p}%",
            "投{m}一周赚{m2}",
            "跟着老师操作翻倍",
            "平台有保障随时提现",
            "每天免费推荐牛股",
            "上市后至少翻{k}倍",
        ],
        [
            "进群学习{url}",
            "加微信{wx}",
            "下载APP注册{url}",
            "联系助理{phone}",
            "私聊领代码",
            "加QQ群{qq}",
            "名额仅剩{k}个",
            "扫码入群",
        ],
    ),
    "fake_customer_service": (
        [
            "淘宝售后客服通知",
            "京东客服提醒",
            "快递理赔中心",
            "抖音官方客服",
            "拼多多退款专员",
            "支付宝客服",
            "航空公司通知",
            "菜鸟裹裹理赔",
        ],
        [
            "您的包裹丢失按{m}元赔付",
            "您开通的会员每月自动扣费{m}元",
            "商品质量问题召回给您{k}倍赔偿",
            "百万保障即将到期",
            "误开通直播商户服务",
            "航班取消改签补偿{m}元",
            "订单异常退款失败",
            "学生身份认证有误需注销",
        ],
        [
            "请添加理赔专员QQ{qq}",
            "下载会议软件共享屏幕操作",
            "点击{url}填写收款信息",
            "提供银行卡号和验证码",
            "联系{phone}处理",
            "加微信{wx}办理",
            "进入腾讯会议{meet}",
            "按提示输入卡号",
        ],
    ),
    "impersonate_officials": (
        [
            "我是市公安局王警官",
            "这里是检察院",
            "法院通知",
            "你好我是派出所民警",
            "金融监管局工作人员",
            "公检法联合办案",
            "反洗钱中心",
            "网络监察中心",
        ],
        [
            "你的身份信息被盗用涉嫌洗钱",
            "你涉嫌一起跨境赌博案",
            "有一张传票未领取",
            "你名下银行卡涉嫌走私",
            "已对你发出逮捕令",
            "需要资金清查证明清白",
            "你的医保卡涉嫌骗保",
            "你的账户有异常交易",
        ],
        [
            "请把钱转到安全账户",
            "不要告诉任何人",
            "下载安全防护软件{url}",
            "请于{k}小时内转入监管账户",
            "按9转人工",
            "保持通话找个没人的房间",
            "联系办案民警{phone}",
            "加QQ{qq}接受审讯",
        ],
    ),
    "fake_loan_credit": (
        [
            "无抵押贷款",
            "内部渠道办理高额信用卡",
            "征信修复",
            "学生贷账户注销通知",
            "低息网贷",
            "贷款审批已通过",
            "急用钱的朋友看过来",
            "信用卡提额专员",
        ],
        [
            "不看征信黑户也能下款",
            "额度{m}起当天放款",
            "帮你洗白逾期记录",
            "放款前需缴纳解冻金{m}元",
            "凭身份证就能贷",
            "年化{p}%秒到账",
            "需先存入验证资金{m}元",
            "只需支付手续费{m}元",
        ],
        [
            "详询{phone}",
            "加微信{wx}",
            "点击链接申请{url}",
            "加扣扣{qq}",
            "私聊",
            "联系专员{phone}",
            "申请入口{url}",
            "加我",
        ],
    ),
    "prize_subsidy": (
        [
            "【中国移动】尊敬的客户",
            "【ETC服务中心】",
            "恭喜您被抽中为幸运观众",
            "【人社局】",
            "【医保局】",
            "【工商银行】",
            "国家补贴通知",
            "【个税】",
        ],
        [
            "您的积分{n}即将清零",
            "您的ETC认证已过期",
            "获得奖金{m}元",
            "您有一笔补贴{m}元待领取",
            "医保余额可提现",
            "退税金额{m}元",
            "家电以旧换新补贴已到账",
            "里程即将过期",
        ],
        [
            "请登录{url}兑换",
            "点击链接认证{url}",
            "需先缴纳个人所得税",
            "扫码申请逾期作废",
            "填写银行卡号即可领取",
            "下载App认证领取",
            "今日过期作废{url}",
            "请在{k}小时内办理",
        ],
    ),
    "account_rental": (
        [
            "收银行卡",
            "高价收购微信号",
            "跑分兼职",
            "收对公账户",
            "出租闲置电话卡",
            "帮忙走账",
            "大学生兼职办卡",
            "求购实名QQ号",
        ],
        [
            "一张一个月给{m}",
            "每一万提成{n}",
            "一户给{m}",
            "每天躺赚{n}",
            "卡不离身无风险",
            "只要刷脸一下给{n}",
            "每笔抽{k}个点",
            "寄过来就行",
        ],
        ["有意私聊", "加V{wx}", "联系{phone}", "加扣扣{qq}", "长期合作", "当天结", "速来", "私我"],
    ),
    "romance": (
        [
            "亲爱的",
            "宝贝",
            "认识你很开心",
            "我是单身军医",
            "同城寂寞交友",
            "网恋男友说",
            "小姐姐你好",
            "相亲对象说",
        ],
        [
            "我带你在这个平台投资",
            "博彩网站有漏洞稳赚",
            "包裹需要你代收交清关费",
            "赚了钱我们就结婚",
            "一对一视频聊天",
            "彩票内部规律",
            "我们一起为未来存钱",
            "充值{m}能翻倍",
        ],
        [
            "注册链接{url}",
            "加我微信{wx}",
            "下载这个软件",
            "QQ{qq}等你",
            "你也试试吧",
            "先帮我垫{m}",
            "我教你下注",
            "见面就还你",
        ],
    ),
}

EMOJI = "🔥💰🌸✨❤👉🎁😊"


def _fill(rng: random.Random, s: str) -> str:
    return s.format(
        n=rng.randint(2, 999),
        m=rng.randint(100, 99999),
        m2=rng.randint(100, 99999),
        p=rng.randint(3, 80),
        k=rng.randint(2, 10),
        meet=rng.randint(100000000, 999999999),
        wx="".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6)))
        + str(rng.randint(10, 9999)),
        qq=rng.randint(10000000, 3999999999),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 10**9 - 1):09d}",
        url=f" http://{rng.choice(['t.cn', 'dwz.cn'])}/{rng.randint(10**5, 10**7):x} "
        if rng.random() < 0.5
        else f" {rng.choice(['lh', 'kd', 'jf', 'rz', 'vip'])}-"
        f"{rng.randint(1, 999)}.{rng.choice(['top', 'vip', 'cc', 'cn'])} ",
    )


def skeleton(rng: random.Random) -> tuple[str, ...]:
    """A scam as (type, opener, offer, closer, second offer) template fragments."""
    ftype = rng.choice(list(T))
    a, b, c = T[ftype]
    return ftype, rng.choice(a), rng.choice(b), rng.choice(c), rng.choice(b)


def render(rng: random.Random, sk: tuple[str, ...]) -> str:
    _, opener, offer, closer, offer2 = sk
    parts = [opener, offer, offer2, closer] if rng.random() < 0.5 else [opener, offer, closer]
    text = "，".join(_fill(rng, p) for p in parts)
    return text + rng.choice(["", "！", "。", " " + rng.choice(EMOJI)])


def perturb(rng: random.Random, text: str) -> str:
    """A near-copy: spaces or emoji between characters, a changed number, a dropped character."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            chars.insert(i, rng.choice([" ", rng.choice(EMOJI), "-"]))
        elif op < 0.7 and chars[i].isdigit():
            chars[i] = str(rng.randint(0, 9))
        elif len(chars) > 20:
            del chars[i]
    return "".join(chars)


def _case(text: str) -> tuple[str, bytes, object]:
    fp = fingerprint(text)
    return fp, signature(fp), extract(text)


def _cases(texts: list[str]) -> list[tuple[str, bytes, object]]:
    return [_case(t) for t in texts]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def simhash(sh: set[str]) -> int:
    v = [0] * 64
    for s in sh:
        b = s.encode()
        h = (zlib.crc32(b) << 32) | zlib.adler32(b[::-1] + b)
        for i in range(64):
            v[i] += 1 if h >> i & 1 else -1
    return sum(1 << i for i in range(64) if v[i] > 0)


def separation(rng: random.Random, pairs: int = 400) -> None:
    """How well each method separates near-copies from other scams of the same type."""
    from bot.detect.similar import estimate

    near_j, near_h, diff_j, diff_h, est_err = [], [], [], [], []
    for _ in range(pairs):
        sk = skeleton(rng)
        a = render(rng, sk)
        b = perturb(rng, a)
        ftype = sk[0]
        while True:
            other = skeleton(rng)
            if other[0] == ftype and other[1:4] != sk[1:4]:
                break
        c = render(rng, other)
        fa, fb, fc = fingerprint(a), fingerprint(b), fingerprint(c)
        sa, sb, sc = shingles(fa), shingles(fb), shingles(fc)
        near_j.append(jaccard(sa, sb))
        diff_j.append(jaccard(sa, sc))
        est_err.append(abs(estimate(signature(fa), signature(fb)) - near_j[-1]))
        ha, hb, hc = simhash(sa), simhash(sb), simhash(sc)
        near_h.append(bin(ha ^ hb).count("1"))
        diff_h.append(bin(ha ^ hc).count("1"))
    print(f"separation over {pairs} pairs (near-copy vs another scam of the same type):")
    print(
        f"  Jaccard (MinHash target): near-copies p5 {pct(near_j, 0.05):.2f} median "
        f"{statistics.median(near_j):.2f} | other scams median {statistics.median(diff_j):.2f}"
        f" p95 {pct(diff_j, 0.95):.2f} max {max(diff_j):.2f}"
    )
    thr = 0.6
    print(
        f"    at threshold {thr}: near-copies matched {sum(j >= thr for j in near_j) / pairs:.1%},"
        f" other scams matched {sum(j >= thr for j in diff_j) / pairs:.1%};"
        f" MinHash estimate error median {statistics.median(est_err):.3f}"
    )
    best = min(
        range(0, 33), key=lambda d: sum(h > d for h in near_h) + sum(h <= d for h in diff_h)
    )
    print(
        f"  SimHash-64 Hamming: near-copies median {statistics.median(near_h)} p95 "
        f"{pct(near_h, 0.95)} | other scams median {statistics.median(diff_h)} p5 "
        f"{pct(diff_h, 0.05)}; best cut ≤{best}: near-copies matched "
        f"{sum(h <= best for h in near_h) / pairs:.1%}, other scams matched "
        f"{sum(h <= best for h in diff_h) / pairs:.1%}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--brute-seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    separation(random.Random(args.seed + 1))

    t0 = time.perf_counter()
    n_sk = max(1, args.cases // 12)
    sks = [skeleton(rng) for _ in range(n_sk)]
    texts = [render(rng, rng.choice(sks)) for _ in range(args.cases)]
    chunks = [texts[i : i + 5000] for i in range(0, len(texts), 5000)]
    with ProcessPoolExecutor(max_workers=args.workers) as ex:
        cases = [c for part in ex.map(_cases, chunks) for c in part]
    t1 = time.perf_counter()
    index = CaseIndex()
    for cid, (fp, sig, ind) in enumerate(cases):
        index.add(cid, fp, ind, sig=sig)  # the start-up path: signatures come from the DB
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nbuilt {len(index)} cases from {n_sk} scam skeletons: normalise+sign "
        f"{t1 - t0:.1f}s ({args.workers} processes), index {t2 - t1:.1f}s, "
        f"max RSS {rss:.0f} MB"
    )

    queries: list[tuple[str, object, int | None]] = []
    for i in range(args.queries):
        if i % 2 == 0:
            src = rng.randrange(len(texts))
            q = perturb(rng, texts[src])
        else:
            src = None
            q = render(rng, rng.choice(sks) if rng.random() < 0.5 else skeleton(rng))
        queries.append((fingerprint(q), extract(q), src))

    times, found_src, results = [], 0, []
    for fp, ind, src in queries:
        t = time.perf_counter()
        res = index.lookup(fp, ind, threshold=0.6, limit=5)
        times.append((time.perf_counter() - t) * 1000)
        results.append(res)
        if src is not None and any(m.case_id == src or m.similarity >= 0.6 for m in res):
            found_src += 1
    n_pert = sum(1 for q in queries if q[2] is not None)
    print(
        f"index lookups: {len(times)}  p50 {pct(times, 0.5):.2f} ms  p99 {pct(times, 0.99):.2f} ms"
        f"  max {max(times):.2f} ms  (target p99 ≤ 20 ms)"
    )
    print(f"  perturbed copies that found a text match: {found_src}/{n_pert}")

    sets = [shingles(fp) for fp, _, _ in cases]
    brute_times: list[float] = []
    top_agree = lsh_found = total_true = 0
    deadline = time.perf_counter() + args.brute_seconds
    for (fp, ind, _), res in zip(queries, results, strict=True):
        if time.perf_counter() > deadline:
            break
        t = time.perf_counter()
        q = shingles(fp)
        scored = [(jaccard(q, s), cid) for cid, s in enumerate(sets)]
        best = sorted((x for x in scored if x[0] >= 0.6), reverse=True)[:5]  # what a scan returns
        brute_times.append((time.perf_counter() - t) * 1000)
        # many synthetic copies tie (same text, other digits), so compare similarities, not ids
        mine = [m.similarity for m in res if m.reason == "text"]
        top_agree += [round(j, 3) for j, _ in best] == [round(x, 3) for x in mine]
        truth = {cid for j, cid in scored if j >= 0.6}
        wide = index.lookup(fp, ind, threshold=0.6, limit=len(index), candidates=len(index))
        total_true += len(truth)
        lsh_found += len(truth & {m.case_id for m in wide if m.reason == "text"})
    n = len(brute_times)
    print(
        f"brute-force Jaccard scans over all {len(sets)} cases: {n} queries in "
        f"~{args.brute_seconds:.0f} s  p50 {pct(brute_times, 0.5):.1f} ms  "
        f"p99 {pct(brute_times, 0.99):.1f} ms"
    )
    print(
        f"  speed-up at p50: {pct(brute_times, 0.5) / pct(times, 0.5):.0f}x, at p99: "
        f"{pct(brute_times, 0.99) / pct(times, 0.99):.0f}x"
    )
    print(f"  index top-5 equal to the scan's top-5 (by similarity): {top_agree}/{n}")
    if total_true:
        print(
            f"  LSH recall of every case the scan finds at J ≥ 0.6 (no candidate cap): "
            f"{lsh_found}/{total_true} = {lsh_found / total_true:.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
