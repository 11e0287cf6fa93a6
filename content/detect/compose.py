"""Composed part of training.jsonl: fragment banks per fraud type, combined at random.

The hand-written messages in training.jsonl carry most of the weight; this script adds a few
hundred recombined ones so the model sees each type's lures next to many different openers,
requests and contacts (and benign notices and reminders that use the same words). It was run
once, with the fixed seed below, and its output appended to training.jsonl:

    python content/detect/compose.py >> content/detect/training.jsonl

It is kept for the record; ``python -m bot.detect.train`` only reads training.jsonl.
"""

from __future__ import annotations

import json
import random
import string

SEED = 20251121
PER_TYPE = 22
BENIGN = 90

OPENERS = ["", "您好，", "你好，", "在吗？", "【通知】", "亲，", "喂，", "打扰一下，", "急！",
           "各位，", "hello，", "朋友们，"]

BANKS: dict[str, dict[str, list[str]]] = {
    "fake_customer_service": {
        "who": ["我是淘宝售后", "这边是抖音官方客服", "我是京东客服小李", "快递理赔中心",
                "我是支付宝的工作人员", "这里是拼多多平台", "我们是航空公司客服部", "美团客服"],
        "lure": ["您的订单商品检测出质量问题需要召回", "您的包裹在运输中丢失了",
                 "您开通的百万保障明天开始扣费", "您的会员将自动续费每月扣598",
                 "您被误设置成了商户代理", "您的学生认证过期需要注销", "航班取消可以申请补偿",
                 "您的运费险可以退保", "您的账户分期服务需要关闭否则影响征信"],
        "act": ["我们给您双倍赔付", "需要您下载会议软件共享屏幕", "请加理赔专员微信",
                "请按我的指引打开支付宝备用金", "请把收到的验证码告诉我",
                "请提供银行卡号办理退款", "我发您一个退款链接", "请打开手机银行查一下余额"],
    },
    "task_rebate": {
        "who": ["招兼职", "宝妈学生党看过来", "诚招线上点赞员", "接单群招人", "手机副业",
                "急招评论员", "福利任务群"],
        "lure": ["点赞关注一单2元", "做任务日结不拖欠", "给商家拍单返本金加佣金",
                 "看视频就有收益", "一天轻松赚两三百", "首单必返新人红包",
                 "做完第一轮返佣", "刷好评一条10元"],
        "act": ["后面的连单需要先垫付", "进群领任务", "先充值才能接大单", "有意私聊",
                "下载任务APP注册", "加接待员领第一单", "卡单了要补单才能提现"],
    },
    "fake_investment": {
        "who": ["老师带单", "私募内部群", "币圈大佬", "证券公司投资顾问", "股票学习群",
                "量化团队"],
        "lure": ["明天这只票必涨停", "内幕消息主力已经进场", "USDT合约跟单胜率九成",
                 "原始股上市翻十倍", "保本年化百分之二十", "带你回本上岸", "数字货币新币首发"],
        "act": ["想上车的找助理", "进群领取代码", "在平台开户入金", "首充送体验金",
                "加老师微信免费诊股", "名额只剩十个"],
    },
    "fake_loan_credit": {
        "who": ["急用钱的看过来", "贷款专员", "信用卡中心", "金融公司客服", "网贷平台"],
        "lure": ["不看征信黑白户都能下", "身份证就能下款", "征信逾期可以修复",
                 "校园贷账户需要注销", "秒批额度二十万", "内部渠道办大额信用卡",
                 "停息挂账负债优化"],
        "act": ["放款前先交保证金", "卡号填错需要交解冻金", "先交工本费", "刷流水证明还款能力",
                "把借呗里的钱借出来清零", "加我微信申请"],
    },
    "impersonate_officials": {
        "who": ["这里是公安局刑侦支队", "我是检察院的检察官", "市法院执行局",
                "国家反洗钱中心", "派出所民警", "海关缉私局", "网安大队"],
        "lure": ["你涉嫌一起洗钱案", "你的身份信息被冒用开了涉案银行卡",
                 "你的快递里查出违禁品", "已对你发出通缉令", "你的医保卡涉嫌违规套现",
                 "你名下账户涉嫌非法集资"],
        "act": ["请把资金转入安全账户配合核查", "此案保密不得告诉家人",
                "下载软件做视频笔录", "找个没人的房间配合调查", "不要挂电话",
                "核查完资金会退回"],
    },
    "impersonate_acquaintance": {
        "who": ["我是你表哥", "我是你老同学", "我是李总", "妈，是我", "我是班主任",
                "我是你战友", "老铁是我"],
        "lure": ["换新号了", "手机坏了借同学的", "在开会不方便接电话", "微信被封了用朋友的号",
                 "出了点急事", "孩子住院了"],
        "act": ["先借我五千周转一下", "帮我给这个账户转一笔", "财务速转二十万给合作方",
                "资料费扫码交一下", "先帮我垫付一下回头还你", "别告诉别人"],
    },
    "game_trade": {
        "who": ["王者荣耀活动", "游戏客服", "收号工作室", "原神代充", "蛋仔派对福利",
                "和平精英官方"],
        "lure": ["免费领限定皮肤", "你的游戏账号被冻结", "高价回收游戏账号", "点券半价",
                 "未成年充值可全额退款", "代练上王者"],
        "act": ["用爸妈手机扫码", "先交保证金解冻", "把账号密码发我验证", "先付款后上号",
                "进腾讯会议开共享屏幕", "先付定金再换绑"],
    },
    "romance": {
        "who": ["亲爱的", "宝贝", "老公", "哥哥", "我们在交友软件上认识这么久了",
                "婚恋网上认识的对象"],
        "lure": ["我舅舅在平台内部", "这个博彩网站有漏洞", "我们一起为未来攒钱",
                 "我在海外做投资", "想和你共度余生", "我每天在这个平台赚几千"],
        "act": ["你也注册一个我带你", "先充值五千试试", "赚了钱我们就结婚",
                "提现要交税你先帮我垫", "按我说的时间下注", "清关费你先帮我付"],
    },
    "fake_shopping": {
        "who": ["内部渠道", "厂家直销", "代购", "海关罚没", "清仓甩卖", "演唱会门票"],
        "lure": ["茅台内部价", "苹果手机只要两千", "名牌包一折", "内场票原价出",
                 "羽绒服59一件", "宠物狗低价卖"],
        "act": ["先付款后发货", "先交定金锁单", "私下转账更便宜不走平台", "全款付清再发货",
                "加微信下单", "扫码付款后发券"],
    },
    "prize_subsidy": {
        "who": ["【社保中心】", "【ETC服务】", "【中国移动】", "【税务】", "【人社局】",
                "恭喜您"],
        "lure": ["您有一笔补贴待领取", "ETC认证即将失效", "积分今晚清零可兑换现金",
                 "个税退税已审核通过", "被抽中二等奖", "养老金待遇认证到期",
                 "医保余额即将作废"],
        "act": ["点击链接填写银行卡领取", "领奖需先交个税", "只需支付邮费", "扫码登记信息",
                "逾期视为放弃请尽快认证"],
    },
    "account_rental": {
        "who": ["高价收卡", "兼职跑分", "车队招人", "收号", "学生兼职"],
        "lure": ["闲置银行卡一张一天三百", "新办的电话卡一张两百", "用你的收款码帮收款",
                 "对公户高价收", "实名微信号出租", "借你的卡走个流水"],
        "act": ["卡不离身不用你操作", "收完转给我们给提成", "寄过来就结钱", "抽五个点",
                "一个月给你三千", "日结安全"],
    },
    "other": {
        "who": ["追款团队", "代办", "招聘", "你的秘密", "考试"],
        "lure": ["帮你追回被骗的钱", "驾照代消分", "你的不雅视频在我手上", "月薪两万招模特",
                 "考试答案保过", "删差评删负面"],
        "act": ["先交手续费", "入职前交培训费", "转钱否则发给你通讯录", "先付定金",
                "不成功不收费先付一半"],
    },
}

BENIGN_PARTS = {
    "notice": ["【物业通知】", "【社区通知】", "【学校通知】", "村委会通知：", "温馨提示：",
               "各位家长：", "各位业主："],
    "body": ["本周六上午停水检修", "下周一开学请按时返校", "秋季流感疫苗开始接种",
             "物业费请到物业服务中心缴纳", "耕地补贴已发放到一卡通请自行查询",
             "家长会改到周三晚上", "消防演练请配合", "垃圾分类桶已更换位置"],
    "tail": ["谢谢配合。", "请互相转告。", "有疑问请到居委会咨询。", "请通过官方渠道办理。", ""],
    "warn_sign": ["刷单返利", "先垫付后返佣", "共享屏幕", "安全账户", "验证码", "征信修复",
                  "注销校园贷", "ETC认证", "积分兑换现金", "高价收银行卡", "免费领皮肤",
                  "内部消息稳赚不赔", "冒充领导借钱", "快递理赔链接"],
    "warn_frame": ["凡是提到{s}的都是诈骗", "遇到{s}一律挂断", "{s}是骗局，请勿相信",
                   "谨防{s}，不要转账", "提醒老人：{s}都是骗子的话术", "所谓{s}都是假的",
                   "切勿相信{s}，如有疑问拨打96110"],
}


def _contact(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"，加微信 {rng.choice(string.ascii_lowercase)}" + "".join(
            rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(6, 9)))
    if kind == 1:
        return f"，QQ：{rng.randint(1, 9)}{rng.randrange(10**8, 10**9)}"
    if kind == 2:
        return f"，电话1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
    if kind == 3:
        host = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 6)))
        return f"，{host}.{rng.choice(['top', 'cc', 'vip', 'xyz', 'com'])}/{rng.randint(1, 99)}"
    return ""


def _join(rng: random.Random, parts: list[str]) -> str:
    seps = ["，", "，", "！", "。", " ", "～"]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice(seps) + p
    return out


def compose(seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for label, bank in BANKS.items():
        for _ in range(PER_TYPE):
            parts = [rng.choice(bank["who"]), rng.choice(bank["lure"]), rng.choice(bank["act"])]
            if rng.random() < 0.3:
                parts.insert(2, rng.choice(bank["lure"]))
            if rng.random() < 0.25:
                parts = parts[1:]
            text = rng.choice(OPENERS) + _join(rng, parts) + _contact(rng)
            rows.append({"text": text, "label": label})
    for i in range(BENIGN):
        if i % 2:
            s = rng.choice(BENIGN_PARTS["warn_sign"])
            text = rng.choice(BENIGN_PARTS["notice"]) + rng.choice(
                BENIGN_PARTS["warn_frame"]).format(s=s)
        else:
            text = (rng.choice(BENIGN_PARTS["notice"]) + rng.choice(BENIGN_PARTS["body"]) + "，"
                    + rng.choice(BENIGN_PARTS["tail"]))
        rows.append({"text": text.rstrip("，"), "label": "none"})
    seen: set[str] = set()
    unique = []
    for r in rows:
        if r["text"] not in seen:
            seen.add(r["text"])
            unique.append(r)
    return unique


if __name__ == "__main__":
    for row in compose():
        print(json.dumps(row, ensure_ascii=False))
