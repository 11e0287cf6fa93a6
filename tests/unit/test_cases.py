"""Case rules, message composition and the cases store (real SQLite)."""

from __future__ import annotations

import pytest

from bot.detect.similar import signature
from bot.domain import cases as rules
from bot.domain.case_texts import (
    Answer,
    CardView,
    Person,
    Similar,
    render_answer,
    render_card,
    render_verdict,
    render_warning,
)
from bot.domain.cases import Candidate, RouteInput
from bot.i18n import Texts
from bot.store.cases import CaseRepo, NewReport
from bot.store.invites import InviteRepo
from bot.tghtml import parse_html

TEXTS = Texts.load()


# ---- routing ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "expected"), [
    (RouteInput("volunteer", "none", "open"), rules.TO_OFFICERS),
    (RouteInput("officer", "none", "open"), rules.TO_OFFICERS),
    (RouteInput("resident", "none", "open"), rules.NOT_NEEDED),
    (RouteInput("resident", "yellow", "open"), rules.TO_OFFICERS),
    (RouteInput("resident", "none", "open", requested=True), rules.TO_OFFICERS),
    (RouteInput("resident", "red", "open", routed_today=5, daily_limit=5), rules.LIMIT_REACHED),
    (RouteInput("volunteer", "red", "open", routed_today=99, daily_limit=5), rules.TO_OFFICERS),
    (RouteInput("resident", "red", "pending"), rules.ALREADY_ROUTED),
    (RouteInput("volunteer", "red", "decided"), rules.ALREADY_ROUTED),
    (RouteInput("volunteer", "red", "open", blocked=True), rules.BLOCKED),
    (RouteInput("volunteer", "red", "open", recent=10, per_minute=10), rules.THROTTLED),
    (RouteInput("volunteer", "red", "open", recent=9, per_minute=10), rules.TO_OFFICERS),
    (RouteInput("volunteer", "red", "open", recent=500, per_minute=0), rules.TO_OFFICERS),
])
def test_route(given, expected):
    assert rules.route(given) == expected


def test_first_decision_wins_and_stale_actions_are_refused():
    assert rules.check_action("pending", "ok") is None
    assert rules.check_action("need_info", "no") is None
    assert rules.check_action("decided", "ok") == "decided"
    assert rules.check_action("decided", "scam") == "decided"
    assert rules.check_action("decided", "wa") is None
    assert rules.check_action("pending", "wa") == "not_decided"
    assert rules.check_action("open", "ok") == "not_routed"
    assert rules.check_action("withdrawn", "no") == "withdrawn"
    assert rules.check_action("need_info", "info") == "already_info"
    assert rules.decision_of("okw") == ("scam", True)
    assert rules.decision_of("no") == ("not_scam", False)
    assert rules.decision_of("scam") is None


@pytest.mark.parametrize(("action", "arg", "ok"), [
    ("ok", "12:task_rebate", True), ("okw", "3:other", True), ("no", "7", True),
    ("wa", "7:all", True), ("ok", "12", False), ("ok", "12:hacking", False),
    ("no", "7:x", False), ("no", "-1", False), ("no", "07", False), ("no", "1e3", False),
    ("wa", "7:everyone", False), ("no", "9" * 20, False), ("no", "", False),
])
def test_card_action_data_is_validated(action, arg, ok):
    assert (rules.parse_card_action(arg, action) is not None) is ok


def test_choose_link_prefers_decided_then_similar_and_skips_withdrawn():
    found = [Candidate(1, 0.9), Candidate(2, 0.7), Candidate(3, 0.4, ("wechat:x",)),
             Candidate(4, 0.99), Candidate(5, 0.5)]
    statuses = {1: "pending", 2: "decided", 3: "decided", 4: "withdrawn", 5: "pending"}
    assert rules.choose_link(found, statuses, threshold=0.6).case_id == 2
    statuses[2] = "pending"
    assert rules.choose_link(found, statuses, threshold=0.6).case_id == 3
    assert rules.choose_link([Candidate(5, 0.5)], statuses, threshold=0.6) is None
    assert rules.choose_link([Candidate(9, 1.0)], statuses, threshold=0.6) is None  # unknown


def test_warn_and_user_id_arguments():
    assert rules.parse_warn_args(["12"]) == rules.WarnRequest(12, "src")
    assert rules.parse_warn_args(["#12", "all"]) == rules.WarnRequest(12, "all")
    assert rules.parse_warn_args(["12", "area=幸福里"]) == rules.WarnRequest(12, "area", "幸福里")
    for bad in ([], ["x"], ["12", "area="], ["12", "everywhere"], ["1", "2", "3"]):
        assert rules.parse_warn_args(bad) is None
    assert rules.parse_user_id(["2003"]) == 2003
    assert rules.parse_user_id(["@bob"]) is None and rules.parse_user_id([]) is None


# ---- what people read ------------------------------------------------------------------------

def _case(**kw) -> rules.Case:
    base = dict(id=7, status="pending", verdict=None, fraud_type="task_rebate", risk="orange",
                score=0.76, signals=("qq_wechat_id", "private_contact"), indicators={},
                fingerprint="x", text="<b>刷单</b> & 返利 </code>", has_media=False,
                created_at=0.0)
    return rules.Case(**{**base, **kw})


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_messages_are_valid_telegram_html(lang):
    answer = render_answer(TEXTS, lang, Answer(7, "task_rebate", "orange", ("qq_wechat_id",),
                                               True, False, rules.TO_OFFICERS))
    card = render_card(TEXTS, lang, CardView(_case(), 2, [Person(1, "<小刘>", "volunteer")],
                                             ["幸福里 & 群"], [{"type": "hidden_user",
                                                               "name": "<x>"}],
                                             similar=[Similar(3, 0.7, "decided", "scam")]))
    decided = render_card(TEXTS, lang, CardView(_case(status="decided", verdict="scam"), 1,
                                                [], [], [], decided_by="王警官",
                                                decided_at="2026-01-01 10:00"))
    for html in (answer, card, decided, render_verdict(TEXTS, lang, 7, "scam", "romance"),
                 render_warning(TEXTS, lang, "task_rebate", ("link", "reminder"))):
        parse_html(html)  # raises on invalid markup
    plain, _ = parse_html(card)
    assert "<b>刷单</b> & 返利 </code>" in plain and "<小刘>" in plain and "#3" in plain
    if lang == "zh-CN":
        assert "相似案件：#3（70%，已确认诈骗）" in plain


def test_answer_says_where_it_went_and_known_verdicts():
    base = dict(case_id=3, fraud_type=None, risk="none", signals=(), has_text=True,
                has_media=False)
    assert "风险不高" in render_answer(TEXTS, "zh-CN", Answer(**base, route=rules.NOT_NEEDED))
    limit = render_answer(TEXTS, "zh-CN", Answer(**base, route=rules.LIMIT_REACHED,
                                                 daily_limit=5))
    assert "每天 5 次" in limit
    known = render_answer(TEXTS, "zh-CN", Answer(**base, route=rules.ALREADY_ROUTED,
                                                 verdict="scam", verdict_type="romance"))
    assert "确认是诈骗" in known and "杀猪盘" in known and "撤回" not in known
    media = render_answer(TEXTS, "zh-CN", Answer(**{**base, "has_text": False,
                                                    "has_media": True}, route=rules.NOT_NEEDED))
    assert "无法自动识别" in media


def test_warning_names_nobody_and_leaves_out_the_text():
    warning = render_warning(TEXTS, "zh-CN", "fake_customer_service",
                             ("link", "screen_sharing", "reminder"))
    assert "冒充电商物流/平台客服" in warning and "屏幕共享" in warning
    assert "反诈提醒" not in warning  # the informational 'reminder' signal is not a sign


def test_trim_and_merge():
    assert rules.trim("abcdef", 4) == "abc…" and rules.trim(" ab ", 4) == "ab"
    assert rules.merge_indicators({"phones": ["1"]}, {"phones": ["1", "2"], "urls": ["u"]}) == {
        "phones": ["1", "2"], "urls": ["u"]}


# ---- the store -------------------------------------------------------------------------------

def _new(reporter: int = 2003, text: str = "刷单返利") -> NewReport:
    return NewReport(reporter, "volunteer", "forward", reporter, 10, None, text,
                     ({"type": "photo", "file_id": "f"},), {"type": "hidden_user", "name": "x"})


async def test_store_first_decision_wins_withdraw_and_notify(db):
    repo = CaseRepo(db)
    r1 = await repo.add_report(_new(), 100.0)
    case_id = await repo.create_case(r1, {"risk": "orange", "fingerprint": "刷单返利",
                                          "indicators": {"wechat_ids": ["a"]}},
                                     signature("刷单返利"), text="刷单返利", has_media=True,
                                     at=100.0)
    r2 = await repo.add_report(_new(2001), 101.0)
    await repo.link(r2, case_id, {"wechat_ids": ["b"]})
    case = await repo.get(case_id)
    assert case.indicators == {"wechat_ids": ["a", "b"]} and case.status == "open"
    assert (await repo.report(r1)).media == ({"type": "photo", "file_id": "f"},)
    assert await repo.route(case_id, 102.0) and not await repo.route(case_id, 103.0)
    assert await repo.count_since(2003, 0.0) == 1
    assert await repo.withdraw(r2)
    assert not await repo.withdraw(r2)
    assert (await repo.get(case_id)).status == "pending"  # r1 still stands
    assert await repo.decide(case_id, "scam", "task_rebate", 1001, 104.0)
    assert not await repo.decide(case_id, "not_scam", None, 1002, 105.0)
    case = await repo.get(case_id)
    assert (case.verdict, case.decided_by) == ("scam", 1001)
    assert not await repo.withdraw(r1)  # decided: too late
    assert await repo.to_notify(case_id, "scam") == [2003]
    await repo.mark_notified(case_id, 2003, "scam")
    assert await repo.to_notify(case_id, "scam") == []
    [row] = await repo.index_rows()
    assert row.verdict == "scam" and len(row.signature) == 256


async def test_source_group_follows_a_supergroup_migration(db):
    from bot.store.groups import GroupRepo

    repo, groups = CaseRepo(db), GroupRepo(db)
    await groups.register(-1, "家长群", "group", "parents", "", 7)
    report = await repo.add_report(NewReport(2003, "volunteer", "group", -1, 5, -1, "x"), 1.0)
    case_id = await repo.create_case(report, {}, None, text="x", has_media=False, at=1.0)
    assert await repo.source_chats(case_id) == [-1]
    await groups.migrate(-1, -1001)
    assert await repo.source_chats(case_id) == [-1001]


async def test_store_withdrawing_the_last_report_withdraws_the_case(db):
    repo = CaseRepo(db)
    r1 = await repo.add_report(_new(), 1.0)
    case_id = await repo.create_case(r1, {}, None, text="x", has_media=False, at=1.0)
    assert await repo.withdraw(r1)
    assert (await repo.get(case_id)).status == "withdrawn"
    assert await repo.index_rows() == []


async def test_invites_are_used_once_and_expire(db):
    repo = InviteRepo(db)
    await repo.create("abc", 1001, "幸福里", "", 0.0, 100.0)
    assert not await repo.claim("abc", 5, 100.0)  # expired at 100
    assert await repo.claim("abc", 5, 50.0)
    assert not await repo.claim("abc", 6, 51.0)
    assert (await repo.get("abc")).used_by == 5
    assert not await repo.claim("nope", 5, 1.0)


def test_reports_config_is_typed_defaulted_and_validated(tmp_path):
    from bot.config import ConfigError, config_from_mapping

    config = config_from_mapping({}, env={})
    assert config.reports.invite_days == 7 and config.reports.daily_limit_per_user == 5
    with pytest.raises(ConfigError) as err:
        config_from_mapping({"reports": {"similarity": 2, "per_minute": "many", "colour": 1}},
                            source="c.yaml", env={})
    text = str(err.value)
    assert "reports.similarity" in text and "reports.per_minute" in text
    assert "reports.colour: unknown key" in text


def test_check_names_a_bad_pattern_in_the_content_folder(tmp_path):
    import shutil

    from bot.content import load_content
    from tests.helpers import ROOT

    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    path = folder / "patterns.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbogus_key: 1\n", encoding="utf-8")
    content = load_content(folder)
    assert content.patterns is None
    assert any(p.startswith(f"{path}: bogus_key: unknown key") for p in content.problems)
    assert load_content(ROOT / "content").patterns is not None


def test_eval_command_prints_the_report_and_names_a_missing_file(capsys):
    from bot.__main__ import main
    from tests.helpers import ROOT

    assert main(["eval", str(ROOT / "tests" / "data" / "eval_dev.jsonl")]) == 0
    assert "precision" in capsys.readouterr().out
    assert main(["eval", "no-such-file.jsonl"]) == 1
    assert "no-such-file.jsonl" in capsys.readouterr().err
