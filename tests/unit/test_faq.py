"""FAQ content and matcher: residents' own wording must reach the right answer."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
import yaml

from bot.domain.faq import FaqEntry, FaqIndex, load_faq, normalize, tokens, validate_faq

FAQ_FILE = Path(__file__).resolve().parents[2] / "content" / "faq.yaml"

# How residents actually ask, written independently of faq.yaml (not its question/alt lines).
PARAPHRASES: list[tuple[str, str]] = [
    ("有个号码96110老给我打电话，我一直没敢接", "what-is-96110"),
    ("反诈中心的电话打过来，需要接听吗？", "what-is-96110"),
    ("那个国家反诈的软件去哪装啊", "install-anti-fraud-app"),
    ("反诈中心这个应用注册时要填哪些信息", "install-anti-fraud-app"),
    ("钱已经打到对方卡上了，才反应过来是骗子，咋整", "after-being-scammed"),
    ("我被人骗走了两万块，现在报警还来得及吗", "after-being-scammed"),
    ("网上有个律师说交点费用就能把我被骗的钱要回来", "recover-money-scam"),
    ("手机屏幕全黑了怎么按都不动，刚才还接过一个客服电话", "remote-controlled-phone"),
    ("对方叫我把手机画面共享给他，说方便远程指导", "screen-sharing"),
    ("收到的那串六位数字，对方说发给他一下就行，可以给吗", "verification-code"),
    ("打来电话的客服是真是假，要怎么看出来", "real-customer-service"),
    ("快递公司打电话说把我的件弄丢了，要赔我钱", "parcel-refund-call"),
    ("说我开了抖音会员，不关掉的话每个月都要扣钱", "membership-auto-renew"),
    ("给视频点赞就能拿佣金的兼职是不是骗人的", "task-rebate"),
    ("有个陌生人把我拉进了一个天天发红包的群", "red-packet-group"),
    ("股票群里的老师天天推荐股票，说跟着买肯定涨", "investment-teacher"),
    ("平台里赚的钱提不出来，让我先交百分之二十的税", "withdrawal-blocked"),
    ("借款还没到账，对方让我先交一笔保证金", "online-loan-fee"),
    ("群里说走内部渠道办信用卡额度五万起", "credit-card-internal-channel"),
    ("征信上的逾期记录能找人删掉吗", "credit-repair"),
    ("有人打电话说我读大学时开的校园贷要注销", "student-loan-account"),
    ("公安局的人打电话说我卷进了一起洗钱案", "police-money-laundering-call"),
    ("对方让我把存款转到国家的安全账户里", "safe-account"),
    ("老板在微信上让我先给供应商打一笔款", "boss-asks-transfer"),
    ("我在公司做会计，怎么防止被人冒充老板骗钱", "company-finance-transfer"),
    ("表哥在微信上跟我借三千块，说急用", "relative-asks-money"),
    ("视频聊天里的人会不会是AI换的脸", "ai-face-voice"),
    ("把自己的银行卡借给朋友用，会不会有事", "two-cards-crime"),
    ("有人出钱租我的支付宝，帮他们收款", "renting-account-easy-money"),
    ("网恋的男朋友一直叫我去一个网站投钱", "romance-scam"),
    ("孩子说游戏里有人送皮肤，让他扫码", "game-skins"),
    ("想卖掉我的游戏号，买家非要去别的网站交易", "game-account-trade"),
    ("有人把演唱会门票卖得特别便宜，能买吗", "cheap-goods-tickets"),
    ("卖家让我别在平台下单，直接微信转给他", "private-payment"),
    ("短信说我的话费积分今天就清零了", "points-expiry-sms"),
    ("ETC发短信说要重新激活", "etc-expiry-sms"),
    ("说我的医保卡被冻结了，这种短信是真的吗", "medical-insurance-sms"),
    ("收到个税退税的通知，让我填银行卡", "government-subsidy"),
    ("打电话说我中了大奖，要先交手续费", "prize-win"),
    ("短链接能点开吗", "short-link"),
    ("扫陌生人给的二维码有风险吗", "qr-code"),
    ("怎么让我爸妈不上当受骗", "protect-elderly-parents"),
    ("小孩玩游戏老是被人骗，当家长的该怎么管", "children-phone-games"),
    ("群里的可疑消息怎么报给机器人", "report-suspicious-message"),
    ("这个机器人能干啥", "what-the-bot-does"),
    ("答题有什么奖品", "how-quizzes-work"),
    ("三不一多", "three-nos-one-more"),
    ("国外的高薪工作，还包机票，能去吗", "fake-job-offer"),
    ("银行打电话说我的卡要被冻结了", "bank-card-frozen-call"),
    ("警察上门说我正在被骗，我该信吗", "police-home-visit"),
    ("诈骗电话应该去哪里举报", "report-to-police"),
    ("身份证照片被别人要走了，有没有危险", "personal-info"),
    ("今天下午有人打电话自称是买东西那个店的客服，说我的货有质量问题要退钱给我，"
     "还让我加他微信办理，这种情况靠谱吗", "parcel-refund-call"),
    ("我们单位群里突然来了个新号说是张总，要财务马上打二十万到一个对公账户",
     "company-finance-transfer"),
]

OFF_TOPIC = [
    "今天天气怎么样", "明天几点开会", "谁家的快递放错了", "哈哈哈", "大家晚上好",
    "周末一起去爬山吗", "收到，谢谢", "👍👍👍", "", "   ", "小区今晚停水到几点",
    "楼下电梯又坏了", "谁有孩子的数学作业答案", "中午吃什么",
]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(raw: dict) -> FaqIndex:
    return FaqIndex(load_faq(raw))


def test_shipped_faq_is_valid(raw: dict) -> None:
    assert validate_faq(raw) == []
    assert len(raw["faq"]) >= 45


def test_paraphrase_targets_exist(index: FaqIndex) -> None:
    assert len(PARAPHRASES) >= 30
    missing = {eid for _, eid in PARAPHRASES} - set(index.by_id)
    assert not missing
    lines = {normalize(x) for e in index.entries for x in (e.question, *e.alt)}
    assert not [q for q, _ in PARAPHRASES if normalize(q) in lines], "paraphrase copied"


def test_paraphrases_match_the_right_entry(index: FaqIndex) -> None:
    misses = []
    for question, expected in PARAPHRASES:
        found = index.match(question)
        got = found.entry.id if found else None
        if got != expected:
            top = [(e.id) for e in index.suggestions(question)]
            misses.append(f"{question!r}: expected {expected}, got {got} (top {top})")
    accuracy = 1 - len(misses) / len(PARAPHRASES)
    assert accuracy >= 0.9, f"accuracy {accuracy:.0%}; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_chatter_has_no_match(index: FaqIndex, text: str) -> None:
    assert index.match(text) is None


def test_every_entry_matches_its_own_question(index: FaqIndex) -> None:
    wrong = [e.id for e in index.entries if (m := index.match(e.question)) is None
             or m.entry.id != e.id]
    assert wrong == []


def test_match_carries_related_entries_and_score(index: FaqIndex) -> None:
    found = index.match("接到96110的电话怎么办")
    assert found is not None and found.entry.id == "what-is-96110"
    assert 0 < found.score <= 1
    assert [e.id for e in found.related] == list(found.entry.related)


def test_threshold_override_and_empty_index(index: FaqIndex) -> None:
    assert index.match("验证码能给别人吗", threshold=1.01) is None
    assert index.match("验证码能给别人吗", threshold=0.0) is not None
    assert index.match("钱") is None  # one character is not a question
    assert FaqIndex([]).match("验证码能给别人吗") is None
    assert FaqIndex([]).suggestions("验证码") == []


def test_suggestions(index: FaqIndex) -> None:
    ids = [e.id for e in index.suggestions("客服让我下载软件共享屏幕", n=3)]
    assert len(ids) == 3 and "screen-sharing" in ids
    assert index.suggestions("哈哈哈") == []
    assert index.suggestions("验证码", n=1)[0].id == "verification-code"


def test_normalise_and_tokens() -> None:
    assert normalize("９６１１０，ＡＰＰ！😀 反诈") == "96110app反诈"
    grams = tokens("我的验证码")
    assert "验证码" in grams and "我" not in grams and "的" not in grams
    assert "96110" in tokens("９６１１０是什么")
    assert not tokens("哈哈哈，是吗？")


def test_matching_is_fast(index: FaqIndex) -> None:
    questions = [q for q, _ in PARAPHRASES] * 5
    start = time.perf_counter()
    for q in questions:
        index.match(q)
    per_call = (time.perf_counter() - start) / len(questions)
    assert per_call < 0.005  # ~0.1-0.3 ms on a laptop; loose for slow CI


def _entry(**over: object) -> dict:
    base = {"id": "a-b", "question": "问题？", "alt": ["说法一", "说法二"], "answer": "回答。",
            "related": [], "fraud_type": "other"}
    base.update(over)
    return base


def test_validate_catches_too_long_answer() -> None:
    data = {"faq": [_entry(answer="长" * 900)]}
    assert validate_faq(data) == ["faq.yaml: faq[0].answer: too long (900 > 800)"]


def test_validate_catches_duplicate_id_and_unknown_related(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["faq"].append(copy.deepcopy(data["faq"][0]))
    data["faq"][1]["related"] = ["no-such-entry"]
    problems = validate_faq(data)
    last = len(data["faq"]) - 1
    assert any(p.startswith(f"faq.yaml: faq[{last}].id: duplicate id") for p in problems)
    assert any(p.startswith("faq.yaml: faq[1].related:") and "no-such-entry" in p
               for p in problems)


@pytest.mark.parametrize(("over", "key"), [
    ({"question": ""}, "question"), ({"fraud_type": "lottery"}, "fraud_type"),
    ({"alt": "一句"}, "alt"), ({"alt": ["x"] * 6}, "alt"), ({"id": "Bad Id"}, "id"),
    ({"answer": None}, "answer"), ({"colour": "red"}, "colour"),
])
def test_validate_catches_bad_fields(over: dict, key: str) -> None:
    problems = validate_faq({"faq": [_entry(**over)]})
    assert problems and all(p.startswith(f"faq.yaml: faq[0].{key}") for p in problems)


def test_validate_rejects_non_mapping() -> None:
    assert validate_faq({}) == ["faq.yaml: faq: missing or not a list"]
    assert validate_faq({"faq": ["x"]}) == ["faq.yaml: faq[0]: not a mapping"]


def test_load_faq_raises_naming_entry_and_key() -> None:
    with pytest.raises(ValueError, match=r"faq\[1\]\.answer"):
        load_faq({"faq": [_entry(), _entry(id="b", answer="x" * 801)]})
    entries = load_faq({"faq": [_entry(related=["b"]), _entry(id="b")]})
    assert entries[0] == FaqEntry("a-b", "问题？", "回答。", ("说法一", "说法二"), ("b",), "other")
