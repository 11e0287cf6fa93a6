"""The scam-message analyzer: types, signals, dodges, indicators, precision cases, robustness."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from bot.detect import (
    FRAUD_TYPES,
    Assessment,
    Indicators,
    PatternsError,
    analyze,
    extract_indicators,
    fingerprint,
    load_patterns,
    validate_patterns,
)
from bot.detect.indicators import classify_number, luhn_ok
from bot.detect.normalize import match_text
from bot.detect.patterns import DEFAULT_PATH

FLAGGED = ("orange", "red")
CALM = ("none", "yellow")

# One scam per fraud type, worded afresh (not taken from the evaluation files).
SCAMS = {
    "fake_customer_service": "您好我是京东售后，您买的电水壶被检测出质量问题要召回，给您三倍赔偿，"
    "请下载会议软件配合客服操作",
    "task_rebate": "在家刷单做任务，佣金日结，先垫付后返还本金，想做的加微信 sd_2025a",
    "fake_investment": "内部消息，跟着导师做数字货币，稳赚不赔，月收益40%以上，进群领取名额",
    "fake_loan_credit": "不看征信黑户也能贷款，当天放款，放款前先交2000元保证金，联系 13712345678",
    "impersonate_officials": "我是公安局经侦的，你涉嫌洗钱案已被立案，"
    "必须把钱转到安全账户配合调查，不要告诉家人",
    "impersonate_acquaintance": "我是你表哥，这是我新号，在外面出了点事急需用钱，"
    "先借我一万，别告诉我妈",
    "game_trade": "免费领王者荣耀皮肤，用爸爸妈妈的手机扫码，再开启屏幕共享让客服帮你领取",
    "romance": "亲爱的，我们认真交往吧，我带你在这个博彩平台下注，"
    "赚了钱我们就结婚，先充值五千",
    "fake_shopping": "海关罚没 iPhone 只要999元，原价8999现价999，先付款后发货，不走平台",
    "prize_subsidy": "【中国联通】您的积分即将清零，可兑换现金红包，"
    "请登录 http://10010-jfdh.top 兑换",
    "account_rental": "高价收银行卡，一张一个月给你4000，卡不离身，轻松赚钱，有意私聊",
    "other": "我们是专业追款团队，可以帮你追回被骗的钱，先交20%服务费",
}


@pytest.mark.parametrize("ftype", sorted(SCAMS))
def test_each_type_is_recognised_and_flagged(ftype):
    a = analyze(SCAMS[ftype])
    assert a.fraud_type == ftype, (a.fraud_type, a.type_scores)
    assert a.risk in FLAGGED
    assert 0.45 <= a.score <= 1.0


def test_every_domain_type_has_a_test_and_patterns():
    assert set(SCAMS) == set(FRAUD_TYPES)
    assert set(load_patterns().types) == set(FRAUD_TYPES)


@pytest.mark.parametrize(
    ("signal", "text"),
    [
        ("link", "详情见 https://example.com/a"),
        ("short_link", "点这里 t.cn/A6abcd 领取"),
        ("short_link", "活动入口 url.cn/xyz12 和 dwz.cn/k9"),
        ("suspicious_domain", "登录 icbc-jfdh.com 兑换积分"),
        ("suspicious_domain", "打开 аlipay.com 退款"),  # Cyrillic а
        ("app_download", "请下载这个APP注册"),
        ("meeting_app", "进入腾讯会议，会议号 123 456 789"),
        ("screen_sharing", "请打开屏幕共享"),
        ("verification_code", "请把收到的验证码发给我"),
        ("safe_account", "请把钱转到安全账户"),
        ("money_request", "马上转账给我"),
        ("upfront_fee", "需先交手续费800元"),
        ("urgency", "24小时内不处理将冻结"),
        ("secrecy", "这件事不要告诉任何人"),
        ("private_contact", "有意者私聊"),
        ("qr_code", "扫描二维码"),
        ("bank_card", "卡号 6222 0212 3456 7890 128"),
        ("phone_number", "电话 138-1234-5678"),
        ("qq_wechat_id", "加扣扣 2208163574"),
        ("card_details", "请提供银行卡号和预留手机号"),
        ("guaranteed_return", "保本保息稳赚不赔"),
        ("off_platform", "私下交易不走平台"),
        ("account_freeze", "你的账户已被冻结"),
        ("reassurance", "正规平台安全可靠"),
        ("call_to_action", "感兴趣的联系我"),
        ("victim_report", "充进去的钱提不出来，她把我拉黑了"),
    ],
)
def test_signals(signal, text):
    assert signal in analyze(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "刷 单 返 利，佣 金 日 结，加 薇 信 abc123",  # spaces
        "刷🌸单🌸返🌸利，佣💰金日结，加V❤信 abc123",  # emoji between characters
        "刷-单返-利，佣金日结，➕V：abc123",  # dashes, ➕V
        "兼職刷單，傭金日結，本金秒返，加威信 abc123",  # traditional characters, 威信
        "刷单返利，佣金日结，本金秒返，扣扣 ２２０８１６３５７４",  # full-width digits, 扣扣
        "刷单返利，佣金日结，本金秒返，加vx abc123",
    ],
)
def test_dodges_do_not_hide_a_scam(text):
    a = analyze(text)
    assert a.fraud_type == "task_rebate"
    assert a.risk in FLAGGED


def test_normalisation():
    assert match_text("刷 单") == match_text("刷-单") == match_text("刷🌸单") == "刷单"
    assert match_text("加 薇 信") == "加微信"
    assert match_text("威信") == match_text("薇信") == match_text("vx") == "微信"
    assert match_text("➕V") == "加微信"
    assert match_text("扣扣") == "qq"
    assert match_text("伽我") == "加我"
    assert match_text("𝟏𝟐𝟑①②") == "12312"
    assert match_text("支付寶百萬保障") == "支付宝百万保障"
    assert match_text("ＡＢＣ１２３") == "abc123"
    assert match_text("不要点击，不要转账") == "不要点击|不要转账"
    assert match_text("a\u200bb\u200dc") == "abc"


def test_fingerprint_ignores_numbers_emoji_and_spacing():
    assert fingerprint("日赚300，加V：ab12") == fingerprint("日 赚 500 😀，加 V：ab99")


def test_indicator_extraction():
    ind = extract_indicators(
        "联系 138 1234 5678、010-58236719、400-867-2213 或 95588；"
        "卡号 6222 0212 3456 7890 128，错号 6222021234567890129；"
        "链接 t.cn/A6xYz9kP 和 https://WWW.Example.COM/Path；QQ：123456789，微信号: Meimei0617"
    )
    assert ind.phones == ("13812345678", "01058236719", "4008672213", "95588")
    assert ind.bank_cards == ("6222021234567890128",)
    assert ind.urls == ("t.cn/A6xYz9kP", "example.com/Path")
    assert ind.domains == ("t.cn", "example.com")
    assert ind.qq_ids == ("123456789",)
    assert ind.wechat_ids == ("meimei0617",)


def test_indicator_dodges_and_non_indicators():
    ind = extract_indicators(
        "加 扣 扣 5502871634，V❤：abc_123，１３９ ００００ １１１１，+86 13700001111"
    )
    assert ind.qq_ids == ("5502871634",)
    assert ind.wechat_ids == ("abc_123",)
    assert ind.phones == ("13900001111", "13700001111")
    quiet = extract_indicators(
        "取件码 6-2-3018，快件SF1234567890123，订单E123456789，余额5321.17元，"
        "1.2GB，邮箱 abc@qq.com"
    )
    assert not quiet
    ind = extract_indicators("访问 раураl.com")  # Cyrillic р, а, у
    assert ind.domains == ("paypal.com",)
    assert ind.lookalike_domains == ("paypal.com",)


def test_luhn_and_number_classes():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert classify_number("4111111111111111") == "card"
    assert classify_number("4111111111111112") is None
    assert classify_number("13812345678") == "phone"
    assert classify_number("12812345678") is None
    assert classify_number("02188886666") == "phone"
    assert classify_number("8001234567") == "phone"
    assert classify_number("95533") == "phone"


@pytest.mark.parametrize(
    "text",
    [
        "明天下午3点家长会，请准时参加",
        "您的验证码是123456，请勿泄露给他人",
        "【工商银行】您的验证码为 482913，您正在进行网上银行登录，"
        "切勿告知他人，客服不会向您索要验证码。",
        "不要点击陌生链接，不要透露验证码，公检法不会要求转账到安全账户",
        "【反诈提醒】刷单就是诈骗，凡是先垫付后返利的兼职都是骗局，遇到请拨打96110",
        "警惕冒充客服退款！正规客服不会让你下载会议软件、开启屏幕共享，更不会索要验证码。",
        "提醒家长：游戏里免费送皮肤的都是骗人的，别让孩子用大人手机扫码",
        "切勿出租出借自己的银行卡、电话卡，否则可能构成帮信罪",
        "所谓的内部消息、稳赚不赔、导师带单都是投资诈骗的话术",
        "【物业通知】本周四停水停电，请提前储水；2025年度物业费可到物业服务中心缴纳",
        "自家种的青菜，五块钱一斤，要的私聊，楼下自提",
        "出闲置婴儿车一辆，九成新，150元，小区内自提",
        "【顺丰速运】您的快件已由驿站代收，取件码 6-2-3018，请及时领取。",
        "【京东】您的订单已出库，预计明天送达，可在京东App查看物流详情。",
        "请各位居民下载国家反诈中心APP，开启来电预警功能",
        "我家猫跑丢了，看到的联系我 13812345678，谢谢大家！",
        "刚收到短信说我的积分要过期了，让点链接兑换，我没点，这种是不是骗人的？",
    ],
)
def test_ordinary_messages_and_reminders_stay_calm(text):
    a = analyze(text)
    assert a.risk in CALM, (a.risk, a.score, a.signals, a.evidence)


def test_asking_for_a_code_is_not_the_same_as_warning_about_it():
    asking = analyze("您好我是客服，订单异常需要给您退款，请把手机收到的验证码报给我")
    warning = analyze("任何人让你把验证码报给他，都是诈骗，不要理会")
    assert "verification_code" in asking.signals
    assert asking.risk == "red"
    assert "verification_code" not in warning.signals
    assert warning.risk in CALM


def test_lure_without_action_stays_yellow_at_most():
    a = analyze("内部消息，明天涨停")
    assert a.risk in CALM


def test_assessment_is_json_able():
    a = analyze(SCAMS["prize_subsidy"])
    assert isinstance(a, Assessment)
    d = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    assert d["fraud_type"] == "prize_subsidy"
    assert d["risk"] in FLAGGED
    assert d["indicators"]["domains"] == ["10010-jfdh.top"]
    assert "suspicious_domain" in d["signals"]
    assert Indicators.from_dict(d["indicators"]) == a.indicators


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "😀🎉❤️👍" * 50,
        "<b>刷单</b> &amp; </code> &lt;a href='x'&gt;",
        "\x00\x01\ufeff",
        "刷单日结佣金，加微信 abc123。" * 1500,
        "a" * 20000,
        "１" * 5000,
    ],
)
def test_odd_inputs_do_not_crash(text):
    a = analyze(text)
    assert a.risk in ("none", "yellow", "orange", "red")
    assert 0.0 <= a.score <= 1.0


def test_speed_4096_chars():
    text = (
        "您好，我是淘宝客服，您的订单异常需要退款，请下载会议软件开启屏幕共享 http://t.cn/abc，"
        "联系13812345678，卡号6222021234567890128。" * 60
    )[:4096]
    analyze(text)
    start = time.perf_counter()
    for _ in range(5):
        analyze(text)
    assert (time.perf_counter() - start) / 5 < 0.05
    start = time.perf_counter()
    analyze("刷" * 20000)
    assert time.perf_counter() - start < 0.5


# ------------------------------------------------------------------------- patterns.yaml
def _default_data():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_shipped_patterns_are_valid():
    assert validate_patterns(_default_data()) == []


def test_validation_names_every_problem():
    data = _default_data()
    data["types"]["task_rebate"]["lures"][3] = ["刷单(", 0.5]
    data["types"]["task_rebate"]["lures"][4] = ["刷单", 1.5]
    data["types"]["not_a_type"] = {"name": "x", "lures": ["abc"]}
    data["combos"].append({"when": ["no_such_signal"], "weight": 0.2})
    data["signals"]["urgency"]["weight"] = -1
    data["signals"]["made_up"] = {"weight": 0.2, "builtin": True}
    data["warning"]["before"].append("[")
    problems = validate_patterns(data)
    text = "\n".join(problems)
    assert "patterns.yaml: types.task_rebate.lures[3]: invalid regex '刷单('" in text
    assert "types.task_rebate.lures[4]: weight 1.5 out of range" in text
    assert "types.not_a_type: unknown fraud-type id 'not_a_type'" in text
    assert "unknown signal or fraud type 'no_such_signal'" in text
    assert "signals.urgency.weight: weight -1 out of range" in text
    assert "signals.made_up.builtin: unknown built-in signal" in text
    assert "warning.before[5]: invalid regex" in text
    assert all(p.startswith("patterns.yaml: ") for p in problems)
    with pytest.raises(PatternsError) as err:
        load_patterns(data)
    assert err.value.problems == problems


def test_validation_rejects_non_mappings_and_empty_matches():
    assert validate_patterns([]) == [
        "patterns.yaml: (top): expected a mapping with signals: and types:"
    ]
    data = _default_data()
    data["signals"]["urgency"]["patterns"] = ["a*"]
    assert any("matches the empty string" in p for p in validate_patterns(data))


def test_custom_pattern_set():
    data = _default_data()
    data["types"]["other"]["lures"].append(["养生讲座", 0.7])
    custom = load_patterns(data)
    text = "养生讲座免费领鸡蛋，先交200元会员费"
    assert analyze(text, custom).fraud_type == "other"
    assert analyze(text, custom).risk in FLAGGED
