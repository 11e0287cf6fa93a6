"""Reports and cases: store, assess, match known cases, route, decide, tell, warn.

The handlers parse Telegram updates and check roles; this module does the work with the
services (store, known-case index, delivery) and the pure rules in bot/domain/cases.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot.context import Services
from bot.detect import Indicators, analyze
from bot.detect.similar import CaseIndex, signature
from bot.domain import cases as rules
from bot.domain.case_texts import render_info_request, render_verdict, render_warning
from bot.domain.cases import Candidate, Case, RouteInput
from bot.handlers import callbacks
from bot.store.cases import NewReport
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)

SIMILAR_FLOOR = 0.35  # cases at least this similar are shown to officers on a card
NEUTRAL = {"fraud_type": None, "risk": "none", "score": 0.0, "signals": [], "indicators": {},
           "fingerprint": ""}


@dataclass
class Filed:
    """What became of one report."""

    report_id: int
    case: Case
    route: str
    linked: bool = False            # joined a case that already existed
    new_card: bool = False          # the case just went to the officers
    others: int = 0                 # other people who reported the same case
    assessment: dict = field(default_factory=lambda: dict(NEUTRAL))
    has_text: bool = True
    has_media: bool = False
    notice: bool = False            # the first report over the per-minute limit


def build_index(rows) -> CaseIndex:
    """The known-case index from the database: texts of every case, indicators of scams."""
    index = CaseIndex()
    for row in rows:
        confirmed = Indicators.from_dict(row.indicators) if row.verdict == rules.SCAM else None
        index.add(row.case_id, row.fingerprint, confirmed, sig=row.signature)
    return index


def _assess(services: Services, text: str) -> dict:
    if not text.strip():
        return dict(NEUTRAL)
    try:
        return analyze(text, services.content.patterns).to_dict()
    except Exception:  # a bug in a rule must never lose the report: it is already stored
        log.exception("Analyzer failed; the report is kept without an assessment")
        return dict(NEUTRAL)


def candidates(services: Services, fingerprint: str, indicators: dict) -> list[Candidate]:
    """Known cases whose text is similar or that share a confirmed indicator."""
    if not fingerprint and not indicators:
        return []
    matches = services.case_index.lookup(fingerprint, Indicators.from_dict(indicators),
                                         threshold=SIMILAR_FLOOR, limit=8)
    return [Candidate(m.case_id, m.similarity, m.shared) for m in matches]


def day_start(services: Services) -> float:
    now = services.now()
    return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


async def file_report(services: Services, new: NewReport) -> Filed:
    """Store the report, assess it, join or open its case, decide where it goes."""
    cfg = services.config.reports
    at = services.clock().timestamp()
    report_id = await services.cases.add_report(new, at)  # stored before anything else
    a = _assess(services, new.text)
    found = candidates(services, a["fingerprint"], a["indicators"])
    statuses = await services.cases.statuses(c.case_id for c in found)
    link = rules.choose_link(found, statuses, threshold=cfg.similarity)
    if link is not None:
        await services.cases.link(report_id, link.case_id, a["indicators"])
        case_id = link.case_id
    else:
        case_id = await services.cases.create_case(
            report_id, a, signature(a["fingerprint"]), text=new.text,
            has_media=bool(new.media), at=at)
        services.case_index.add(case_id, a["fingerprint"])
    case = await services.cases.get(case_id)
    assert case is not None
    user = await services.users.get(new.reporter_id)
    recent = await services.cases.count_since(new.reporter_id, at - 60) - 1
    decision = rules.route(RouteInput(
        role=new.reporter_role,
        risk=max(a["risk"], case.risk, key=lambda r: rules.RISK_ORDER.get(r, 0)),
        case_status=case.status, blocked=bool(user and user.blocked),
        routed_today=await services.cases.count_since(new.reporter_id, day_start(services),
                                                      routed=True),
        daily_limit=cfg.daily_limit_per_user, recent=recent, per_minute=cfg.per_minute))
    filed = Filed(report_id, case, decision, linked=link is not None, assessment=a,
                  has_text=bool(new.text.strip()), has_media=bool(new.media))
    if decision == rules.THROTTLED:
        await services.cases.set_report(report_id, throttled=True)
        filed.notice = recent == cfg.per_minute
    elif decision == rules.TO_OFFICERS and await services.cases.route(case_id, at):
        await services.cases.set_report(report_id, routed=True)
        filed.new_card = True
        filed.case = await services.cases.get(case_id) or case
    if case.status == rules.DECIDED and case.verdict and decision != rules.THROTTLED:
        await services.cases.set_report(report_id, notified=case.verdict)
    reporters = {r.reporter_id for r in await services.cases.reports_of(case_id)}
    filed.others = len(reporters - {new.reporter_id})
    return filed


async def add_supplement(services: Services, case_id: int, new: NewReport) -> Case | None:
    """More material for a case whose officer asked for it; the case is pending again.

    Always stored; None when the case is closed meanwhile (the material is kept on it).
    """
    at = services.clock().timestamp()
    report_id = await services.cases.add_report(new, at)
    case = await services.cases.get(case_id)
    if case is None:
        return None
    await services.cases.link(report_id, case_id, _assess(services, new.text)["indicators"])
    if not case.undecided:
        return None
    await services.cases.info_received(case_id)
    return await services.cases.get(case_id)


async def ask_officers(services: Services, report_id: int, user_id: int) -> str:
    """A resident pressed 请民警核实 on their own report: route it if the rules allow."""
    report = await services.cases.report(report_id)
    if report is None or report.reporter_id != user_id or report.case_id is None:
        return "stale"
    case = await services.cases.get(report.case_id)
    user = await services.users.get(user_id)
    if case is None or report.withdrawn:
        return "stale"
    decision = rules.route(RouteInput(
        role=report.reporter_role, risk=case.risk, case_status=case.status, requested=True,
        blocked=bool(user and user.blocked),
        routed_today=await services.cases.count_since(user_id, day_start(services),
                                                      routed=True),
        daily_limit=services.config.reports.daily_limit_per_user))
    if decision == rules.TO_OFFICERS:
        if not await services.cases.route(case.id, services.clock().timestamp()):
            return rules.ALREADY_ROUTED
        await services.cases.set_report(report_id, routed=True)
    return decision


async def withdraw(services: Services, report_id: int, user_id: int) -> Case | None:
    """The reporter withdraws an undecided report; returns its case, or None if refused."""
    report = await services.cases.report(report_id)
    if report is None or report.reporter_id != user_id or report.case_id is None:
        return None
    if not await services.cases.withdraw(report_id):
        return None
    case = await services.cases.get(report.case_id)
    if case is not None and case.status == rules.WITHDRAWN:
        services.case_index.remove(case.id)
    return case


async def decide(services: Services, case_id: int, verdict: str, fraud_type: str | None,
                 officer_id: int) -> Case | None:
    """Record the first decision; confirmed indicators join the known cases; tell reporters."""
    at = services.clock().timestamp()
    if not await services.cases.decide(case_id, verdict, fraud_type, officer_id, at):
        return None
    case = await services.cases.get(case_id)
    assert case is not None
    if verdict == rules.SCAM:
        services.case_index.add(case.id, case.fingerprint, Indicators.from_dict(case.indicators))
    await notify_verdict(services, case)
    return case


async def _language(services: Services, user_id: int) -> str:
    user = await services.users.get(user_id)
    return services.texts.lang(user.language_code if user else None)


async def notify_verdict(services: Services, case: Case) -> int:
    """Every reporter of the case hears the verdict privately, through the outbox."""
    items = []
    reporters = await services.cases.to_notify(case.id, case.verdict or "")
    for reporter_id in reporters:
        text = render_verdict(services.texts, await _language(services, reporter_id), case.id,
                              case.verdict or "", case.fraud_type)
        items.append(OutboxItem(reporter_id, "verdict", "send_message", {"text": text},
                                dedupe_key=f"verdict:{case.id}:{reporter_id}:{case.verdict}"))
    if items:
        await services.delivery.enqueue(items)
    for reporter_id in reporters:
        await services.cases.mark_notified(case.id, reporter_id, case.verdict or "")
    return len(items)


async def request_info(services: Services, case: Case, officer_id: int) -> bool:
    """需补充: ask the reporters for more material, each with a button to send it."""
    if not await services.cases.ask_info(case.id, officer_id):
        return False
    items = []
    for reporter_id in sorted({r.reporter_id for r in await services.cases.reports_of(case.id)}):
        lang = await _language(services, reporter_id)
        markup = {"inline_keyboard": [[{
            "text": services.texts.t("reports.buttons.add", lang),
            "callback_data": f"{callbacks.REPORT}:add:{case.id}"}]]}
        items.append(OutboxItem(reporter_id, "case_info", "send_message",
                                {"text": render_info_request(services.texts, lang, case.id),
                                 "reply_markup": markup},
                                dedupe_key=f"case_info:{case.id}:{reporter_id}"))
    if items:
        await services.delivery.enqueue(items)
    return True


async def warning_targets(services: Services, case: Case, scope: str, area: str = ""
                          ) -> tuple[list[int], str]:
    """The groups a warning goes to, and the area used (for scope "area")."""
    sources = [g for g in [await services.groups.get(c)
                           for c in await services.cases.source_chats(case.id)]
               if g is not None and g.active]
    if scope == "src":
        return [g.chat_id for g in sources], ""
    if scope == "all":
        return [g.chat_id for g in await services.groups.active_registered()], ""
    if not area:
        areas = [g.area for g in sources if g.area]
        for report in await services.cases.reports_of(case.id):
            user = await services.users.get(report.reporter_id)
            if user and user.area:
                areas.append(user.area)
        area = areas[0] if areas else ""
    if not area:
        return [], ""
    return [g.chat_id for g in await services.groups.active_registered(area=area)], area


async def warn(services: Services, case: Case, chats: list[int], scope: str, officer_id: int,
               report_chat: int | None) -> int:
    """Post the warning to the groups through the delivery engine; returns how many are new."""
    if not chats:
        return 0
    text = render_warning(services.texts, services.config.locale, case.fraud_type, case.signals)
    items = [OutboxItem(chat_id, "warning", "send_message", {"text": text},
                        dedupe_key=f"warning:{case.id}:{chat_id}") for chat_id in chats]
    _, ids = await services.delivery.enqueue(items, broadcast={
        "kind": "warning", "created_by": officer_id, "summary": f"case {case.id}",
        "meta": {"report_chat": report_chat, "case_id": case.id, "scope": scope}})
    await services.cases.set_warned(case.id, scope, services.clock().timestamp())
    return sum(1 for i in ids if i)


def minutes_waiting(services: Services, case: Case) -> int:
    since = case.routed_at or case.created_at
    return max(0, int((services.clock().timestamp() - since) // 60))


def local_time(services: Services, ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, services.config.tz).strftime("%Y-%m-%d %H:%M")
